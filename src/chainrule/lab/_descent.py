"""The Descent page: presets, and optimizers racing on a two-variable function.

Each optimizer is one call of :func:`chainrule.optim.minimize` (its history gives the
path, its message the diagnostics: divergence, oscillation, the 2/L hint); the lab only
chooses the schedule's shape and cuts the histories into chunks for the stream.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import optim
from ..optim.minimize import DEFAULT_LEARNING_RATE
from ..symbolic import lambdify
from ._common import ApiError, Fields, floats, formula_of
from ._derivative import _pair_vars

__all__ = ["PRESETS", "parse_descent", "run_optimizer", "run_all", "progress_events"]

PRESETS = [
    {"name": "bowl", "formula": "x^2 + y^2", "start": [2.5, 2.0], "xrange": [-3, 3],
     "yrange": [-3, 3], "note": "round bowl: every method walks straight to the minimum"},
    {"name": "elongated bowl", "formula": "x^2 + 10y^2", "start": [2.5, 1.5],
     "xrange": [-3, 3], "yrange": [-2, 2],
     "note": "condition number 10: gradient descent zig-zags; momentum and Adam cope"},
    {"name": "rosenbrock", "formula": "(1 - x)^2 + 100(y - x^2)^2", "start": [-1.5, 2.0],
     "xrange": [-2, 2], "yrange": [-1, 3],
     "note": "a curved valley with the minimum at (1, 1): easy to find, slow to follow"},
    {"name": "saddle", "formula": "x^2 - y^2", "start": [2.0, 0.01], "xrange": [-3, 3],
     "yrange": [-3, 3], "note": "a saddle at the origin: no minimum, the path escapes along y"},
    {"name": "beale", "formula": "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + "
     "(2.625 - x + x*y^3)^2", "start": [1.0, 1.5], "xrange": [-4.5, 4.5],
     "yrange": [-4.5, 4.5], "note": "Beale's function: minimum at (3, 0.5), steep walls"},
    {"name": "tutorial quadratic", "formula": "x^2 - 4x + y^2 + 5", "start": [0.0, 2.0],
     "xrange": [-2, 5], "yrange": [-3, 3],
     "note": "the tutorials' first example: minimum at (2, 0), f = 1"},
    {"name": "tutorial bowl", "formula": "x^2 + 2y^2", "start": [4.0, 3.0],
     "xrange": [-5, 5], "yrange": [-4, 4],
     "note": "the tutorials' bowl; try gradient descent with learning rate 0.6"},
]

OPTIMIZERS = ("gd", "momentum", "nesterov", "rmsprop", "adam", "newton")
SCHEDULES = ("constant", "exponential", "cosine", "step")
CHUNK = 50


def _schedule(kind: str, lr: float, steps: int) -> Any:
    """The learning rate as a schedule of the chosen shape over ``steps`` steps."""
    span = max(steps, 1)
    if kind == "exponential":
        return optim.exponential_decay(lr, transition_steps=max(span // 4, 1), decay_rate=0.5)
    if kind == "cosine":
        return optim.cosine_decay_schedule(lr, decay_steps=span)
    if kind == "step":
        return optim.piecewise_constant_schedule(lr, {max(span // 3, 1): 0.3,
                                                      max(2 * span // 3, 2): 0.3})
    return lr


def _optimizer(spec: Any, i: int) -> dict:
    if not isinstance(spec, dict):
        raise ApiError(400, f"optimizers[{i}] must be an object with a 'name'")
    f = Fields(spec)
    name = f.choice("name", "gd", OPTIMIZERS)
    out = {"name": name, "lr": f.number("lr", DEFAULT_LEARNING_RATE[name], 1e-9, 1e3),
           "schedule": f.choice("schedule", "constant", SCHEDULES)}
    if name in ("momentum", "nesterov"):
        out["momentum"] = f.number("momentum", 0.9, 0.0, 0.999)
    return out


def parse_descent(f: Fields) -> dict:
    """The checked request: formula, variables, start, steps and optimizers."""
    e = formula_of(f.string("formula"))
    names = _pair_vars(e, f.data.get("vars"))
    specs = f.data.get("optimizers", [{"name": "gd"}])
    if not isinstance(specs, list) or not 1 <= len(specs) <= 6:
        raise ApiError(400, "'optimizers' must be a list of 1 to 6 optimizers")
    return {"expr": e, "vars": names, "start": f.pair("start", [1.0, 1.0], -1e6, 1e6),
            "steps": f.integer("steps", 200, 1, 2000),
            "optimizers": [_optimizer(s, i) for i, s in enumerate(specs)]}


def run_optimizer(req: dict, k: int) -> dict:
    """Optimizer ``k``'s whole run: its path, losses and message."""
    spec, steps = req["optimizers"][k], req["steps"]
    fn = lambdify(req["expr"], req["vars"])

    def f(p: Any) -> Any:
        return fn(p[0], p[1])

    options = {"momentum": spec["momentum"]} if "momentum" in spec else {}
    rate = None if spec["name"] == "newton" else _schedule(spec["schedule"], spec["lr"], steps)
    method = "gd" if spec["name"] == "gd" else spec["name"]
    res = optim.minimize(f, np.array(req["start"]), method=method, learning_rate=rate,
                         maxiter=steps, **options)
    points = np.array([np.asarray(p, float) for p in res.history.params])
    return {"name": spec["name"], "points": points, "loss": np.asarray(res.history.loss),
            "final": np.asarray(res.x, float), "fun": res.fun, "message": res.message,
            "success": res.success}


def run_all(req: dict) -> list:
    """Every optimizer's run, one after the other (under one budget)."""
    return [run_optimizer(req, k) for k in range(len(req["optimizers"]))]


def progress_events(runs: list) -> list:
    """The stream's events: chunks of up to CHUNK steps, optimizers interleaved, then one
    summary per optimizer."""
    events = []
    longest = max(len(r["loss"]) for r in runs)
    for start in range(0, longest, CHUNK):
        for k, r in enumerate(runs):
            stop = min(start + CHUNK, len(r["loss"]))
            if start >= stop:
                continue
            events.append({"type": "progress", "optimizer": k, "name": r["name"],
                           "steps": list(range(start, stop)),
                           "points": floats(r["points"][start:stop]),
                           "loss": floats(r["loss"][start:stop])})
    for k, r in enumerate(runs):
        events.append({"type": "summary", "optimizer": k, "name": r["name"],
                       "final": floats(r["final"]), "loss": r["fun"],
                       "converged": bool(r["success"]), "messages": [r["message"]]})
    return events
