"""``derivative``: numerical derivatives of order 1 to 4 of a function of one variable,
with automatic steps, Richardson extrapolation, an error estimate and a status.

>>> import numpy as np
>>> round(derivative(np.sin, 0.0), 12)
1.0
>>> r = derivative(np.abs, 0.0, full_output=True)
>>> r.status, float(r.left), float(r.right)
('kink', -1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._complexstep import complex_step
from ._confirm import solve
from ._engine import EPS, Problem
from ._precision import Precision
from ._result import DerivativeResult, combine_status, flat_like, shaped, warn_if_needed

__all__ = ["derivative"]

METHODS = ("central", "forward", "backward", "complex")
#: First step as a fraction of ``max(1, |x|)``, by order (rounded down to a power of two).
FIRST_STEP = {1: 0.125, 2: 0.25, 3: 0.25, 4: 0.25}
#: The same for one-sided stencils, whose round-off grows faster as the step shrinks.
FIRST_STEP_ONE_SIDED = {1: 0.125, 2: 0.25, 3: 0.5, 4: 0.5}
#: Default ``rtol`` by order: what double precision can promise for that derivative.
DEFAULT_RTOL = {1: 1e-6, 2: 1e-6, 3: 1e-5, 4: 1e-4}


def first_step(x: np.ndarray, order: int, scale: float | None = None) -> np.ndarray:
    """The first (largest) step: ``FIRST_STEP[order] * max(1, |x|)``, but at most 1 unless
    ``|x|`` is so large that a step of 1 would lose most of its bits against ``x``, rounded
    down to a power of two so that ``x +- h`` and every halving of ``h`` are exact in most
    cases. (Capping the step keeps features of size 1, such as ``sin`` at ``x = 1e6``,
    from being aliased by steps much larger than them.)

    >>> first_step(np.array([0.5, 3.7, 1e6]), 1).tolist()
    [0.125, 0.25, 1.0]
    """
    ax = np.abs(x)
    base = np.maximum(1.0, ax) * (FIRST_STEP[order] if scale is None else scale)
    base = np.minimum(base, np.maximum(1.0, ax * 2.0 ** -26))
    return 2.0 ** np.floor(np.log2(base))


def _as_points(x: Any) -> np.ndarray:
    arr = np.asarray(x)
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError("derivative: x must be real (the complex method adds the imaginary "
                        "step itself)")
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"derivative: x must be a real number or array, got {arr.dtype}")
    return arr.astype(np.float64)


class _Fn:
    """``f`` at points shaped like ``x``, as a flat float64 array of one part of its
    output (``"real"``, or ``"imag"`` for complex-valued ``f``); watches the precision
    of the values ``f`` returns (float16 and float32 carry fewer digits)."""

    def __init__(self, f: Callable, shape: tuple, part: str = "real") -> None:
        self.f, self.shape, self.part = f, shape, part
        self.precision = Precision()
        self.complex = False

    def __call__(self, pts: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            out = np.asarray(self.f(pts.reshape(self.shape) if self.shape
                                    else pts.reshape(())[()]))
        flat = flat_like(out, self.shape, "derivative")
        if not (np.issubdtype(flat.dtype, np.number) or flat.dtype == bool):
            raise TypeError(f"derivative: f returned {flat.dtype} values; it must return "
                            "real or complex numbers")
        self.precision.observe(flat)
        if np.issubdtype(flat.dtype, np.complexfloating):
            self.complex = True
            return (flat.imag if self.part == "imag" else flat.real).astype(float)
        return flat.astype(float)


def derivative(f: Callable, x: Any, order: int = 1, method: str = "central", *,
               step: Any = None, rtol: float | None = None, full_output: bool = False) -> Any:
    """The ``order``-th derivative of ``f`` at ``x``, numerically, with an error estimate.

    Args:
        f: a function of one real variable. For an array ``x`` it is called with arrays
            shaped like ``x`` and must act elementwise (NumPy functions and chainrule.numpy
            do); every point gets its own steps. ``method="complex"`` calls it with complex
            arrays. A complex-valued ``f`` gets a complex derivative (each part is
            differentiated; the error is their combined estimate).
        x: the point, or an array of points (the result has its shape).
        order: 1 to 4.
        method: ``"central"`` (default: symmetric differences, plus one-sided ones that
            reveal kinks and domain edges), ``"forward"`` or ``"backward"`` (``f`` is
            evaluated only on that side of ``x``), or ``"complex"`` (complex step: exact to
            rounding for analytic ``f``, and checked against real central differences, so
            it costs those evaluations too; a disagreement gives ``"not_analytic"``; orders
            above 1 differentiate the complex-step first derivative with central
            differences).
        step: the first (largest) step, scalar or per point; by default a power of two
            near ``max(1, |x|) / 8`` (order 1) or ``/ 4`` (higher orders; ``/ 2`` for
            one-sided orders 3 and 4), at most 1 unless ``|x|`` is huge. Steps then halve
            (faster while they are too big), Richardson extrapolation cancels the error
            terms, and the estimate with the smallest error estimate wins. A step must be
            positive and finite; one larger than the default is followed down at least to
            the default, and the confirming run starts from the default.
        rtol: an error estimate above ``rtol * max(|value|, typical)`` (typical:
            ``max|f| / max(1, |x|)**order``) gives the status ``"inaccurate"``; by default
            1e-6 for orders 1 and 2, 1e-5 for order 3 and 1e-4 for order 4.
        full_output: return a :class:`DerivativeResult` (value, error, status, step,
            evaluations, left, right) instead of the value.

    Returns:
        The value (a float, or an array shaped like ``x``), or a :class:`DerivativeResult`.
        In plain mode any status other than ``"ok"`` (see :data:`STATUSES`) also emits a
        :class:`NumericalDerivativeWarning` naming the point and what happened: a doubtful
        number is never returned silently.

    The status is ``"ok"`` only when the error estimate bounds the error: every estimate
    is made twice, from two unrelated step sequences, and they must agree (see
    :mod:`chainrule.numeric._confirm`); a function that computes in float32 or float16 is
    ``"low_precision"``. The estimate assumes ``f`` is computed to a few units in the last
    place of its value; where ``f`` loses digits internally (``log(1 + x**2)`` near 0)
    the true error can exceed it, though both stay tiny. Forward and backward differences
    are less accurate than central ones, especially for orders 3 and 4.

    >>> import numpy as np
    >>> r = derivative(np.exp, 1.0, full_output=True)
    >>> bool(abs(r.value - np.e) < 1e-12), r.status, bool(r.error < 1e-11)
    (True, 'ok', True)
    >>> derivative(lambda x: x ** 4, np.array([1.0, 2.0]), order=2).round(9).tolist()
    [12.0, 48.0]
    >>> derivative(np.sqrt, 0.0, full_output=True).status
    'domain_edge'
    """
    _check_args(order, method, step, rtol)
    xs = _as_points(x)
    rtol = DEFAULT_RTOL[order] if rtol is None else float(rtol)
    if method == "complex":
        res = complex_step(f, xs, order, step, rtol, _run,
                           lambda: _real(f, xs, 1, "central", None, DEFAULT_RTOL[1]))
    else:
        res = _real(f, xs, order, method, step, rtol)
    if full_output:
        return res
    flat = xs.reshape(-1)
    warn_if_needed(res, lambda i: f"x={float(flat[i])!r}",
                   f"derivative of order {order}" if order > 1 else "derivative")
    return res.value


def _check_args(order: Any, method: Any, step: Any, rtol: Any) -> None:
    if isinstance(order, bool) or order not in (1, 2, 3, 4):
        raise ValueError(f"derivative: order must be 1, 2, 3 or 4, got {order!r} (for "
                         "higher orders use chainrule.derivative, which is exact)")
    if method not in METHODS:
        raise ValueError(f"derivative: method must be one of {METHODS}, got {method!r}")
    if step is not None:
        h = np.asarray(step)
        if (not np.issubdtype(h.dtype, np.number) or np.iscomplexobj(h)
                or not np.all(np.isfinite(h)) or not np.all(h > 0)):
            raise ValueError(f"derivative: step must be positive and finite, got {step!r}")
    if rtol is not None and not (isinstance(rtol, (int, float, np.floating))
                                 and 0 < rtol < 1):
        raise ValueError(f"derivative: rtol must be a number between 0 and 1, got {rtol!r}")


def _real(f: Callable, xs: np.ndarray, order: int, method: str, step: Any,
          rtol: float) -> DerivativeResult:
    """Finite differences; a complex-valued ``f`` gets one run per part."""
    shape, flat = xs.shape, xs.reshape(-1)
    fn = _Fn(f, shape)
    f0 = fn(flat)
    res = _run(lambda t: fn(flat + t), f0, xs, order, method, step, rtol, fn)
    if not fn.complex:
        return res
    im_fn = _Fn(f, shape, "imag")
    im = _run(lambda t: im_fn(flat + t), im_fn(flat), xs, order, method, step, rtol, im_fn)
    return _join(res, im, shape)


def _join(re: DerivativeResult, im: DerivativeResult, shape: tuple) -> DerivativeResult:
    """The derivative of a complex-valued ``f`` from those of its two parts."""
    status = combine_status(re.status, im.status)

    def both(a: Any, b: Any) -> Any:
        out = np.asarray(a) + 1j * np.asarray(b)
        return out if shape else complex(out)

    return DerivativeResult(both(re.value, im.value), np.hypot(re.error, im.error),
                            status if shape else str(status),
                            np.minimum(re.step, im.step),
                            np.asarray(re.evaluations) + np.asarray(im.evaluations),
                            both(re.left, im.left), both(re.right, im.right))


def _run(g: Callable, g0: np.ndarray, xs: np.ndarray, order: int, method: str, step: Any,
         rtol: float, fn: Any = None) -> DerivativeResult:
    """Solve the lanes ``t -> g(x + t)`` (one per point; ``g`` takes all points at once).
    ``fn.precision`` (if given) watches the precision of ``g``'s values."""
    flat = xs.reshape(-1)
    scale = np.maximum(1.0, np.abs(flat))
    fraction = (FIRST_STEP if method == "central" else FIRST_STEP_ONE_SIDED)[order]
    with np.errstate(all="ignore"):
        h0 = (first_step(flat, order, fraction) if step is None
              else np.broadcast_to(np.asarray(step, float), flat.shape).copy())
    h0 = np.where(np.isfinite(h0) & (h0 > 0), h0, 1.0)  # x = NaN or inf: f(x) tells
    settle = None if step is None else first_step(flat, order, fraction)
    eps = EPS if fn is None else fn.precision.eps
    est = solve(Problem(lambda t, lanes: g(t)[:, None], g0[:, None], h0, scale, order,
                        method, rtol, evaluates_all=True, eps=eps,
                        precision=None if fn is None else fn.precision.detected,
                        settle=settle))
    return shaped(xs.shape, est.value[:, 0], est.error[:, 0], est.status[:, 0],
                   est.step[:, 0], est.evaluations, est.left[:, 0], est.right[:, 0])
