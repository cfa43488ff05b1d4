"""Divergence and oscillation detection, and a curvature hint for the learning rate.

Gradient descent on a function with curvature ``L`` (the Hessian's largest eigenvalue)
is stable only for a learning rate below ``2/L``. :func:`estimate_curvature` finds ``L``
by power iteration on Hessian-vector products (no Hessian is formed), so the hint is
cheap even for many parameters.

>>> round(estimate_curvature(lambda x: x ** 2, 10.0), 6)
2.0
>>> print(learning_rate_hint(lambda x: x ** 2, 10.0, 1.0))
hint: the curvature at the start is L ~ 2 (the Hessian's largest eigenvalue, by power \
iteration); gradient descent is stable only for learning_rate < 2/L = 1, and \
learning_rate = 1 is not; try learning_rate <= 1/L = 0.5
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .._api import hvp
from .interop import ravel_pytree
from .transform import global_norm
from .validate import check_int, check_nonnegative, check_random_state

__all__ = ["estimate_curvature", "learning_rate_hint", "Monitor", "DivergenceError",
           "ConvergenceWarning"]

RISES = 10          # consecutive loss increases, ending above the start: divergence
GROWTH = 1e3        # growth of the loss over its start that counts as divergence
WINDOW = 20         # steps without progress, each reversing the last, with the loss
                    # still above half its start: oscillation


class DivergenceError(FloatingPointError, ValueError):
    """Training diverged: the loss became infinite or NaN, or grew far past its start.

    Raised by :func:`~chainrule.optim.fit` and by the models' ``fit`` (``minimize``
    reports divergence in its result instead). It is a ``ValueError`` (as scikit-learn's
    error for non-finite weights) and a ``FloatingPointError``. ``result``, when set,
    holds what the run had reached (a ``TrainResult``)."""

    result: Any = None


class ConvergenceWarning(UserWarning):
    """An iterative fit stopped at its iteration limit before its convergence criterion
    was met (scikit-learn's convention; the models' warning also subclasses
    ``sklearn.exceptions.ConvergenceWarning`` when scikit-learn is installed)."""


def estimate_curvature(f: Callable[[Any], Any], x: Any, iters: int = 50,
                       seed: int = 0) -> float:
    """The Hessian eigenvalue of largest magnitude at ``x`` (signed), by power iteration.

    >>> import numpy as np
    >>> round(estimate_curvature(lambda v: (v[0] ** 2 + 5 * v[1] ** 2), np.ones(2)), 6)
    10.0
    """
    iters = check_int(iters, "iters", "estimate_curvature", 1)
    seed = check_random_state(seed, "seed", "estimate_curvature")
    flat, unravel = ravel_pytree(x)

    def flat_f(v: Any) -> Any:
        return f(unravel(v))

    v = np.random.default_rng(seed).standard_normal(flat.size)
    v /= np.linalg.norm(v)
    lam = 0.0
    for _ in range(iters):
        hv = np.asarray(hvp(flat_f, flat, v), dtype=float).reshape(-1)
        lam = float(v @ hv)
        norm = global_norm(hv)
        if not norm > 0 or not math.isfinite(norm):
            break
        v = hv / norm
    return lam


def learning_rate_hint(f: Callable[[Any], Any], x0: Any, learning_rate: float) -> str:
    """A sentence comparing ``learning_rate`` with ``2/L`` at ``x0`` ('' if ``f`` cannot
    be differentiated twice there).

    >>> learning_rate_hint(lambda x: x ** 2, 1.0, 0.1).startswith("hint: the curvature")
    True
    """
    learning_rate = check_nonnegative(learning_rate, "learning_rate", "learning_rate_hint")
    try:
        lam = estimate_curvature(f, x0)
    except Exception:  # not twice differentiable: no hint rather than a second error
        return ""
    where = (f"hint: the curvature at the start is L ~ {lam:.4g} (the Hessian's largest "
             "eigenvalue, by power iteration); ")
    if not lam > 0:
        return where + "there is no positive curvature there: f may be unbounded below"
    limit = 2.0 / lam
    if learning_rate >= limit:
        return where + (f"gradient descent is stable only for learning_rate < 2/L = "
                        f"{limit:.4g}, and learning_rate = {learning_rate:.4g} is not; "
                        f"try learning_rate <= 1/L = {1 / lam:.4g}")
    if learning_rate < 0.01 / lam:
        return where + (f"learning_rate = {learning_rate:.4g} is far below 1/L = "
                        f"{1 / lam:.4g}, so the steps are tiny for the scale of f: try "
                        f"learning_rate ~ 1/L = {1 / lam:.4g}")
    return where + (f"learning_rate = {learning_rate:.4g} is below 2/L = {limit:.4g}, so "
                    "the curvature must grow away from the start: try a smaller learning "
                    "rate, a decaying schedule or clip_norm")


class Monitor:
    """Watches the losses and steps of a run and says when it diverges or oscillates.

    >>> m = Monitor()
    >>> for k in range(25):
    ...     m.add_loss(100.0)
    ...     m.add_step(np.array([(-1.0) ** k]))
    >>> m.verdict()
    'oscillating: the loss has not improved for 20 steps while each step reverses the last'
    """

    def __init__(self) -> None:
        self.losses: list[float] = []
        self.rises = 0
        self.reversals: list[bool] = []
        self._last_step: np.ndarray | None = None

    def add_loss(self, loss: float) -> None:
        """Record the loss at the newest iterate."""
        if self.losses and loss > self.losses[-1]:
            self.rises += 1
        else:
            self.rises = 0
        self.losses.append(loss)

    def add_step(self, step: np.ndarray) -> None:
        """Record the step just taken, as a flat vector."""
        if self._last_step is not None:
            self.reversals.append(float(step @ self._last_step) < 0)
        self._last_step = step

    def diverged(self) -> str | None:
        """What shows that the run diverged (a non-finite loss, a loss grown ``GROWTH``
        times its start's size, or ``RISES`` consecutive rises past the start), else
        None. A loss that starts at 0 counts as diverged only once it is not finite or
        rising, since growth relative to 0 means nothing."""
        f0, f = self.losses[0], self.losses[-1]
        if not math.isfinite(f):
            return f"diverged: the loss became {f}"
        if self.rises >= RISES and f > f0:  # momentum may climb a little below the start
            return f"diverged: the loss grew for {RISES} consecutive steps, past its start"
        if f0 != 0 and f - f0 > GROWTH * abs(f0):
            return f"diverged: the loss grew from {f0:.4g} to {f:.4g}"
        return None

    def verdict(self) -> str | None:
        """``None`` while the run looks healthy, else what went wrong."""
        trouble = self.diverged()
        if trouble is not None:
            return trouble
        if self._oscillating():
            return (f"oscillating: the loss has not improved for {WINDOW} steps while each "
                    "step reverses the last")
        return None

    def _oscillating(self) -> bool:
        if len(self.losses) <= WINDOW or len(self.reversals) < WINDOW:
            return False
        recent, f0 = min(self.losses[-WINDOW:]), self.losses[0]
        stalled = recent >= min(self.losses[:-WINDOW])
        near_start = recent > f0 - 0.5 * abs(f0)  # a transient far below the start is not
        return stalled and near_start and sum(self.reversals[-WINDOW:]) >= WINDOW - 2
