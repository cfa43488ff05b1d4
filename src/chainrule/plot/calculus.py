"""One-variable calculus plots: derivatives, tangents, Taylor polynomials, critical points.

Every function takes f as a formula string, an Expr or a Python callable (see
:func:`~chainrule.plot._function.as_function`). Curves are broken at jumps and poles and
the y-range ignores the values that run off to infinity next to a pole (see
:mod:`~chainrule.plot._curves`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._common import finish_axes, legend_if_many, new_axes
from ._curves import Curve, robust_limits, sample
from ._function import PlotFunction, as_function

__all__ = ["critical_points_plot", "error_curve_plot", "function_and_derivatives",
           "tangents", "taylor_polynomials"]


def _prime(label: str, order: int) -> str:
    return label + "'" * order if order <= 3 else f"{label}^({order})"


def _name(f: PlotFunction, label: str = "f") -> str:
    return f"{label} = {f.label}" if f.label not in ("f", label) else label


def _plot(ax: Any, c: Curve, **kw: Any) -> Any:
    return ax.plot(c.x, c.y, **kw)[0]


def _set_ylim(ax: Any, curves: Sequence[Curve]) -> None:
    limits = robust_limits(curves)
    if limits is not None:
        ax.set_ylim(*limits)


def function_and_derivatives(f: Any, xlim: Sequence[float] = (-3, 3),
                             orders: Sequence[int] = (1,), *, label: str = "f",
                             ax: Any = None) -> Any:
    """Plot f and its derivatives of the given orders on ``xlim``.

    Derivatives are symbolic when f is (or traces to) an expression, else by
    ``chainrule.derivative``. Lines are labelled ``f``, ``f'``, ``f''``...
    """
    fn = as_function(f, 1)
    fig, ax = new_axes(ax)
    curves = [sample(fn, xlim, name=f"f = {fn.label}")]
    _plot(ax, curves[0], label=label, linewidth=2.2)
    for order in orders:
        curves.append(sample(fn.derivative(int(order)), xlim))
        _plot(ax, curves[-1], label=_prime(label, int(order)), linewidth=1.6)
    _set_ylim(ax, curves)
    ax.axhline(0.0, color="0.6", linewidth=0.8, zorder=0)
    what = "and its derivative" + ("s" if len(orders) > 1 else "") if orders else ""
    finish_axes(ax, f"{_name(fn, label)} {what}".strip(), fn.names[0], "value")
    return fig


def _tangent_data(fn: PlotFunction, a: float) -> tuple[float, float, float]:
    if fn.expr is not None:
        from chainrule.analysis import tangent

        t = tangent(fn.expr, fn.names[0], a)
        return float(t.x0), float(t.y0), float(t.slope)
    return a, float(fn(a)), float(fn.derivative(1)(a))


def tangents(f: Any, at: Any, xlim: Sequence[float] = (-3, 3), *, ax: Any = None,
             draw_function: bool = True) -> Any:
    """Plot f and its tangent line at each point of ``at`` (a number or a list).

    ``draw_function=False`` adds only the tangent lines, to axes that already show f.
    """
    fn = as_function(f, 1)
    c = sample(fn, xlim, name=f"f = {fn.label}")
    fig, ax = new_axes(ax)
    if draw_function:
        _plot(ax, c, label=f"f = {fn.label}", linewidth=2.2, color="k")
    points = [at] if np.ndim(at) == 0 else list(at)
    for a in points:
        x0, y0, slope = _tangent_data(fn, float(a))
        xs = c.x[np.isfinite(c.x)]
        line = ax.plot(xs, y0 + slope * (xs - x0), "--", linewidth=1.5,
                       label=f"tangent at {x0:g}: slope {slope:.4g}")[0]
        ax.plot([x0], [y0], "o", color=line.get_color(), markersize=7, zorder=5,
                label="_nolegend_")
    if draw_function:
        _set_ylim(ax, [c])
        where = ", ".join(f"{float(a):g}" for a in points)
        finish_axes(ax, f"Tangent line{'s' * (len(points) > 1)} to f = {fn.label} at "
                    f"{fn.names[0]} = {where}", fn.names[0], "y")
    else:
        legend_if_many(ax)
    return fig


def _taylor_fn(fn: PlotFunction, at: float, order: int) -> Any:
    if fn.expr is not None:
        from chainrule.analysis import taylor

        from ._function import from_expr

        return from_expr(taylor(fn.expr, fn.names[0], at, order), fn.names)
    coeffs = [float(fn(at))]
    for k in range(1, order + 1):
        coeffs.append(float(fn.derivative(k)(at)) / math.factorial(k))
    return lambda x: sum(c * (np.asarray(x) - at) ** k for k, c in enumerate(coeffs))


def taylor_polynomials(f: Any, at: float = 0.0, orders: Sequence[int] = (1, 2, 3, 5),
                       xlim: Sequence[float] = (-3, 3), *, ax: Any = None) -> Any:
    """Plot f and its Taylor polynomials of the given orders about ``at``."""
    fn = as_function(f, 1)
    c = sample(fn, xlim, name=f"f = {fn.label}")
    fig, ax = new_axes(ax)
    _plot(ax, c, label=f"f = {fn.label}", linewidth=2.6, color="k")
    dashes = ["--", "-.", ":", (0, (6, 2, 1, 2, 1, 2))]
    for i, order in enumerate(orders):       # coinciding polynomials stay distinguishable
        _plot(ax, sample(_taylor_fn(fn, float(at), int(order)), xlim),
              linestyle=dashes[i % len(dashes)], linewidth=2.4 - 0.3 * (i % 4),
              label=f"order {int(order)}")
    ax.plot([at], [float(fn(float(at)))], "o", color="k", zorder=5, label="_nolegend_")
    _set_ylim(ax, [c])
    finish_axes(ax, f"Taylor polynomials of {fn.label} about {fn.names[0]} = {float(at):g}",
                fn.names[0], "y")
    return fig


_KIND_STYLE = {
    "minimum": ("v", "tab:green", "min"),
    "maximum": ("^", "tab:red", "max"),
    "inflection": ("s", "tab:purple", "inflection"),
    "saddle": ("D", "tab:orange", "saddle"),
}


def kind_style(kind: str) -> tuple[str, str, str]:
    """``(marker, color, short name)`` for a kind of critical point."""
    return _KIND_STYLE.get(kind, ("o", "tab:gray", kind))


def _critical(fn: PlotFunction, xlim: Sequence[float]) -> tuple[list, str]:
    """``[(x, f(x), kind)]`` and how they were found."""
    lo, hi = float(xlim[0]), float(xlim[1])
    if fn.expr is not None:
        from chainrule.analysis import critical_points

        result = critical_points(fn.expr, fn.names, [(lo, hi)])
        return [(float(p.point[0]), float(p.value), p.kind) for p in result.points], ""
    return _sign_changes(fn, lo, hi), " (sign changes of a numerical f')"


def _sign_changes(fn: PlotFunction, lo: float, hi: float) -> list:
    """Minima and maxima of an untraceable callable: where its numerical derivative
    changes sign (refined by bisection) or is exactly zero between opposite signs."""
    d = fn.derivative(1)
    xs = np.linspace(lo, hi, 401)
    s = np.sign(d(xs))
    out = []
    for i in np.flatnonzero(s[:-1] * s[1:] < 0):
        a, b, sa = xs[i], xs[i + 1], s[i]
        for _ in range(60):
            m = 0.5 * (a + b)
            a, b = (m, b) if np.sign(float(d(m))) == sa else (a, m)
        out.append((0.5 * (a + b), s[i]))
    for i in np.flatnonzero((s[1:-1] == 0) & (s[:-2] * s[2:] < 0)) + 1:
        out.append((xs[i], s[i - 1]))
    return [(x0, float(fn(x0)), "minimum" if before < 0 else "maximum")
            for x0, before in sorted(out)]


def critical_points_plot(f: Any, xlim: Sequence[float] = (-3, 3), *, ax: Any = None) -> Any:
    """Plot f and mark its critical points by kind: exactly classified for formulas and
    traceable callables (:func:`chainrule.analysis.critical_points`), from the sign
    changes of a numerical derivative for other callables."""
    fn = as_function(f, 1)
    c = sample(fn, xlim, name=f"f = {fn.label}")
    fig, ax = new_axes(ax)
    _plot(ax, c, label=f"f = {fn.label}", linewidth=2.2, color="k")
    points, how = _critical(fn, xlim)
    seen: set[str] = set()
    for x0, y0, kind in points:
        marker, color, short = kind_style(kind)
        ax.plot([x0], [y0], marker, color=color, markersize=10, zorder=5,
                label=kind if kind not in seen else "_nolegend_")
        seen.add(kind)
        ax.annotate(f"{short} ({x0:.3g}, {y0:.3g})", (x0, y0), textcoords="offset points",
                    xytext=(8, 10 if kind != "minimum" else -16), fontsize=9, color=color)
    _set_ylim(ax, [c, Curve(np.array([x for x, _, _ in points]),
                            np.array([y for _, y, _ in points]), [])] if points else [c])
    finish_axes(ax, f"Critical points of {fn.label}{how}", fn.names[0], "f")
    return fig


def error_curve_plot(f: Any, x: float, *, ax: Any = None) -> Any:
    """The "V" of forward and central difference errors against the step, log-log."""
    from chainrule.numeric import error_curve

    fn = as_function(f, 1)
    ec = error_curve(f if callable(f) else fn.scalar(), x)
    fig, ax = new_axes(ax)
    hs = np.asarray(ec.hs, dtype=float)
    for name, errs, best, color in (
        ("forward", ec.forward, ec.forward_best_h, "tab:blue"),
        ("central", ec.central, ec.central_best_h, "tab:orange"),
    ):
        e = np.array(errs, dtype=float)
        e[~(np.isfinite(e) & (e > 0))] = np.nan
        ax.loglog(hs, e, label=f"{name} difference", color=color, linewidth=1.6)
        i = int(np.argmin(np.abs(np.log(hs) - np.log(float(best)))))
        ax.plot([hs[i]], [e[i]], "o", color=color, markersize=8, zorder=5,
                label=f"best {name} step h = {float(best):.1e}")
    ax.set_title(f"Finite-difference error of {fn.label} at x = {float(x):g}")
    ax.set_xlabel("step h")
    ax.set_ylabel("|error|")
    ax.grid(True, which="major", alpha=0.3)
    legend_if_many(ax)
    return fig
