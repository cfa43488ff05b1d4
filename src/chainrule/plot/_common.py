"""Shared helpers for :mod:`chainrule.plot`: lazy matplotlib import and function adapters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

_INSTALL_HINT = (
    "chainrule.plot needs matplotlib, which is an optional extra: "
    "pip install chainrule[plot]  (or: pip install matplotlib)"
)


def pyplot() -> Any:
    """Import and return ``matplotlib.pyplot``, with a clear message when it is missing."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(_INSTALL_HINT) from exc
    return plt


def new_axes(ax: Any = None, *, figsize: tuple[float, float] = (7.0, 4.5), **kw: Any) -> Any:
    """Return ``(fig, ax)``: the given axes and its figure, or a fresh figure."""
    plt = pyplot()
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, **kw)
    return fig, ax


def is_expr(f: Any) -> bool:
    from chainrule.symbolic import Expr

    return isinstance(f, Expr)


def to_expr(f: Any) -> Any:
    """A formula string is parsed; an Expr is returned as is; anything else gives None."""
    if isinstance(f, str):
        from chainrule.symbolic import parse

        return parse(f)
    if is_expr(f):
        return f
    return None


def free_names(expr: Any) -> list[str]:
    return sorted(str(s) for s in expr.free_symbols())


def single_var(expr: Any, default: str = "x") -> str:
    names = free_names(expr)
    if len(names) > 1:
        raise ValueError(f"expected a function of one variable, got variables {names}")
    return names[0] if names else default


def eval_1d(fn: Callable[[Any], Any], xs: np.ndarray) -> np.ndarray:
    """Evaluate ``fn`` on the grid ``xs``: vectorized when it can, point by point otherwise."""
    try:
        ys = np.asarray(fn(xs), dtype=float)
        if ys.shape == xs.shape:
            return ys
        if ys.ndim == 0:
            return np.broadcast_to(ys, xs.shape).astype(float)
    except Exception:  # noqa: BLE001 - fall back to scalar evaluation
        pass
    return np.array([float(fn(float(x))) for x in xs])


def expr_fn_1d(expr: Any, var: str) -> Callable[[Any], Any]:
    from chainrule.symbolic import lambdify

    g = lambdify(expr, [var])
    return lambda x: np.broadcast_to(np.asarray(g(x), dtype=float), np.shape(x))


def callable_1d(f: Any) -> tuple[Callable[[Any], Any], Any, str]:
    """``(fn, expr_or_None, var)`` for an Expr, a formula string or a Python callable."""
    expr = to_expr(f)
    if expr is not None:
        var = single_var(expr)
        return expr_fn_1d(expr, var), expr, var
    if not callable(f):
        raise TypeError(f"expected an Expr, a formula string or a callable, got {type(f)!r}")
    return f, None, "x"


def derivative_fn_1d(f: Any, order: int) -> Callable[[Any], Any]:
    """The ``order``-th derivative of f: symbolic for Expr/str, ``chainrule.derivative`` else."""
    expr = to_expr(f)
    if expr is not None:
        from chainrule.symbolic import diff

        var = single_var(expr)
        return expr_fn_1d(diff(expr, var, order=order), var)
    from chainrule import derivative

    return derivative(f, order=order)


def finite(values: Any) -> np.ndarray:
    """A float array with non-finite entries replaced by NaN (matplotlib leaves gaps)."""
    arr = np.array(values, dtype=float)
    arr[~np.isfinite(arr)] = np.nan
    return arr


def finish_axes(ax: Any, title: str, xlabel: str, ylabel: str) -> None:
    """The common last touches of a 2-D plot: title, axis labels, a light grid, and a
    legend when there is more than one labelled item."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    legend_if_many(ax)


def legend_if_many(ax: Any, **kw: Any) -> None:
    handles, _ = ax.get_legend_handles_labels()
    if len(handles) > 1:
        ax.legend(**kw)
