"""``fit``: a small training loop over data in (mini-)batches.

>>> import numpy as np
>>> import chainrule.numpy as cnp
>>> from chainrule.optim import sgd
>>> X = np.linspace(-1, 1, 20)[:, None]
>>> y = 3 * X[:, 0] + 1
>>> def loss(p, X, y):
...     return cnp.mean((X @ p["w"] + p["b"] - y) ** 2)
>>> res = fit(loss, {"w": np.zeros(1), "b": 0.0}, (X, y), sgd(0.5), epochs=200)
>>> round(float(res.params["w"][0]), 3), round(res.params["b"], 3)
(3.0, 1.0)
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, TextIO

import numpy as np

from .._api import value_and_grad
from ..core.budget import check_time
from ._routing import has_dask
from .diagnostics import DivergenceError, Monitor
from .history import History, history_html, step_info
from .transform import GradientTransformation, apply_updates, global_norm
from .validate import (
    InvalidParameterError,
    check_bool,
    check_callable,
    check_int,
    check_random_state,
)

__all__ = ["fit", "TrainResult"]

Callback = Callable[[int, Any, float], Any]


class TrainResult(NamedTuple):
    """The trained ``params`` and the :class:`~chainrule.optim.History` of the run: one
    entry per step (the batch loss before the step) and a last entry with the trained
    parameters evaluated on all the data."""

    params: Any
    history: History

    def _repr_html_(self) -> str:
        return history_html(self.history, f"trained: {len(self.history)} entries")


class _Progress:
    """A one-line progress bar on a stream (stderr), redrawn in place."""

    def __init__(self, total: int, stream: TextIO | None, width: int = 30) -> None:
        self.total, self.stream, self.width = max(total, 1), stream, width

    def update(self, step: int, epoch: int, epochs: int, loss: float) -> None:
        if self.stream is None:
            return
        filled = int(self.width * min(step, self.total) / self.total)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] epoch {epoch}/{epochs} step {step} loss {loss:.4g}")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()


def _progress_stream(progress: bool | None) -> TextIO | None:
    if progress is None:
        isatty = getattr(sys.stderr, "isatty", None)
        progress = bool(isatty and isatty())
    return sys.stderr if progress else None


def _batches(n: int, batch_size: int | None, shuffle: bool,
             rng: np.random.Generator) -> Iterator[np.ndarray]:
    if batch_size is None or batch_size >= n:
        yield np.arange(n)
        return
    order = rng.permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def _check_data(data: Any, batch_size: int | None) -> tuple[np.ndarray, ...]:
    arrays = tuple(np.asarray(a) for a in (data if isinstance(data, (tuple, list)) else
                                            (data,)))
    if not arrays or any(a.ndim == 0 or len(a) != len(arrays[0]) for a in arrays):
        raise ValueError("fit: data must be a tuple of arrays sharing their first axis")
    if len(arrays[0]) == 0:
        raise ValueError(f"fit: found data with 0 samples (shapes "
                         f"{[a.shape for a in arrays]}), while a minimum of 1 is required")
    if batch_size is not None:
        check_int(batch_size, "batch_size", "fit", 1)
    return arrays


def _check_settings(loss_fn: Callable, optimizer: Any, epochs: int, shuffle: bool,
                    seed: Any, callbacks: Sequence[Callback], progress: Any) -> int:
    check_callable(loss_fn, "loss_fn", "fit")
    if not (callable(getattr(optimizer, "init", None))
            and callable(getattr(optimizer, "update", None))):
        raise InvalidParameterError(f"fit: optimizer must be a GradientTransformation "
                                    f"(with init and update), got {optimizer!r}")
    check_bool(shuffle, "shuffle", "fit")
    check_random_state(seed, "seed", "fit")
    for cb in callbacks:
        check_callable(cb, "each of callbacks", "fit")
    if progress is not None:
        check_bool(progress, "progress", "fit")
    return check_int(epochs, "epochs", "fit")


def fit(loss_fn: Callable[..., Any], params: Any, data: Sequence[Any],
        optimizer: GradientTransformation, *, epochs: int = 10,
        batch_size: int | None = None, shuffle: bool = True, seed: int = 0,
        callbacks: Sequence[Callback] = (), progress: bool | None = None) -> TrainResult:
    """Train ``params`` by minimizing ``loss_fn(params, *batch)`` with ``optimizer``.

    Args:
        data: a tuple of arrays sharing the first axis, e.g. ``(X, y)``.
        batch_size: ``None`` for full batches, ``1`` for single-example SGD.
        shuffle, seed: mini-batches are drawn in the order of
            ``np.random.default_rng(seed).permutation`` each epoch.
        callbacks: each is called after every step as ``cb(step, params, loss)`` (``step``
            counts from 1, ``loss`` is the batch loss before the step); one returning
            ``True`` (or anything true) stops training.
        progress: a progress bar on stderr; ``None`` shows it only when stderr is a
            terminal.

    Dask arrays as ``data`` (``(X,)`` or ``(X, y)``) train on the workers holding them:
    full-batch steps are data-parallel passes (``loss_fn`` is then a mean over rows),
    mini-batches are drawn chunk by chunk (see :mod:`chainrule.distributed._fit`).

    Raises:
        DivergenceError: the loss became infinite or NaN, or grew far past its start
            (the diagnostics of :class:`~chainrule.optim.diagnostics.Monitor`); its
            ``result`` holds the parameters before the failing step and the history.

    >>> import numpy as np
    >>> from chainrule.optim import adam
    >>> res = fit(lambda p, x: ((p - x) ** 2).mean(), 0.0, (np.ones(4),), adam(0.1),
    ...           epochs=3, progress=False)
    >>> len(res.history), res.history.learning_rate[:3].tolist()
    (4, [0.1, 0.1, 0.1])
    """
    epochs = _check_settings(loss_fn, optimizer, epochs, shuffle, seed, callbacks, progress)
    if isinstance(data, (tuple, list)) and has_dask(data):
        from ..distributed._fit import fit_dask

        return fit_dask(loss_fn, params, data, optimizer, epochs=epochs,
                        batch_size=batch_size, shuffle=shuffle, seed=seed,
                        callbacks=callbacks, progress=progress)
    arrays = _check_data(data, batch_size)
    n = len(arrays[0])
    per_epoch = 1 if batch_size is None else math.ceil(n / min(batch_size, n))
    bar = _Progress(per_epoch * epochs, _progress_stream(progress))
    run = _Run(value_and_grad(loss_fn), optimizer, arrays, History(), Monitor())
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            params = run.loop(params, epochs, batch_size, shuffle,
                              np.random.default_rng(seed), callbacks, bar)
            return _finish(run.vg, params, arrays, run.history)
    finally:
        bar.close()


class _Run(NamedTuple):
    vg: Callable
    optimizer: GradientTransformation
    arrays: tuple
    history: History
    monitor: Monitor

    def loop(self, params: Any, epochs: int, batch_size: int | None, shuffle: bool,
             rng: np.random.Generator, callbacks: Sequence[Callback], bar: _Progress) -> Any:
        """The epochs of training; returns the trained parameters."""
        state, step, n = self.optimizer.init(params), 0, len(self.arrays[0])
        for epoch in range(1, epochs + 1):
            for idx in _batches(n, batch_size, shuffle, rng):
                check_time("fit")
                loss, g = self.vg(params, *(a[idx] for a in self.arrays))
                loss = float(loss)
                self.history.record(params, loss, global_norm(g))
                _watch(self.monitor, loss, step, TrainResult(params, self.history))
                updates, state = self.optimizer.update(g, state, params)
                self.history.mark_step(*step_info(state))
                params, step = apply_updates(params, updates), step + 1
                bar.update(step, epoch, epochs, loss)
                if any([bool(cb(step, params, loss)) for cb in callbacks]):
                    return params
        return params


def _watch(monitor: Monitor, loss: float, step: int, so_far: TrainResult) -> None:
    """Raise DivergenceError when the batch losses show divergence."""
    monitor.add_loss(loss)
    trouble = monitor.diverged()
    if trouble is not None:
        err = DivergenceError(f"fit: {trouble} (at step {step}); lower the learning rate, "
                              "use a decaying schedule or clip the gradient")
        err.result = so_far
        raise err


def _finish(vg: Callable, params: Any, arrays: tuple, history: History) -> TrainResult:
    loss, g = vg(params, *arrays)
    history.record(params, float(loss), global_norm(g))
    return TrainResult(params, history)
