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

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ._engine import EPS, Problem, solve
from ._result import DerivativeResult, warn_if_needed

__all__ = ["derivative"]

METHODS = ("central", "forward", "backward", "complex")
#: First step as a fraction of ``max(1, |x|)``, by order (rounded down to a power of two).
FIRST_STEP = {1: 0.125, 2: 0.25, 3: 0.25, 4: 0.25}
#: The same for one-sided stencils, whose round-off grows faster as the step shrinks.
FIRST_STEP_ONE_SIDED = {1: 0.125, 2: 0.25, 3: 0.5, 4: 0.5}
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
    if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"derivative: x must be a real number or array, got {arr.dtype}")
    return arr.astype(np.float64)


def _call(f: Callable, pts: np.ndarray, shape: tuple) -> np.ndarray:
    """``f`` at the points (shaped like ``x``) as a flat float array."""
    with np.errstate(all="ignore"):
        out = f(pts.reshape(shape) if shape else pts.reshape(())[()])
    return _flat_like(out, shape).astype(float)


def _flat_like(out: Any, shape: tuple) -> np.ndarray:
    out = np.asarray(out)
    if out.shape != shape and not (shape == () and out.size == 1):
        raise ValueError(f"derivative: f returned shape {out.shape} for points of shape "
                         f"{shape}; f must be elementwise (use gradient or jacobian for "
                         "functions of several variables)")
    return out.reshape(-1)


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
        step: the first (largest) step, scalar or per point; by default a power of two
            near ``max(1, |x|) / 8`` (order 1) or ``/ 4`` (higher orders; ``/ 2`` for
            one-sided orders 3 and 4), at most 1 unless ``|x|`` is huge. Steps then halve
            (faster while they are too big), Richardson extrapolation cancels the error
            terms, and the estimate with the smallest error estimate wins.
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

    The error estimate assumes ``f`` is computed to a few units in the last place of its
    value; where ``f`` loses digits internally (``log(1 + x**2)`` near 0) the true error
    can exceed it, though both stay tiny. Forward and backward differences are less
    accurate than central ones, especially for orders 3 and 4 (their status says so).

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
    warn_if_needed(res, lambda i: f"x={float(flat[i])!r}",
                   f"derivative of order {order}" if order > 1 else "derivative")
    return res.value


def _real(f: Callable, xs: np.ndarray, order: int, method: str, step: Any,
          rtol: float) -> DerivativeResult:
    shape, flat = xs.shape, xs.reshape(-1)
    f0 = _call(f, flat, shape)
    return _run(lambda t: _call(f, flat + t, shape), f0, xs, order, method, step, rtol)


def _run(g: Callable, g0: np.ndarray, xs: np.ndarray, order: int, method: str, step: Any,
         rtol: float) -> DerivativeResult:
    """Solve the lanes ``t -> g(x + t)`` (one per point; ``g`` takes all points at once)."""
    flat = xs.reshape(-1)
    scale = np.maximum(1.0, np.abs(flat))
    fraction = (FIRST_STEP if method == "central" else FIRST_STEP_ONE_SIDED)[order]
    h0 = (first_step(flat, order, fraction) if step is None
          else np.broadcast_to(np.abs(np.asarray(step, float)), flat.shape).copy())
    if np.any(~(h0 > 0)):
        raise ValueError(f"derivative: step must be positive, got {step!r}")
    est = solve(Problem(lambda t, lanes: g(t)[:, None], g0[:, None], h0, scale, order,
                        method, rtol, evaluates_all=True))
    return _shaped(xs.shape, est.value[:, 0], est.error[:, 0], est.status[:, 0],
                   est.step[:, 0], est.evaluations, est.left[:, 0], est.right[:, 0])


def _shaped(shape: tuple, value: np.ndarray, error: np.ndarray, status: np.ndarray,
            step: np.ndarray, evals: np.ndarray, left: np.ndarray,
            right: np.ndarray) -> DerivativeResult:
    """A result with every field shaped like ``x`` (Python scalars for a scalar ``x``)."""

    def out(a: np.ndarray, kind: Any = float) -> Any:
        arr = np.asarray(a).astype(kind).reshape(shape)
        return arr if shape else arr.item()

    status_arr = np.asarray(status, dtype=object).astype(str).reshape(shape)
    return DerivativeResult(out(value), out(error),
                            str(status_arr) if not shape else status_arr, out(step),
                            out(evals, int), out(left), out(right))


def _complex(f: Callable, xs: np.ndarray, order: int, step: Any,
             rtol: float) -> DerivativeResult:
    """Complex step: ``f'(x) = Im f(x + i h) / h`` has no cancellation, so ``h`` can be
    tiny (2**-70 times ``max(1, |x|)``); higher orders differentiate this first derivative
    by central differences with extrapolation (and ``step`` applies to those)."""
    shape, flat = xs.shape, xs.reshape(-1)
    hc = COMPLEX_STEP * np.maximum(1.0, np.abs(flat))

    def g(pts: np.ndarray) -> np.ndarray:
        return _complex_call(f, pts, hc, shape)

    d1 = g(flat)
    if order > 1:
        return _run(lambda t: g(flat + t), d1, xs, order - 1, "central", step, rtol)
    bad = ~np.isfinite(d1)
    return _shaped(shape, d1, np.where(bad, np.inf, 8 * EPS * np.abs(d1)),
                   np.where(bad, "nonfinite", "ok"), hc, np.ones(flat.shape, int),
                   np.full(flat.shape, np.nan), np.full(flat.shape, np.nan))


def _complex_call(f: Callable, pts: np.ndarray, hc: np.ndarray, shape: tuple) -> np.ndarray:
    z = pts + 1j * hc
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("error", np.exceptions.ComplexWarning)
            out = f(z.reshape(shape) if shape else z.reshape(())[()])
    except np.exceptions.ComplexWarning:
        out = np.zeros(shape)  # f dropped the imaginary part: reported below
    except (TypeError, ValueError) as e:
        raise TypeError("derivative(method='complex') calls f with complex numbers, and f "
                        f"failed on them ({type(e).__name__}: {e}). Use method='central', "
                        "or write f with functions that accept complex input.") from e
    out = _flat_like(out, shape)
    if not np.iscomplexobj(out):
        raise ValueError("derivative(method='complex'): f returned real values for complex "
                         "input, so it is not analytic there (abs, comparisons, maximum, "
                         "rounding...). Use method='central', which detects kinks.")
    return out.imag / hc
