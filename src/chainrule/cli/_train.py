"""The models behind ``chainrule train`` and the tour: small data sets, fits, summaries.

The summaries print what was computed (scores, coefficients, sizes), so that the text and
the figures, which read the same fitted model, cannot disagree.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._guard import UsageError

__all__ = ["DATASETS", "LINE", "accuracy", "figure_for", "make_data", "train"]

DATASETS = ("xor", "linear", "logistic", "kmeans")
LINE = (3, 1)       # slope and intercept of the ``linear`` data


def accuracy(model: Any, X: np.ndarray, y: np.ndarray) -> str:
    """``accuracy: 97.5% (78 of 80)``, in the same format as the figures' titles."""
    right = int(np.sum(np.asarray(model.predict(X)) == np.asarray(y)))
    return f"accuracy: {right / len(y):.1%} ({right} of {len(y)})"


def make_data(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Small synthetic data sets: ``xor`` (4 points), ``linear`` (y = 3x + 1 plus noise,
    :data:`LINE`), ``logistic`` (two blobs), ``kmeans`` (three blobs; y holds the true
    blob)."""
    rng = np.random.default_rng(seed)
    if name == "xor":
        return np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1, 0])
    if name == "linear":
        X = rng.uniform(0, 10, (30, 1))
        return X, LINE[0] * X[:, 0] + LINE[1] + rng.normal(0, 0.5, 30)
    if name == "logistic":
        X = np.vstack([rng.normal(-1.5, 1, (40, 2)), rng.normal(1.5, 1, (40, 2))])
        return X, np.repeat([0, 1], 40)
    if name == "kmeans":
        centers = [(0.0, 0.0), (5.0, 0.0), (2.5, 4.0)]
        X = np.vstack([rng.normal(c, 0.6, (30, 2)) for c in centers])
        return X, np.repeat([0, 1, 2], 30)
    raise UsageError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")


def train(name: str, seed: int = 0) -> tuple[Any, np.ndarray, np.ndarray, str]:
    """Fit the model named ``name`` on its data; returns (model, X, y, summary)."""
    from ..models import KMeans, LinearRegression, LogisticRegression, MLPClassifier

    X, y = make_data(name, seed)
    if name == "xor":
        m = MLPClassifier(hidden_layer_sizes=(8,), activation="tanh", optimizer="adam",
                          learning_rate=0.05, max_iter=2000, random_state=seed).fit(X, y)
        sizes = [m.coefs_[0].shape[0], *(w.shape[1] for w in m.coefs_)]
        most = " (the most allowed)" if m.n_iter_ >= m.max_iter else ""
        text = (f"XOR network ({'-'.join(map(str, sizes))}, tanh, adam), {m.n_iter_} "
                f"epochs{most}\n"
                f"  predictions: {m.predict(X).tolist()} for targets {y.tolist()}\n"
                f"  {accuracy(m, X, y)}")
    elif name == "linear":
        m = LinearRegression().fit(X, y)
        text = (f"linear regression on {len(y)} points (y = {LINE[0]}x + {LINE[1]} plus "
                "noise)\n"
                f"  w = {m.coef_[0]:.4g}, b = {m.intercept_:.4g}\n"
                f"  R^2 = {m.score(X, y):.4f}")
    elif name == "logistic":
        m = LogisticRegression().fit(X, y)
        w = ", ".join(f"{v:.4g}" for v in np.ravel(m.coef_))
        text = (f"logistic regression on {len(y)} points in two blobs\n"
                f"  w = ({w}), b = {float(np.ravel(m.intercept_)[0]):.4g}\n"
                f"  {accuracy(m, X, y)}")
    else:
        m = KMeans(n_clusters=3, random_state=seed).fit(X)
        centers = "; ".join(f"({a:.3g}, {b:.3g})" for a, b in m.cluster_centers_)
        text = (f"k-means, 3 clusters on {len(X)} points, {m.n_iter_} iterations\n"
                f"  centers: {centers}\n"
                f"  within-cluster sum of squares: {m.inertia_:.4g}")
    return m, X, y, text


def figure_for(plot: Any, name: str, model: Any, X: np.ndarray, y: np.ndarray) -> Any:
    """The figure that shows a trained model: boundary, fitted line or clusters."""
    if name in ("xor", "logistic"):
        return plot.decision_boundary(model, X, y)
    if name == "kmeans":
        return plot.kmeans_clusters(model, X)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.scatter(X[:, 0], y, s=15, label="data")
    xs = np.linspace(X[:, 0].min(), X[:, 0].max(), 2)[:, None]
    w, b = float(np.ravel(model.coef_)[0]), float(model.intercept_)
    ax.plot(xs[:, 0], model.predict(xs), color="C1", label=f"fitted line y = {w:.4g}x + {b:.4g}")
    ax.set(xlabel="x", ylabel="y",
           title=f"Linear regression on {len(y)} points (R^2 = {model.score(X, y):.4f})")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return fig
