"""``minimize``: first-order methods, a damped Newton method and L-BFGS, with a history
and diagnostics for runs that diverge or oscillate.

Stopping, in the order checked at each iterate ``x_k``:

- failure when the run diverges or oscillates (with a learning-rate hint from the
  curvature at the start), or when f or its gradient is not finite;
- success when ``|grad f(x_k)| <= gtol * min(1, |grad f(x_0)|)``: the gradient norm is at
  most ``gtol`` *and* has fallen by the factor ``gtol`` from the start, so scaling f by
  ``1e-200`` cannot make the start look converged (at an exactly stationary start,
  ``grad f(x_0) = 0``, the run stops at once);
- success, only when asked for, when a step is no longer than ``xtol`` (in the units of
  x) or the loss changes by at most ``ftol * max(|f_k|, |f_{k+1}|)``;
- failure when ``maxiter`` steps are done.

Newton's method also refuses to call a point with a negative Hessian eigenvalue (a saddle
or a maximum) a success. Norms are computed without overflow or underflow.

>>> res = minimize(lambda x: x ** 2 - 4 * x + 5, 0.0, method="gd", learning_rate=0.1)
>>> res.success, round(res.x, 6), [round(p, 6) for p in res.history.params[1:4]]
(True, 2.0, [0.4, 0.72, 0.976])
>>> bad = minimize(lambda x: x ** 2, 10.0, method="gd", learning_rate=1.0)
>>> bad.success, bad.message.split(":")[0], bad.history.params[:3]
(False, 'oscillating', [10.0, -10.0, 10.0])
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ..core.budget import check_time
from ._routing import bind_args, is_distributed, objective_vg
from .alias import adagrad, adam, adamw, rmsprop, sgd
from .diagnostics import Monitor, learning_rate_hint
from .history import History, history_html, step_info
from .interop import ravel_pytree
from .second_order import Stepper, lbfgs_stepper, newton_curvature, newton_stepper
from .transform import GradientTransformation, Schedule, apply_updates, as_schedule, chain
from .transform import clip_by_global_norm as _clip_by_global_norm
from .transform import global_norm as _global_norm
from .validate import (
    InvalidParameterError,
    check_callable,
    check_choice,
    check_int,
    check_nonnegative,
    check_positive,
)

__all__ = ["minimize", "OptimizeResult", "METHODS"]

METHODS = ("gd", "sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adam", "adamw",
           "newton", "lbfgs")
SECOND_ORDER = ("newton", "lbfgs")  # a line search chooses the step; no learning rate
DEFAULT_LEARNING_RATE = {"gd": 0.1, "sgd": 0.1, "momentum": 0.01, "nesterov": 0.01,
                         "rmsprop": 0.01, "adagrad": 0.1, "adam": 0.01, "adamw": 0.01,
                         "newton": 1.0, "lbfgs": 1.0}


def _option_names(fn: Callable, skip: tuple = ("learning_rate", "f", "x0")) -> tuple:
    return tuple(p for p in inspect.signature(fn).parameters if p not in skip)


#: The keyword options each method accepts (passed on to its optimizer or stepper).
OPTIONS = {"gd": (), "sgd": (), "momentum": ("momentum",), "nesterov": ("momentum",),
           "rmsprop": _option_names(rmsprop), "adagrad": _option_names(adagrad),
           "adam": _option_names(adam), "adamw": _option_names(adamw),
           "newton": _option_names(newton_stepper), "lbfgs": _option_names(lbfgs_stepper)}


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

    def _repr_html_(self) -> str:
        verdict = "converged" if self.success else "did not converge"
        title = f"{verdict} after {self.nit} steps, f = {self.fun:.6g}: {self.message}"
        return history_html(self.history, title)


class _Tolerances(NamedTuple):
    gtol: float
    xtol: float
    ftol: float
    maxiter: int


def _first_order(method: str, learning_rate: float | Schedule, clip_norm: float | None,
                 options: dict) -> GradientTransformation:
    builders = {
        "gd": lambda: sgd(learning_rate), "sgd": lambda: sgd(learning_rate),
        "momentum": lambda: sgd(learning_rate, momentum=options.get("momentum", 0.9)),
        "nesterov": lambda: sgd(learning_rate, momentum=options.get("momentum", 0.9),
                                nesterov=True),
        "rmsprop": lambda: rmsprop(learning_rate, **options),
        "adagrad": lambda: adagrad(learning_rate, **options),
        "adam": lambda: adam(learning_rate, **options),
        "adamw": lambda: adamw(learning_rate, **options),
    }
    opt = builders[method]()
    return chain(_clip_by_global_norm(clip_norm), opt) if clip_norm is not None else opt


def _optimizer_stepper(opt: GradientTransformation, x0: Any) -> Stepper:
    state = [opt.init(x0)]

    def step(x: Any, loss: float, g: Any) -> tuple:
        updates, state[0] = opt.update(g, state[0], x)
        lr, clipped = step_info(state[0])
        return apply_updates(x, updates), lr, clipped, None, None

    return step


def _resolve_rate(method: str, learning_rate: float | Schedule | None,
                  schedule: Schedule | None) -> float | Schedule:
    check_choice(method, "method", "minimize", METHODS)
    if schedule is not None and learning_rate is not None:
        raise InvalidParameterError("minimize: pass either learning_rate or schedule, not "
                                    "both (learning_rate may itself be a schedule)")
    if schedule is not None:
        check_callable(schedule, "schedule", "minimize")
    rate = schedule if schedule is not None else learning_rate
    rate = DEFAULT_LEARNING_RATE[method] if rate is None else rate
    return as_schedule(rate, "minimize") if callable(rate) else \
        check_positive(rate, "learning_rate", "minimize")


def _check_options(method: str, clip_norm: float | None, options: dict) -> float | None:
    unknown = sorted(set(options) - set(OPTIONS[method]))
    if unknown:
        allowed = ", ".join(OPTIONS[method]) or "none"
        raise InvalidParameterError(f"minimize(method={method!r}): unknown option(s) "
                                    f"{unknown}; its options are: {allowed}")
    if clip_norm is None:
        return None
    if method in SECOND_ORDER:
        raise InvalidParameterError(f"minimize: clip_norm applies to first-order methods, "
                                    f"not to {method!r} (a line search sets its steps)")
    return check_positive(clip_norm, "clip_norm", "minimize")


def minimize(f: Callable[[Any], Any], x0: Any, method: str = "gd",
             learning_rate: float | Schedule | None = None, maxiter: int = 1000,
             gtol: float = 1e-8, xtol: float = 0.0, clip_norm: float | None = None,
             schedule: Schedule | None = None, ftol: float = 0.0, args: tuple = (),
             **options: Any) -> OptimizeResult:
    """Minimize a scalar ``f`` over a pytree ``x0`` (a float, an array, a dict of arrays...).

    Args:
        method: ``"gd"``/``"sgd"`` (plain gradient steps), ``"momentum"``, ``"nesterov"``
            (option ``momentum=0.9``), ``"rmsprop"``, ``"adagrad"``, ``"adam"``,
            ``"adamw"`` (their keyword options pass through, e.g. ``b1=0.8``),
            ``"newton"``: exact Hessian (or ``hess=``, a function of x giving it over the
            flattened parameters), shifted to be positive definite where it is not, and a
            backtracking line search that tries the full step first; or ``"lbfgs"``:
            limited-memory BFGS (option ``memory=10``) with the same line search.
        learning_rate: a finite number > 0 or a schedule; ``None`` takes a per-method
            default (``DEFAULT_LEARNING_RATE``). ``schedule`` is the same thing by another
            name. Newton and L-BFGS choose their steps by line search and ignore it.
        maxiter: the most steps (an integer >= 0).
        gtol, xtol, ftol: the stopping tolerances (finite, >= 0) described in the module
            documentation; ``xtol`` and ``ftol`` are off at 0.
        clip_norm: clip the gradient's global norm (> 0; first-order methods); clipping
            events are in ``history.clipped``.
        args: data passed on as ``f(x, *args)``. With Dask arrays, ``(X,)`` or
            ``(X, y)``, f is the loss of one chunk of rows, a mean over them, and the
            run is data-parallel (:func:`chainrule.distributed.objective`, which may
            also be passed as ``f`` itself).

    >>> res = minimize(lambda w: w ** 2 - 4 * w + 4, 0.0, method="newton")
    >>> res.x, res.nit, res.success
    (2.0, 1, True)
    """
    check_callable(f, "f", "minimize")
    if not isinstance(args, (tuple, list)):
        raise InvalidParameterError(f"minimize: args must be a tuple of data arrays, e.g. "
                                    f"(X, y), got {type(args).__name__}")
    f = bind_args(f, tuple(args))
    rate = _resolve_rate(method, learning_rate, schedule)
    clip_norm = _check_options(method, clip_norm, options)
    tol = _Tolerances(check_nonnegative(gtol, "gtol", "minimize"),
                      check_nonnegative(xtol, "xtol", "minimize"),
                      check_nonnegative(ftol, "ftol", "minimize"),
                      check_int(maxiter, "maxiter", "minimize"))
    if method == "newton":
        stepper = newton_stepper(f, x0, **options)
    elif method == "lbfgs":
        stepper = lbfgs_stepper(f, x0, **options)
    else:
        stepper = _optimizer_stepper(_first_order(method, rate, clip_norm, options), x0)
    res = _run(f, x0, stepper, tol)
    if method == "newton" and res.success:
        res = _refuse_saddle(f, res, options.get("hess"))
    if not res.success and method not in SECOND_ORDER and _troubled(res.message) \
            and not is_distributed(f):
        hint = learning_rate_hint(f, x0, float(rate(0) if callable(rate) else rate))
        res = res._replace(message=res.message + (f". {hint}" if hint else ""))
    return res


def _troubled(message: str) -> bool:
    return message.startswith(("diverged", "oscillating")) or "did not decrease" in message


def _refuse_saddle(f: Callable, res: OptimizeResult, hess: Callable | None) -> OptimizeResult:
    """A Newton result at a point whose Hessian has a clearly negative eigenvalue is not a
    minimum: report it as a failure."""
    with np.errstate(over="ignore", invalid="ignore"):
        low, big = newton_curvature(f, res.x, hess)
    if low < -1e-8 * max(big, 1e-300):
        return res._replace(success=False, message=(
            f"stopped at a saddle point or a maximum, not a minimum: the gradient is "
            f"(near) zero but the Hessian has the negative eigenvalue {low:.4g} "
            f"(after {res.nit} steps); start elsewhere"))
    return res


class _Stop(NamedTuple):
    success: bool
    message: str


def _run(f: Callable, x0: Any, stepper: Stepper, tol: _Tolerances) -> OptimizeResult:
    vg, history, monitor = objective_vg(f), History(), Monitor()
    x, last, stop, best, known, g0 = x0, None, None, None, None, None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for k in range(tol.maxiter + 1):
            check_time("minimize")
            loss, g = vg(x) if known is None else known  # a line search may have found them
            loss, gnorm = float(loss), _global_norm(g)
            g0 = gnorm if g0 is None else g0
            history.record(x, loss, gnorm)
            monitor.add_loss(loss)
            if math.isfinite(loss):
                best = (x, loss)
            stop = _check(monitor, k, gnorm, g0, last, tol)
            if stop is not None:
                break
            new_x, lr, clipped, failure, known = stepper(x, loss, g)
            history.mark_step(lr, clipped)
            if failure is not None:
                stop = _Stop(False, f"{failure} (at step {k})")
                break
            step = ravel_pytree(new_x)[0] - ravel_pytree(x)[0]
            monitor.add_step(step)
            last = (_global_norm(step), loss)
            x = new_x
    x, fun = best if best is not None else (x0, math.nan)
    return OptimizeResult(x, fun, stop.success, stop.message, max(len(history) - 1, 0),
                          history)


def _check(monitor: Monitor, k: int, gnorm: float, g0: float, last: tuple | None,
           tol: _Tolerances) -> _Stop | None:
    """Why the run stops at iterate ``k``, or None; ``last`` is the previous step's
    length and the loss before it."""
    loss = monitor.losses[-1]
    if k == 0 and not math.isfinite(loss):
        why = "outside f's domain" if math.isnan(loss) else \
            "at a pole of f or where f overflows"
        return _Stop(False, f"f(x0) = {loss}: the start is {why}; start elsewhere")
    trouble = monitor.verdict()
    if trouble is not None:
        return _Stop(False, f"{trouble} (at step {k})")
    if not math.isfinite(gnorm):
        return _Stop(False, f"the gradient norm is {gnorm} at step {k}: f is not "
                            "differentiable there (or overflows)")
    threshold = tol.gtol * min(1.0, g0)
    if gnorm <= threshold:
        return _Stop(True, f"converged: gradient norm {gnorm:.3g} <= gtol * min(1, "
                           f"|grad f(x0)|) = {threshold:.3g} after {k} steps")
    if last is not None and tol.xtol > 0 and last[0] <= tol.xtol:
        return _Stop(True, f"converged: step size {last[0]:.3g} <= xtol = {tol.xtol:.3g} "
                           f"after {k} steps")
    if last is not None and tol.ftol > 0:
        change = abs(last[1] - loss)
        if change <= tol.ftol * max(abs(last[1]), abs(loss)):
            return _Stop(True, f"converged: the loss changed by {change:.3g} <= ftol * "
                               f"max(|f_k|, |f_k+1|) after {k} steps")
    if k == tol.maxiter:
        msg = (f"maxiter = {tol.maxiter} reached with gradient norm {gnorm:.3g} > gtol * "
               f"min(1, |grad f(x0)|) = {threshold:.3g}")
        if k > 0 and monitor.losses[-1] >= monitor.losses[0]:
            msg += "; the loss did not decrease"
        elif gnorm <= tol.gtol:
            msg += (f"; the norm is below gtol but has not fallen by the factor gtol from "
                    f"|grad f(x0)| = {g0:.3g} (f may be small in scale, or x0 near a "
                    "stationary point)")
        return _Stop(False, msg)
    return None
