"""Shared helpers for :mod:`chainrule.plot`: lazy matplotlib import, axes, legends.

Turning what users pass into functions to plot is :mod:`._function`'s job."""

from __future__ import annotations

from typing import Any

import numpy as np

_INSTALL_HINT = (
    "chainrule.plot needs matplotlib, which is an optional extra: "
    'pip install "chainrule[plot]"  (or: pip install matplotlib)'
)


def pyplot() -> Any:
    """Import and return ``matplotlib.pyplot``, with a clear message when it is missing."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(_INSTALL_HINT) from exc
    return plt


def inline_backend() -> bool:
    """Whether matplotlib draws inline in a notebook (Jupyter's default backend)."""
    import matplotlib
    return "inline" in matplotlib.get_backend()


def shown_once(fig: Any) -> Any:
    """The figure, displayed once in a notebook: pyplot would show every figure it holds
    at the end of the cell, and the notebook shows the returned figure again, so with the
    inline backend the figure is let go by pyplot and shown as the cell's value only
    (assign it and end a cell with its name to show it again). Elsewhere pyplot keeps it,
    so ``plt.show()`` in a script shows it as usual."""
    if inline_backend():
        pyplot().close(fig)
    return fig


def subplots(*args: Any, **kw: Any) -> tuple:
    """``plt.subplots``, with the figure :func:`shown_once`."""
    fig, ax = pyplot().subplots(*args, **kw)
    return shown_once(fig), ax


def new_axes(ax: Any = None, *, figsize: tuple[float, float] = (7.0, 4.5), **kw: Any) -> Any:
    """Return ``(fig, ax)``: the given axes and its figure, or a fresh figure."""
    if ax is not None:
        return ax.figure, ax
    return subplots(figsize=figsize, **kw)


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
