"""``MLPClassifier`` and ``MLPRegressor`` trained on Dask arrays.

Without ``batch_size`` (full batches) each epoch is one data-parallel pass: the mean
data loss over all chunks plus the L2 term ``alpha / 2 * sum(W²) / n`` added once, the
in-memory loss exactly, so the training follows the in-memory run (up to rounding).
With ``batch_size``, the batches of an epoch are drawn chunk by chunk with the model's
random stream (see :mod:`chainrule.distributed._fit`): a different, equally valid
sequence of batches than in memory.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .. import numpy as cnp
from ..models import neural as _nn
from ..optim import apply_updates
from ._fit import _batch_step, _batches
from ._grad import Objective
from ._predict import _one_hot, check_dask_Xy, labels_and_target

__all__ = ["fit_mlp", "dask_epoch"]


def _data_loss(cls: type, activation: str, params: Any, Xb: np.ndarray,
               Tb: np.ndarray) -> Any:
    return cls._data_loss(None, _nn.forward(params, Xb, activation), Tb)


def _batch_loss(cls: type, activation: str, alpha: float, params: Any, Xb: np.ndarray,
                Tb: np.ndarray) -> Any:
    loss = _data_loss(cls, activation, params, Xb, Tb)
    return loss + (0.5 * alpha * _nn._l2(params) / Xb.shape[0] if alpha else 0.0)


def _penalty(alpha: float, n: int, params: Any) -> Any:
    return 0.5 * alpha * sum(cnp.sum(W * W) for W, _ in params) / n


def _objective(model: Any, X: Any, T: Any) -> Objective:
    """The full-batch objective, built once per fit (cached on the model while it
    trains)."""
    cache = model.__dict__.setdefault("_dask_cache", {})
    key = (X.name, T.name)
    if key not in cache:
        cls, n = type(model), X.shape[0]
        penalty = functools.partial(_penalty, model.alpha, n) if model.alpha else None
        cache.clear()
        cache[key] = Objective(functools.partial(_data_loss, cls, model.activation), X, T,
                               penalty=penalty)
    return cache[key]


def dask_epoch(model: Any, X: Any, T: Any) -> float:
    """One epoch of ``_BaseMLP._epoch`` on Dask arrays; returns the mean batch loss."""
    obj, opt, n = _objective(model, X, T), model._optimizer(), X.shape[0]
    size = None if model.batch_size is None or model.batch_size >= n else model.batch_size
    loss_fn = functools.partial(_batch_loss, type(model), model.activation, model.alpha)
    total = 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if size is None:
            steps = [(obj.value_and_grad, n)]
        else:
            steps = [(functools.partial(_batch_step, obj, loss_fn, c, idx), len(idx))
                     for c, idx in _batches(obj, size, True, model._rng)]
        for vg, rows in steps:
            loss, grads = vg(model._params)
            updates, model._opt_state = opt.update(grads, model._opt_state, model._params)
            model._params = apply_updates(model._params, updates)
            total += float(loss) * rows
    model.n_iter_ += 1
    model.loss_history_.append(total / n)
    model._watch(total / n)
    return total / n


def fit_mlp(model: Any, X: Any, y: Any, partial: bool = False, classes: Any = None) -> Any:
    """``fit`` (or, with ``partial``, ``partial_fit``) of an MLP on Dask arrays."""
    who = type(model).__name__
    classifier = hasattr(type(model), "predict_proba")
    X, y = check_dask_Xy(X, y, who, multi_output=not classifier)
    X = X.astype(np.float64)
    if classifier:
        known = model.classes_ if partial and hasattr(model, "_params") else \
            None if classes is None else np.unique(np.asarray(classes))
        if known is None:
            model.classes_, T = labels_and_target(y, True, who)
        else:
            model.classes_, T = _target_for(y, known)
    else:
        T = y.reshape(y.shape[0], -1).astype(np.float64)
        model._multi_output = y.ndim == 2
    try:
        if partial:
            if not hasattr(model, "_params"):
                model._start(X.shape[1], T.shape[1])
            dask_epoch(model, X, T)
            model._publish()
        else:
            model._start(X.shape[1], T.shape[1])
            model._train(X, T)
    finally:
        model.__dict__.pop("_dask_cache", None)
    return model


def _target_for(y: Any, classes: np.ndarray) -> tuple:
    """One-hot rows of ``y`` over the given ``classes`` (a label outside them is an
    error, raised when the data are computed)."""
    idx = y.map_blocks(_index_in, classes, dtype=np.intp)
    return classes, idx.map_blocks(_one_hot, np.eye(len(classes)), dtype=np.float64,
                                   new_axis=1, chunks=(idx.chunks[0], (len(classes),)))


def _index_in(block: np.ndarray, classes: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(classes, block)
    bad = (idx >= len(classes)) | (classes[np.minimum(idx, len(classes) - 1)] != block)
    if np.any(bad):
        raise ValueError(f"y contains labels not in classes_: "
                         f"{np.unique(block[bad]).tolist()}")
    return idx
