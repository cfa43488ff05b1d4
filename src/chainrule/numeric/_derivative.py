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

from ._engine import EPS, Problem, solve
from ._result import DerivativeResult, warn_if_needed

__all__ = ["derivative"]

METHODS = ("central", "forward", "backward", "complex")
#: First step as a fraction of ``max(1, |x|)``, by order (rounded down to a power of two).
FIRST_STEP = {1: 0.125, 2: 0.25, 3: 0.25, 4: 0.25}
COMPLEX_STEP = 2.0 ** -70
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
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
            or arr.dtype == bool):
        raise TypeError(f"derivative: x must be a real number or array, got {arr.dtype}")
    return arr.astype(np.float64)


def _call(f: Callable, pts: np.ndarray, shape: tuple, dtype: Any = float) -> np.ndarray:
    """``f`` at the points (shaped like ``x``), as a flat float array; f must act
    elementwise on arrays."""
    with np.errstate(all="ignore"):
        out = np.asarray(f(pts.reshape(shape) if shape else pts.reshape(())[()]))
    if out.shape != shape:
        raise ValueError(f"derivative: f returned shape {out.shape} for points of shape "
                         f"{shape}; f must be elementwise (use gradient or jacobian for "
                         "functions of several variables)")
    return out.astype(dtype, copy=False).reshape(-1)


def derivative(f: Callable, x: Any, order: int = 1, method: str = "central", *,
               step: Any = None, rtol: float | None = None, full_output: bool = False) -> Any:
    """The ``order``-th derivative of ``f`` at ``x``, numerically, with an error estimate.

    Args:
        f: a function of one real variable. For an array ``x`` it is called with arrays
            shaped like ``x`` and must act elementwise (NumPy functions and chainrule.numpy
            do); every point gets its own steps. ``method="complex"`` calls it with complex
            arrays.
        x: the point, or an array of points (the result has its shape).
        order: 1 to 4.
        method: ``"central"`` (default: symmetric differences, plus one-sided ones that
            reveal kinks and domain edges), ``"forward"`` or ``"backward"`` (``f`` is
            evaluated only on that side of ``x``), or ``"complex"`` (complex step: exact to
            rounding for analytic ``f``; orders above 1 differentiate the complex-step first
            derivative with central differences).
        step: the first (largest) step, scalar or per point; by default about
            ``max(1, |x|) / 8``. Steps then halve, and Richardson extrapolation cancels the
            error terms; the estimate with the smallest error estimate wins.
        rtol: an error estimate above ``rtol * max(|value|, typical)`` (typical:
            ``max|f| / max(1, |x|)**order``) gives the status ``"inaccurate"``; by default
            1e-6 for orders 1 and 2, 1e-5 for order 3 and 1e-4 for order 4.
        full_output: return a :class:`DerivativeResult` (value, error, status, step,
            evaluations, left, right) instead of the value.

    Returns:
        The value (a float, or an array shaped like ``x``), or a :class:`DerivativeResult`.
        In plain mode any status other than ``"ok"`` -- ``"kink"``, ``"domain_edge"``,
        ``"nonfinite"``, ``"inaccurate"`` -- also emits a :class:`NumericalDerivativeWarning`
        naming the point and what happened: a doubtful number is never returned silently.

    >>> import numpy as np
    >>> r = derivative(np.exp, 1.0, full_output=True)
    >>> bool(abs(r.value - np.e) < 1e-12), r.status, bool(r.error < 1e-11)
    (True, 'ok', True)
    >>> derivative(lambda x: x ** 4, np.array([1.0, 2.0]), order=2).round(9).tolist()
    [12.0, 48.0]
    >>> derivative(np.sqrt, 0.0, full_output=True).status
    'domain_edge'
    """
    if order not in (1, 2, 3, 4):
        raise ValueError(f"derivative: order must be 1, 2, 3 or 4, got {order!r}")
    if method not in METHODS:
        raise ValueError(f"derivative: method must be one of {METHODS}, got {method!r}")
    xs = _as_points(x)
    rtol = DEFAULT_RTOL[order] if rtol is None else float(rtol)
    if method == "complex":
        res = _complex(f, xs, order, step, rtol)
    else:
        res = _real(f, xs, order, method, step, rtol)
    if full_output:
        return res
    flat = xs.reshape(-1)
    warn_if_needed(res, lambda i: f"x={flat[i]!r}" if xs.ndim else f"x={float(xs)!r}",
                   f"derivative of order {order}" if order > 1 else "derivative")
    return res.value


def _real(f: Callable, xs: np.ndarray, order: int, method: str, step: Any,
          rtol: float) -> DerivativeResult:
    shape, flat = xs.shape, xs.reshape(-1)
    f0 = _call(f, flat, shape)
    return _run(lambda t, lanes: _call(f, flat + t, shape), f0, flat, order, method, step,
                rtol, shape, extra=0)


def _run(g: Callable, g0: np.ndarray, flat: np.ndarray, order: int, method: str, step: Any,
         rtol: float, shape: tuple, extra: int) -> DerivativeResult:
    """Solve the lanes ``t -> g(x + t)`` (one per point) and shape the result like ``x``."""
    scale = np.maximum(1.0, np.abs(flat))
    h0 = (first_step(flat, order) if step is None
          else np.broadcast_to(np.abs(np.asarray(step, float)), shape).reshape(-1).copy())
    if np.any(~(h0 > 0)):
        raise ValueError(f"derivative: step must be positive, got {step!r}")
    est = solve(Problem(lambda t, lanes: g(t, lanes)[:, None], g0[:, None], h0, scale,
                        order, method, rtol, evaluates_all=True))

    def out(a: np.ndarray, kind: Any = float) -> Any:
        a = np.asarray(a[:, 0] if a.ndim == 2 else a).astype(kind).reshape(shape)
        return a[()] if kind is not object else (str(a) if a.ndim == 0 else a.astype(str))

    return DerivativeResult(out(est.value), out(est.error), out(est.status, object),
                            out(est.step), out(est.evaluations + extra, int),
                            out(est.left), out(est.right))


def _complex(f: Callable, xs: np.ndarray, order: int, step: Any,
             rtol: float) -> DerivativeResult:
    """Complex step: ``f'(x) = Im f(x + i h) / h`` with no cancellation, so ``h`` can be
    tiny; higher orders differentiate that first derivative by central differences."""
    shape, flat = xs.shape, xs.reshape(-1)
    hc = COMPLEX_STEP * np.maximum(1.0, np.abs(flat))

    def g(pts: np.ndarray) -> np.ndarray:
        return _complex_call(f, pts, hc, shape)

    d1 = g(flat)
    if order == 1:
        bad = ~np.isfinite(d1)
        err = np.where(bad, np.nan, 8 * EPS * np.abs(d1))
        status = np.where(bad, "nonfinite", "ok").astype(object)
        nan = np.full(shape, np.nan)[()]
        return DerivativeResult(d1.reshape(shape)[()], err.reshape(shape)[()],
                                str(status[0]) if not shape else status.reshape(shape).astype(str),
                                hc.reshape(shape)[()], np.ones(shape, int)[()], nan, nan)
    return _run(lambda t, lanes: g(flat + t), d1, flat, order - 1, "central", step, rtol,
                shape, extra=0)


def _complex_call(f: Callable, pts: np.ndarray, hc: np.ndarray, shape: tuple) -> np.ndarray:
    try:
        out = _call(f, pts + 1j * hc, shape, dtype=None)
    except (TypeError, ValueError) as e:
        raise TypeError("derivative(method='complex') calls f with complex numbers, and f "
                        f"failed on them ({type(e).__name__}: {e}). Use method='central', "
                        "or write f with functions that accept complex input.") from e
    if not np.iscomplexobj(out):
        raise ValueError("derivative(method='complex'): f returned real values for complex "
                         "input, so it is not analytic there (abs, comparisons, maximum, "
                         "rounding...). Use method='central', which detects kinks.")
    return out.imag / hc

