"""The one-dimensional discrete Fourier transforms as primitives, with their rules.

Every transform in :mod:`chainrule.numpy.fft` is a sequence of these four, applied axis
by axis in NumPy's own order, so values are NumPy's to the last bit. The rules follow from
two facts. The DFT matrix is symmetric, so the transpose of ``fft`` (for the bilinear
pairing of chainrule's complex convention, see :mod:`._complex`) is ``fft`` itself, and
likewise for ``ifft``, whatever the normalization; NumPy's cropping or zero-padding of
the input to ``n`` points transposes to zero-padding or cropping back. ``rfft`` is
``fft`` followed by keeping the first ``n // 2 + 1`` coefficients, and ``irfft`` reads
only those: its transpose weighs each coefficient by how many times the Hermitian
extension uses it (1 for the constant and, for even ``n``, the Nyquist term; 2 for the
others), as in JAX's rule.
"""

from __future__ import annotations

import numpy as np

from ..core.batching import per_example_axis
from ..core.trace import is_complex
from ._base import PRIMS, defprim, ndim, sample_args
from ._base import dtype as dtype_of
from ._base import shape as shape_of

__all__ = ["fft_p", "ifft_p", "rfft_p", "irfft_p", "fit_length"]


def fit_length(x, length: int, axis: int):
    """``x`` cropped or zero-padded to ``length`` along ``axis``, as NumPy's transforms
    do to their input (differentiable)."""
    s = shape_of(x)
    cur = s[axis]
    if cur == length:
        return x
    if cur > length:
        idx = (slice(None),) * axis + (slice(0, length),)
        return PRIMS["getitem"](x, idx=idx)
    pad = list(s)
    pad[axis] = length - cur
    return PRIMS["concatenate"](x, np.zeros(pad, dtype_of(x)), axis=axis)


def _transpose_of(name: str):
    """The vjp of ``fft``/``ifft``: the same transform, then back to the input's length."""
    def vjp(g, ans, x, *, n, axis, norm):
        return fit_length(PRIMS[name](g, n=n, axis=axis, norm=norm), shape_of(x)[axis], axis)
    return vjp


def _linear(prim_name: str):
    def jvp(t, ans, x, *, n, axis, norm):
        return PRIMS[prim_name](t, n=n, axis=axis, norm=norm)
    return jvp


def _samples(name: str):
    def make():
        return [sample_args(name, (6,), n=5, axis=0, norm=None),
                sample_args(name + "pad", (2, 5), n=8, axis=1, norm="ortho"),
                sample_args(name + "crop", (7, 2), n=4, axis=0, norm="forward")]
    return make


def _impl(fn):
    return lambda x, *, n, axis, norm: fn(x, n=n, axis=axis, norm=norm)


fft_p = defprim(
    "fft", _impl(np.fft.fft), jvp=(_linear("fft"),), vjp=(_transpose_of("fft"),),
    rule="linearity", statement="the DFT is linear: fft(u)' = fft(u')", linear=True,
    samples=_samples("fft"), save_ans=False, save_args=False)

ifft_p = defprim(
    "ifft", _impl(np.fft.ifft), jvp=(_linear("ifft"),), vjp=(_transpose_of("ifft"),),
    rule="linearity", statement="the inverse DFT is linear: ifft(u)' = ifft(u')",
    linear=True, samples=_samples("ifft"), save_ans=False, save_args=False)


def _rfft_vjp(g, ans, x, *, n, axis, norm):
    # fft of the cotangent padded to n points; the real part is taken on the tape, where
    # the real input meets the complex output (see core.reverse)
    full = fit_length(g, n, axis)
    return fit_length(fft_p(full, n=n, axis=axis, norm=norm), shape_of(x)[axis], axis)


def _rfft_impl(x, *, n, axis, norm):
    if np.iscomplexobj(x):
        raise TypeError("rfft takes real input; use fft for complex input")
    return np.fft.rfft(x, n=n, axis=axis, norm=norm)


rfft_p = defprim(
    "rfft", _rfft_impl, jvp=(_linear("rfft"),), vjp=(_rfft_vjp,),
    rule="linearity", statement="the real DFT is linear: rfft(u)' = rfft(u')", linear=True,
    samples=_samples("rfft"), save_ans=False, save_args=False)


def _hermitian_weights(n: int, m: int, ndim: int, axis: int, dt) -> np.ndarray:
    """How often the Hermitian extension of ``n`` points uses each of the first ``m``
    coefficients: 1 for the constant term and (n even) the Nyquist term, else 2."""
    w = np.full(m, 2.0, dtype=np.finfo(dt).dtype)
    w[0] = 1.0
    if n % 2 == 0:
        w[-1] = 1.0
    return w.reshape((m,) + (1,) * (ndim - 1 - axis))


def _irfft_vjp(g, ans, c, *, n, axis, norm):
    m = n // 2 + 1
    spectrum = fit_length(ifft_p(g, n=n, axis=axis, norm=norm), m, axis)
    out = spectrum * _hermitian_weights(n, m, len(shape_of(g)), axis, dtype_of(spectrum))
    if not is_complex(c):  # a real input reads only the real parts
        out = PRIMS["real"](out)
    return fit_length(out, shape_of(c)[axis], axis)


irfft_p = defprim(
    "irfft", _impl(np.fft.irfft), jvp=(_linear("irfft"),), vjp=(_irfft_vjp,),
    rule="linearity", statement="the inverse real DFT is real-linear: irfft(u)' = irfft(u')",
    linear=True, samples=lambda: [  # (tests/test_complex.py adds imaginary parts)
        sample_args("irfft", (4,), n=6, axis=0, norm=None),
        sample_args("irfft7", (5,), n=7, axis=0, norm="ortho"),
        sample_args("irfft3", (3, 2), n=3, axis=0, norm="forward"),
        sample_args("irfft4", (2, 3), n=8, axis=1, norm=None),
    ], save_ans=False, save_args=False)


def _batch_fft(prim):
    """vmap: the transform runs along the same axis of each example, one axis further."""
    def rule(args, dims, *, n, axis, norm):
        x = args[0]
        return prim(x, n=n, axis=per_example_axis(axis, ndim(x) - 1), norm=norm), 0
    return rule


for _p in (fft_p, ifft_p, rfft_p, irfft_p):
    _p.batch = _batch_fft(_p)
