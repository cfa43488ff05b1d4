"""One-variable calculus plots: derivatives, tangents, Taylor polynomials, critical points."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._common import (
    callable_1d,
    derivative_fn_1d,
    eval_1d,
    expr_fn_1d,
    finish_axes,
    finite,
    legend_if_many,
    new_axes,
)

_N = 400


def _grid(xlim: Sequence[float], n: int = _N) -> np.ndarray:
    return np.linspace(float(xlim[0]), float(xlim[1]), n)


def _prime(label: str, order: int) -> str:
    return label + "'" * order if order <= 3 else f"{label}^({order})"


def _title_name(f: Any, expr: Any, label: str) -> str:
    return label if expr is None else f"{label} = {expr}"


def function_and_derivatives(
    f: Any,
    xlim: Sequence[float] = (-3, 3),
    orders: Sequence[int] = (1,),
    *,
    label: str = "f",
    ax: Any = None,
) -> Any:
    """Plot f and its derivatives of the given orders on ``xlim``.

    Derivatives are symbolic when f is an Expr or a formula string, else by
    ``chainrule.derivative``. Lines are labelled ``f``, ``f'``, ``f''``...
    """
    fig, ax = new_axes(ax)
    fn, expr, var = callable_1d(f)
    xs = _grid(xlim)
    ax.plot(xs, finite(eval_1d(fn, xs)), label=label, linewidth=2.2)
    for order in orders:
        d = derivative_fn_1d(f, int(order))
        ax.plot(xs, finite(eval_1d(d, xs)), label=_prime(label, int(order)), linewidth=1.6)
    ax.axhline(0.0, color="0.6", linewidth=0.8, zorder=0)
    finish_axes(ax, f"{_title_name(f, expr, label)} and its derivatives", var, "value")
    return fig


def _tangent_data(f: Any, fn: Any, expr: Any, var: str, a: float) -> tuple[float, float, float]:
    if expr is not None:
        from chainrule.analysis import tangent

        t = tangent(expr, var, a)
        return float(t.x0), float(t.y0), float(t.slope)
    from chainrule import derivative

    return a, float(fn(a)), float(derivative(f)(a))


def tangents(f: Any, at: Any, xlim: Sequence[float] = (-3, 3), *, ax: Any = None) -> Any:
    """Plot f and its tangent line at each point of ``at`` (a number or a list)."""
    fig, ax = new_axes(ax)
    fn, expr, var = callable_1d(f)
    xs = _grid(xlim)
    ys = finite(eval_1d(fn, xs))
    ax.plot(xs, ys, label="f" if expr is None else f"f = {expr}", linewidth=2.2, color="k")
    points = [at] if np.ndim(at) == 0 else list(at)
    for a in points:
        x0, y0, slope = _tangent_data(f, fn, expr, var, float(a))
        line = ax.plot(
            xs,
            y0 + slope * (xs - x0),
            "--",
            linewidth=1.5,
            label=f"tangent at {x0:g}: slope {slope:.4g}",
        )[0]
        ax.plot([x0], [y0], "o", color=line.get_color(), markersize=7, zorder=5)
    lo, hi = np.nanmin(ys), np.nanmax(ys)
    pad = 0.15 * (hi - lo if hi > lo else 1.0)
    if np.isfinite(lo) and np.isfinite(hi):
        ax.set_ylim(lo - pad, hi + pad)
    finish_axes(ax, "Tangent lines", var, "y")
    return fig


def _taylor_fn(f: Any, fn: Any, expr: Any, var: str, at: float, order: int) -> Any:
    if expr is not None:
        from chainrule.analysis import taylor

        return expr_fn_1d(taylor(expr, var, at, order), var)
    coeffs = [float(fn(at))]
    for k in range(1, order + 1):
        coeffs.append(float(derivative_fn_1d(f, k)(at)) / math.factorial(k))
    return lambda x: sum(c * (np.asarray(x) - at) ** k for k, c in enumerate(coeffs))


def taylor_polynomials(
    f: Any,
    at: float = 0.0,
    orders: Sequence[int] = (1, 2, 3, 5),
    xlim: Sequence[float] = (-3, 3),
    *,
    ax: Any = None,
) -> Any:
    """Plot f and its Taylor polynomials of the given orders about ``at``."""
    fig, ax = new_axes(ax)
    fn, expr, var = callable_1d(f)
    xs = _grid(xlim)
    ys = finite(eval_1d(fn, xs))
    ax.plot(xs, ys, label="f" if expr is None else f"f = {expr}", linewidth=2.6, color="k")
    for order in orders:
        p = _taylor_fn(f, fn, expr, var, float(at), int(order))
        ax.plot(xs, finite(eval_1d(p, xs)), "--", linewidth=1.5, label=f"order {int(order)}")
    ax.plot([at], [float(fn(float(at)))], "o", color="k", zorder=5)
    lo, hi = np.nanmin(ys), np.nanmax(ys)
    pad = 0.25 * (hi - lo if hi > lo else 1.0)
    if np.isfinite(lo) and np.isfinite(hi):
        ax.set_ylim(lo - pad, hi + pad)
    finish_axes(ax, f"Taylor polynomials about {var} = {float(at):g}", var, "y")
    return fig


_KIND_STYLE = {
    "minimum": ("v", "tab:green", "min"),
    "maximum": ("^", "tab:red", "max"),
    "inflection": ("s", "tab:purple", "inflection"),
    "saddle": ("D", "tab:orange", "saddle"),
}


def critical_points_plot(f: Any, xlim: Sequence[float] = (-3, 3), *, ax: Any = None) -> Any:
    """Plot f (an Expr or formula of one variable) and mark its critical points by kind."""
    from chainrule.analysis import critical_points

    fn, expr, var = callable_1d(f)
    if expr is None:
        raise TypeError("critical_points_plot needs an Expr or a formula string, not a callable")
    fig, ax = new_axes(ax)
    xs = _grid(xlim)
    ax.plot(xs, finite(eval_1d(fn, xs)), label=f"f = {expr}", linewidth=2.2, color="k")
    result = critical_points(expr, [var], [(float(xlim[0]), float(xlim[1]))])
    seen: set[str] = set()
    for cp in result.points:
        x0, y0 = float(cp.point[0]), float(cp.value)
        marker, color, short = _KIND_STYLE.get(cp.kind, ("o", "tab:gray", cp.kind))
        ax.plot(
            [x0],
            [y0],
            marker,
            color=color,
            markersize=10,
            zorder=5,
            label=cp.kind if cp.kind not in seen else "_nolegend_",
        )
        seen.add(cp.kind)
        ax.annotate(
            f"{short} ({x0:.3g}, {y0:.3g})",
            (x0, y0),
            textcoords="offset points",
            xytext=(8, 10 if cp.kind != "minimum" else -16),
            fontsize=9,
            color=color,
        )
    ax.margins(y=0.12)
    finish_axes(ax, f"Critical points of {expr}", var, "f")
    return fig


def error_curve_plot(f: Any, x: float, *, ax: Any = None) -> Any:
    """The "V" of forward and central difference errors against the step, log-log."""
    from chainrule.numeric import error_curve

    ec = error_curve(f, x)
    fig, ax = new_axes(ax)
    hs = np.asarray(ec.hs, dtype=float)
    for name, errs, best, color in (
        ("forward", ec.forward, ec.forward_best_h, "tab:blue"),
        ("central", ec.central, ec.central_best_h, "tab:orange"),
    ):
        e = finite(errs)
        e[e <= 0] = np.nan
        ax.loglog(hs, e, label=f"{name} difference", color=color, linewidth=1.6)
        i = int(np.argmin(np.abs(np.log(hs) - np.log(float(best)))))
        ax.plot(
            [hs[i]],
            [e[i]],
            "o",
            color=color,
            markersize=8,
            zorder=5,
            label=f"best {name} step h = {float(best):.1e}",
        )
    ax.set_title(f"Finite-difference error at x = {float(x):g}")
    ax.set_xlabel("step h")
    ax.set_ylabel("|error|")
    ax.grid(True, which="major", alpha=0.3)
    legend_if_many(ax)
    return fig
