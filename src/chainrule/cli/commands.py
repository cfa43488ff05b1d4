"""The subcommands of ``chainrule``: each reads a formula, calls the library, prints.

No mathematics lives here: parsing, differentiation, simplification and the calculus
helpers all come from :mod:`chainrule.symbolic` and :mod:`chainrule.analysis`.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import numpy as np

from .. import analysis
from ..symbolic import diff, evaluate, gradient, hessian, latex, steps, to_str_shared
from ..symbolic.expr import Expr, Symbol
from ..symbolic.parse import parse
from ..symbolic.printing import sizes
from . import _options as opt
from ._guard import UsageError

__all__ = ["COMMANDS", "UsageError"]


def _expr(text: str) -> Expr:
    e = parse(text)
    if not isinstance(e, Expr):
        raise UsageError("this command takes an expression, not an equation "
                         "(use `chainrule implicit` for equations)")
    return e


def _names(e: Any) -> list[str]:
    return sorted(str(s) for s in e.free_symbols())


def _wrt(e: Expr, wrt: str | None) -> str:
    if wrt is not None:
        return opt.name(wrt, "--wrt")
    names = _names(e)
    if len(names) > 1:
        raise UsageError(f"the formula has several variables ({', '.join(names)}); "
                         "choose one with --wrt")
    return names[0] if names else "x"


def _vars(e: Expr, given: str | None) -> list[str]:
    names = opt.names(given, "--vars") if given is not None else _names(e)
    if not names:
        raise UsageError("the formula has no variables")
    return names


def _number(text: str, option: str = "the value") -> float:
    return opt.number(text, option)


def _point(text: str | None, needed: list[str], extra: list[str] = ()) -> dict | None:
    """The ``--at`` point: a value for each name in ``needed`` (the formula's variables),
    optionally for the names in ``extra``, and for nothing else."""
    return opt.point(text, needed, sorted(set(needed) | set(extra)))


def _scalar_at(text: str, x: str) -> Expr:
    """``--at 1``, ``--at pi/2`` or ``--at x=pi/2``: an expansion point, kept exact."""
    items = opt.parts(text, "--at")
    value = items[0]
    if len(items) == 1 and "=" in value:
        key, value = value.split("=", 1)
        if opt.name(key, "--at") != x:
            raise UsageError(f"--at gives a value for {key.strip()}; the variable is {x}")
    elif len(items) != 1:
        raise UsageError(f"--at takes one value, the point of {x} (got {text!r})")
    return opt.constant(value, "--at")


def _point_text(at: Expr) -> str:
    """An exact point as typed (``pi/2``), or as a float when its digits would not fit."""
    text = str(at)
    return text if len(text) <= 24 else f"{float(evaluate(at)):.10g}"


def _show(e: Expr, use_latex: bool) -> str:
    if use_latex:
        return latex(e)
    tree, dag = sizes(e)
    if tree > 60 and tree > 2 * dag:
        return to_str_shared(e) + f"\n(tree size {tree}, shared graph size {dag})"
    return str(e)


def _where(point: dict) -> str:
    return ", ".join(f"{k} = {v:g}" for k, v in point.items())


def _value(v: Any) -> str:
    """A computed value; NaN says that the formula is not defined there."""
    v = float(v)
    return "undefined (nan)" if math.isnan(v) else f"{v:.10g}"


def _undefined(f: Expr, point: dict) -> bool:
    """Whether ``f`` itself is undefined (NaN) at the point: then so are its derivatives,
    even where their formulas give a number (d/dx log(x) = 1/x at x = -1)."""
    with np.errstate(all="ignore"):
        return bool(np.isnan(float(evaluate(f, point))))


UNDEFINED = "undefined (the formula itself is not defined there)"


def _at_line(e: Expr, point: dict | None, f: Expr) -> str:
    if point is None:
        return ""
    shown = UNDEFINED if _undefined(f, point) else _value(evaluate(e, point))
    return f"\n  at {_where(point)}: {shown}"


MAX_ORDER = 20         # derivatives and Taylor polynomials
MAX_RESULT_NODES = 200_000


def _order(n: int) -> int:
    if not 0 <= n <= MAX_ORDER:
        raise UsageError(f"the order must be between 0 and {MAX_ORDER}, got {n}")
    return n


def _bounded(e: Expr) -> Expr:
    if sizes(e)[1] > MAX_RESULT_NODES:
        raise UsageError(f"the result has more than {MAX_RESULT_NODES:,} distinct parts; "
                         "try a lower order or a smaller formula")
    return e


def cmd_diff(a: argparse.Namespace) -> str:
    e = _expr(a.formula)
    x = _wrt(e, a.wrt)
    d = _bounded(diff(e, x, _order(a.order)))
    mark = "" if a.order == 1 else f"^{a.order}"
    out = f"d{mark}/d{x}{mark} [{e}] =\n  {_show(d, a.latex)}"
    point = _point(a.at, _names(e) or [x], [x])
    out += _at_line(d, point, e)
    if a.steps:
        out += _steps_text(steps(e, x, at=point, order=a.order), a.latex)
    return out


def _steps_text(s: Any, tex: bool) -> str:
    """The derivation (text or LaTeX) and a count of its spot checks, as they came out."""
    checks = [st.check for st in s.walk()]
    bad = sum(1 for c in checks if c is not None and not c[3])
    none = sum(1 for c in checks if c is None)
    if not bad and not none:
        summary = "all agree with finite differences"
    else:
        parts = [f"{len(checks) - bad - none} agree with finite differences"]
        parts += [f"{bad} disagree"] if bad else []
        parts += [f"{none} not made (undefined or not finite at the check point)"] if none \
            else []
        summary = ", ".join(parts)
    return "\n\nsteps:\n" + (s.latex() if tex else s.text()) + "\n\nspot checks: " + summary


def cmd_gradient(a: argparse.Namespace) -> str:
    e = _expr(a.formula)
    names = _vars(e, a.vars)
    parts = gradient(e, names)
    lines = [f"f = {e}"] + [f"  df/d{n} = {_show(g, a.latex)}" for n, g in zip(names, parts)]
    point = _point(a.at, _names(e) or names, names)
    if point is not None and _undefined(e, point):
        lines.append(f"  gradient at {_where(point)}: {UNDEFINED}")
    elif point is not None:
        vals = [float(evaluate(g, point)) for g in parts]
        lines.append(f"  gradient at {_where(point)}: ({', '.join(map(_value, vals))})")
    return "\n".join(lines)


def cmd_hessian(a: argparse.Namespace) -> str:
    e = _expr(a.formula)
    names = _vars(e, a.vars)
    H = hessian(e, names)
    lines = [f"Hessian of {e} in ({', '.join(names)}):"]
    lines += ["  [" + ", ".join(_show(h, a.latex) for h in row) + "]" for row in H]
    point = _point(a.at, _names(e) or names, names)
    if point is not None and _undefined(e, point):
        lines.append(f"  at {_where(point)}: {UNDEFINED}")
    elif point is not None:
        M = np.array([[float(evaluate(h, point)) for h in row] for row in H])
        matrix = np.array2string(M, precision=6, prefix="    ")
        lines.append(f"  at {_where(point)}:\n    {matrix}")
        if np.isfinite(M).all():
            eig = np.linalg.eigvalsh((M + M.T) / 2)
            lines.append(f"  eigenvalues: {np.array2string(eig, precision=6)}")
        else:
            lines.append("  eigenvalues: not computed (the Hessian has entries that are "
                         "not finite there)")
    return "\n".join(lines)


def cmd_taylor(a: argparse.Namespace) -> str:
    e = _expr(a.formula)
    x = _wrt(e, a.wrt)
    at = _scalar_at(a.at, x)
    p = _bounded(analysis.taylor(e, x, at, _order(a.order)))
    out = (f"Taylor polynomial of {e} about {x} = {_point_text(at)}, order {a.order}:\n"
           f"  {_show(p, a.latex)}")
    if getattr(a, "steps", False):
        out += _steps_text(analysis.taylor_steps(e, x, at, a.order), a.latex)
    return out


def cmd_tangent(a: argparse.Namespace) -> str:
    e = _expr(a.formula)
    x = _wrt(e, a.wrt)
    at = _scalar_at(a.at, x)
    t = analysis.tangent(e, x, at)
    note = f"\n  note: {t.note}" if getattr(t, "note", "") else ""
    out = (f"tangent to y = {e} at {x} = {_point_text(at)}:\n  y = {_show(t.line, a.latex)}\n"
           f"  point ({t.x0:g}, {_num(t.y0)}), slope {_num(t.slope)}{note}")
    if getattr(a, "steps", False):
        out += _steps_text(analysis.tangent_steps(e, x, at), a.latex)
    return out


def _num(v: Any) -> str:
    return f"{v:.10g}" if isinstance(v, (int, float)) else str(v)


def cmd_implicit(a: argparse.Namespace) -> str:
    formula = parse(a.formula)
    x, y = opt.name(a.x, "--x"), opt.name(a.y, "--y")
    if x == y:
        raise UsageError(f"--x and --y must be different variables (both are {x})")
    d = analysis.implicit_derivative(formula, x, y)
    out = f"d{y}/d{x} on {a.formula}:\n  {_show(d, a.latex)}"
    point = _point(a.at, _names(d) or [x], [x, y])
    F = analysis.as_zero(formula)
    out += _at_line(d, point, F)
    if point is not None and set(point) >= {n.name for n in F.free_symbols()}:
        with np.errstate(all="ignore"):
            gap = float(evaluate(F, point))
        if math.isfinite(gap) and abs(gap) > 1e-9 * max(1.0, *map(abs, point.values())):
            out += f"\n  note: the point is not on the curve (lhs - rhs = {gap:.6g} there)"
    if getattr(a, "steps", False):
        out += _steps_text(analysis.implicit_steps(formula, x, y, at=point), a.latex)
    return out


def cmd_critical(a: argparse.Namespace) -> str:
    e = _expr(a.formula)
    names = _vars(e, a.vars)
    box = opt.box(a.box, len(names))
    xs = [Symbol(n) for n in names]
    out = str(analysis.critical_points(e, xs, box))
    if getattr(a, "steps", False):
        out += _steps_text(analysis.critical_steps(e, xs, box), a.latex)
    return out


COMMANDS = {
    "diff": cmd_diff, "gradient": cmd_gradient, "hessian": cmd_hessian,
    "taylor": cmd_taylor, "tangent": cmd_tangent, "implicit": cmd_implicit,
    "critical": cmd_critical,
}
