"""Plots for optimization: contours with optimizer paths, surfaces, loss curves."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._common import finite, legend_if_many, new_axes, pyplot, to_expr


def _fn_2d(f: Any) -> tuple[Any, Any]:
    """``(values(X, Y), gradient(X, Y))`` evaluators on meshgrids for f of two variables."""
    expr = to_expr(f)
    if expr is not None:
        from chainrule.symbolic import diff, lambdify

        vs = ["x", "y"]
        g = lambdify(expr, vs)
        gx, gy = lambdify(diff(expr, "x"), vs), lambdify(diff(expr, "y"), vs)

        def values(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
            return np.broadcast_to(np.asarray(g(X, Y), dtype=float), X.shape)

        def grad(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return (
                np.broadcast_to(np.asarray(gx(X, Y), dtype=float), X.shape),
                np.broadcast_to(np.asarray(gy(X, Y), dtype=float), X.shape),
            )

        return values, grad
    if not callable(f):
        raise TypeError(f"expected an Expr, a formula string or a callable, got {type(f)!r}")
    from chainrule import grad as cr_grad

    df = cr_grad(f)

    def values_c(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
        return np.array([float(f(np.array([a, b]))) for a, b in zip(X.ravel(), Y.ravel())]).reshape(
            X.shape
        )

    def grad_c(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        G = np.array(
            [np.asarray(df(np.array([a, b])), dtype=float) for a, b in zip(X.ravel(), Y.ravel())]
        )
        return G[:, 0].reshape(X.shape), G[:, 1].reshape(X.shape)

    return values_c, grad_c


def _path_points(h: Any) -> np.ndarray:
    """The vertices of an optimizer path: History, OptimizeResult or a list of points."""
    if hasattr(h, "history") and hasattr(h.history, "params"):
        h = h.history
    params = h.params if hasattr(h, "params") else h
    pts = np.array([np.asarray(p, dtype=float).ravel() for p in params], dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"a path needs points of two coordinates, got shape {pts.shape}")
    return pts


def contour_paths(
    f: Any,
    xlim: Sequence[float] = (-3, 3),
    ylim: Sequence[float] = (-3, 3),
    histories: Sequence[Any] = (),
    labels: Sequence[str] | None = None,
    gradient_field: bool = True,
    *,
    resolution: int = 120,
    ax: Any = None,
) -> Any:
    """Filled contours of f(x, y), its gradient field and each optimizer path over them.

    f is an Expr or formula of ``x`` and ``y``, or a callable of an array of shape (2,).
    Each path (a History, an OptimizeResult or a list of points) is a line whose vertices
    are exactly the recorded parameters.
    """
    fig, ax = new_axes(ax, figsize=(7.0, 5.5))
    values, grad = _fn_2d(f)
    expr = to_expr(f)
    n = resolution if expr is not None else min(resolution, 60)
    X, Y = np.meshgrid(np.linspace(*map(float, xlim), n), np.linspace(*map(float, ylim), n))
    Z = finite(values(X, Y))
    cs = ax.contourf(X, Y, Z, levels=30, cmap="viridis", alpha=0.85)
    ax.contour(X, Y, Z, levels=15, colors="k", linewidths=0.4, alpha=0.5)
    fig.colorbar(cs, ax=ax, label="f(x, y)")
    if gradient_field:
        m = 15
        QX, QY = np.meshgrid(np.linspace(*map(float, xlim), m), np.linspace(*map(float, ylim), m))
        U, V = grad(QX, QY)
        norm = np.hypot(U, V)
        norm[norm == 0] = 1.0
        ax.quiver(
            QX,
            QY,
            -U / norm,
            -V / norm,
            color="white",
            alpha=0.6,
            width=0.003,
            label="_nolegend_",
        )
    labels = (
        list(labels) if labels is not None else [f"path {i + 1}" for i in range(len(histories))]
    )
    for h, lab in zip(histories, labels):
        pts = _path_points(h)
        line = ax.plot(
            pts[:, 0],
            pts[:, 1],
            "-o",
            markersize=3.5,
            linewidth=1.6,
            label=f"{lab} ({len(pts) - 1} steps)",
        )[0]
        ax.plot(
            pts[-1, 0],
            pts[-1, 1],
            "*",
            color=line.get_color(),
            markersize=13,
            markeredgecolor="k",
            label="_nolegend_",
        )
    ax.set_xlim(*map(float, xlim))
    ax.set_ylim(*map(float, ylim))
    ax.set_title(
        "Contours of f"
        + (f" = {expr}" if expr is not None else "")
        + (" with optimizer paths" if len(histories) else "")
    )
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    legend_if_many(ax, loc="upper right", fontsize=8, framealpha=0.85)
    return fig


def surface(
    f: Any,
    xlim: Sequence[float] = (-3, 3),
    ylim: Sequence[float] = (-3, 3),
    *,
    resolution: int = 60,
    ax: Any = None,
) -> Any:
    """A 3-D surface of f(x, y) (``ax``, if given, must be a 3-D axes)."""
    plt = pyplot()
    if ax is None:
        fig = plt.figure(figsize=(7.0, 5.5))
        ax = fig.add_subplot(projection="3d")
    fig = ax.figure
    values, _ = _fn_2d(f)
    expr = to_expr(f)
    n = resolution if expr is not None else min(resolution, 40)
    X, Y = np.meshgrid(np.linspace(*map(float, xlim), n), np.linspace(*map(float, ylim), n))
    Z = finite(values(X, Y))
    surf = ax.plot_surface(X, Y, Z, cmap="viridis", linewidth=0, antialiased=True, alpha=0.9)
    fig.colorbar(surf, ax=ax, shrink=0.6, pad=0.1, label="f(x, y)")
    ax.set_title("Surface of f" + (f" = {expr}" if expr is not None else ""))
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_zlabel("f(x, y)")
    return fig


def _losses(item: Any) -> np.ndarray:
    if hasattr(item, "history") and hasattr(item.history, "loss"):
        item = item.history
    if hasattr(item, "loss_history_"):
        item = item.loss_history_
    elif hasattr(item, "loss") and not callable(item.loss):
        item = item.loss
    return np.asarray(item, dtype=float).ravel()


def _default_label(item: Any, i: int) -> str:
    if hasattr(item, "loss_history_"):
        return type(item).__name__
    return f"run {i + 1}"


def loss_curves(
    histories: Any,
    labels: Sequence[str] | None = None,
    log: bool = True,
    *,
    ax: Any = None,
) -> Any:
    """Loss per step from History objects, OptimizeResults, lists or models' loss_history_."""
    if (
        hasattr(histories, "loss")
        or hasattr(histories, "loss_history_")
        or hasattr(histories, "history")
    ):
        histories = [histories]
    elif len(histories) and np.ndim(histories[0]) == 0 and not hasattr(histories[0], "loss"):
        histories = [histories]  # a single list of numbers
    fig, ax = new_axes(ax)
    labels = (
        list(labels)
        if labels is not None
        else [_default_label(h, i) for i, h in enumerate(histories)]
    )
    any_positive = False
    for h, lab in zip(histories, labels):
        loss = _losses(h)
        any_positive |= bool(np.any(np.isfinite(loss) & (loss > 0)))
        ax.plot(np.arange(len(loss)), finite(loss), label=lab, linewidth=1.6)
    if log and any_positive:
        ax.set_yscale("log")
    ax.set_title("Loss per step")
    ax.set_xlabel("step")
    ax.set_ylabel("loss" + (" (log scale)" if log and any_positive else ""))
    ax.grid(True, which="both" if log else "major", alpha=0.3)
    legend_if_many(ax)
    return fig


def _verdicts(rates: Sequence[float], losses: list[np.ndarray]) -> list[str]:
    """Label each rate "too small", "about right" or "too large" from its loss curve."""
    finals = []
    for loss in losses:
        ok = np.isfinite(loss).all() and loss[-1] <= loss[0]
        finals.append(float(loss[-1]) if ok else np.inf)
    best = int(np.argmin(finals))
    out = []
    for i, r in enumerate(rates):
        if not np.isfinite(finals[i]):
            out.append("too large: diverges")
        elif i == best:
            out.append("about right")
        elif r < rates[best]:
            out.append("too small: slow")
        else:
            out.append("too large: oscillates")
    return out


def learning_rate_comparison(
    f: Any,
    x0: Any,
    rates: Sequence[float] = (0.01, 0.1, 0.9),
    steps: int = 30,
    *,
    ax: Any = None,
) -> Any:
    """Run gradient descent on f from x0 with each learning rate and plot the losses."""
    from chainrule.optim import minimize

    expr = to_expr(f)
    if expr is not None:
        raise TypeError("learning_rate_comparison needs a Python callable f(x)")
    rates = [float(r) for r in rates]
    losses = []
    for r in rates:
        res = minimize(f, x0, method="gd", learning_rate=r, maxiter=int(steps))
        losses.append(np.asarray(res.history.loss, dtype=float))
    verdicts = _verdicts(rates, losses)
    fig, ax = new_axes(ax)
    positive = all(np.all(loss[np.isfinite(loss)] > 0) for loss in losses)
    styles = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D")]
    for i, (r, loss, v) in enumerate(zip(rates, losses, verdicts)):
        ls, mk = styles[i % len(styles)]
        ax.plot(
            np.arange(len(loss)),
            finite(loss),
            linestyle=ls,
            marker=mk,
            markersize=4,
            linewidth=1.6,
            label=f"lr = {r:g} ({v})",
        )
    if positive:
        ax.set_yscale("log")
    ax.set_title("Gradient descent, learning rates " + ", ".join(f"{r:g}" for r in rates))
    ax.set_xlabel("step")
    ax.set_ylabel("loss" + (" (log scale)" if positive else ""))
    ax.grid(True, which="both", alpha=0.3)
    legend_if_many(ax)
    return fig
