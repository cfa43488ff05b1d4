"""``chainrule.scipy.signal``: SciPy's n-dimensional ``convolve``, differentiable.

Convolution is bilinear, so its forward rules are convolutions of the tangents. Its
reverse rules are correlations: every mode is a window of the full convolution, so the
cotangent is set into the full output's shape (zeros outside the window) and correlated
with the other input in ``'valid'`` mode::

    c = a * b (full):   a_bar = G (*) b = convolve(G, flip(b), 'valid'),   likewise b_bar.

All rules are convolutions, flips and pads, so derivatives of any order work.

>>> import chainrule as cr, chainrule.numpy as cnp
>>> import chainrule.scipy.signal as css
>>> css.convolve(cnp.array([1.0, 2.0]), cnp.array([1.0, 1.0, 1.0]))
array([1., 3., 3., 2.])
>>> cr.grad(lambda a: css.convolve(a, cnp.array([1.0, 1.0, 1.0]), mode="valid")[0])(
...     cnp.array([1.0, 2.0]))
array([1., 1.])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.signal as ss

from ..core import Sample
from ..numpy._arrays import flip, take, transpose
from ..numpy._base import defprim, sample_args, shape
from ..numpy._extra import pad
from ..numpy._ml import einsum
from .linalg._checks import real_array, traced

__all__ = ["convolve"]

_MODES = ("full", "valid", "same")


def _offsets(a, b, mode: str) -> tuple:
    """Where ``mode``'s output starts inside the full convolution, axis by axis."""
    if mode == "full":
        return (0,) * len(shape(a))
    if mode == "same":
        return tuple((nb - 1) // 2 for nb in shape(b))
    return tuple(min(na, nb) - 1 for na, nb in zip(shape(a), shape(b)))


def _full_cotangent(g, a, b, mode: str):
    """The cotangent of ``mode``'s output, set into the full output's shape."""
    if mode == "full":
        return g
    widths = [(lo, na + nb - 1 - lo - ng) for lo, na, nb, ng
              in zip(_offsets(a, b, mode), shape(a), shape(b), shape(g))]
    return pad(g, widths)


def _vjp(g, other, a, b, mode, method):
    return convolve_p(_full_cotangent(g, a, b, mode), flip(other), mode="valid",
                      method=method)


def _samples() -> list:
    out = []
    for i, (sa, sb, mode) in enumerate([((5,), (3,), "full"), ((5,), (3,), "same"),
                                        ((3,), (5,), "same"), ((5,), (2,), "valid"),
                                        ((2,), (4,), "valid"), ((3, 4), (2, 3), "full"),
                                        ((4, 3), (3, 2), "same"), ((4, 4), (2, 3), "valid")]):
        out.append(Sample(sample_args(f"conv{i}", sa, sb).args,
                          {"mode": mode, "method": "direct"}))
    return out


def _impl(a, b, *, mode, method):
    """SciPy's convolve; float16, which SciPy's direct method refuses, in float32."""
    if np.result_type(a, b) == np.float16:
        return ss.convolve(np.float32(a), np.float32(b), mode=mode,
                           method=method).astype(np.float16)
    return ss.convolve(a, b, mode=mode, method=method)


convolve_p = defprim(
    "signal_convolve", _impl,
    jvp=(lambda t, ans, a, b, **p: convolve_p(t, b, **p),
         lambda t, ans, a, b, **p: convolve_p(a, t, **p)),
    vjp=(lambda g, ans, a, b, *, mode, method: _vjp(g, b, a, b, mode, method),
         lambda g, ans, a, b, *, mode, method: _vjp(g, a, a, b, mode, method)),
    rule="product rule (bilinear)", statement="(a * b)' = a' * b + a * b'",
    samples=_samples, linear=False, save_ans=False)


def _windows(a, pos: int, nb: int):
    """Full-convolution windows along axis ``pos``: axis ``pos`` (length ``na``) becomes
    two, ``(na + nb - 1, nb)``, with ``w[n, j] = a_padded[n + j]``."""
    widths = [(0, 0)] * len(shape(a))
    widths[pos] = (nb - 1, nb - 1)
    n_out = shape(a)[pos] + nb - 1
    idx = np.arange(n_out)[:, None] + np.arange(nb)[None, :]
    return take(pad(a, widths), idx, axis=pos)


def _tensor_convolve(a, b, axes, dot_axes, mode: str):
    """autograd's generalised convolution: over the paired ``axes``, summed over the
    paired ``dot_axes``, an outer product over the rest. The output's axes are ``a``'s
    other axes, then ``b``'s, then the convolved ones."""
    (ca, cb), (da, db) = [[list(x) for x in pair] for pair in (axes, dot_axes)]
    if len(ca) != len(cb) or len(da) != len(db):
        raise ValueError("convolve: axes and dot_axes must pair as many axes of in1 as in2")
    ia = [i for i in range(len(shape(a))) if i not in ca + da]
    ib = [i for i in range(len(shape(b))) if i not in cb + db]
    na, nb = [shape(a)[i] for i in ca], [shape(b)[i] for i in cb]
    if mode == "valid" and not (all(x >= y for x, y in zip(na, nb))
                                or all(x <= y for x, y in zip(na, nb))):
        raise ValueError("convolve: for 'valid' mode, one input must be at least as large "
                         "as the other in every convolved dimension")
    a = transpose(a, ia + da + ca)
    b = flip(transpose(b, ib + db + cb), axis=tuple(range(len(ib) + len(db), len(shape(b)))))
    for i in reversed(range(len(ca))):
        a = _windows(a, len(ia) + len(da) + i, nb[i])
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    li, lj, ld = ([next(letters) for _ in x] for x in (ia, ib, da))
    ln, lk = [next(letters) for _ in ca], [next(letters) for _ in ca]
    spec = ("".join(li + ld + [c for pair in zip(ln, lk) for c in pair]) + ","
            + "".join(lj + ld + lk) + "->" + "".join(li + lj + ln))
    full = einsum(spec, a, b)
    return full[(Ellipsis,) + tuple(_window(x, y, mode) for x, y in zip(na, nb))]


def _window(na: int, nb: int, mode: str) -> slice:
    """The part of the full convolution's axis that ``mode`` keeps (SciPy's centring)."""
    if mode == "full":
        return slice(None)
    if mode == "same":
        return slice((nb - 1) // 2, (nb - 1) // 2 + na)
    return slice(min(na, nb) - 1, max(na, nb))


def convolve(in1: Any, in2: Any, mode: str = "full", method: str = "auto", *,
             axes: Any = None, dot_axes: Any = ((), ())) -> Any:
    """Convolve two n-dimensional arrays, as ``scipy.signal.convolve``.

    Args:
        in1, in2: real arrays with the same number of dimensions.
        mode: ``'full'`` (default), ``'valid'`` (one input must be at least as large as
            the other in every dimension) or ``'same'`` (the size of ``in1``, centred).
        method: ``'auto'``, ``'direct'`` or ``'fft'``, as SciPy's; the derivatives use
            the same method.
        axes, dot_axes: autograd's generalisation (keyword-only here): convolve over the
            paired axes ``axes = (axes_of_in1, axes_of_in2)``, sum over the paired
            ``dot_axes``, and take the outer product over the other axes; the result's
            axes are in1's others, in2's others, then the convolved ones. Computed with
            chainrule operations (windows and ``einsum``), not by SciPy.

    Differentiable in both inputs, at any order. Complex input raises ``TypeError``;
    integer input is SciPy's (not differentiable).

    >>> import chainrule.numpy as cnp
    >>> convolve(cnp.array([[1.0, 2.0], [3.0, 4.0]]), cnp.array([[1.0, -1.0]]), "same")
    array([[1., 1.],
           [3., 1.]])
    """
    if mode not in _MODES:
        raise ValueError(f"convolve: mode must be one of {_MODES}, got {mode!r}")
    if method not in ("auto", "direct", "fft"):
        raise ValueError(f"convolve: method must be 'auto', 'direct' or 'fft', got "
                         f"{method!r}")
    a = real_array(in1, "convolve", "in1")
    b = real_array(in2, "convolve", "in2")
    if axes is not None or any(len(d) for d in dot_axes):
        if axes is None:
            raise ValueError("convolve: dot_axes needs axes, the axes to convolve over")
        return _tensor_convolve(a, b, axes, dot_axes, mode)
    if not traced(in1, in2) and all(np.asarray(x).dtype.kind in "biu" for x in (in1, in2)):
        return ss.convolve(in1, in2, mode=mode, method=method)  # integers: SciPy's
    if len(shape(a)) != len(shape(b)):
        raise ValueError(f"convolve: in1 and in2 should have the same dimensionality, got "
                         f"shapes {shape(a)} and {shape(b)}")
    return convolve_p(a, b, mode=mode, method=method)
