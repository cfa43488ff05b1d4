"""``KMeans`` fitted on a Dask array: Lloyd's iterations as one pass over the chunks
each (per chunk: labels, per-cluster sums and counts, inertia), on the data divided by
the same power of two as in memory, so the same initial centres give the same centres.

Initialization: given centres are used as they are; ``"random"`` draws the same rows as
in memory (the same random stream); ``"k-means++"`` follows the in-memory draws with
Dask reductions (two passes per centre), so it picks the same rows unless a random
number falls within rounding of a boundary between two rows' probability intervals
(the cumulative sums are added in another order). An empty cluster takes the point
farthest from its centre, found with ``dask.array.argtopk``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import cluster as _km
from ._predict import check_dask_Xy, lazy_rows
from ._reduce import chunk_sum

__all__ = ["fit_kmeans"]


def _sq(X: Any, C: np.ndarray) -> Any:
    """The lazy squared distances from the rows of ``X`` to the centres ``C``."""
    return X.map_blocks(_sq_block, C, dtype=np.float64, chunks=(X.chunks[0], (len(C),)))


def _sq_block(Xb: np.ndarray, C: np.ndarray) -> np.ndarray:
    return _km._sq_distances(Xb, C, (Xb * Xb).sum(axis=1))


def _plusplus(Xs: Any, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ as :func:`chainrule.models.cluster.kmeans_plusplus`, over a Dask array."""
    import dask

    n = Xs.shape[0]
    trials = 2 + int(np.log(k))
    chosen = [int(rng.integers(n))]
    closest = _sq(Xs, Xs[chosen].compute())[:, 0]
    for _ in range(1, k):
        total = float(closest.sum().compute())
        if total <= 0:
            chosen.append(int(rng.integers(n)))
            continue
        u = rng.uniform(0, total, trials)
        cand = (closest.cumsum(axis=0)[:, None] < u[None, :]).sum(axis=0).compute()
        cand = np.minimum(cand, n - 1)
        d = dask.array.minimum(closest[:, None], _sq(Xs, Xs[cand].compute()))
        best = int(np.argmin(d.sum(axis=0).compute()))
        chosen.append(int(cand[best]))
        closest = d[:, best].persist()
    return Xs[chosen].compute()


def _lloyd_part(C: np.ndarray, Xb: np.ndarray) -> tuple:
    dist = _sq_block(Xb, C)
    labels = dist.argmin(axis=1)
    sums = np.zeros_like(C)
    np.add.at(sums, labels, Xb)
    counts = np.bincount(labels, minlength=len(C)).astype(np.float64)
    return float(dist[np.arange(len(Xb)), labels].sum()), sums, counts


def _far_rows(Xs: Any, C: np.ndarray, m: int) -> np.ndarray:
    """The ``m`` rows farthest from their nearest centre, farthest first."""
    import dask.array as da

    d = _sq(Xs, C).min(axis=1)
    idx = da.argtopk(d, m).compute()
    return Xs[np.sort(idx)].compute()[np.argsort(np.argsort(idx))]


def _lloyd(Xs: Any, centers: np.ndarray, max_iter: int, tol: float) -> tuple:
    history: list[float] = []
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is reported
        inertia, sums, counts = chunk_sum(_lloyd_part, Xs, None, centers, check=False)
        history.append(inertia)
        new = sums / np.maximum(counts, 1)[:, None]
        empty = np.flatnonzero(counts == 0)
        if len(empty):
            new[empty] = _far_rows(Xs, centers, len(empty))
        shift = float(((new - centers) ** 2).sum())
        centers = new
        if shift <= tol:
            break
    inertia = chunk_sum(_inertia_part, Xs, None, centers, check=False)
    return centers, inertia, n_iter, history


def _inertia_part(C: np.ndarray, Xb: np.ndarray) -> float:
    labels = _sq_block(Xb, C).argmin(axis=1)
    return float(((Xb - C[labels]) ** 2).sum())


def _labels(C: np.ndarray, Xb: np.ndarray) -> np.ndarray:
    return _sq_block(Xb, C).argmin(axis=1)


def _initial(model: Any, Xs: Any, rng: np.random.Generator, scale: float) -> np.ndarray:
    if isinstance(model.init, str):
        if model.init == "k-means++":
            return _plusplus(Xs, model.n_clusters, rng)
        rows = rng.choice(Xs.shape[0], model.n_clusters, replace=False)
        return Xs[np.sort(rows)].compute()[np.argsort(np.argsort(rows))]
    return model._initial(np.zeros((1, Xs.shape[1])), rng, scale)


def fit_kmeans(model: Any, X: Any) -> Any:
    """``KMeans.fit`` on a Dask array (parameters already validated). ``labels_`` is a
    lazy Dask array."""
    import dask

    X, _ = check_dask_Xy(X, None, "KMeans")
    X = X.astype(np.float64)
    if model.n_clusters > X.shape[0]:
        raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters="
                         f"{model.n_clusters} (X has shape {X.shape})")
    big = float(abs(X).max().compute())
    if not np.isfinite(big):
        chunk_sum(lambda s, Xb: None, X)  # raises, naming the chunk
    scale = float(np.ldexp(1.0, np.frexp(big)[1])) if 0 < big else 1.0
    Xs = X / scale
    tol = model.tol * float(dask.compute(Xs.var(axis=0))[0].mean())
    n_init = model.n_init
    if n_init == "auto":
        n_init = 10 if isinstance(model.init, str) and model.init == "random" else 1
    rng = np.random.default_rng(model.random_state)
    best = None
    for _ in range(int(n_init)):
        run = _lloyd(Xs, _initial(model, Xs, rng, scale), model.max_iter, tol)
        if best is None or run[1] < best[1]:
            best = run
    centers, inertia, model.n_iter_, history = best
    model.cluster_centers_ = centers * scale
    model.inertia_ = inertia * scale * scale
    model.loss_history_ = [v * scale * scale for v in history]
    model.n_features_in_ = X.shape[1]
    model.labels_ = lazy_rows(type(model).predict.__wrapped__, model, X)
    return model
