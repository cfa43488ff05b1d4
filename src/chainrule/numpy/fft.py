"""``chainrule.numpy.fft``: NumPy's discrete Fourier transforms, differentiable.

Same names, arguments and values as :mod:`numpy.fft` (the n-dimensional transforms are
the one-dimensional ones applied axis by axis in NumPy's order, so results agree to the
last bit), with forward and reverse rules of any order (see :mod:`._fft`). Inputs may be
real or complex; gradients follow chainrule's complex convention (JAX's and autograd's):

>>> import numpy as np
>>> import chainrule as cr
>>> x = np.array([1.0, 2.0, 0.5, -1.0])
>>> power = lambda x: cr.numpy.sum(cr.numpy.abs(fft(x)) ** 2)  # = n * sum(x**2)
>>> cr.grad(power)(x).tolist()
[8.0, 16.0, 4.0, -8.0]
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.fft import fftfreq, rfftfreq
from numpy.lib.array_utils import normalize_axis_index

from ._arrays import asarray
from ._base import ndim
from ._base import shape as shape_of
from ._complex import conj
from ._extra import roll
from ._fft import fft_p, ifft_p, irfft_p, rfft_p

__all__ = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2",
           "irfft2", "fftn", "ifftn", "rfftn", "irfftn", "fftshift", "ifftshift", "fftfreq",
           "rfftfreq"]


def _one(prim, a, n, axis, norm, default_n=None):
    a = asarray(a)
    axis = normalize_axis_index(axis, ndim(a))
    if n is None:
        n = shape_of(a)[axis] if default_n is None else default_n(shape_of(a)[axis])
    return prim(a, n=int(n), axis=axis, norm=norm)


def _irfft_length(m: int) -> int:
    return 2 * (m - 1)


def fft(a, n=None, axis=-1, norm=None):
    """One-dimensional DFT (``numpy.fft.fft``)."""
    return _one(fft_p, a, n, axis, norm)


def ifft(a, n=None, axis=-1, norm=None):
    """One-dimensional inverse DFT (``numpy.fft.ifft``)."""
    return _one(ifft_p, a, n, axis, norm)


def rfft(a, n=None, axis=-1, norm=None):
    """DFT of real input, the ``n // 2 + 1`` non-negative frequencies (``numpy.fft.rfft``)."""
    return _one(rfft_p, a, n, axis, norm)


def irfft(a, n=None, axis=-1, norm=None):
    """Inverse of :func:`rfft`: ``n`` real points (default ``2 (m - 1)``) from ``m``
    coefficients of a Hermitian spectrum (``numpy.fft.irfft``)."""
    return _one(irfft_p, a, n, axis, norm, _irfft_length)


_SWAPPED = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def _swap(norm):
    if norm not in _SWAPPED:
        raise ValueError(f'Invalid norm value {norm}; should be "backward", "ortho" or '
                         '"forward".')
    return _SWAPPED[norm]


def hfft(a, n=None, axis=-1, norm=None):
    """DFT of a signal with Hermitian symmetry: real output (``numpy.fft.hfft``)."""
    return irfft(conj(asarray(a)), n, axis, _swap(norm))


def ihfft(a, n=None, axis=-1, norm=None):
    """Inverse of :func:`hfft` (``numpy.fft.ihfft``)."""
    return conj(rfft(a, n, axis, _swap(norm)))


def _cook(a, s, axes, inverse_real: bool = False) -> tuple:
    """NumPy's ``s`` and ``axes`` defaults for the n-dimensional transforms."""
    nd = ndim(a)
    shapeless = s is None
    if axes is None and s is not None:
        warnings.warn(
            "`axes` should not be `None` if `s` is not `None` (Deprecated in NumPy 2.0): "
            "pass the axes explicitly, as NumPy will require", DeprecationWarning,
            stacklevel=4)
    if axes is None:
        axes = list(range(-len(s), 0)) if s is not None else list(range(nd))
    axes = [normalize_axis_index(ax, nd) for ax in axes]
    s = [shape_of(a)[ax] for ax in axes] if s is None else list(s)
    if len(s) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    s = [shape_of(a)[ax] if k is None else int(k) for k, ax in zip(s, axes)]
    if inverse_real and shapeless:
        s[-1] = _irfft_length(shape_of(a)[axes[-1]])
    return s, axes


def _nd(prim, a, s, axes, norm):
    a = asarray(a)
    s, axes = _cook(a, s, axes)
    for n, ax in reversed(list(zip(s, axes))):
        a = prim(a, n=n, axis=ax, norm=norm)
    return a


def fftn(a, s=None, axes=None, norm=None):
    """N-dimensional DFT (``numpy.fft.fftn``)."""
    return _nd(fft_p, a, s, axes, norm)


def ifftn(a, s=None, axes=None, norm=None):
    """N-dimensional inverse DFT (``numpy.fft.ifftn``)."""
    return _nd(ifft_p, a, s, axes, norm)


def fft2(a, s=None, axes=(-2, -1), norm=None):
    """Two-dimensional DFT (``numpy.fft.fft2``)."""
    return fftn(a, s, axes, norm)


def ifft2(a, s=None, axes=(-2, -1), norm=None):
    """Two-dimensional inverse DFT (``numpy.fft.ifft2``)."""
    return ifftn(a, s, axes, norm)


def rfftn(a, s=None, axes=None, norm=None):
    """N-dimensional DFT of real input (``numpy.fft.rfftn``): ``rfft`` along the last
    axis, then ``fft`` along the others."""
    a = asarray(a)
    s, axes = _cook(a, s, axes)
    a = rfft_p(a, n=s[-1], axis=axes[-1], norm=norm)
    for n, ax in reversed(list(zip(s[:-1], axes[:-1]))):
        a = fft_p(a, n=n, axis=ax, norm=norm)
    return a


def irfftn(a, s=None, axes=None, norm=None):
    """Inverse of :func:`rfftn` (``numpy.fft.irfftn``): ``ifft`` along all axes but the
    last, then ``irfft`` along it."""
    a = asarray(a)
    s, axes = _cook(a, s, axes, inverse_real=True)
    for n, ax in zip(s[:-1], axes[:-1]):
        a = ifft_p(a, n=n, axis=ax, norm=norm)
    return irfft_p(a, n=s[-1], axis=axes[-1], norm=norm)


def rfft2(a, s=None, axes=(-2, -1), norm=None):
    """Two-dimensional DFT of real input (``numpy.fft.rfft2``)."""
    return rfftn(a, s, axes, norm)


def irfft2(a, s=None, axes=(-2, -1), norm=None):
    """Inverse of :func:`rfft2` (``numpy.fft.irfft2``)."""
    return irfftn(a, s, axes, norm)


def _shift(x, axes, sign: int):
    x = asarray(x)
    if axes is None:
        axes = tuple(range(ndim(x)))
    elif isinstance(axes, (int, np.integer)):
        axes = (int(axes),)
    for ax in axes:
        n = shape_of(x)[ax]
        x = roll(x, sign * (n // 2), ax)
    return x


def fftshift(x, axes=None):
    """Move the zero frequency to the centre (``numpy.fft.fftshift``)."""
    return _shift(x, axes, 1)


def ifftshift(x, axes=None):
    """Inverse of :func:`fftshift` (``numpy.fft.ifftshift``)."""
    return _shift(x, axes, -1)
