"""Newton's method and L-BFGS for :func:`~chainrule.optim.minimize`: steppers over the
flattened parameters, each with a backtracking line search that tries the full step first.

On a non-convex function Newton's method replaces the Hessian's eigenvalues by their
absolute values (floored), so its direction always descends; :func:`newton_curvature`
reports a negative eigenvalue at the end, so a saddle point or a maximum is never called
a minimum.

>>> import numpy as np
>>> _newton_direction(np.array([[2.0]]), np.array([4.0])).tolist()
[-2.0]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._routing import flat_hessian, flat_vg
from .interop import ravel_pytree
from .transform import global_norm
from .validate import check_callable, check_int

__all__ = ["newton_stepper", "lbfgs_stepper", "newton_curvature"]

# A stepper maps (x, loss, grad) to (new x, step size or learning rate, clipped?, failure
# message or None, (loss, grad) at the new x if it already computed them, else None).
Stepper = Callable[[Any, float, Any], tuple[Any, float, bool, str | None, tuple | None]]


def _newton_direction(h: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``-H~^{-1} g`` with ``H~`` the Hessian with its eigenvalues replaced by their absolute
    values, floored at ``1e-10`` times the largest (a relative floor, so that scaling f
    by any factor leaves the direction unchanged), so ``H~`` is positive definite and the
    direction descends. A zero Hessian gives the steepest-descent direction."""
    w, v = np.linalg.eigh(0.5 * (h + h.T))
    scale = float(np.max(np.abs(w))) if w.size else 0.0
    if not 0.0 < scale < np.inf:
        return -g
    w = np.maximum(np.abs(w), 1e-10 * scale)
    return -(v @ ((v.T @ g) / w))


def _line_search(vg: Callable, xv: np.ndarray, loss: float, gv: np.ndarray, d: np.ndarray,
                 expand: bool = False, c1: float = 1e-4, c2: float = 0.9,
                 max_halvings: int = 60) -> tuple | None:
    """Backtracking (Armijo) from the full step t = 1; with ``expand``, a full step that
    leaves the slope still steep (the weak Wolfe curvature condition fails) is doubled
    while f keeps decreasing. Returns the step, the point and ``(loss, flat gradient)``
    there, or None if no step changes x and decreases f."""
    slope, t, found = float(gv @ d), 1.0, None
    for _ in range(max_halvings):
        trial = xv + t * d
        if np.array_equal(trial, xv):  # the step is below float resolution
            break
        f_new, g_new = vg(trial)
        if float(f_new) <= loss + c1 * t * slope:
            found = (t, trial, (float(f_new), np.asarray(g_new, dtype=float)))
            break
        t *= 0.5
    while expand and found is not None and found[0] < 2.0 ** 20:
        t, _, (f_t, g_t) = found
        if g_t @ d >= c2 * slope:  # curvature condition holds: the step is long enough
            break
        trial = xv + 2 * t * d
        f_new, g_new = vg(trial)
        if not float(f_new) <= min(f_t, loss + c1 * 2 * t * slope):
            break
        found = (2 * t, trial, (float(f_new), np.asarray(g_new, dtype=float)))
    return found


def _flat(f: Callable[[Any], Any], x0: Any) -> tuple[Callable, Callable]:
    """``value_and_grad`` of f over the flattened parameters, and the unflattener."""
    _, unravel = ravel_pytree(x0)
    return flat_vg(f, unravel), unravel


def _square(h: Any, n: int) -> np.ndarray:
    """``h`` as an ``n`` by ``n`` float matrix, or a ValueError naming its shape."""
    h = np.asarray(h, dtype=float)
    if h.size != n * n:
        raise ValueError(f"minimize(method='newton'): the Hessian must be a {n} x {n} matrix "
                         f"over the flattened parameters, got shape {h.shape}")
    return h.reshape(n, n)


def newton_stepper(f: Callable[[Any], Any], x0: Any, hess: Callable | None = None) -> Stepper:
    """Newton's method; ``hess(x)`` may give the Hessian (as a matrix over the flattened
    parameters), else chainrule computes it."""
    if hess is not None:
        check_callable(hess, "hess", "minimize(method='newton')")
    vg, unravel = _flat(f, x0)
    exact = flat_hessian(f, unravel)

    def step(x: Any, loss: float, g: Any) -> tuple:
        xv, gv = ravel_pytree(x)[0], ravel_pytree(g)[0]
        h = _square(hess(x) if hess is not None else exact(xv), xv.size)
        if not np.all(np.isfinite(h)):
            return x, 0.0, False, "the Hessian is not finite here", None
        found = _line_search(vg, xv, loss, gv, _newton_direction(h, gv))
        if found is None:
            return x, 0.0, False, "line search failed: no step changes x and decreases f " \
                "along the Newton direction", None
        t, trial, (f_new, g_new) = found
        return unravel(trial), t, False, None, (f_new, unravel(g_new))

    return step


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


def lbfgs_stepper(f: Callable[[Any], Any], x0: Any, memory: int = 10) -> Stepper:
    """Limited-memory BFGS: the last ``memory`` steps and gradient changes stand in for the
    inverse Hessian; an Armijo line search from the full step. It works on f divided by
    the starting gradient's norm (so its first step has length 1, as SciPy's, and no dot
    product underflows or overflows whatever the scale of f)."""
    memory = check_int(memory, "memory", "minimize(method='lbfgs')", 1)
    vg, unravel = _flat(f, x0)
    pairs: list = []   # (s, y) curvature pairs, of the scaled function
    last: list = []    # the previous (x, scaled g), flat
    sigma: list = []   # the scale: |grad f(x0)|, or 1

    def scaled(v: np.ndarray) -> tuple:
        loss, g = vg(v)
        return float(loss) / sigma[0], np.asarray(g, dtype=float) / sigma[0]

    def step(x: Any, loss: float, g: Any) -> tuple:
        xv, gv = ravel_pytree(x)[0], ravel_pytree(g)[0]
        if not sigma:
            norm = global_norm(gv)
            sigma.append(norm if 0.0 < norm < np.inf else 1.0)
        gv = gv / sigma[0]
        if last:
            s, y = xv - last[0], gv - last[1]
            if s @ y > 1e-12 * global_norm(s) * global_norm(y):
                pairs[:] = (pairs + [(s, y)])[-memory:]
        last[:] = [xv, gv]
        d = _two_loop(gv, [p[0] for p in pairs], [p[1] for p in pairs])
        if gv @ d >= 0:  # not a descent direction: start afresh from the gradient
            pairs.clear()
            d = -gv
        found = _line_search(scaled, xv, loss / sigma[0], gv, d, expand=True)
        if found is None:
            return x, 0.0, False, "line search failed: no step changes x and decreases f", \
                None
        t, trial, (f_new, g_new) = found
        return unravel(trial), t, False, None, (f_new * sigma[0], unravel(g_new * sigma[0]))

    return step


def newton_curvature(f: Callable[[Any], Any], x: Any,
                     hess: Callable | None = None) -> tuple[float, float]:
    """The smallest eigenvalue of the Hessian of ``f`` at ``x`` and the largest magnitude
    (``hess(x)`` gives the Hessian over the flattened parameters if not None).

    >>> newton_curvature(lambda v: v[0] ** 2 - v[1] ** 2, np.zeros(2))
    (-2.0, 2.0)
    """
    xv, unravel = ravel_pytree(x)
    h = _square(hess(x) if hess is not None else flat_hessian(f, unravel)(xv), xv.size)
    if not np.all(np.isfinite(h)):
        return float("nan"), float("nan")
    w = np.linalg.eigvalsh(0.5 * (h + h.T))
    return (float(w[0]), float(np.max(np.abs(w)))) if w.size else (0.0, 0.0)
