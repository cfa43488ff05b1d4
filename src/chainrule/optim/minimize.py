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
           "newton")
DEFAULT_LEARNING_RATE = {"gd": 0.1, "sgd": 0.1, "momentum": 0.01, "nesterov": 0.01,
                         "rmsprop": 0.01, "adagrad": 0.1, "adam": 0.01, "adamw": 0.01,
                         "newton": 1.0}


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


Stepper = Callable[[Any, float, Any], tuple[Any, float, bool, str | None]]


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

    def step(x: Any, loss: float, g: Any) -> tuple[Any, float, bool, str | None]:
        updates, state[0] = opt.update(g, state[0], x)
        lr, clipped = step_info(state[0])
        return apply_updates(x, updates), lr, clipped, None

    return step


def _newton_direction(h: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``-H~^{-1} g`` with ``H~`` the Hessian with its eigenvalues replaced by their absolute
    values (floored), so ``H~`` is positive definite and the direction descends."""
    w, v = np.linalg.eigh(0.5 * (h + h.T))
    scale = max(float(np.max(np.abs(w))) if w.size else 0.0, 1.0)
    w = np.maximum(np.abs(w), 1e-10 * scale)
    return -(v @ ((v.T @ g) / w))


def _newton_stepper(f: Callable[[Any], Any], x0: Any, c1: float = 1e-4,
                    max_halvings: int = 60) -> Stepper:
    _, unravel = ravel_pytree(x0)

    def flat_f(v: Any) -> Any:
        return f(unravel(v))

    def step(x: Any, loss: float, g: Any) -> tuple[Any, float, bool, str | None]:
        xv, gv = ravel_pytree(x)[0], ravel_pytree(g)[0]
        h = np.asarray(hessian(flat_f)(xv), dtype=float).reshape(xv.size, xv.size)
        d = _newton_direction(h, gv)
        slope, t = float(gv @ d), 1.0
        for _ in range(max_halvings):  # backtracking (Armijo) line search from t = 1
            trial = xv + t * d
            if float(flat_f(trial)) <= loss + c1 * t * slope:
                return unravel(trial), t, False, None
            t *= 0.5
        return x, 0.0, False, "line search failed: no step decreases f along the Newton direction"

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
            ``"adamw"`` (their keyword options pass through, e.g. ``b1=0.8``), or
            ``"newton"``: exact Hessian, shifted to be positive definite where it is not,
            and a backtracking line search that tries the full step first.
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
    x, small_step, stop, best = x0, None, None, None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(maxiter + 1):
            loss, g, gnorm = _evaluate(vg, x)
            history.record(x, loss, gnorm)
            monitor.add_loss(loss)
            if math.isfinite(loss):
                best = (x, loss)
            stop = _check(monitor, k, gnorm, gtol, small_step, xtol, maxiter)
            if stop is not None:
                break
            new_x, lr, clipped, failure = stepper(x, loss, g)
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
    if bad and method != "newton":
        hint = learning_rate_hint(f, x0, first_rate)
        message += f". {hint}" if hint else ""
    x, fun = best if best is not None else (x0, math.nan)
    nit = max(len(history) - 1, 0)
    return OptimizeResult(x, fun, stop.success, message, nit, history)
