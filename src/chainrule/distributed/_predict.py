"""Models on Dask arrays: checking the inputs without computing them, and predicting
lazily.

``predict``, ``predict_proba``, ``decision_function``, ``transform`` (and the like) of a
fitted model return a *lazy* Dask array with ``X``'s row chunks: each chunk is predicted
by the model's in-memory method on the worker that holds it when the result is computed.
``score`` computes at once and returns a float.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._chunks import align
from ._reduce import chunk_sum

__all__ = ["check_dask_Xy", "lazy_rows", "dask_score", "labels_and_target"]


def check_dask_Xy(X: Any, y: Any, who: str, multi_output: bool = False) -> tuple:
    """``(X, y)`` aligned (see :func:`~chainrule.distributed._chunks.align`), with the
    shape checks of the in-memory models; NaN and infinity are found by the first pass
    over the data, which names the chunk."""
    if y is None and who != "KMeans":
        raise ValueError(f"{who} requires y to be passed, but the target y is None.")
    X, y = align(X, y, who)
    if X.ndim != 2:
        raise ValueError(f"{who}: expected a 2D Dask array X, got shape {X.shape}")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"{who}: found a Dask array X with shape {X.shape}; at least 1 "
                         "sample and 1 feature are required")
    if y is not None and y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y is not None and not (y.ndim == 1 or (multi_output and y.ndim == 2)):
        raise ValueError(f"{who}: y should be a 1d array, got shape {y.shape} instead")
    return X, y


def labels_and_target(y: Any, softmax_always: bool, who: str) -> tuple:
    """``(classes, target)``: the sorted labels (computed, one pass) and a lazy target:
    0/1 floats for two classes with a sigmoid, else one-hot rows."""
    import dask.array as da

    classes = np.unique(da.unique(y).compute())
    if len(classes) < 2:
        raise ValueError(f"{who}: needs samples of at least 2 classes in the data, but the "
                         f"data contains only one class: {classes[0]!r}")
    if y.dtype.kind == "f" and not np.all(classes == np.round(classes)):
        raise ValueError("Unknown label type: continuous. Maybe you are trying to fit a "
                         "classifier, which expects discrete classes on a regression "
                         "target with continuous values.")
    idx = y.map_blocks(_search, classes, dtype=np.intp)
    k = len(classes)
    if k == 2 and not softmax_always:
        return classes, idx.astype(np.float64)
    eye = np.eye(k)
    return classes, idx.map_blocks(_one_hot, eye, dtype=np.float64, new_axis=1,
                                   chunks=(idx.chunks[0], (k,)))


def _one_hot(block: np.ndarray, eye: np.ndarray) -> np.ndarray:
    return eye[block]


def _search(block: np.ndarray, classes: np.ndarray) -> np.ndarray:
    return np.searchsorted(classes, block)


def _apply(block: np.ndarray, method: Callable, model: Any, empty: np.ndarray,
           args: tuple, kwargs: dict) -> np.ndarray:
    if len(block) == 0:
        return empty
    return method(model, block, *args, **kwargs)


def lazy_rows(method: Callable, model: Any, X: Any, *args: Any, **kwargs: Any) -> Any:
    """``method(model, X_chunk)`` over the row chunks of ``X``, as a lazy Dask array."""
    X, _ = align(X, None, type(model).__name__)
    if X.ndim != 2:
        raise ValueError(f"{type(model).__name__}: expected a 2D Dask array X, got shape "
                         f"{X.shape}")
    sample = np.asarray(method(model, np.zeros((1, X.shape[1])), *args, **kwargs))
    empty = sample[:0]
    chunks = (X.chunks[0],) + tuple((s,) for s in sample.shape[1:])
    kw = {"drop_axis": 1} if sample.ndim == 1 else {}
    return X.map_blocks(_apply, method, model, empty=empty, args=args, kwargs=kwargs,
                        dtype=sample.dtype, chunks=chunks, meta=empty, **kw)


def _classifier_part(model: Any, Xb: np.ndarray, yb: np.ndarray) -> tuple:
    return len(yb), float(np.sum(model.predict(Xb) == np.asarray(yb)))


def _regressor_part(shared: tuple, Xb: np.ndarray, yb: np.ndarray) -> tuple:
    model, mean = shared
    pred = np.asarray(model.predict(Xb), dtype=np.float64).reshape(len(Xb), -1)
    yt = np.asarray(yb, dtype=np.float64).reshape(pred.shape)
    return ((yt - pred) ** 2).sum(axis=0), ((yt - mean) ** 2).sum(axis=0)


def _kmeans_part(model: Any, Xb: np.ndarray) -> float:
    return model.score(Xb)


def dask_score(model: Any, X: Any, y: Any) -> float:
    """The model's ``score`` on Dask arrays, computed chunk by chunk (accuracy for a
    classifier, R² for a regressor, minus the inertia for k-means)."""
    if type(model).__name__ == "KMeans":
        return float(chunk_sum(_kmeans_part, X, None, model))
    if y is None:
        raise ValueError(f"{type(model).__name__}.score requires y")
    if hasattr(model, "classes_"):
        n, hits = chunk_sum(_classifier_part, X, y, model, check=False)
        return hits / n
    X, y = align(X, y, "score")
    mean = np.asarray(y.astype(np.float64).mean(axis=0).compute())
    ss_res, ss_tot = chunk_sum(_regressor_part, X, y, (model, mean))
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1 - ss_res / np.where(ss_tot > 0, ss_tot, 1),
                      np.where(ss_res > 0, 0.0, 1.0))
    return float(np.mean(r2))
