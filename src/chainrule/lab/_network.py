"""The Network page: toy datasets, training runs of :class:`chainrule.models.MLPClassifier`
kept between requests (bounded in number and steps), snapshots of the decision boundary,
and the backprop tableau of one example.

One training step is one ``partial_fit`` (one full-batch optimizer step). The tableau
runs the model's own layers (:func:`chainrule.models.neural.forward`, its activation and
its loss) and takes every adjoint with :func:`chainrule.grad` in one reverse pass.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict, deque
from typing import Any

import numpy as np

from .. import optim
from .._api import grad
from ..core.budget import check_time
from ..models import MLPClassifier
from ..models.neural import ACTIVATIONS, forward
from ._common import ApiError, Fields, Limits, floats

__all__ = ["DATASETS", "Run", "Runs", "make_run", "train_steps", "snapshot", "tableau"]

DATASETS = ("xor", "circles", "moons", "spiral", "linear")
GRID = 60
MAX_VALUES = 32
HISTORY_POINTS = 1000


def _dataset(name: str, n: int, noise: float, rng: np.random.Generator) -> tuple:
    """Points in about [-1, 1]^2 and labels 0/1 (sampling glue, no mathematics)."""
    half = n // 2
    if name == "xor":
        X = rng.uniform(0.1, 1.0, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))
        y = (X[:, 0] * X[:, 1] < 0).astype(int)
    elif name == "circles":
        r = np.r_[rng.uniform(0.0, 0.45, half), rng.uniform(0.7, 1.0, n - half)]
        a = rng.uniform(0, 2 * np.pi, n)
        X, y = np.c_[r * np.cos(a), r * np.sin(a)], np.r_[np.ones(half), np.zeros(n - half)]
    elif name == "moons":
        a = rng.uniform(0, np.pi, n)
        top = np.c_[np.cos(a[:half]), np.sin(a[:half])]
        low = np.c_[1 - np.cos(a[half:]), 0.5 - np.sin(a[half:])]
        X = (np.r_[top, low] - [0.5, 0.25]) / 1.5
        y = np.r_[np.zeros(half), np.ones(n - half)]
    elif name == "spiral":
        t = rng.uniform(0.25, 1.0, n)
        a = 3 * np.pi * t + np.r_[np.zeros(half), np.full(n - half, np.pi)]
        X, y = np.c_[t * np.cos(a), t * np.sin(a)], np.r_[np.zeros(half), np.ones(n - half)]
    else:
        t = rng.uniform(-1, 1, n)  # along the boundary x1 + x2 = 0, and across it
        d = rng.uniform(0.1, 1.0, n) * rng.choice([-1.0, 1.0], n)
        X, y = np.c_[t + d / 2, -t + d / 2], (d > 0).astype(int)
    X = X + noise * rng.standard_normal(X.shape)
    return X, np.asarray(y, int)


class Run:
    """One training run: the model, its data, and a lock (one request works on it at a
    time)."""

    def __init__(self, client: str, settings: dict) -> None:
        self.id = secrets.token_hex(8)
        self.client = client
        self.settings = settings
        rng = np.random.default_rng(settings["seed"])
        self.X, self.y = _dataset(settings["dataset"], settings["n_samples"],
                                  settings["noise"], rng)
        opt = settings["optimizer"]
        if opt == "momentum":
            opt = optim.sgd(settings["lr"], momentum=0.9)
        self.model = MLPClassifier(hidden_layer_sizes=tuple(settings["hidden"]),
                                   activation=settings["activation"], optimizer=opt,
                                   learning_rate=settings["lr"], alpha=settings["l2"],
                                   random_state=settings["seed"])
        self.steps = 0
        self.lock = threading.Lock()
        # the untrained network, as the model's first partial_fit would start it
        self.model._validate_params()
        self.model.classes_ = np.array([0, 1])
        self.model._start(2, 2)
        self.model._publish()


class Runs:
    """The live runs: at most ``runs_per_client`` per client (the oldest dropped), at most
    ``runs_total`` in all, and at most ``new_runs_per_minute`` new runs per client."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.runs: OrderedDict[str, Run] = OrderedDict()
        self.created: dict[str, deque] = {}
        self.lock = threading.Lock()

    def add(self, run: Run) -> None:
        lim = self.limits
        with self.lock:
            times = self.created.setdefault(run.client, deque())
            now = time.monotonic()
            while times and now - times[0] > 60:
                times.popleft()
            if len(times) >= lim.new_runs_per_minute:
                raise ApiError(429, f"too many new training runs from this client (at most "
                               f"{lim.new_runs_per_minute} a minute); wait a little")
            times.append(now)
            mine = [k for k, r in self.runs.items() if r.client == run.client]
            for k in mine[:max(0, len(mine) - lim.runs_per_client + 1)]:
                del self.runs[k]
            while len(self.runs) >= lim.runs_total:
                self.runs.popitem(last=False)
            self.runs[run.id] = run

    def get(self, run_id: str) -> Run:
        with self.lock:
            run = self.runs.get(run_id)
        if run is None:
            raise ApiError(404, f"no training run {run_id[:40]!r} (it may have been dropped: "
                           f"each client keeps its {self.limits.runs_per_client} newest runs)")
        return run

    def delete(self, run_id: str) -> None:
        with self.lock:
            if self.runs.pop(run_id, None) is None:
                raise ApiError(404, f"no training run {run_id[:40]!r}")


def make_run(f: Fields, client: str) -> Run:
    hidden = f.data.get("hidden", [8, 8])
    ok = isinstance(hidden, list) and len(hidden) <= 4 and all(
        isinstance(h, int) and not isinstance(h, bool) and 1 <= h <= 32 for h in hidden)
    if not ok:
        raise ApiError(400, "'hidden' must be a list of at most 4 layer sizes, each 1 to 32")
    settings = {
        "dataset": f.choice("dataset", "xor", DATASETS),
        "n_samples": f.integer("n_samples", 200, 4, 1000),
        "noise": f.number("noise", 0.0, 0.0, 0.5), "hidden": hidden,
        "activation": f.choice("activation", "tanh", ("tanh", "relu", "sigmoid")),
        "optimizer": f.choice("optimizer", "adam", ("sgd", "momentum", "adam", "rmsprop")),
        "lr": f.number("lr", 0.03, 1e-6, 10.0), "l2": f.number("l2", 0.0, 0.0, 10.0),
        "seed": f.integer("seed", 0, 0, 2**31 - 1)}
    return Run(client, settings)


def _acquire(run: Run) -> None:
    if not run.lock.acquire(timeout=2.0):
        raise ApiError(409, "this training run is busy with another request (a stream or a "
                       "step); wait for it or close the stream")


def train_steps(run: Run, n: int, limits: Limits) -> dict:
    """``n`` more steps (in a worker thread), then a snapshot."""
    _acquire(run)
    try:
        if run.steps + n > limits.run_steps:
            raise ApiError(400, f"a run takes at most {limits.run_steps:,} steps (this one "
                           f"has {run.steps:,}); start a new run")
        for _ in range(n):
            check_time("training")
            run.model.partial_fit(run.X, run.y, classes=[0, 1])
            run.steps += 1
        return snapshot(run)
    finally:
        run.lock.release()


def snapshot(run: Run) -> dict:
    m = run.model
    hist = np.asarray(getattr(m, "loss_history_", []), float)
    every = max(1, -(-len(hist) // HISTORY_POINTS))
    out: dict[str, Any] = {"step": run.steps, "loss": hist[-1] if len(hist) else None,
                           "loss_history": floats(hist[::every]), "loss_every": every,
                           "points": {"X": floats(run.X), "y": run.y.tolist()}}
    lo, hi = run.X.min(axis=0) - 0.2, run.X.max(axis=0) + 0.2
    gx, gy = np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID)
    out["boundary"] = {"x": floats(gx), "y": floats(gy), "z": None}
    if hasattr(m, "coefs_"):
        mx, my = np.meshgrid(gx, gy)
        p = m.predict_proba(np.c_[mx.ravel(), my.ravel()])[:, 1]
        out["boundary"]["z"] = floats(p.reshape(GRID, GRID))
        out["accuracy"] = float(m.score(run.X, run.y))
    else:
        out["accuracy"] = None
    return out


def _flat(v: Any) -> tuple:
    a = np.asarray(v, float)
    return floats(a.ravel()[:MAX_VALUES]), list(a.shape)


def tableau(run: Run, index: int) -> dict:
    """Every node of the forward pass for example ``index``, with its value and its adjoint
    d loss / d node, all adjoints from one reverse pass of :func:`chainrule.grad`."""
    if not 0 <= index < len(run.X):
        raise ApiError(400, f"'index' must be from 0 to {len(run.X) - 1}")
    _acquire(run)
    try:
        m = run.model
        params = [(np.array(W), np.array(b)) for W, b in zip(m.coefs_, m.intercepts_)]
    finally:
        run.lock.release()
    x, t = run.X[index:index + 1], np.eye(2)[run.y[index:index + 1]]
    act, name = ACTIVATIONS[m.activation], m.activation
    depth = len(params)

    def loss(x: Any, params: list, taps: list) -> Any:
        """The loss, with a zero ``tap`` added to every intermediate so that its gradient
        is that intermediate's adjoint."""
        h, k = x, 0
        for i, layer in enumerate(params):
            z = forward([layer], h, name) + taps[k]
            k += 1
            if i < depth - 1:
                h = act(z) + taps[k]
                k += 1
        return m._data_loss(z, t)

    values = []  # the forward values, by the same layers (plain arrays)
    h = x
    for i, layer in enumerate(params):
        z = np.asarray(forward([layer], h, name))
        values.append(z)
        if i < depth - 1:
            h = np.asarray(act(z))
            values.append(h)
    taps = [np.zeros_like(v) for v in values]
    gx, gp, gt = grad(loss, argnums=(0, 1, 2))(x, params, taps)
    value = float(loss(x, params, taps))
    return {"example": {"x": floats(x[0]), "y": int(run.y[index])}, "loss": value,
            "nodes": _nodes(x, gx, params, gp, values, gt, name, value)}


def _nodes(x: Any, gx: Any, params: list, gp: list, values: list, gt: list, act: str,
           loss: float) -> list:
    nodes: list = []

    def add(op: str, label: str, inputs: list, value: Any, adjoint: Any) -> int:
        v, shape = _flat(value)
        nodes.append({"id": len(nodes), "op": op, "label": label, "inputs": inputs,
                      "value": v, "shape": shape,
                      "adjoint": None if adjoint is None else _flat(adjoint)[0]})
        return len(nodes) - 1

    h = add("input", "x (the example)", [], x, gx)
    depth, k = len(params), 0
    for i, ((W, b), (dW, db)) in enumerate(zip(params, gp), start=1):
        w = add("parameter", f"W{i}", [], W, dW)
        c = add("parameter", f"b{i}", [], b, db)
        src = "x" if i == 1 else f"a{i - 1}"
        zname = f"z{i}" if i < depth else "o"
        z = add("affine", f"{zname} = {src} W{i} + b{i}", [h, w, c], values[k], gt[k])
        k += 1
        if i < depth:
            h = add(act, f"a{i} = {act}(z{i})", [z], values[k], gt[k])
            k += 1
    add("softmax_cross_entropy", "L = -log softmax(o)[y]", [z], np.array(loss), np.array(1.0))
    return nodes
