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
from ..numpy._arrays import flip
from ..numpy._base import defprim, sample_args, shape
from ..numpy._extra import pad
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


def convolve(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Any:
    """Convolve two n-dimensional arrays, as ``scipy.signal.convolve``.

    Args:
        in1, in2: real arrays with the same number of dimensions.
        mode: ``'full'`` (default), ``'valid'`` (one input must be at least as large as
            the other in every dimension) or ``'same'`` (the size of ``in1``, centred).
        method: ``'auto'``, ``'direct'`` or ``'fft'``, as SciPy's; the derivatives use
            the same method.

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
    if not traced(in1, in2) and all(np.asarray(x).dtype.kind in "biu" for x in (in1, in2)):
        return ss.convolve(in1, in2, mode=mode, method=method)  # integers: SciPy's
    if len(shape(a)) != len(shape(b)):
        raise ValueError(f"convolve: in1 and in2 should have the same dimensionality, got "
                         f"shapes {shape(a)} and {shape(b)}")
    return convolve_p(a, b, mode=mode, method=method)
