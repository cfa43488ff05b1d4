"""``minimize``: first-order methods and a damped Newton method, with a history and
diagnostics for runs that diverge or oscillate.

Stopping: the gradient norm falls to ``gtol`` (success), a step is no longer than
``xtol`` (success, checked only when ``xtol > 0``), ``maxiter`` steps are done, or the run
diverges or oscillates (failure, with a learning-rate hint from the curvature at the
start).

>>> res = minimize(lambda x: x ** 2 - 4 * x + 5, 0.0, method="gd", learning_rate=0.1)
>>> res.success, round(res.x, 6), [round(p, 6) for p in res.history.params[1:4]]
(True, 2.0, [0.4, 0.72, 0.976])
>>> bad = minimize(lambda x: x ** 2, 10.0, method="gd", learning_rate=1.0)
>>> bad.success, bad.message.split(":")[0], bad.history.params[:3]
(False, 'oscillating', [10.0, -10.0, 10.0])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from .._api import hessian, value_and_grad
from .alias import adagrad, adam, adamw, rmsprop, sgd
from .diagnostics import Monitor, learning_rate_hint
from .history import History, step_info
from .interop import ravel_pytree
from .transform import GradientTransformation, Schedule, apply_updates, chain
from .transform import clip_by_global_norm as _clip_by_global_norm
from .transform import global_norm as _global_norm

__all__ = ["minimize", "OptimizeResult", "METHODS"]

METHODS = ("gd", "sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam", "adamw",
           "newton", "lbfgs")
SECOND_ORDER = ("newton", "lbfgs")  # a line search chooses the step; no learning rate
DEFAULT_LEARNING_RATE = {"gd": 0.1, "sgd": 0.1, "momentum": 0.01, "nesterov": 0.01,
                         "rmsprop": 0.01, "adagrad": 0.1, "adam": 0.01, "adamw": 0.01,
                         "newton": 1.0, "lbfgs": 1.0}


class OptimizeResult(NamedTuple):
    """The answer ``x`` (a pytree like ``x0``), ``fun = f(x)``, whether it ``success``-fully
    converged, a ``message`` saying why it stopped, the number of steps ``nit`` and the
    :class:`~chainrule.optim.History`."""

    x: Any
    fun: float
    success: bool
    message: str
    nit: int
    history: History


# A stepper maps (x, loss, grad) to (new x, step size or learning rate, clipped?, failure
# message or None, (loss, grad) at the new x if it already computed them, else None).
Stepper = Callable[[Any, float, Any], tuple[Any, float, bool, str | None, tuple | None]]


def _first_order(method: str, learning_rate: float | Schedule, clip_norm: float | None,
                 options: dict) -> GradientTransformation:
    builders = {
        "gd": lambda: sgd(learning_rate), "sgd": lambda: sgd(learning_rate),
        "momentum": lambda: sgd(learning_rate, momentum=options.pop("momentum", 0.9)),
        "nesterov": lambda: sgd(learning_rate, momentum=options.pop("momentum", 0.9),
                                nesterov=True),
        "rmsprop": lambda: rmsprop(learning_rate, **options),
        "adagrad": lambda: adagrad(learning_rate, **options),
        "adam": lambda: adam(learning_rate, **options),
        "adamw": lambda: adamw(learning_rate, **options),
    }
    opt = builders[method]()
    if method in ("gd", "sgd", "momentum", "nesterov") and options:
        raise TypeError(f"minimize(method={method!r}) got unexpected options {sorted(options)}")
    return chain(_clip_by_global_norm(clip_norm), opt) if clip_norm is not None else opt


def _optimizer_stepper(opt: GradientTransformation, x0: Any) -> Stepper:
    state = [opt.init(x0)]

    def step(x: Any, loss: float, g: Any) -> tuple:
        updates, state[0] = opt.update(g, state[0], x)
        lr, clipped = step_info(state[0])
        return apply_updates(x, updates), lr, clipped, None, None

    return step


def _newton_direction(h: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``-H~^{-1} g`` with ``H~`` the Hessian with its eigenvalues replaced by their absolute
    values (floored), so ``H~`` is positive definite and the direction descends."""
    w, v = np.linalg.eigh(0.5 * (h + h.T))
    scale = max(float(np.max(np.abs(w))) if w.size else 0.0, 1.0)
    w = np.maximum(np.abs(w), 1e-10 * scale)
    return -(v @ ((v.T @ g) / w))


def _line_search(vg: Callable, xv: np.ndarray, loss: float, gv: np.ndarray, d: np.ndarray,
                 expand: bool = False, c1: float = 1e-4, c2: float = 0.9,
                 max_halvings: int = 60) -> tuple | None:
    """Backtracking (Armijo) from the full step t = 1; with ``expand``, a full step that
    leaves the slope still steep (the weak Wolfe curvature condition fails) is doubled
    while f keeps decreasing. Returns the step, the point and ``(loss, flat gradient)``
    there, or None if no step decreases f."""
    slope, t, found = float(gv @ d), 1.0, None
    for _ in range(max_halvings):
        trial = xv + t * d
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
    return value_and_grad(lambda v: f(unravel(v))), unravel


def _newton_stepper(f: Callable[[Any], Any], x0: Any, hess: Callable | None = None) -> Stepper:
    """Newton's method; ``hess(x)`` may give the Hessian (as a matrix over the flattened
    parameters), else chainrule computes it."""
    vg, unravel = _flat(f, x0)
    exact = hessian(lambda v: f(unravel(v)))

    def step(x: Any, loss: float, g: Any) -> tuple:
        xv, gv = ravel_pytree(x)[0], ravel_pytree(g)[0]
        h = hess(x) if hess is not None else exact(xv)
        h = np.asarray(h, dtype=float).reshape(xv.size, xv.size)
        found = _line_search(vg, xv, loss, gv, _newton_direction(h, gv))
        if found is None:
            return x, 0.0, False, "line search failed: no step decreases f along the " \
                "Newton direction", None
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


def _lbfgs_stepper(f: Callable[[Any], Any], x0: Any, memory: int = 10) -> Stepper:
    """Limited-memory BFGS: the last ``memory`` steps and gradient changes stand in for the
    inverse Hessian; an Armijo line search from the full step."""
    vg, unravel = _flat(f, x0)
    pairs: list = []   # (s, y) curvature pairs
    last: list = []    # the previous (x, g), flat

    def step(x: Any, loss: float, g: Any) -> tuple:
        xv, gv = ravel_pytree(x)[0], ravel_pytree(g)[0]
        if last:
            s, y = xv - last[0], gv - last[1]
            if s @ y > 1e-12 * np.sqrt((s @ s) * (y @ y)):
                pairs[:] = (pairs + [(s, y)])[-memory:]
        last[:] = [xv, gv]
        d = _two_loop(gv, [p[0] for p in pairs], [p[1] for p in pairs])
        if gv @ d >= 0:  # not a descent direction: start afresh from the gradient
            pairs.clear()
            d = -gv
        found = _line_search(vg, xv, loss, gv, d, expand=True)
        if found is None:
            return x, 0.0, False, "line search failed: no step decreases f", None
        t, trial, (f_new, g_new) = found
        return unravel(trial), t, False, None, (f_new, unravel(g_new))

    return step


def _resolve_rate(method: str, learning_rate: float | Schedule | None,
                  schedule: Schedule | None) -> float | Schedule:
    if method not in METHODS:
        raise ValueError(f"minimize: unknown method {method!r}; choose one of {METHODS}")
    if schedule is not None and learning_rate is not None:
        raise ValueError("minimize: pass either learning_rate or schedule, not both "
                         "(learning_rate may itself be a schedule)")
    rate = schedule if schedule is not None else learning_rate
    return DEFAULT_LEARNING_RATE[method] if rate is None else rate


def minimize(f: Callable[[Any], Any], x0: Any, method: str = "gd",
             learning_rate: float | Schedule | None = None, maxiter: int = 1000,
             gtol: float = 1e-8, xtol: float = 0.0, clip_norm: float | None = None,
             schedule: Schedule | None = None, **options: Any) -> OptimizeResult:
    """Minimize a scalar ``f`` over a pytree ``x0`` (a float, an array, a dict of arrays...).

    Args:
        method: ``"gd"``/``"sgd"`` (plain gradient steps), ``"momentum"``, ``"nesterov"``
            (option ``momentum=0.9``), ``"rmsprop"``, ``"adagrad"``, ``"adam"``,
            ``"adamw"`` (their keyword options pass through, e.g. ``b1=0.8``),
            ``"newton"``: exact Hessian (or ``hess=``, a function of x giving it over the
            flattened parameters), shifted to be positive definite where it is not, and a
            backtracking line search that tries the full step first; or ``"lbfgs"``:
            limited-memory BFGS (option ``memory=10``) with the same line search.
        learning_rate: a float or a schedule; ``None`` takes a per-method default
            (``DEFAULT_LEARNING_RATE``). ``schedule`` is the same thing by another name.
        clip_norm: clip the gradient's global norm (first-order methods); clipping events
            are in ``history.clipped``.

    >>> res = minimize(lambda w: w ** 2 - 4 * w + 4, 0.0, method="newton")
    >>> res.x, res.nit, res.success
    (2.0, 1, True)
    """
    rate = _resolve_rate(method, learning_rate, schedule)
    if method == "newton":
        stepper = _newton_stepper(f, x0, **options)
    elif method == "lbfgs":
        stepper = _lbfgs_stepper(f, x0, **options)
    else:
        stepper = _optimizer_stepper(_first_order(method, rate, clip_norm, dict(options)), x0)
    first_rate = float(rate(0) if callable(rate) else rate)
    return _run(f, x0, stepper, maxiter, gtol, xtol, first_rate, method)


class _Stop(NamedTuple):
    success: bool
    message: str


def _evaluate(vg: Callable, x: Any) -> tuple[float, Any, float]:
    loss, g = vg(x)
    return float(loss), g, _global_norm(g)


def _run(f: Callable, x0: Any, stepper: Stepper, maxiter: int, gtol: float, xtol: float,
         first_rate: float, method: str) -> OptimizeResult:
    vg, history, monitor = value_and_grad(f), History(), Monitor()
    x, small_step, stop, best, known = x0, None, None, None, None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(maxiter + 1):
            if known is None:
                loss, g, gnorm = _evaluate(vg, x)
            else:  # the stepper's line search already evaluated f and its gradient here
                loss, g = known
                gnorm = _global_norm(g)
            history.record(x, loss, gnorm)
            monitor.add_loss(loss)
            if math.isfinite(loss):
                best = (x, loss)
            stop = _check(monitor, k, gnorm, gtol, small_step, xtol, maxiter)
            if stop is not None:
                break
            new_x, lr, clipped, failure, known = stepper(x, loss, g)
            history.mark_step(lr, clipped)
            if failure is not None:
                stop = _Stop(False, f"{failure} (at step {k})")
                break
            step = ravel_pytree(new_x)[0] - ravel_pytree(x)[0]
            monitor.add_step(step)
            small_step = float(np.linalg.norm(step))
            x = new_x
    return _result(f, x0, best, history, stop, first_rate, method)


def _check(monitor: Monitor, k: int, gnorm: float, gtol: float, small_step: float | None,
           xtol: float, maxiter: int) -> _Stop | None:
    trouble = monitor.verdict()
    if trouble is not None:
        return _Stop(False, f"{trouble} (at step {k})")
    if gnorm <= gtol:
        return _Stop(True, f"converged: gradient norm {gnorm:.3g} <= gtol = {gtol:.3g} "
                           f"after {k} steps")
    if xtol > 0 and small_step is not None and small_step <= xtol:
        return _Stop(True, f"converged: step size {small_step:.3g} <= xtol = {xtol:.3g} "
                           f"after {k} steps")
    if k == maxiter:
        msg = f"maxiter = {maxiter} reached with gradient norm {gnorm:.3g} > gtol = {gtol:.3g}"
        if monitor.losses[-1] >= monitor.losses[0]:
            msg += "; the loss did not decrease (oscillation or divergence)"
        return _Stop(False, msg)
    return None


def _result(f: Callable, x0: Any, best: tuple | None, history: History, stop: _Stop,
            first_rate: float, method: str) -> OptimizeResult:
    message = stop.message
    bad = message.startswith(("diverged", "oscillating")) or "did not decrease" in message
    if bad and method not in SECOND_ORDER:
        hint = learning_rate_hint(f, x0, first_rate)
        message += f". {hint}" if hint else ""
    x, fun = best if best is not None else (x0, math.nan)
    nit = max(len(history) - 1, 0)
    return OptimizeResult(x, fun, stop.success, message, nit, history)
