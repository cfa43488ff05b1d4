"""``error_curve``: the error of plain forward and central differences against the step,
the "V curve" that shows truncation error (falling with ``h``) meeting round-off (rising
as ``h`` shrinks).

>>> import numpy as np
>>> c = error_curve(np.exp, 1.0, exact=np.e)
>>> 1e-9 < c.forward_best_h < 1e-7, 1e-6 < c.central_best_h < 1e-4
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._derivative import derivative
from ._engine import EPS

__all__ = ["ErrorCurve", "error_curve"]


@dataclass(frozen=True, eq=False)
class ErrorCurve:
    """Data for a log-log plot of difference-quotient error against step size.

    Attributes:
        x: the point.
        exact: the derivative the errors are measured against.
        exact_source: ``"given"``, ``"automatic"`` (chainrule's AD) or ``"numeric"``
            (:func:`derivative`, when ``f`` cannot be traced).
        hs: the steps, increasing.
        forward, central: ``|D(h) - exact|`` for ``(f(x+h) - f(x)) / h`` and
            ``(f(x+h) - f(x-h)) / (2h)``; may contain 0 (draw with a floor).
        forward_best_h, central_best_h: the steps with the smallest error.
        forward_model, central_model: the textbook bound, truncation plus round-off:
            ``|f''| h / 2 + 2 eps |f| / h`` and ``|f'''| h^2 / 6 + eps |f| / h``.
    """

    x: float
    exact: float
    exact_source: str
    hs: np.ndarray
    forward: np.ndarray
    central: np.ndarray
    forward_best_h: float
    central_best_h: float
    forward_model: np.ndarray
    central_model: np.ndarray

    def as_dict(self) -> dict:
        """The curve as plain lists, ready for JSON or a plotting library."""
        out: dict = {}
        for k, v in self.__dict__.items():
            out[k] = v.tolist() if isinstance(v, np.ndarray) else v
        return out


def _exact(f: Callable, x: float) -> tuple[float, str]:
    from .._api import derivative as ad_derivative
    try:
        return float(ad_derivative(f)(x)), "automatic"
    except (TypeError, ValueError):
        return float(derivative(f, x, full_output=True).value), "numeric"


def error_curve(f: Callable, x: float, hs: Any = None, exact: float | None = None) -> ErrorCurve:
    """Errors of the forward and central difference quotients of ``f`` at ``x`` for each
    step in ``hs`` (default: 97 steps from ``1e-16`` to 1, times ``max(1, |x|)``).

    The exact derivative is ``exact`` if given, else chainrule's automatic derivative
    (write ``f`` with ``chainrule.numpy``), else :func:`derivative`'s estimate.

    >>> import chainrule.numpy as cnp
    >>> c = error_curve(cnp.sin, 1.0)
    >>> c.exact_source, len(c.hs), bool(c.central.min() < 1e-10)
    ('automatic', 97, True)
    """
    x = float(x)
    if not np.isfinite(x):
        raise ValueError(f"error_curve: x must be finite, got {x!r}")
    scale = max(1.0, abs(x))
    steps = np.logspace(-16, 0, 97) * scale if hs is None else np.asarray(hs, float)
    if steps.ndim != 1 or not steps.size or not np.all(np.isfinite(steps) & (steps > 0)):
        raise ValueError(f"error_curve: hs must be positive finite steps, got {hs!r}")
    steps = np.sort(steps)
    source = "given"
    if exact is None:
        exact, source = _exact(f, x)
    with np.errstate(all="ignore"):
        f0 = float(f(x))
        plus = np.array([float(f(x + h)) for h in steps])
        minus = np.array([float(f(x - h)) for h in steps])
        fwd = np.abs((plus - f0) / steps - exact)
        cen = np.abs((plus - minus) / (2 * steps) - exact)
    with np.errstate(all="ignore"):
        d2, d3 = _higher(f, x)
    return ErrorCurve(
        x, float(exact), source, steps, fwd, cen,
        _best(steps, fwd), _best(steps, cen),
        abs(d2) * steps / 2 + 2 * EPS * abs(f0) / steps,
        abs(d3) * steps ** 2 / 6 + EPS * abs(f0) / steps)


def _best(steps: np.ndarray, errors: np.ndarray) -> float:
    """The step with the smallest error (NaN if no error is a number)."""
    ok = ~np.isnan(errors)
    return float(steps[ok][np.argmin(errors[ok])]) if ok.any() else float("nan")


def _higher(f: Callable, x: float) -> tuple[float, float]:
    """``f''`` and ``f'''`` at ``x`` for the model curves (NaN if unavailable)."""
    out = []
    for order in (2, 3):
        r = derivative(f, x, order=order, full_output=True)
        out.append(float(r.value) if np.isfinite(r.value) else np.nan)
    return out[0], out[1]
