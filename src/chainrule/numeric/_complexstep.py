"""The complex-step method, checked: ``f'(x) = Im f(x + i h) / h`` is exact to rounding
for a function that is analytic and real on the real axis, and meaningless otherwise.

``conj(z) * z`` equals ``|x|**2`` on the real axis but gives ``Im = 0`` for every step, so
the complex step says 0 where the derivative is ``2 x``; a function that is not finite at
``x`` (``log`` at 0) still gives a finite complex step. So the complex-step value is
compared with real central differences (with their own error estimate): it is ``ok`` only
when they agree, ``not_analytic`` when they disagree, and where the real differences meet
trouble (a kink, a domain edge, a non-finite value) their result and status are returned.

>>> import numpy as np
>>> r = complex_step(lambda z: np.conj(z) * z, np.array(1.0), 1, None, 1e-6, None,
...                  lambda: real_check(lambda x: x * x, 1.0))
>>> r.status, round(r.error, 6)
('not_analytic', 2.0)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from ._engine import EPS
from ._result import DerivativeResult, combine_status, flat_like, shaped

__all__ = ["COMPLEX_STEP", "complex_step"]

COMPLEX_STEP = 2.0 ** -70
AGREE = 2.0


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
    out = flat_like(out, shape, "derivative")
    if not np.iscomplexobj(out):
        raise ValueError("derivative(method='complex'): f returned real values for complex "
                         "input, so it is not analytic there (abs, comparisons, maximum, "
                         "rounding...). Use method='central', which detects kinks.")
    return out.imag / hc


def _verdict(d1: np.ndarray, check: DerivativeResult) -> tuple:
    """Per point: the status, value and error of the complex step given the real check."""
    rv = np.asarray(check.value).reshape(-1)
    re = np.asarray(check.error, float).reshape(-1)
    rs = np.asarray(check.status, dtype=object).reshape(-1)
    own = 8 * EPS * np.abs(d1)
    with np.errstate(all="ignore"):
        gap = np.abs(d1 - rv)
        fine = ((rs == "ok") | (rs == "inaccurate")) & np.isreal(rv) & np.isfinite(d1)
        agree = fine & (gap <= AGREE * (re + own))
    status = np.where(agree, "ok", np.where(fine | ~np.isfinite(d1), "not_analytic", rs))
    status = np.where(np.isfinite(d1), status, "nonfinite").astype(object)
    value = np.where(fine | agree, d1, np.real(rv))
    error = np.where(agree, np.maximum(own, gap), np.where(fine, gap + re, re))
    return status, value, error


def complex_step(f: Callable, xs: np.ndarray, order: int, step: Any, rtol: float,
                 run: Callable | None, check: Callable[[], DerivativeResult]
                 ) -> DerivativeResult:
    """The complex step ``Im f(x + i h) / h`` with ``h = 2**-70 max(1, |x|)``, checked
    against ``check()`` (real central differences of order 1). Higher orders differentiate
    this first derivative by ``run`` (central differences with extrapolation; ``step``
    applies to those); their status also carries the check's verdict."""
    shape, flat = xs.shape, xs.reshape(-1)
    hc = COMPLEX_STEP * np.maximum(1.0, np.abs(flat))

    def g(pts: np.ndarray) -> np.ndarray:
        return _complex_call(f, pts, hc, shape)

    d1 = g(flat)
    real = check()
    verdict, value, error = _verdict(d1, real)
    extra = np.asarray(real.evaluations).reshape(-1)
    if order > 1 and run is not None:
        res = run(lambda t: g(flat + t), d1, xs, order - 1, "central", step, rtol)
        status = combine_status(np.asarray(res.status, dtype=object).reshape(-1), verdict)
        return shaped(shape, np.asarray(res.value).reshape(-1),
                      np.where(verdict == "ok", np.asarray(res.error).reshape(-1), np.inf),
                      status, np.asarray(res.step).reshape(-1),
                      np.asarray(res.evaluations).reshape(-1) + extra,
                      np.full(flat.shape, np.nan), np.full(flat.shape, np.nan))
    return shaped(shape, value, error, verdict, hc, np.ones(flat.shape, int) + extra,
                  np.full(flat.shape, np.nan), np.full(flat.shape, np.nan))


def real_check(f: Callable, x: Any) -> DerivativeResult:
    """Real central differences of order 1 (for the doctest; derivative() passes its own)."""
    from ._derivative import derivative
    return derivative(f, x, full_output=True)
