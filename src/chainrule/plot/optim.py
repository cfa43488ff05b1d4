"""Plots of optimizer runs: loss curves and the learning-rate comparison.

Runs are labelled by their learning rate (or the labels given), drawn with distinct line
styles and markers so that curves that coincide stay visible, on a log scale when the
losses are positive.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._common import finite, legend_if_many, new_axes, subplots
from .contours import path_label

__all__ = ["curve_paths", "learning_rate_comparison", "learning_rate_verdicts",
           "loss_curves"]

STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ("-", "v"), ("--", "P")]


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
    return path_label(item, i)


def _style(i: int) -> dict:
    ls, mk = STYLES[i % len(STYLES)]
    return {"linestyle": ls, "marker": mk, "markersize": 4, "linewidth": 1.6,
            "markevery": None}


def loss_curves(histories: Any, labels: Sequence[str] | None = None, log: bool = True, *,
                ax: Any = None) -> Any:
    """Loss per step from History objects, OptimizeResults, lists or models' loss_history_.

    Runs without labels are labelled by their learning rate (``lr = 0.1``)."""
    if any(hasattr(histories, a) for a in ("loss", "loss_history_", "history")):
        histories = [histories]
    elif len(histories) and np.ndim(histories[0]) == 0 and not hasattr(histories[0], "loss"):
        histories = [histories]  # a single list of numbers
    fig, ax = new_axes(ax)
    labels = list(labels) if labels is not None else [
        _default_label(h, i) for i, h in enumerate(histories)]
    any_positive = True       # log scale only if every finite loss is positive
    for i, (h, lab) in enumerate(zip(histories, labels)):
        loss = _losses(h)
        finite_loss = loss[np.isfinite(loss)]
        any_positive &= bool(finite_loss.size and np.all(finite_loss > 0))
        style = _style(i) if len(loss) <= 60 else {**_style(i), "marker": None}
        ax.plot(np.arange(len(loss)), finite(loss), label=lab, **style)
    if log and any_positive:
        ax.set_yscale("log")
    ax.set_title("Loss per step")
    ax.set_xlabel("step")
    ax.set_ylabel("loss" + (" (log scale)" if log and any_positive else ""))
    ax.grid(True, which="both" if log else "major", alpha=0.3)
    legend_if_many(ax)
    return fig


def learning_rate_verdicts(rates: Sequence[float], losses: Sequence[Any],
                           params: Sequence[Any] | None = None) -> list[str]:
    """Label each rate "too small: slow", "about right", "too large: oscillates" or "too
    large: diverges" from its losses (and its parameters, to see oscillation).

    >>> learning_rate_verdicts([0.01, 0.1, 2.0], [[4, 3.9], [4, 1.0], [4, 16, 64]])
    ['too small: slow', 'about right', 'too large: diverges']
    """
    losses = [np.asarray(loss, dtype=float) for loss in losses]
    finals = [float(loss[-1]) if np.isfinite(loss).all() and loss[-1] <= loss[0] else np.inf
              for loss in losses]
    best = int(np.argmin(finals))
    out = []
    for i, r in enumerate(rates):
        if not np.isfinite(finals[i]):
            out.append("too large: diverges")
        elif i == best:
            out.append("about right")
        elif r < rates[best]:
            out.append("too small: slow")
        elif params is not None and _alternates(params[i]):
            out.append("too large: oscillates")
        else:
            out.append("too large: overshoots")
    return out


def _alternates(params: Any) -> bool:
    """Whether most steps reverse the direction of the one before."""
    p = np.array([np.ravel(np.asarray(v, dtype=float)) for v in params])
    steps = np.diff(p, axis=0)
    if len(steps) < 2:
        return False
    turns = np.sum(steps[1:] * steps[:-1], axis=1) < 0
    return bool(np.mean(turns) > 0.5)


def _objective(f: Any, x0: Any) -> tuple[Any, str]:
    """``(callable for minimize, label)`` from a formula, an Expr or a callable."""
    from ._function import as_function

    n = int(np.size(x0))
    if callable(f) and not isinstance(f, str) and not hasattr(f, "free_symbols"):
        fn = as_function(f, n) if n <= 2 else None
        return f, (fn.label if fn is not None else getattr(f, "__name__", "f"))
    fn = as_function(f, n if n <= 2 else None)
    if len(fn.names) != n:
        raise ValueError(f"x0 has {n} value{'s' * (n > 1)} but f has {len(fn.names)} "
                         f"variables ({', '.join(fn.names)})")
    return fn.scalar(), fn.label


def learning_rate_comparison(f: Any, x0: Any, rates: Sequence[float] = (0.01, 0.1, 0.9),
                             steps: int = 30, *, ax: Any = None) -> Any:
    """Run gradient descent on f (a formula, an Expr or a callable) from x0 with each
    learning rate; plot the losses (log scale) and, without ``ax``, the first coordinate
    of the parameters per step, where an oscillating run shows as a zigzag."""
    from chainrule.optim import minimize

    objective, label = _objective(f, x0)
    rates = [float(r) for r in rates]
    runs = [minimize(objective, x0, method="gd", learning_rate=r, maxiter=int(steps))
            for r in rates]
    losses = [np.asarray(r.history.loss, dtype=float) for r in runs]
    params = [r.history.params for r in runs]
    verdicts = learning_rate_verdicts(rates, losses, params)
    if ax is None:
        fig, (ax, ax_x) = subplots(1, 2, figsize=(11.0, 4.5))
    else:
        fig, ax_x = ax.figure, None
    for i, (r, loss, v) in enumerate(zip(rates, losses, verdicts)):
        ax.plot(np.arange(len(loss)), finite(loss), label=f"lr = {r:g} ({v})", **_style(i))
        if ax_x is not None:
            first = [float(np.ravel(np.asarray(p, dtype=float))[0]) for p in params[i]]
            ax_x.plot(np.arange(len(first)), finite(first), label=f"lr = {r:g}", **_style(i))
    positive = all(np.all(loss[np.isfinite(loss)] > 0) for loss in losses)
    if positive:
        ax.set_yscale("log")
    ax.set_title(f"Gradient descent on {label}, learning rates "
                 + ", ".join(f"{r:g}" for r in rates))
    ax.set_xlabel("step")
    ax.set_ylabel("loss" + (" (log scale)" if positive else ""))
    ax.grid(True, which="both", alpha=0.3)
    legend_if_many(ax, fontsize=8)
    if ax_x is not None:
        ax_x.axhline(0.0, color="0.6", linewidth=0.8, zorder=0)
        ax_x.set_title("the parameter per step")
        ax_x.set_xlabel("step")
        ax_x.set_ylabel("x" if np.size(x0) == 1 else "first coordinate of x")
        ax_x.grid(True, alpha=0.3)
        legend_if_many(ax_x, fontsize=8)
    return fig


def curve_paths(f: Any, histories: Sequence[Any], labels: Sequence[str] | None = None,
                xlim: Sequence[float] | None = None, *, ax: Any = None) -> Any:
    """Optimizer runs on a function of one variable: f, and each run's iterates
    ``(x_k, f(x_k))`` joined in order, so the steps are seen walking down the curve.

    ``xlim`` defaults to the range of the iterates, widened by a fifth."""
    from ._curves import robust_limits, sample
    from ._function import as_function

    fn = as_function(f, 1)
    paths = []
    for h in histories:
        h = h.history if hasattr(h, "history") else h
        xs = np.array([float(np.ravel(np.asarray(p, dtype=float))[0]) for p in h.params])
        paths.append(xs[np.isfinite(xs)])
    if xlim is None:
        every = np.concatenate(paths) if paths else np.array([-3.0, 3.0])
        lo, hi = float(every.min()), float(every.max())
        pad = max(0.2 * (hi - lo), 1e-3 * max(abs(lo), abs(hi), 1.0))
        xlim = (lo - pad, hi + pad)
    fig, ax = new_axes(ax)
    c = sample(fn, xlim)
    ax.plot(c.x, c.y, color="k", linewidth=2.2, label=f"f = {fn.label}")
    labels = list(labels) if labels is not None else [
        path_label(h, i) for i, h in enumerate(histories)]
    for i, (xs, lab) in enumerate(zip(paths, labels)):
        ax.plot(xs, fn(xs), label=f"{lab} ({len(xs) - 1} steps)", zorder=4,
                **{**_style(i), "marker": _style(i)["marker"] if len(xs) <= 80 else None})
        ax.plot(xs[-1:], fn(xs[-1:]), "*", markersize=13, markeredgecolor="k", zorder=5,
                color=ax.get_lines()[-1].get_color(), label="_nolegend_")
    limits = robust_limits([c])
    if limits is not None:
        ax.set_ylim(*limits)
    ax.set_title(f"Optimizer steps on f = {fn.label}")
    ax.set_xlabel(fn.names[0])
    ax.set_ylabel("f")
    ax.grid(True, alpha=0.3)
    legend_if_many(ax, fontsize=8)
    return fig
