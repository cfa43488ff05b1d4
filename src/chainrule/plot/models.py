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


def _limits(X: np.ndarray, margin: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return lo - margin * span, hi + margin * span


def decision_boundary(model: Any, X: Any, y: Any, resolution: int = 200, *, ax: Any = None) -> Any:
    """Filled class regions of a fitted classifier on 2-D inputs, with the points."""
    X = _check_2d(X)
    y = np.asarray(y).ravel()
    lo, hi = _limits(X)
    gx, gy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    pred = np.asarray(model.predict(np.column_stack([gx.ravel(), gy.ravel()]))).ravel()
    classes = np.unique(np.concatenate([np.unique(y), np.unique(pred)]))
    index = {c: i for i, c in enumerate(classes.tolist())}
    Z = np.array([index[c] for c in pred.tolist()], dtype=float).reshape(gx.shape)
    fig, ax = new_axes(ax, figsize=(6.5, 5.5))
    cmap = "tab10"
    import matplotlib

    colors = matplotlib.colormaps[cmap]
    levels = np.arange(len(classes) + 1) - 0.5
    ax.contourf(
        gx, gy, Z, levels=levels, colors=[colors(i) for i in range(len(classes))], alpha=0.25
    )
    if len(classes) > 1:
        ax.contour(gx, gy, Z, levels=levels[1:-1], colors="k", linewidths=1.0)
    for c in classes:
        mask = y == c
        if mask.any():
            ax.scatter(
                X[mask, 0],
                X[mask, 1],
                color=colors(index[c]),
                edgecolor="k",
                s=30,
                label=f"class {c}",
            )
    name = type(model).__name__
    score = ""
    if hasattr(model, "score"):
        try:
            score = f" (accuracy {float(model.score(X, y)):.1%})"
        except Exception:  # noqa: BLE001 - the score is decoration only
            score = ""
    ax.set_title(f"Decision regions of {name}{score}")
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2")
    legend_if_many(ax, loc="best", fontsize=9)
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
