"""What a numerical derivative returns: :class:`DerivativeResult`, the statuses, and the
warning a plain call raises when something is wrong.

>>> r = DerivativeResult(1.0, 1e-13, "ok", 0.01, 13)
>>> r.ok, float(r)
(True, 1.0)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["DerivativeResult", "NumericalDerivativeWarning", "STATUSES", "combine_status",
           "flat_like", "shaped"]

#: Every status, from harmless to worst. Only ``ok`` promises that ``error`` bounds the
#: true error (see the contract in :mod:`chainrule.numeric`).
#: ``inaccurate``: the error estimate exceeds the tolerance.
#: ``low_precision``: the same, because ``f`` computes in float32 or float16.
#: ``unreliable``: two independent step sequences disagree beyond their error estimates
#: (the steps alias a fast oscillation, are too large for the scale of ``f``, or a kink
#: lies within the stencil); the error estimate is then their disagreement.
#: ``kink``: the one-sided derivatives disagree (the value is their mean, ``left`` and
#: ``right`` hold them). ``domain_edge``: the function is not finite on one side; the value
#: is the one-sided derivative from the other side. ``not_analytic``: the complex step
#: disagrees with real differences, so ``f`` is not analytic (``conj``, ``abs`` of
#: complex...) and the complex-step value is meaningless. ``nonfinite``: ``f(x)`` is not
#: finite, or the derivative is infinite or could not be formed.
STATUSES = ("ok", "inaccurate", "low_precision", "unreliable", "kink", "domain_edge",
            "not_analytic", "nonfinite")

_RANK = {s: i for i, s in enumerate(STATUSES)}

def _explain(status: str, value: float, error: float, left: float, right: float) -> str:
    """One sentence on what happened to one entry."""
    if status == "inaccurate":
        return (f"inaccurate: value {value:.6g} but error estimate {error:.2g}, above the "
                "tolerance (steps were too coarse or round-off too large)")
    if status == "low_precision":
        return (f"low precision: f computes in float32 or float16, so the value {value:.6g} "
                f"is only good to about {error:.2g}; compute f in float64")
    if status == "unreliable":
        return (f"unreliable: estimates from two step sequences disagree (value {value:.6g}, "
                f"disagreement {error:.2g}): the step is too large for the scale of f, "
                "aliases an oscillation, or a kink lies within the stencil")
    if status == "kink":
        return (f"kink: the one-sided derivatives disagree (left {left:.6g}, right "
                f"{right:.6g}); returned their mean {value:.6g}")
    if status == "domain_edge":
        return ("domain edge: f is not finite on one side; returned the one-sided derivative "
                f"{value:.6g} from the other side (error estimate {error:.2g})")
    if status == "not_analytic":
        return (f"not analytic: the complex step gives {value:.6g}, which real differences "
                f"contradict (by {error:.2g}): f is not analytic, so the complex-step method "
                "does not apply; use method='central'")
    if np.isinf(value):
        return f"the derivative is infinite ({value:+g}): the estimates grow without bound"
    return "not finite: f is not finite at the point, or no finite estimate could be formed"


class NumericalDerivativeWarning(UserWarning):
    """A numerical derivative met a kink, a domain edge, a non-finite value, or could not
    reach its tolerance. Call with ``full_output=True`` to get the status and error
    estimate instead of a warning."""


@dataclass(frozen=True, eq=False)
class DerivativeResult:
    """A numerical derivative with its error estimate and status.

    For array inputs every field except ``evaluations`` (for multivariate functions) is an
    array of the value's shape.

    Attributes:
        value: the estimate (for a kink: the mean of the one-sided derivatives).
        error: an estimate of ``|value - exact|``.
        status: one of :data:`STATUSES` (a NumPy array of them for array results).
        step: the finest step used by the chosen estimate.
        evaluations: how many function values were computed (per point for
            :func:`derivative`, in total for the multivariate functions).
        left, right: the one-sided derivatives (central method; NaN otherwise).
    """

    value: Any
    error: Any
    status: Any
    step: Any
    evaluations: Any
    left: Any = np.nan
    right: Any = np.nan

    @property
    def ok(self) -> bool:
        """True if every entry has status ``"ok"``."""
        return bool(np.all(np.asarray(self.status) == "ok"))

    def __float__(self) -> float:
        return float(self.value)  # TypeError for the complex derivative of a complex f

    def __repr__(self) -> str:
        if np.ndim(self.value) == 0:
            v = self.value if isinstance(self.value, complex) else float(self.value)
            return (f"DerivativeResult(value={v!r}, error={float(self.error):.2g}"
                    f", status={self.status!r}, evaluations={int(self.evaluations)})")
        stats = np.asarray(self.status).ravel()
        counts = {s: int(np.sum(stats == s)) for s in STATUSES if np.any(stats == s)}
        err = np.asarray(self.error, float)
        err = err[~np.isnan(err)]
        worst = float(err.max()) if err.size else np.nan
        return (f"DerivativeResult(shape={np.shape(self.value)}, max error={worst:.2g}, "
                f"status={counts})")


def combine_status(*statuses: Any) -> Any:
    """The worst of several statuses, elementwise.

    >>> str(combine_status("ok", "kink", "inaccurate"))
    'kink'
    """
    arrays = np.broadcast_arrays(*[np.asarray(s, dtype=object) for s in statuses])
    ranks = np.max([np.vectorize(_RANK.__getitem__, otypes=[int])(a) for a in arrays], axis=0)
    if np.ndim(ranks) == 0:
        return STATUSES[int(ranks)]
    return np.asarray(STATUSES, dtype=object)[ranks]


def warn_if_needed(res: DerivativeResult, where: Any, what: str, stacklevel: int = 3) -> None:
    """Emit one :class:`NumericalDerivativeWarning` describing the entries that are not
    ``ok`` (at most three of them by name). ``where(i)`` names entry ``i``."""
    status = np.asarray(res.status, dtype=object).ravel()
    bad = np.flatnonzero(status != "ok")
    if bad.size == 0:
        return
    fields = {k: np.ravel(np.asarray(getattr(res, k), float))
              for k in ("value", "error", "left", "right")}
    lines = []
    for i in bad[:3]:
        info = {k: float(v[i] if v.size > i else v[0]) for k, v in fields.items()}
        lines.append(f"{what} at {where(int(i))}: {_explain(status[i], **info)}")
    more = f" (and {bad.size - 3} more entries)" if bad.size > 3 else ""
    msg = ("; ".join(lines) + more + ". Pass full_output=True to get the value, error "
           "estimate and status without a warning.")
    warnings.warn(msg, NumericalDerivativeWarning, stacklevel=stacklevel)


def flat_like(out: Any, shape: tuple, who: str) -> np.ndarray:
    """``f``'s output for points shaped like ``x``, flattened; refuses other shapes."""
    out = np.asarray(out)
    if out.shape != shape and not (shape == () and out.size == 1):
        raise ValueError(f"{who}: f returned shape {out.shape} for points of shape "
                         f"{shape}; f must be elementwise (use gradient or jacobian for "
                         "functions of several variables)")
    return out.reshape(-1)


def shaped(shape: tuple, value: np.ndarray, error: np.ndarray, status: np.ndarray,
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
