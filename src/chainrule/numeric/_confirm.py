"""Every numerical derivative is computed twice, from two unrelated step sequences, and
"ok" only when the two agree within their error estimates.

One extrapolation tableau can be fooled by its own steps: with steps that halve, a
function such as ``sin(100 x)`` sampled at ``x +- 4 / 2**k`` looks exactly like a slow
function (aliasing), a piecewise-linear function makes Richardson columns agree exactly, a
function computed in low precision rounds to values that happen to line up. A second run
whose first step is :data:`CHECK_STEP` (an odd multiple of ``2**-10``, so that ``x +- h``
stays exact) times the first one samples other points; coincidences do not survive it.
When the caller chose the first step, the second run starts from the default step
instead, so that a step far too large for ``f`` meets an estimate made at a sane one.

- Both ``ok`` and consistent (``|v1 - v2| <= 2 (e1 + e2)``): the value of the first run,
  with the error ``max(e1, e2, |v1 - v2|)``.
- Inconsistent, or the second run met trouble the first did not (a kink, a non-finite
  value): the error becomes ``|v1 - v2| + e1 + e2`` (or infinite) and the status
  ``unreliable``, unless that error still meets the tolerance.
- A function whose values carry less than double precision (float32 or float16, by dtype
  or by the values themselves) never gets ``ok``: its status is ``low_precision``.

>>> import numpy as np
>>> from chainrule.numeric._engine import Problem
>>> x = np.array([1.0])
>>> fun = lambda t, lanes: np.sin(100 * (x + t))[:, None]
>>> est = solve(Problem(fun, np.sin(100 * x)[:, None], np.array([4.0]), np.ones(1), 1,
...                     "central"))
>>> str(est.status[0, 0])
'unreliable'
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ._engine import EPS, Estimate, Problem
from ._engine import solve as solve_once

__all__ = ["CHECK_STEP", "solve"]

CHECK_STEP = 633 / 1024
PROBE = 0.7236067977499789  # a step with a full mantissa, for the precision probe
AGREE = 2.0  # two estimates agree when they differ by at most this many error sums


def solve(prob: Problem) -> Estimate:
    """:func:`chainrule.numeric._engine.solve`, confirmed by a second run (see above)."""
    a = solve_once(prob)
    h0 = np.asarray(prob.h0, float)
    if prob.settle is not None:  # a first step the caller chose: check at the default one
        h0 = np.minimum(h0, prob.settle)
    b = solve_once(replace(prob, h0=h0 * CHECK_STEP))
    extra = 0
    if prob.precision is not None and prob.precision() > prob.eps:
        # every value so far fits a narrower float; values at dyadic points can (x**2 at
        # x = 2 + 2**-k): ask for one at a point with a full mantissa before concluding
        lanes = np.isfinite(np.asarray(prob.f0, float)).any(axis=1)
        prob.fun(h0 * PROBE, lanes)
        extra = lanes | prob.evaluates_all
    est = _merge(a, b, prob)
    return replace(est, evaluations=est.evaluations + extra)


def _merge(a: Estimate, b: Estimate, prob: Problem) -> Estimate:
    status, error = a.status.copy(), a.error.copy()
    ok = status == "ok"
    with np.errstate(all="ignore"):
        gap = np.abs(a.value - b.value)
        gap = np.where(np.isfinite(gap), gap, np.inf)
        fine = (b.status == "ok") | (b.status == "inaccurate")
        agree = fine & (gap <= AGREE * (a.error + b.error))
        worse = np.where(fine, gap + a.error + b.error, np.inf)
        both = np.maximum(np.maximum(error, b.error), gap)
        error = np.where(ok, np.where(agree, both, worse), error)
        tol = prob.rtol * np.maximum(np.abs(a.value), a.natural)
        within = error <= tol
    status[ok & ~agree & ~within] = "unreliable"
    status[ok & agree & ~within] = "inaccurate"
    eps = max(prob.eps, prob.precision() if prob.precision is not None else EPS)
    low = ((status == "ok") | (status == "inaccurate")) & (eps > EPS)
    status[low] = "low_precision"  # no bound is promised for a low-precision f
    shared = np.isfinite(np.asarray(prob.f0, float)).any(axis=1) | prob.evaluates_all
    evals = a.evaluations + b.evaluations - shared  # f(x) is computed once, used twice
    return replace(a, error=error, status=status, evaluations=evals)
