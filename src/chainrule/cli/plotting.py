"""The ``plot``, ``optimize`` and ``train`` subcommands: the library at work, with figures.

As in :mod:`.commands`, no mathematics lives here: formulas come from
:mod:`chainrule.symbolic`, optimization from :mod:`chainrule.optim`, models from
:mod:`chainrule.models` and figures from :mod:`chainrule.plot` (imported only when a figure
is asked for, since it needs matplotlib).
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from .. import analysis
from ..symbolic import diff, lambdify
from .commands import UsageError, _expr, _names, _number, _wrt

__all__ = ["COMMANDS", "VALUE_OPTIONS", "add_parsers", "load_plot", "make_data", "save"]

MATPLOTLIB_MISSING = "plots need matplotlib: pip install chainrule[plot]"
VALUE_OPTIONS = {"--xlim", "--tangent-at", "--start", "-o"}
DATASETS = ("xor", "linear", "logistic", "kmeans")
MAX_STEPS = 100_000


def add_parsers(sub: Any) -> None:
    """Register ``plot``, ``optimize``, ``train`` and ``tour`` on a subparsers object."""
    p = sub.add_parser("plot", help="plot a function, its derivative and tangent lines",
                       description="plot a function, its derivative and tangent lines")
    p.add_argument("formula", help="the formula, in quotes")
    p.add_argument("--wrt", help="the variable (default: the only one)")
    p.add_argument("--derivative", action="store_true", help="also draw the derivative")
    p.add_argument("--tangent-at", help="draw the tangent line at this point")
    p.add_argument("--xlim", default="-3:3", help="x range, lo:hi (default -3:3)")
    p.add_argument("-o", "--out", default="chainrule-plot.png", help="the PNG file to write")
    o = sub.add_parser("optimize", help="minimize a formula from a starting point",
                       description="minimize a formula from a starting point")
    o.add_argument("formula", help="the formula, in quotes")
    o.add_argument("--start", required=True,
                   help="starting point, one value per variable in sorted order: 4,3")
    o.add_argument("--method", default="gd", help="gd, momentum, adam, newton, lbfgs... "
                   "(default gd)")
    o.add_argument("--lr", type=float, help="learning rate (default: the method's)")
    o.add_argument("--steps", type=int, default=1000, help="most steps (default 1000)")
    o.add_argument("--plot", help="write the path over the contours to this PNG file")
    t = sub.add_parser("train", help="train a model on small synthetic data",
                       description="train a model on small synthetic data")
    t.add_argument("model", choices=DATASETS, help="which model and data set")
    t.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    t.add_argument("--plot", help="write the fit, boundary or clusters to this PNG file")
    r = sub.add_parser("tour", help="the classic worked examples, end to end",
                       description="the classic worked examples, end to end")
    r.add_argument("--out", default="chainrule-tour", help="folder for the figures "
                   "(default ./chainrule-tour)")
    r.add_argument("--no-plots", action="store_true", help="text only, no figures")


def load_plot() -> Any:
    """``chainrule.plot``, or a :class:`UsageError` saying what to install."""
    try:
        from .. import plot
    except ImportError as err:
        if (err.name or "").split(".")[0] == "matplotlib":
            raise UsageError(MATPLOTLIB_MISSING) from None
        raise UsageError(f"plotting is not available here ({err})") from None
    return plot


def save(plot: Any, fig: Any, path: str) -> str:
    """Write a figure, close it, and return the path."""
    try:
        plot.save(fig, path)
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from None
    finally:
        import matplotlib.pyplot as plt
        plt.close(fig)
    return str(path)


def _range(text: str) -> tuple[float, float]:
    if ":" not in text:
        raise UsageError(f"write the range as lo:hi, e.g. -3:3 (got {text!r})")
    lo, hi = (_number(v) for v in text.split(":", 1))
    if not lo < hi:
        raise UsageError(f"empty range {text!r}")
    return lo, hi


def cmd_plot(a: argparse.Namespace) -> str:
    e = _expr(a.formula)
    x = _wrt(e, a.wrt)
    if len(_names(e)) > 1:
        raise UsageError("plot draws functions of one variable")
    xlim = _range(a.xlim)
    lines = [f"y = {e}"]
    if a.derivative:
        lines.append(f"y' = {diff(e, x)}")
    t = None
    if a.tangent_at is not None:
        t = analysis.tangent(e, x, _number(a.tangent_at))
        lines.append(f"tangent at {x} = {t.x0:g}: y = {t.line}")
    plot = load_plot()
    if t is not None and not a.derivative:
        fig = plot.tangents(e, at=t.x0, xlim=xlim)
    else:
        fig = plot.function_and_derivatives(e, xlim=xlim, orders=(1,) if a.derivative else ())
        if t is not None:
            plot.tangents(e, at=t.x0, xlim=xlim, ax=fig.axes[0])
    lines.append(f"wrote {save(plot, fig, a.out)}")
    return "\n".join(lines)


def cmd_optimize(a: argparse.Namespace) -> str:
    from ..optim import minimize

    e = _expr(a.formula)
    names = _names(e) or ["x"]
    start = [_number(v) for v in a.start.split(",") if v.strip()]
    if len(start) != len(names):
        raise UsageError(f"--start needs one value per variable ({', '.join(names)}), "
                         f"got {len(start)}")
    if not 1 <= a.steps <= MAX_STEPS:
        raise UsageError(f"--steps must be between 1 and {MAX_STEPS}, got {a.steps}")
    if a.lr is not None and not a.lr > 0:
        raise UsageError(f"--lr must be positive, got {a.lr:g}")
    f = lambdify(e, names)
    if len(names) == 1:
        r = minimize(f, start[0], method=a.method, learning_rate=a.lr, maxiter=a.steps)
    else:
        n = len(names)
        r = minimize(lambda p: f(*(p[i] for i in range(n))), np.array(start),
                     method=a.method, learning_rate=a.lr, maxiter=a.steps)
    final = np.atleast_1d(np.asarray(r.x, dtype=float))
    where = ", ".join(f"{k} = {v:.6g}" for k, v in zip(names, final))
    lr = "" if a.lr is None else f", learning rate {a.lr:g}"
    lines = [f"minimize {e} from ({', '.join(f'{v:g}' for v in start)}) with {a.method}{lr}:",
             f"  final point: {where}",
             f"  f = {float(r.fun):.6g} after {r.nit} steps",
             f"  success: {r.success}",
             f"  message: {r.message}"]
    if a.plot:
        plot = load_plot()
        if len(names) == 2:
            path = np.array([np.asarray(p, dtype=float) for p in r.history.params])
            lo, hi = path.min(axis=0), path.max(axis=0)
            pad = np.maximum(0.2 * (hi - lo), 1.0)
            fig = plot.contour_paths(e, xlim=(lo[0] - pad[0], hi[0] + pad[0]),
                                     ylim=(lo[1] - pad[1], hi[1] + pad[1]),
                                     histories=[r.history], labels=[a.method])
        else:
            fig = plot.loss_curves([r.history], labels=[a.method])
        lines.append(f"  figure: {save(plot, fig, a.plot)}")
    return "\n".join(lines)


def make_data(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Small synthetic data sets: ``xor`` (4 points), ``linear`` (y = 3x + 1 plus noise),
    ``logistic`` (two blobs), ``kmeans`` (three blobs; y holds the true blob)."""
    rng = np.random.default_rng(seed)
    if name == "xor":
        return np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 1, 1, 0])
    if name == "linear":
        X = rng.uniform(0, 10, (30, 1))
        return X, 3 * X[:, 0] + 1 + rng.normal(0, 0.5, 30)
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
                          learning_rate=0.05, random_state=seed).fit(X, y)
        text = (f"XOR network (2-8-2, tanh, adam), {m.n_iter_} epochs\n"
                f"  predictions: {m.predict(X).tolist()} for targets {y.tolist()}\n"
                f"  accuracy: {m.score(X, y):.0%}")
    elif name == "linear":
        m = LinearRegression().fit(X, y)
        text = (f"linear regression on {len(y)} points (y = 3x + 1 plus noise)\n"
                f"  w = {m.coef_[0]:.4g}, b = {m.intercept_:.4g}\n"
                f"  R^2 = {m.score(X, y):.4f}")
    elif name == "logistic":
        m = LogisticRegression().fit(X, y)
        w = ", ".join(f"{v:.4g}" for v in np.ravel(m.coef_))
        text = (f"logistic regression on {len(y)} points in two blobs\n"
                f"  w = ({w}), b = {float(np.ravel(m.intercept_)[0]):.4g}\n"
                f"  accuracy: {m.score(X, y):.0%}")
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
    ax.plot(xs[:, 0], model.predict(xs), color="C1", label="fitted line")
    ax.set(xlabel="x", ylabel="y", title="linear regression")
    ax.legend()
    return fig


def cmd_train(a: argparse.Namespace) -> str:
    plot = load_plot() if a.plot else None
    model, X, y, text = train(a.model, a.seed)
    if plot is not None:
        text += f"\n  figure: {save(plot, figure_for(plot, a.model, model, X, y), a.plot)}"
    return text


def cmd_tour(a: argparse.Namespace) -> str:
    from .tour import run_tour

    return run_tour(None if a.no_plots else a.out)


COMMANDS = {"plot": cmd_plot, "optimize": cmd_optimize, "train": cmd_train, "tour": cmd_tour}
