"""Functions of two variables: contours with critical points and optimizer paths, surfaces.

Contour levels are log-spaced when the values span decades (Rosenbrock's valley is then
visible, not one flat colour), and values that run off to infinity near a pole are cut at
the bulk of the rest. Critical points are found by
:func:`chainrule.analysis.critical_points` and marked by kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._common import new_axes, subplots
from ._curves import grid
from ._function import PlotFunction, as_function

__all__ = ["contour_paths", "contour_levels", "path_label", "surface"]

_DECADES = 150.0          # q99 / q05 above this: log-spaced levels


def contour_levels(Z: np.ndarray, n: int = 25) -> tuple[np.ndarray, np.ndarray, Any]:
    """``(Z clipped, levels, norm)``: log-spaced levels (with a LogNorm) for non-negative
    values spanning decades, else linear levels over the bulk of the values."""
    from matplotlib.colors import LogNorm

    values = Z[np.isfinite(Z)]
    if values.size == 0:
        return np.zeros_like(Z), np.linspace(-1.0, 1.0, n), None
    lo, hi = float(values.min()), float(values.max())
    q05, q99 = np.quantile(values, [0.05, 0.99])
    if lo >= 0 and q05 > 0 and q99 / q05 > _DECADES:
        floor = max(float(np.quantile(values[values > 0], 0.001)), hi * 1e-12)
        levels = np.geomspace(floor, hi, n)
        return np.clip(Z, floor, None), levels, LogNorm(floor, hi)
    q_lo, q_hi = np.quantile(values, [0.01, 0.99])
    spread = max(q_hi - q_lo, 1e-12 * max(abs(lo), abs(hi), 1.0))
    lo, hi = max(lo, q_lo - spread), min(hi, q_hi + spread)
    if hi <= lo:
        lo, hi = lo - 1.0, hi + 1.0
    return np.clip(Z, lo, hi), np.linspace(lo, hi, n), None


def path_label(item: Any, i: int) -> str:
    """The default label of a run: its learning rate when the history has one."""
    h = item.history if hasattr(item, "history") else item
    rates = np.asarray(getattr(h, "learning_rate", []), dtype=float)
    rates = rates[np.isfinite(rates)]
    if rates.size and np.all(rates == rates[0]):
        return f"lr = {rates[0]:g}"
    if rates.size:
        return f"steps scaled {rates.min():.2g} to {rates.max():.2g}"
    return f"run {i + 1}"


def _values(fn: PlotFunction, X: np.ndarray, Y: np.ndarray, xlim: Sequence[float],
            ylim: Sequence[float]) -> np.ndarray:
    Z = fn(X, Y)
    if not np.isfinite(Z).any():
        raise ValueError(f"f = {fn.label} has no finite value on [{float(xlim[0]):g}, "
                         f"{float(xlim[1]):g}] x [{float(ylim[0]):g}, {float(ylim[1]):g}]: "
                         "nothing to draw")
    return Z


def _colorbar(fig: Any, ax: Any, cs: Any, fn: PlotFunction, norm: Any) -> None:
    label = f"f({', '.join(fn.names)})"
    if norm is None:
        from matplotlib.ticker import MaxNLocator

        fig.colorbar(cs, ax=ax, label=label, ticks=MaxNLocator(8))
        return
    decades = np.arange(np.ceil(np.log10(norm.vmin)), np.floor(np.log10(norm.vmax)) + 1)
    cbar = fig.colorbar(cs, ax=ax, label=label + " (log-spaced levels)",
                        ticks=10.0 ** decades)
    cbar.ax.set_yticklabels([f"1e{int(d)}" if abs(d) > 2 else f"{10.0 ** d:g}"
                             for d in decades])


def _path_points(h: Any) -> np.ndarray:
    """The vertices of an optimizer path: History, OptimizeResult or a list of points."""
    if hasattr(h, "history") and hasattr(h.history, "params"):
        h = h.history
    params = h.params if hasattr(h, "params") else h
    pts = np.array([np.asarray(p, dtype=float).ravel() for p in params], dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise ValueError(f"a path needs points of two coordinates, got shape {pts.shape}")
    return pts


def _gradient(fn: PlotFunction, X: np.ndarray, Y: np.ndarray) -> tuple[Any, Any]:
    """The gradient on a grid: exact for formulas, central differences otherwise."""
    if fn.expr is not None:
        return (fn.derivative(1, fn.names[0])(X, Y), fn.derivative(1, fn.names[1])(X, Y))
    hx = 1e-6 * max(np.ptp(X), 1e-300)
    hy = 1e-6 * max(np.ptp(Y), 1e-300)
    return ((fn(X + hx, Y) - fn(X - hx, Y)) / (2 * hx),
            (fn(X, Y + hy) - fn(X, Y - hy)) / (2 * hy))


def _quiver(ax: Any, fn: PlotFunction, xlim: Sequence[float], ylim: Sequence[float]) -> None:
    QX, QY = np.meshgrid(grid(*map(float, xlim), 15), grid(*map(float, ylim), 15))
    with np.errstate(all="ignore"):
        U, V = _gradient(fn, QX, QY)
        norm = np.hypot(U, V)
        norm[~(norm > 0)] = np.nan
        ax.quiver(QX, QY, -U / norm, -V / norm, color="white", alpha=0.6, width=0.003,
                  label="_nolegend_")


def _mark_critical(ax: Any, fn: PlotFunction, xlim: Sequence[float],
                   ylim: Sequence[float]) -> int | None:
    """Mark the critical points inside the box by kind; returns how many, or None when the
    search could not finish (its budget ran out)."""
    from chainrule.analysis import critical_points
    from chainrule.core.budget import BudgetExceeded, budget

    from .calculus import kind_style

    if fn.expr is None:
        return 0
    box = [tuple(map(float, xlim)), tuple(map(float, ylim))]
    try:
        with budget(seconds=10):
            points = critical_points(fn.expr, fn.names, box).points
    except BudgetExceeded:
        return None
    except (ValueError, ArithmeticError):   # e.g. no Hessian where f is not smooth
        return 0
    for p in points:
        x0, y0 = (float(v) for v in p.point)
        marker, color, _ = kind_style(p.kind)
        ax.plot([x0], [y0], marker, color=color, markersize=11, markeredgecolor="k",
                zorder=6, label=f"{p.kind} ({x0:.3g}, {y0:.3g})")
    return len(points)


def _draw_paths(ax: Any, histories: Sequence[Any], labels: Sequence[str] | None) -> None:
    styles = ["-o", "--s", ":^", "-.D"]
    colors = ["tab:orange", "tab:red", "white", "tab:pink", "tab:cyan"]
    labels = list(labels) if labels is not None else [
        path_label(h, i) for i, h in enumerate(histories)]
    for i, (h, lab) in enumerate(zip(histories, labels)):
        pts = _path_points(h)
        style = styles[i % len(styles)] if len(pts) <= 80 else styles[i % len(styles)][:-1]
        line = ax.plot(pts[:, 0], pts[:, 1], style, markersize=3.5, linewidth=1.8,
                       color=colors[i % len(colors)], markeredgecolor="k",
                       markeredgewidth=0.4, label=f"{lab} ({len(pts) - 1} steps)")[0]
        ax.plot(pts[-1, 0], pts[-1, 1], "*", color=line.get_color(), markersize=13,
                markeredgecolor="k", label="_nolegend_")


def contour_paths(f: Any, xlim: Sequence[float] = (-3, 3), ylim: Sequence[float] = (-3, 3),
                  histories: Sequence[Any] = (), labels: Sequence[str] | None = None,
                  gradient_field: bool = True, *, resolution: int = 160,
                  critical: bool = True, variables: Sequence[str] | None = None,
                  ax: Any = None) -> Any:
    """Filled contours of f(x, y), its −gradient field, its critical points and each
    optimizer path over them.

    f is a formula or Expr of two variables (``variables`` gives their order; default
    sorted), or a callable ``f(x, y)`` or ``f(p)`` with ``p = (x, y)``. Each path (a
    History, an OptimizeResult or a list of points) is a line whose vertices are exactly
    the recorded parameters; its default label is its learning rate.
    """
    fn = as_function(f, 2, names=variables)
    n = resolution if fn.expr is not None else min(resolution, 60)
    X, Y = np.meshgrid(grid(*map(float, xlim), n), grid(*map(float, ylim), n))
    Z = _values(fn, X, Y, xlim, ylim)
    fig, ax = new_axes(ax, figsize=(7.0, 5.5))
    Zc, levels, norm = contour_levels(Z)
    cs = ax.contourf(X, Y, Zc, levels=levels, norm=norm, cmap="viridis", alpha=0.85)
    ax.contour(X, Y, Zc, levels=levels[::2], norm=norm, colors="k", linewidths=0.4,
               alpha=0.5)
    _colorbar(fig, ax, cs, fn, norm)
    if gradient_field:
        _quiver(ax, fn, xlim, ylim)
    found = _mark_critical(ax, fn, xlim, ylim) if critical else 0
    _draw_paths(ax, histories, labels)
    ax.set_xlim(*map(float, xlim))
    ax.set_ylim(*map(float, ylim))
    _finish(ax, fn, xlim, ylim, found, len(histories))
    return fig


def _finish(ax: Any, fn: PlotFunction, xlim: Sequence[float], ylim: Sequence[float],
            found: int | None, paths: int) -> None:
    """Equal scales (unless the box is very long), the title, the labels, the legend."""
    spans = (float(xlim[1]) - float(xlim[0]), float(ylim[1]) - float(ylim[0]))
    if max(spans) <= 5 * min(spans):
        ax.set_aspect("equal")
    what = [w for w, on in (("critical points", found), ("optimizer paths", paths)) if on]
    title = f"Contours of f = {fn.label}"
    if what:
        more = "with " + " and ".join(what)
        title += ("\n" if len(title) + len(more) > 55 else " ") + more
    if found is None:
        title += "\n(the search for critical points ran out of time; none are marked)"
    ax.set_title(title)
    ax.set_xlabel(fn.names[0])
    ax.set_ylabel(fn.names[1])
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize=8, framealpha=0.85)


def surface(f: Any, xlim: Sequence[float] = (-3, 3), ylim: Sequence[float] = (-3, 3), *,
            resolution: int = 60, variables: Sequence[str] | None = None,
            ax: Any = None) -> Any:
    """A 3-D surface of f(x, y) (``ax``, if given, must be a 3-D axes)."""
    if ax is None:
        fig, ax = subplots(figsize=(7.0, 5.5), subplot_kw={"projection": "3d"})
    fig = ax.figure
    fn = as_function(f, 2, names=variables)
    n = resolution if fn.expr is not None else min(resolution, 40)
    X, Y = np.meshgrid(grid(*map(float, xlim), n), grid(*map(float, ylim), n))
    Zc, _, _ = contour_levels(_values(fn, X, Y, xlim, ylim))
    surf = ax.plot_surface(X, Y, Zc, cmap="viridis", linewidth=0, antialiased=True, alpha=0.9)
    fig.colorbar(surf, ax=ax, shrink=0.6, pad=0.1, label=f"f({', '.join(fn.names)})")
    ax.set_title(f"Surface of f = {fn.label}")
    ax.set_xlabel(fn.names[0])
    ax.set_ylabel(fn.names[1])
    ax.set_zlabel(f"f({', '.join(fn.names)})")
    return fig
