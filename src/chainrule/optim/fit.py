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
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple, TextIO

import numpy as np

from .._api import value_and_grad
from .history import History, step_info
from .transform import GradientTransformation, apply_updates, global_norm

__all__ = ["fit", "TrainResult"]

Callback = Callable[[int, Any, float], Any]


class TrainResult(NamedTuple):
    """The trained ``params`` and the :class:`~chainrule.optim.History` of the run: one
    entry per step (the batch loss before the step) and a last entry with the trained
    parameters evaluated on all the data."""

    params: Any
    history: History


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
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"fit: batch_size must be None or a positive int, got {batch_size!r}")
    return arrays


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

    >>> import numpy as np
    >>> from chainrule.optim import adam
    >>> res = fit(lambda p, x: ((p - x) ** 2).mean(), 0.0, (np.ones(4),), adam(0.1),
    ...           epochs=3, progress=False)
    >>> len(res.history), res.history.learning_rate[:3].tolist()
    (4, [0.1, 0.1, 0.1])
    """
    arrays = _check_data(data, batch_size)
    vg = value_and_grad(loss_fn)
    rng, history = np.random.default_rng(seed), History()
    n = len(arrays[0])
    per_epoch = 1 if batch_size is None else math.ceil(n / min(batch_size, n))
    bar = _Progress(per_epoch * epochs, _progress_stream(progress))
    state, step = optimizer.init(params), 0
    try:
        for epoch in range(1, epochs + 1):
            for idx in _batches(n, batch_size, shuffle, rng):
                loss, g = vg(params, *(a[idx] for a in arrays))
                loss = float(loss)
                history.record(params, loss, global_norm(g))
                if not math.isfinite(loss):
                    warnings.warn(f"fit: the loss became {loss} at step {step}; stopping",
                                  UserWarning, stacklevel=2)
                    return TrainResult(params, history)
                updates, state = optimizer.update(g, state, params)
                history.mark_step(*step_info(state))
                params, step = apply_updates(params, updates), step + 1
                bar.update(step, epoch, epochs, loss)
                if any([bool(cb(step, params, loss)) for cb in callbacks]):
                    return _finish(vg, params, arrays, history)
    finally:
        bar.close()
    return _finish(vg, params, arrays, history)


def _finish(vg: Callable, params: Any, arrays: tuple, history: History) -> TrainResult:
    loss, g = vg(params, *arrays)
    history.record(params, float(loss), global_norm(g))
    return TrainResult(params, history)
