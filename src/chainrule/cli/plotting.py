"""The ``plot``, ``optimize`` and ``train`` subcommands: the library at work, with figures.

As in :mod:`.commands`, no mathematics lives here: formulas come from
:mod:`chainrule.symbolic`, optimization from :mod:`chainrule.optim`, models from
:mod:`chainrule.models` and figures from :mod:`chainrule.plot` (imported only when a figure
is asked for, since it needs matplotlib).
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

import numpy as np

from .. import analysis
from ..symbolic import diff, evaluate, lambdify
from . import _options as opt
from ._guard import MATPLOTLIB_MISSING, UsageError
from ._train import DATASETS, figure_for, train
from .commands import _expr, _names, _wrt

__all__ = ["COMMANDS", "add_parsers", "have_matplotlib", "load_plot", "save",
           "trace_table"]

MAX_STEPS = 100_000
TRACE_ROWS = 60          # longer traces show their first and last rows


def add_parsers(sub: Any) -> None:
    """Register ``plot``, ``optimize``, ``train`` and ``tour`` on a subparsers object."""
    from ..optim.minimize import METHODS

    p = sub.add_parser("plot", help="plot a function, its derivative and tangent lines",
                       description="plot a function of x with its derivative and tangent "
                       "lines, or the contours of a function of two variables")
    p.add_argument("formula", help="the formula, in quotes")
    p.add_argument("--wrt", help="the variable (default: the only one)")
    p.add_argument("--derivative", action="store_true", help="also draw the derivative")
    p.add_argument("--tangent-at", help="draw the tangent line at this point")
    p.add_argument("--xlim", default="-3:3", help="x range, lo:hi (default -3:3)")
    p.add_argument("--ylim", help="y range for a function of two variables (default: --xlim)")
    p.add_argument("-o", "--out", default="chainrule-plot.png",
                   help="the .png or .svg file to write (default chainrule-plot.png)")
    o = sub.add_parser("optimize", help="minimize a formula from a starting point",
                       description="minimize a formula from a starting point")
    o.add_argument("formula", help="the formula, in quotes")
    o.add_argument("--start", required=True,
                   help="starting point, one value per variable in sorted order: 4,3")
    o.add_argument("--method", default="gd", choices=METHODS,
                   help="the optimizer (default gd)")
    o.add_argument("--lr", type=float, help="learning rate, a finite number > 0 "
                   "(default: the method's)")
    o.add_argument("--steps", type=int, default=1000, help="most steps (default 1000)")
    o.add_argument("--trace", action="store_true", help="print a table of every step: "
                   "the point, f, the gradient's norm and the learning rate")
    o.add_argument("--plot", help="write the path over the contours to this PNG file")
    t = sub.add_parser("train", help="train a model on small synthetic data",
                       description="train a model on small synthetic data")
    t.add_argument("model", choices=DATASETS, help="which model and data set")
    t.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    t.add_argument("--plot", help="write the fit, boundary or clusters to this PNG file")
    r = sub.add_parser("tour", help="the classic worked examples, end to end",
                       description="the classic worked examples, end to end")
    r.add_argument("--out", default="chainrule-tour", help="folder for the figures "
                   "(default ./chainrule-tour; its parent folder must exist)")
    r.add_argument("--no-plots", action="store_true", help="text only, no figures")


def have_matplotlib() -> bool:
    """Whether matplotlib can be imported (it is an optional extra)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def load_plot() -> Any:
    """``chainrule.plot`` with matplotlib drawing to files, or a :class:`UsageError` saying
    what to install."""
    if not have_matplotlib():
        raise UsageError(MATPLOTLIB_MISSING)
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")           # the command line only writes files
    from .. import plot

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


def cmd_plot(a: argparse.Namespace) -> str:
    e = _expr(a.formula)
    names = _names(e)
    xlim = opt.span(a.xlim, "--xlim")
    out = opt.out_file(a.out)
    if len(names) == 2 and a.wrt is None:
        return _plot_contours(a, e, names, xlim, out)
    if len(names) > 2:
        raise UsageError(f"plot draws functions of one or two variables; this one has "
                         f"{len(names)} ({', '.join(names)})")
    x = _wrt(e, a.wrt)
    if names and x not in names:
        raise UsageError(f"--wrt {x}: the formula's variable is {names[0]}")
    if a.ylim is not None:
        raise UsageError("--ylim is for functions of two variables")
    lines = [f"y = {e}"]
    d = diff(e, x) if a.derivative else None
    if d is not None:
        lines.append(f"y' = {d}")
    t = None
    if a.tangent_at is not None:
        at = opt.number(a.tangent_at, "--tangent-at")
        if not xlim[0] <= at <= xlim[1]:
            raise UsageError(f"--tangent-at {at:g} is outside --xlim {a.xlim}")
        t = analysis.tangent(e, x, opt.constant(a.tangent_at, "--tangent-at"))
        lines.append(f"tangent at {x} = {t.x0:g}: y = {t.line}")
    plot = load_plot()
    if t is not None and d is None:
        fig = plot.tangents(e, at=t.x0, xlim=xlim)
    else:
        fig = plot.function_and_derivatives(e, xlim=xlim, orders=(1,) if d is not None else ())
        if t is not None:
            plot.tangents(e, at=t.x0, xlim=xlim, ax=fig.axes[0], draw_function=False)
            fig.axes[0].set_title(f"y = {e}, its derivative and the tangent at {x} = {t.x0:g}")
    lines.append(f"wrote {save(plot, fig, out)}")
    return "\n".join(lines)


def _plot_contours(a: argparse.Namespace, e: Any, names: list[str], xlim: tuple,
                   out: str) -> str:
    if a.derivative or a.tangent_at is not None:
        raise UsageError("--derivative and --tangent-at are for functions of one variable; "
                         f"this one has two ({', '.join(names)})")
    ylim = xlim if a.ylim is None else opt.span(a.ylim, "--ylim")
    plot = load_plot()
    fig = plot.contour_paths(e, xlim=xlim, ylim=ylim, variables=names)
    return f"f({', '.join(names)}) = {e}\nwrote {save(plot, fig, out)}"


def _finite_value(f: Any, x: Any) -> float:
    """f at x as a float; inf or nan when it is one (no warning, no error)."""
    with np.errstate(all="ignore"):
        try:
            return float(f(x))
        except (OverflowError, ZeroDivisionError, ValueError):
            return math.nan


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def trace_table(history: Any, names: list[str], rate: str = "learning rate") -> str:
    """The table of an optimizer's run: step, the point, f, |grad f| and the learning rate
    (or, for line searches, the step length: ``rate`` names the column) of the step taken
    from there ("-" on the last row, which took no step)."""
    pts = [np.atleast_1d(np.asarray(p, dtype=float)) for p in history.params]
    loss, gnorm, lr = history.loss, history.grad_norm, history.learning_rate
    head = ["step", *names, f"f({', '.join(names)})", "|grad f|", rate]
    rows = [[str(k), *(_fmt(v) for v in pts[k]), _fmt(loss[k]), _fmt(gnorm[k]),
             "-" if np.isnan(lr[k]) else _fmt(lr[k])] for k in range(len(pts))]
    skipped = ""
    if len(rows) > TRACE_ROWS:
        half = TRACE_ROWS // 2
        skipped = f"steps {half} to {len(rows) - half - 1} not shown"
        rows = rows[:half] + [["..."] + [""] * (len(head) - 1)] + rows[-half:]
    width = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    text = ["  ".join(c.rjust(w) for c, w in zip(r, width)).rstrip() for r in [head, *rows]]
    return "\n".join(text + ([f"({skipped})"] if skipped else []))


def cmd_optimize(a: argparse.Namespace) -> str:
    from ..optim import minimize
    from ..optim.minimize import DEFAULT_LEARNING_RATE, SECOND_ORDER

    e = _expr(a.formula)
    names = _names(e) or ["x"]
    start = [opt.number(v, "--start") for v in opt.parts(a.start, "--start")]
    if len(start) != len(names):
        raise UsageError(f"--start needs one value per variable ({', '.join(names)}), "
                         f"got {len(start)}")
    steps = opt.positive_int(a.steps, "--steps", MAX_STEPS)
    lr = opt.learning_rate(a.lr)
    if lr is not None and a.method in SECOND_ORDER:
        raise UsageError(f"--lr does not apply to {a.method}: a line search chooses each "
                         "step's length")
    figure = opt.out_file(a.plot, "--plot") if a.plot else None
    plot = load_plot() if figure else None         # fail before the work, not after
    n, g = len(names), lambdify(e, names)
    f = g if n == 1 else (lambda p: g(*(p[i] for i in range(n))))
    x0 = start[0] if n == 1 else np.array(start)
    r = minimize(f, x0, method=a.method, learning_rate=lr, maxiter=steps)
    final = np.atleast_1d(np.asarray(r.x, dtype=float))
    value = _finite_value(lambda p: evaluate(e, dict(zip(names, p))), final)
    rate = ("step lengths by line search" if a.method in SECOND_ORDER else
            f"learning rate {lr if lr is not None else DEFAULT_LEARNING_RATE[a.method]:g}")
    lines = [f"minimize {e} from {', '.join(f'{k} = {v:g}' for k, v in zip(names, start))} "
             f"with {a.method}, {rate}:",
             f"  final point: {', '.join(f'{k} = {v:.6g}' for k, v in zip(names, final))}",
             f"  f there = {value:.6g}, after {r.nit} steps",
             f"  success: {r.success}",
             f"  message: {r.message}"]
    if a.trace:
        column = "step length" if a.method in SECOND_ORDER else "learning rate"
        lines[1:1] = ["", trace_table(r.history, names, column), ""]
    if plot is not None:
        label = f"{a.method}, {rate}"
        lines.append(f"  figure: {save(plot, _path_figure(plot, e, names, r, label), figure)}")
    return "\n".join(lines)


def _path_figure(plot: Any, e: Any, names: list[str], r: Any, label: str) -> Any:
    """The path over the contours (two variables), on the curve (one variable), or the
    loss per step (when the path left the range of floating point)."""
    if len(names) == 2:
        path = np.array([np.asarray(p, dtype=float) for p in r.history.params])
        path = path[np.isfinite(path).all(axis=1)]
        lo, hi = path.min(axis=0), path.max(axis=0)
        pad = np.maximum(0.2 * (hi - lo), 1.0)
        xlim, ylim = (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])
        if np.isfinite([*xlim, *ylim, xlim[1] - xlim[0], ylim[1] - ylim[0]]).all():
            return plot.contour_paths(e, xlim=xlim, ylim=ylim, histories=[r.history],
                                      labels=[label], variables=names)
    if len(names) == 1 and np.isfinite(np.asarray(r.history.params, dtype=float)).any():
        return plot.curve_paths(e, [r.history], labels=[label])
    return plot.loss_curves([r.history], labels=[label])


def cmd_train(a: argparse.Namespace) -> str:
    if not 0 <= a.seed < 2**32:
        raise UsageError(f"--seed must be between 0 and 2**32 - 1, got {a.seed}")
    figure = opt.out_file(a.plot, "--plot") if a.plot else None
    plot = load_plot() if figure else None
    model, X, y, text = train(a.model, a.seed)
    if plot is not None:
        text += f"\n  figure: {save(plot, figure_for(plot, a.model, model, X, y), figure)}"
    return text


def cmd_tour(a: argparse.Namespace) -> str:
    from .tour import run_tour

    if a.no_plots:
        return run_tour(None)
    if not have_matplotlib():
        return run_tour(None, end=f"no figures: {MATPLOTLIB_MISSING}")
    return run_tour(a.out)


COMMANDS = {"plot": cmd_plot, "optimize": cmd_optimize, "train": cmd_train, "tour": cmd_tour}
