"""K-means clustering: Lloyd's algorithm with k-means++ initialization, and its Newton view.

With the labels fixed, the within-cluster sum of squares
``J(C) = sum_i ||x_i - c_{l_i}||²`` has gradient ``2 n_k (c_k - mean_k)`` in centroid
``c_k`` and a block-diagonal Hessian ``2 n_k I``. One Newton step,
``c_k - (2 n_k)^{-1} * 2 n_k (c_k - mean_k) = mean_k``, lands exactly on the cluster mean:
Lloyd's centroid update *is* a Newton step on ``J`` (exact, since ``J`` is quadratic in
``C``). :func:`kmeans_newton_step` takes it with chainrule's gradient; the tests check the
Hessian with chainrule's ``hessian``.

>>> import numpy as np
>>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0]])
>>> km = KMeans(n_clusters=2, random_state=0).fit(X)
>>> sorted(km.cluster_centers_.tolist()), float(km.inertia_)
([[0.0, 0.5], [10.0, 10.5]], 1.0)
>>> kmeans_newton_step(X, np.zeros((2, 2)), np.array([0, 0, 1, 1])).tolist()
[[0.0, 0.5], [10.0, 10.5]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import numpy as cnp
from .._api import grad
from ..optim.validate import InvalidParameterError
from ._base import BaseModel, choice, dask_rows, has_dask, integer, nonnegative, random_state
from ._compat import ClusterBase
from ._validation import check_X

__all__ = ["KMeans", "kmeans_objective", "kmeans_objective_gradient", "kmeans_newton_step",
           "kmeans_plusplus"]


def kmeans_objective(X: np.ndarray, centers: Any, labels: np.ndarray) -> Any:
    """``sum_i ||X[i] - centers[labels[i]]||²``, differentiable in ``centers``."""
    diff = X - centers[np.asarray(labels)]
    return cnp.sum(diff * diff)


def kmeans_objective_gradient(X: np.ndarray, centers: np.ndarray,
                              labels: np.ndarray) -> np.ndarray:
    """The gradient of :func:`kmeans_objective` in ``centers``, by chainrule:
    row ``k`` is ``2 n_k (c_k - mean_k)`` (zero for an empty cluster)."""
    return grad(kmeans_objective, argnums=1)(np.asarray(X, np.float64),
                                            np.asarray(centers, np.float64), labels)


def kmeans_newton_step(X: np.ndarray, centers: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """One Newton step on :func:`kmeans_objective`: ``c_k - g_k / (2 n_k)`` with the
    gradient from chainrule and the Hessian ``2 n_k I``; equals Lloyd's update (the
    cluster means). Empty clusters keep their centre."""
    centers = np.asarray(centers, np.float64)
    g = kmeans_objective_gradient(X, centers, labels)
    counts = np.bincount(labels, minlength=len(centers)).astype(np.float64)
    safe = np.where(counts > 0, 2.0 * counts, 1.0)
    return centers - g / safe[:, None]


def _scale(*arrays: np.ndarray) -> float:
    """A power of two near the largest magnitude in ``arrays`` (1 if all are zero):
    dividing by it is exact and keeps squared distances from overflowing (data near
    1e300) or underflowing (near 1e-300)."""
    big = max(float(np.max(np.abs(a))) if a.size else 0.0 for a in arrays)
    return float(np.ldexp(1.0, np.frexp(big)[1])) if 0 < big < np.inf else 1.0


def _sq_distances(X: np.ndarray, centers: np.ndarray, x_sq: np.ndarray) -> np.ndarray:
    d = x_sq[:, None] - 2.0 * (X @ centers.T) + (centers * centers).sum(axis=1)[None, :]
    return np.maximum(d, 0.0)


def kmeans_plusplus(X: np.ndarray, n_clusters: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding (greedy, with ``2 + log k`` candidates per centre, as
    scikit-learn): each new centre is drawn with probability proportional to the squared
    distance to the nearest centre chosen so far. The centres are rows of ``X``."""
    Xs = X / _scale(X)
    n = len(X)
    x_sq = (Xs * Xs).sum(axis=1)
    trials = 2 + int(np.log(n_clusters))
    chosen = [int(rng.integers(n))]
    closest = _sq_distances(Xs, Xs[chosen], x_sq)[:, 0]
    for _ in range(1, n_clusters):
        total = closest.sum()
        if total <= 0:  # every point already is a centre
            chosen.append(int(rng.integers(n)))
            continue
        cand = np.searchsorted(np.cumsum(closest), rng.uniform(0, total, trials))
        cand = np.minimum(cand, n - 1)
        d = np.minimum(closest[None, :], _sq_distances(Xs, Xs[cand], x_sq).T)
        best = int(np.argmin(d.sum(axis=1)))
        chosen.append(int(cand[best]))
        closest = d[best]
    return X[chosen].copy()


def _update_centers(X: np.ndarray, labels: np.ndarray, centers: np.ndarray,
                    dist: np.ndarray) -> np.ndarray:
    """Cluster means; an empty cluster takes the point farthest from its centre."""
    k = len(centers)
    counts = np.bincount(labels, minlength=k)
    sums = np.zeros_like(centers)
    np.add.at(sums, labels, X)
    new = sums / np.maximum(counts, 1)[:, None]
    far = np.argsort(-dist[np.arange(len(X)), labels])
    for j, c in enumerate(np.flatnonzero(counts == 0)):
        new[c] = X[far[j]]
    return new


def _lloyd(X: np.ndarray, centers: np.ndarray, max_iter: int, tol: float) -> tuple:
    """Lloyd iterations; returns ``(centers, labels, inertia, n_iter, inertia history)``."""
    x_sq = (X * X).sum(axis=1)
    history: list[float] = []
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is reported
        dist = _sq_distances(X, centers, x_sq)
        labels = dist.argmin(axis=1)
        history.append(float(dist[np.arange(len(X)), labels].sum()))
        new = _update_centers(X, labels, centers, dist)
        shift = float(((new - centers) ** 2).sum())
        centers = new
        if shift <= tol:
            break
    dist = _sq_distances(X, centers, x_sq)
    labels = dist.argmin(axis=1)
    inertia = float(((X - centers[labels]) ** 2).sum())
    return centers, labels, inertia, n_iter, history


class KMeans(*ClusterBase, BaseModel):
    """K-means clustering by Lloyd's algorithm.

    Args:
        n_clusters: the number of clusters.
        init: ``"k-means++"``, ``"random"`` (distinct samples) or an array of centres.
        n_init: runs from different seeds, the best (lowest inertia) kept; ``"auto"`` is
            1 for k-means++ or given centres and 10 for ``"random"``.
        max_iter: the most Lloyd iterations per run.
        tol: stop when the squared centre shift is at most ``tol`` times the mean feature
            variance (scikit-learn's convention).
        random_state: seed.

    Fitted attributes: ``cluster_centers_``, ``labels_``, ``inertia_`` (the within-cluster
    sum of squares), ``n_iter_``, ``loss_history_`` (inertia per iteration of the best
    run), ``n_features_in_``.

    The data is divided by its largest magnitude before any distance is computed, so
    data near 1e300 or 1e-300 clusters like data near 1; ``inertia_`` is then ``inf``
    only when the true sum of squares exceeds float64's range.
    """

    _parameter_checks = {"n_clusters": integer(1), "init": lambda v, n, w: _check_init(v),
                         "n_init": lambda v, n, w: v if v == "auto" else
                         integer(1)(v, n, w), "max_iter": integer(1), "tol": nonnegative,
                         "random_state": random_state}

    def __init__(self, n_clusters: int = 8, init: Any = "k-means++", n_init: Any = "auto",
                 max_iter: int = 300, tol: float = 1e-4, random_state: int | None = 0):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _initial(self, X: np.ndarray, rng: np.random.Generator, scale: float) -> np.ndarray:
        if isinstance(self.init, str):
            if self.init == "k-means++":
                return kmeans_plusplus(X, self.n_clusters, rng)
            return X[rng.choice(len(X), self.n_clusters, replace=False)].copy()
        centers = check_X(self.init, "init")
        if centers.shape != (self.n_clusters, X.shape[1]):
            raise ValueError(f"init has shape {centers.shape}, expected "
                             f"{(self.n_clusters, X.shape[1])} (n_clusters, n_features)")
        return centers / scale

    def fit(self, X: Any, y: Any = None) -> KMeans:
        """Cluster ``X`` (n_samples, n_features); ``y`` is ignored. Returns self."""
        self._validate_params()
        if has_dask((X,)):
            from ..distributed._kmeans import fit_kmeans

            return fit_kmeans(self, X)
        X = check_X(X)
        if self.n_clusters > len(X):
            raise ValueError(f"n_samples={len(X)} should be >= n_clusters="
                             f"{self.n_clusters} (X has shape {X.shape})")
        n_init = self.n_init
        if n_init == "auto":
            n_init = 10 if isinstance(self.init, str) and self.init == "random" else 1
        rng = np.random.default_rng(self.random_state)
        scale = _scale(X)
        Xs = X / scale
        tol = self.tol * float(np.mean(Xs.var(axis=0)))
        best = None
        for _ in range(int(n_init)):
            run = _lloyd(Xs, self._initial(Xs, rng, scale), self.max_iter, tol)
            if best is None or run[2] < best[2]:
                best = run
        centers, self.labels_, inertia, self.n_iter_, history = best
        self.cluster_centers_ = centers * scale
        self.inertia_ = inertia * scale * scale  # Python floats: inf, never an error
        self.loss_history_ = [v * scale * scale for v in history]
        self.n_features_in_ = X.shape[1]
        return self

    def fit_predict(self, X: Any, y: Any = None) -> np.ndarray:
        """``fit(X).labels_``."""
        return self.fit(X).labels_

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """``fit(X).transform(X)``."""
        return self.fit(X).transform(X)

    def _scaled(self, X: Any) -> tuple[np.ndarray, np.ndarray, float]:
        X = self._check_predict_X(X, "cluster_centers_")
        scale = _scale(X, self.cluster_centers_)
        return X / scale, self.cluster_centers_ / scale, scale

    @dask_rows
    def transform(self, X: Any) -> np.ndarray:
        """Euclidean distances from each sample to each centre, ``(n, n_clusters)``."""
        Xs, Cs, scale = self._scaled(X)
        return np.sqrt(_sq_distances(Xs, Cs, (Xs * Xs).sum(axis=1))) * scale

    @dask_rows
    def predict(self, X: Any) -> np.ndarray:
        """The index of the nearest centre for each sample."""
        Xs, Cs, _ = self._scaled(X)
        return _sq_distances(Xs, Cs, (Xs * Xs).sum(axis=1)).argmin(axis=1)

    def score(self, X: Any, y: Any = None, sample_weight: Any = None) -> float:
        """Minus the within-cluster sum of squares of ``X`` (higher is better)."""
        if sample_weight is not None:
            raise ValueError("score: sample_weight is not supported")
        if has_dask((X,)):
            from ..distributed._predict import dask_score

            return dask_score(self, X, None)
        Xs, Cs, scale = self._scaled(X)
        labels = _sq_distances(Xs, Cs, (Xs * Xs).sum(axis=1)).argmin(axis=1)
        return -float(((Xs - Cs[labels]) ** 2).sum()) * scale * scale


def _check_init(init: Any) -> Any:
    if isinstance(init, str):
        return choice("k-means++", "random")(init, "init", "KMeans")
    try:
        return check_X(init, "init")
    except (TypeError, ValueError) as exc:
        raise InvalidParameterError(f"KMeans: init must be 'k-means++', 'random' or a "
                                    f"finite 2-D array of centres: {exc}") from None
