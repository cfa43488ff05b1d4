"""Minimizers over a flat parameter vector: gradient descent, Newton, L-BFGS.

Each takes ``value_and_grad(x) -> (f, g)`` (the models build it with chainrule) and
returns a :class:`Solution` with the loss at every iteration. They stop when the largest
gradient entry is at most ``tol``.

>>> import numpy as np
>>> vg = lambda x: (float(x @ x), 2 * x)
>>> sol = newton(vg, lambda x: 2 * np.eye(2), np.ones(2))
>>> bool(np.abs(sol.x).max() < 1e-8), sol.n_iter
(True, 1)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Solution", "gradient_descent", "newton", "lbfgs"]

ValueGrad = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass
class Solution:
    """The minimizer found, the loss before each step and after the last, the number of
    steps taken, and whether the gradient tolerance was reached."""

    x: np.ndarray
    loss_history: list[float] = field(default_factory=list)
    n_iter: int = 0
    converged: bool = False


def gradient_descent(value_and_grad: ValueGrad, x0: np.ndarray, learning_rate: float,
                     max_iter: int, tol: float) -> Solution:
    """Plain gradient descent ``x <- x - learning_rate * g`` with a fixed step."""
    x = np.array(x0, dtype=np.float64)
    sol = Solution(x)
    for _ in range(max_iter):
        f, g = value_and_grad(x)
        sol.loss_history.append(float(f))
        if not np.isfinite(f):
            raise FloatingPointError(f"gradient descent diverged (loss {f}); lower the "
                                     f"learning_rate (now {learning_rate})")
        if np.max(np.abs(g)) <= tol:
            sol.converged = True
            break
        x = x - learning_rate * g
        sol.n_iter += 1
    sol.x = x
    return sol


def _backtrack(fun: Callable[[np.ndarray], float], x: np.ndarray, f: float, g: np.ndarray,
               direction: np.ndarray, max_halvings: int = 40) -> tuple[np.ndarray, float]:
    """Armijo backtracking from step 1 along ``direction`` (a descent direction)."""
    slope = float(g @ direction)
    t = 1.0
    for _ in range(max_halvings):
        x_new = x + t * direction
        f_new = fun(x_new)
        if np.isfinite(f_new) and f_new <= f + 1e-4 * t * slope:
            return x_new, f_new
        t *= 0.5
    return x, f


def _newton_direction(H: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``-H^{-1} g``, with a relative jitter of 1e-10 on the diagonal so that directions
    the objective does not depend on (a flat valley) get no huge step."""
    H = H + 1e-10 * max(float(np.max(np.abs(np.diag(H)))), 1e-300) * np.eye(len(H))
    try:
        L = np.linalg.cholesky(H)
        return -np.linalg.solve(L.T, np.linalg.solve(L, g))
    except np.linalg.LinAlgError:  # singular or indefinite: least squares, then fall back
        d = -np.linalg.lstsq(H, g, rcond=None)[0]
        return d if g @ d < 0 else -g


def newton(value_and_grad: ValueGrad, hess: Callable[[np.ndarray], np.ndarray],
           x0: np.ndarray, max_iter: int = 100, tol: float = 1e-8) -> Solution:
    """Newton's method ``x <- x - t H^{-1} g`` with Armijo backtracking on ``t``. Trial
    points are evaluated with their gradient, so an accepted step (usually ``t = 1``)
    costs one gradient evaluation and one Hessian."""
    x = np.array(x0, dtype=np.float64)
    sol = Solution(x)
    f, g = value_and_grad(x)
    for _ in range(max_iter):
        sol.loss_history.append(float(f))
        if np.max(np.abs(g)) <= tol:
            sol.converged = True
            break
        direction = _newton_direction(hess(x), g)
        slope, t = float(g @ direction), 1.0
        for _ in range(40):
            f_new, g_new = value_and_grad(x + t * direction)
            if np.isfinite(f_new) and f_new <= f + 1e-4 * t * slope:
                break
            t *= 0.5
        else:  # no decrease possible in floating point
            break
        x, f, g = x + t * direction, f_new, g_new
        sol.n_iter += 1
    else:
        sol.loss_history.append(float(f))
    sol.x = x
    return sol


def _two_loop(g: np.ndarray, s_list: list, y_list: list) -> np.ndarray:
    """L-BFGS's approximation of ``-H^{-1} g`` from the stored steps and gradient changes."""
    q = g.copy()
    alphas = []
    for s, y in zip(reversed(s_list), reversed(y_list)):
        a = (s @ q) / (y @ s)
        alphas.append(a)
        q -= a * y
    if s_list:
        q *= (s_list[-1] @ y_list[-1]) / (y_list[-1] @ y_list[-1])
    for (s, y), a in zip(zip(s_list, y_list), reversed(alphas)):
        q += (a - (y @ q) / (y @ s)) * s
    return -q


def lbfgs(value_and_grad: ValueGrad, x0: np.ndarray, max_iter: int = 100, tol: float = 1e-8,
          memory: int = 10, fun: Callable[[np.ndarray], float] | None = None) -> Solution:
    """Limited-memory BFGS with Armijo backtracking; the gradients come from chainrule.

    The line search evaluates the loss and its gradient together, so an accepted step
    (usually the first, full one) costs one evaluation. ``fun`` is accepted for
    compatibility and not needed.
    """
    x = np.array(x0, dtype=np.float64)
    sol = Solution(x)
    s_list: list = []
    y_list: list = []
    f, g = value_and_grad(x)
    for _ in range(max_iter):
        sol.loss_history.append(float(f))
        if np.max(np.abs(g)) <= tol:
            sol.converged = True
            break
        d = _two_loop(g, s_list, y_list)
        if g @ d >= 0:
            s_list, y_list, d = [], [], -g
        step = _armijo_with_gradient(value_and_grad, x, f, g @ d, d)
        if step is None:  # no decrease possible in floating point
            break
        x_new, f_new, g_new = step
        s, y = x_new - x, g_new - g
        if s @ y > 1e-12 * np.sqrt((s @ s) * (y @ y)):
            s_list, y_list = (s_list + [s])[-memory:], (y_list + [y])[-memory:]
        x, f, g = x_new, f_new, g_new
        sol.n_iter += 1
    sol.x = x
    return sol


def _armijo_with_gradient(value_and_grad: ValueGrad, x: np.ndarray, f: float, slope: float,
                          d: np.ndarray, max_halvings: int = 40) -> tuple | None:
    """The first of t = 1, 1/2, 1/4... with sufficient decrease, and the value and
    gradient there; None if even tiny steps do not decrease f."""
    t = 1.0
    for _ in range(max_halvings):
        x_new = x + t * d
        if np.array_equal(x_new, x):
            return None
        f_new, g_new = value_and_grad(x_new)
        if np.isfinite(f_new) and f_new <= f + 1e-4 * t * slope:
            return x_new, f_new, g_new
        t *= 0.5
    return None
