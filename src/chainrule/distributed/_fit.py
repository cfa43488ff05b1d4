"""``chainrule.optim.fit`` on Dask arrays: full-batch steps over every chunk, or
mini-batches drawn from one chunk at a time.

- ``batch_size=None``: each step is one data-parallel pass (:class:`Objective`, the
  mean of ``loss_fn`` over all rows), so the run is the in-memory full-batch run.
- ``batch_size=b``: each epoch visits the chunks (in the order of a permutation of the
  chunks when ``shuffle``) and, within a chunk, its rows in batches of at most ``b``
  (permuted when ``shuffle``); a step runs on the worker that holds the chunk and
  returns the batch loss and gradient. Batches never straddle two chunks, so the batch
  sequence differs from the in-memory ``fit`` (which permutes all rows); the random
  stream is ``np.random.default_rng(seed)`` as there.

The history, callbacks, progress bar and divergence checks are ``fit``'s.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .._api import value_and_grad as _value_and_grad
from ..core.budget import check_time
from ..optim.diagnostics import Monitor
from ..optim.fit import TrainResult, _Progress, _progress_stream, _watch
from ..optim.history import History, step_info
from ..optim.transform import apply_updates, global_norm
from ..optim.validate import check_int
from ._chunks import rows_of
from ._grad import Objective

__all__ = ["fit_dask"]


def _batch_vg(loss_fn: Callable, params: Any, idx: np.ndarray, index: int, start: int,
              *blocks: Any) -> tuple:
    batch = tuple(np.asarray(b)[idx] for b in blocks)
    rows_of(batch, index, start)
    loss, g = _value_and_grad(loss_fn)(params, *batch)
    return float(loss), g


def _batches(obj: Objective, batch_size: int, shuffle: bool,
             rng: np.random.Generator) -> Iterator[tuple[int, np.ndarray]]:
    """``(chunk index, rows within the chunk)`` for the steps of one epoch."""
    sizes = obj.X.chunks[0]
    chunks = rng.permutation(len(sizes)) if shuffle else np.arange(len(sizes))
    for c in chunks:
        order = rng.permutation(sizes[c]) if shuffle else np.arange(sizes[c])
        for s in range(0, sizes[c], batch_size):
            yield int(c), order[s:s + batch_size]


def _batch_step(obj: Objective, loss_fn: Callable, c: int, idx: np.ndarray,
                params: Any) -> tuple:
    """Loss and gradient of the batch ``idx`` of chunk ``c``, on the worker holding it."""
    from dask import delayed

    return delayed(_batch_vg, pure=False)(loss_fn, params, idx, c, obj._starts[c],
                                          *obj._blocks[c]).compute()


def _steps(obj: Objective, batch_size: int | None, shuffle: bool,
           rng: np.random.Generator) -> Iterator[Callable]:
    """For each step of an epoch, a function ``params -> (loss, grad)``."""
    if batch_size is None:
        yield obj.value_and_grad
        return
    for c, idx in _batches(obj, batch_size, shuffle, rng):
        yield functools.partial(_batch_step, obj, obj.loss_fn, c, idx)


def fit_dask(loss_fn: Callable, params: Any, data: Sequence[Any], optimizer: Any, *,
             epochs: int, batch_size: int | None, shuffle: bool, seed: Any,
             callbacks: Sequence[Callable], progress: bool | None) -> TrainResult:
    """The body of :func:`chainrule.optim.fit` for Dask ``data`` (its settings already
    checked); ``data`` is ``(X,)`` or ``(X, y)``."""
    if not 1 <= len(data) <= 2:
        raise ValueError(f"fit: Dask data must be (X,) or (X, y), got {len(data)} arrays")
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", "fit", 1)
    obj = Objective(loss_fn, *data)
    rng = np.random.default_rng(seed)
    n_chunks = sum(1 for s in obj.X.chunks[0] if s)
    per_epoch = 1 if batch_size is None else sum(-(-s // batch_size) for s in
                                                 obj.X.chunks[0])
    bar = _Progress(max(per_epoch, n_chunks) * epochs, _progress_stream(progress))
    history, monitor, state, step = History(), Monitor(), optimizer.init(params), 0
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in range(1, epochs + 1):
                for vg in _steps(obj, batch_size, shuffle, rng):
                    check_time("fit")
                    loss, g = vg(params)
                    history.record(params, float(loss), global_norm(g))
                    _watch(monitor, float(loss), step, TrainResult(params, history))
                    updates, state = optimizer.update(g, state, params)
                    history.mark_step(*step_info(state))
                    params, step = apply_updates(params, updates), step + 1
                    bar.update(step, epoch, epochs, float(loss))
                    if any([bool(cb(step, params, float(loss))) for cb in callbacks]):
                        return _finish(obj, params, history)
            return _finish(obj, params, history)
    finally:
        bar.close()


def _finish(obj: Objective, params: Any, history: History) -> TrainResult:
    loss, g = obj.value_and_grad(params)
    history.record(params, float(loss), global_norm(g))
    return TrainResult(params, history)
