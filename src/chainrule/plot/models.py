"""Plots for fitted models: classifier decision regions and k-means clusters."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._common import legend_if_many, new_axes


def _check_2d(X: Any) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"these plots need X of shape (n, 2), got {X.shape}")
    return X


def _limits(X: np.ndarray, margin: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return lo - margin * span, hi + margin * span


def _probabilities(model: Any, points: np.ndarray) -> np.ndarray | None:
    """``predict_proba`` on the grid, or None when the model has none."""
    proba = getattr(model, "predict_proba", None)
    if proba is None:
        return None
    try:
        P = np.asarray(proba(points), dtype=float)
    except (AttributeError, NotImplementedError, ValueError):
        return None
    return P if P.ndim == 2 and P.shape[1] >= 2 and np.isfinite(P).all() else None


def _grid_answers(model: Any, points: np.ndarray, y: np.ndarray) -> tuple[Any, Any, Any]:
    """``(probabilities or None, predictions or None, classes)`` on the grid."""
    P = _probabilities(model, points)
    classes = np.asarray(getattr(model, "classes_", np.unique(y)))
    if P is not None and P.shape[1] == len(classes):
        return P, None, classes
    pred = np.asarray(model.predict(points)).ravel()
    return None, pred, np.unique(np.concatenate([classes, np.unique(y), np.unique(pred)]))


def _regions_by_probability(ax: Any, gx: np.ndarray, gy: np.ndarray, P: np.ndarray,
                            colors: list) -> None:
    """Each class's region (where its probability is the largest) and the boundaries, as
    smooth contours of the probability margins; for two classes the p = 1/2 line."""
    for k in range(P.shape[1]):
        others = np.delete(P, k, axis=1).max(axis=1)
        M = (P[:, k] - others).reshape(gx.shape)
        if M.max() > 0:
            ax.contourf(gx, gy, M, levels=[0.0, max(M.max(), 1e-9) + 1.0],
                        colors=[colors[k]], alpha=0.25)
            ax.contour(gx, gy, M, levels=[0.0], colors="k", linewidths=1.2)
    label = "p = 1/2" if P.shape[1] == 2 else "equal probabilities"
    ax.plot([], [], "k-", linewidth=1.2, label=f"decision boundary ({label})")


def _regions_by_prediction(ax: Any, gx: np.ndarray, gy: np.ndarray, pred: np.ndarray,
                           index: dict, colors: list) -> None:
    Z = np.array([index[c] for c in pred.tolist()], dtype=float).reshape(gx.shape)
    levels = np.arange(len(colors) + 1) - 0.5
    ax.contourf(gx, gy, Z, levels=levels, colors=colors, alpha=0.25)
    if len(colors) > 1:
        ax.contour(gx, gy, Z, levels=levels[1:-1], colors="k", linewidths=1.0)
        ax.plot([], [], "k-", linewidth=1.0, label="decision boundary")


def decision_boundary(model: Any, X: Any, y: Any, resolution: int = 300, *,
                      ax: Any = None) -> Any:
    """Class regions of a fitted classifier on 2-D inputs, with the points. With
    ``predict_proba`` the boundary is the smooth contour where the two most likely
    classes are equally likely (p = 1/2 for two classes), not a staircase of pixels."""
    import matplotlib

    X = _check_2d(X)
    y = np.asarray(y).ravel()
    lo, hi = _limits(X)
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    P, pred, classes = _grid_answers(model, np.column_stack([gx.ravel(), gy.ravel()]), y)
    index = {c: i for i, c in enumerate(classes.tolist())}
    cmap = matplotlib.colormaps["tab10"]
    colors = [cmap(i % 10) for i in range(len(classes))]
    fig, ax = new_axes(ax, figsize=(6.5, 5.5))
    if P is not None:
        _regions_by_probability(ax, gx, gy, P, colors)
    else:
        _regions_by_prediction(ax, gx, gy, pred, index, colors)
    for c in classes:
        mask = y == c
        if mask.any():
            ax.scatter(X[mask, 0], X[mask, 1], color=colors[index[c]], edgecolor="k",
                       s=30 if len(X) > 20 else 60, zorder=3, label=f"class {c}")
    score = ""
    if hasattr(model, "score"):
        try:
            score = f" (accuracy {float(model.score(X, y)):.1%})"
        except Exception:  # noqa: BLE001 - the score is decoration only
            score = ""
    ax.set_title(f"Decision regions of {type(model).__name__}{score}")
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9, borderaxespad=0)
    return fig


def kmeans_clusters(model: Any, X: Any, *, ax: Any = None) -> Any:
    """Points colored by their k-means label, centroids marked with crosses."""
    X = _check_2d(X)
    labels = getattr(model, "labels_", None)
    if labels is None or len(labels) != len(X):
        labels = model.predict(X)
    labels = np.asarray(labels).ravel()
    centers = np.asarray(model.cluster_centers_, dtype=float)
    import matplotlib

    colors = matplotlib.colormaps["tab10"]
    fig, ax = new_axes(ax, figsize=(6.5, 5.5))
    for k in range(len(centers)):
        mask = labels == k
        ax.scatter(
            X[mask, 0],
            X[mask, 1],
            color=colors(k % 10),
            s=22,
            alpha=0.8,
            label=f"cluster {k} ({int(mask.sum())})",
        )
    ax.scatter(
        centers[:, 0],
        centers[:, 1],
        marker="X",
        s=220,
        c="k",
        edgecolor="white",
        linewidth=1.5,
        zorder=5,
        label="centroids",
    )
    ax.set_title(f"k-means with {len(centers)} clusters")
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    legend_if_many(ax, loc="best", fontsize=9)
    return fig
