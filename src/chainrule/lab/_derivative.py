"""The Derivative and Numeric pages: derivative with steps, plots, tangent, Taylor, the
two-variable analysis and the finite-difference error curve.

Each ``*_work`` function runs in a worker thread under the request's budget (see
:func:`._common.run_heavy`) and only calls the library.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import analysis, numeric
from ..numeric._result import _explain
from ..symbolic import diff, evaluate, gradient, hessian, lambdify, latex, mathml, steps
from ..symbolic._mathml import mathml_line
from ..symbolic._steps_render import check_words, line_latex, line_text
from ..symbolic.expr import Expr, Symbol
from ..symbolic.parse import Equation
from ..symbolic.printing import sizes, to_str, to_str_shared
from ._common import ApiError, Fields, floats, formula_of

__all__ = ["diff_work", "plot1d_work", "tangent_work", "taylor_work", "analyze2d_work",
           "numeric_work", "variable"]

TYPESET_TREE = 4_000    # larger results are sent as text with shared parts named
MAX_STEPS = 400         # steps sent for one derivation (the rest summarized)


def _names(e: Expr) -> list:
    return sorted(s.args[0] for s in e.free_symbols())


def variable(e: Expr, given: Any) -> str:
    """The variable to differentiate by: the given one, the only one, or ``x``."""
    if given is not None:
        if not isinstance(given, str) or not given.isidentifier() or len(given) > 64:
            raise ApiError(400, "'var' must be a variable name such as x")
        return given
    names = _names(e)
    if len(names) > 1:
        raise ApiError(400, f"the formula has several variables ({', '.join(names)}); "
                       "choose one with 'var'")
    return names[0] if names else "x"


def _pair_vars(e: Expr, given: Any) -> list:
    if given is not None:
        ok = isinstance(given, list) and len(given) == 2 and all(
            isinstance(v, str) and v.isidentifier() and len(v) <= 64 for v in given)
        if not ok or given[0] == given[1]:
            raise ApiError(400, "'vars' must be two different variable names, e.g. [\"x\", \"y\"]")
        return list(given)
    names = _names(e)
    if len(names) > 2:
        raise ApiError(400, f"the formula has more than two variables ({', '.join(names)}); "
                       "choose two with 'vars'")
    for extra in ("x", "y", "z"):
        if len(names) < 2 and extra not in names:
            names.append(extra)
    return sorted(names)


def shown(e: Any) -> dict:
    """Text, LaTeX and MathML of a result (text only, with shared parts named, when it
    is too large to typeset)."""
    if isinstance(e, Equation) or sizes(e)[0] <= TYPESET_TREE:
        return {"text": str(e), "latex": latex(e.lhs) + " = " + latex(e.rhs)
                if isinstance(e, Equation) else latex(e), "mathml": mathml(e)}
    return {"text": to_str_shared(e), "latex": None, "mathml": None}


def _step_json(step: Any, budget_left: list) -> dict:
    """One step and its children (iteratively; at most MAX_STEPS steps in all)."""
    def line(pieces: tuple) -> dict:
        return {"text": line_text(pieces), "latex": line_latex(pieces),
                "mathml": mathml_line(pieces)}

    def one(s: Any) -> dict:
        budget_left[0] -= 1
        c = s.check
        return {"rule": s.rule, "statement": s.statement, **line(s.head_pieces()),
                "check": {"ok": bool(c is not None and c[3]), "detail": check_words(c, s.var)},
                "intro": [{"label": lab, **line(p)} for lab, p in s.intro],
                "after": [{"label": lab, **line(p)} for lab, p in s.after],
                "children": []}

    root = one(step)
    stack = [(step, root)]
    while stack:
        s, out = stack.pop()
        for child in s.children:
            if budget_left[0] <= 0:
                out["truncated"] = True
                break
            j = one(child)
            out["children"].append(j)
            stack.append((child, j))
    return root


def diff_work(f: Fields) -> dict:
    e = formula_of(f.string("formula"))
    order = f.integer("order", 1, 1, 10)
    var = variable(e, f.data.get("var"))
    d = diff(e, var, order)
    out = {"formula": str(e), "formula_latex": latex(e), "formula_mathml": mathml(e),
           "variables": _names(e), "var": var, "order": order}
    res = shown(d)
    out.update({"derivative": res["text"], "latex": res["latex"], "mathml": res["mathml"]})
    out["steps"] = [_step_json(steps(e, var), [MAX_STEPS])] if order == 1 else []
    return out


def _grid(f: Fields, n_default: int, n_max: int) -> np.ndarray:
    lo, hi = f.range("xmin", "xmax", -5.0, 5.0)
    n = f.integer("n", n_default, 2, n_max)
    return np.linspace(lo, hi, n)


def _values(e: Expr, names: list, *grids: np.ndarray) -> np.ndarray:
    """``e`` on the grid (a constant broadcast to it); a formula with other variables is
    refused by ``evaluate``."""
    v = np.asarray(evaluate(e, dict(zip(names, grids))), dtype=float)
    return np.broadcast_to(v, np.broadcast(*grids).shape)


def plot1d_work(f: Fields) -> dict:
    e = formula_of(f.string("formula"))
    var = variable(e, f.data.get("var"))
    xs = _grid(f, 400, 2000)
    return {"x": floats(xs), "f": floats(_values(e, [var], xs)),
            "df": floats(_values(diff(e, var), [var], xs))}


def tangent_work(f: Fields) -> dict:
    e = formula_of(f.string("formula"))
    var = variable(e, f.data.get("var"))
    t = analysis.tangent(e, var, f.number("at", None, -1e6, 1e6))
    eq = Equation(Symbol("y"), t.line)
    return {"x0": t.x0, "y0": t.y0, "slope": t.slope, "text": str(t),
            "latex": "y = " + latex(t.line), "mathml": mathml(eq), "note": t.note}


def taylor_work(f: Fields) -> dict:
    e = formula_of(f.string("formula"))
    var = variable(e, f.data.get("var"))
    at = f.number("at", 0.0, -1e6, 1e6)
    poly = analysis.taylor(e, var, at, f.integer("order", 3, 0, 12))
    xs = _grid(f, 400, 2000)
    res = shown(poly)
    return {**res, "x": floats(xs), "y": floats(_values(poly, [var], xs))}


def analyze2d_work(f: Fields) -> dict:
    e = formula_of(f.string("formula"))
    names = _pair_vars(e, f.data.get("vars"))
    xr = f.range("xmin", "xmax", -3.0, 3.0)
    yr = f.range("ymin", "ymax", -3.0, 3.0)
    n = f.integer("n", 80, 2, 200)
    g, h = gradient(e, names), hessian(e, names)
    crit = analysis.critical_points(e, names, [xr, yr])
    xs, ys = np.linspace(*xr, n), np.linspace(*yr, n)
    gx, gy = np.meshgrid(xs, ys)
    return {"vars": names, "gradient": [to_str(p) for p in g],
            "gradient_latex": r"\begin{pmatrix}" + r" \\ ".join(latex(p) for p in g)
            + r"\end{pmatrix}", "gradient_mathml": mathml(list(g)),
            "hessian": [[to_str(p) for p in row] for row in h],
            "hessian_latex": r"\begin{pmatrix}" + r" \\ ".join(
                " & ".join(latex(p) for p in row) for row in h) + r"\end{pmatrix}",
            "hessian_mathml": mathml([list(row) for row in h]),
            "critical_points": [{"point": list(p.point), "kind": p.kind, "value": p.value}
                                for p in crit.points],
            "complete": bool(crit.complete), "note": crit.note,
            "contour": {"x": floats(xs), "y": floats(ys),
                        "z": floats(_values(e, names, gx, gy))}}


def numeric_work(f: Fields) -> dict:
    e = formula_of(f.string("formula"))
    var = variable(e, f.data.get("var"))
    at = f.number("at", 1.0, -1e6, 1e6)
    fn = lambdify(e, [var])
    exact = float(evaluate(diff(e, var), {var: at}))
    if not np.isfinite(exact):
        raise ApiError(400, f"the derivative is not defined (or not finite) at {var} = {at:g}")
    curve = numeric.error_curve(fn, at, exact=exact)
    r = numeric.derivative(fn, at, full_output=True)
    status = str(r.status)
    message = "ok: the error estimate bounds the error" if status == "ok" else _explain(
        status, float(r.value), float(r.error), float(r.left), float(r.right))
    return {"h": floats(curve.hs), "error": floats(curve.central),
            "error_forward": floats(curve.forward), "exact": exact,
            "chosen_h": float(r.step), "estimate": float(r.value),
            "error_estimate": float(r.error), "status": status, "kink": status == "kink",
            "message": message}
