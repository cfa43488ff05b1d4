"""Steps for the analysis results: tangent lines, Taylor polynomials, implicit derivatives
and critical points, as :class:`~chainrule.symbolic.Step` trees.

Each builder calls the function whose answer it explains (``tangent``, ``taylor``,
``implicit_derivative``, ``critical_points``) and ends with that answer as it is: the steps
explain it and never compute a second one. The derivatives inside are explained by
:func:`chainrule.symbolic.steps`, and every step carries a spot check against finite
differences.

>>> from chainrule.symbolic import parse
>>> print(tangent_steps(parse("x^2"), "x", 3).text().splitlines()[-1])
  y = 6*x - 9
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.budget import budgeted, check_time
from ..symbolic._steps_chain import wrapped
from ..symbolic._steps_render import Step, Tok
from ..symbolic.calculus import _symbol, diff, evaluate, subs
from ..symbolic.expr import Const, Expr, as_expr, make
from ..symbolic.printing import to_str
from ..symbolic.simplify import simplify
from ..symbolic.steps import _point, _spot_check, steps
from .critical import critical_points
from .local import _exact, as_zero, implicit_derivative, tangent, taylor

__all__ = ["tangent_steps", "taylor_steps", "implicit_steps", "critical_steps"]


def _p(name: str):
    from ..core import registry
    return registry()[name]


def _shift(x: Expr, a: Expr) -> Expr:
    """``x - a``, unsimplified (``x`` when ``a`` is 0)."""
    if a.op == "const" and a.value == 0:
        return x
    return make(_p("subtract"), (x, a), {})


def _at(x: Expr, a: Expr) -> dict:
    return {x: float(evaluate(a))}


@budgeted
def tangent_steps(expr: Any, var: Any, at: Any) -> Step:
    """The tangent line at ``var = at``, step by step: f(a), f'(a) (with its derivation),
    ``y = f(a) + f'(a) (x - a)``, and :func:`tangent`'s line."""
    expr, x = as_expr(expr), _symbol(var)
    t = tangent(expr, x, at)  # the answer (raises where there is none)
    a = _exact(at)
    point = _point(expr, x, _at(x, a))
    d = steps(expr, x, at=point)
    y0, slope = subs(expr, {x: a}), subs(d.derivative, {x: a})
    raw = make(_p("add"), (y0, make(_p("multiply"), (slope, _shift(x, a)), {})), {})
    name = x.args[0]
    head = (Tok(f"tangent line at {name} = "), a, Tok(": y = "), t.line)
    root = Step(expr, t.line, "tangent line", "y = f(a) + f'(a) (x - a)", [d],
                check=_spot_check(expr, d.derivative, x, point), var=name, head=head)
    root.after = [("f(a) = ", (y0,)), ("f'(a) = ", (slope,)),
                  ("", (Tok("y = f(a) + f'(a) (x - a) = "), raw)), ("", (Tok("y = "), t.line))]
    return root


@budgeted
def taylor_steps(expr: Any, var: Any, at: Any = 0, order: int = 3) -> Step:
    """The Taylor polynomial, step by step: each derivative ``f^(k)`` and its value at
    ``a``, the terms ``f^(k)(a)/k! (x - a)^k``, and :func:`taylor`'s polynomial."""
    expr, x = as_expr(expr), _symbol(var)
    poly = taylor(expr, x, at, order)  # the answer (validates order and point)
    a, name = _exact(at), x.args[0]
    point = _point(expr, x, _at(x, a))
    head = (Tok(f"Taylor polynomial of order {order} at {name} = "), a, Tok(": "), poly)
    root = Step(expr, poly, "Taylor polynomial", "p(x) = sum of f^(k)(a)/k! (x - a)^k",
                var=name, head=head)
    d, fact, terms = simplify(expr), 1, []
    for k in range(order + 1):
        check_time("explaining a Taylor polynomial")
        if k:
            previous, d, fact = d, diff(d, x), fact * k
            child = Step(previous, d, f"derivative of order {k}", "", var=name,
                         check=_spot_check(previous, d, x, point))
            value = subs(d, {x: a})
            child.after = [(f"at {name} = ", (a, Tok(f": f^({k})(a) = "), value))]
            root.children.append(child)
            if d.op == "const" and d.value == 0:
                break  # as taylor stops: every further derivative is 0 too
        terms.append(_term(subs(d, {x: a}), k, _shift(x, a)))
    root.check = root.children[0].check if root.children else None
    raw = [piece for i, term in enumerate(terms) for piece in ((Tok(" + "),) if i else ())
           + term]
    root.after = [("p(x) = ", tuple(raw)), ("p(x) = ", (poly,))]
    return root


def _term(value: Expr, k: int, shift: Expr) -> tuple:
    """``f^(k)(a)/k! * (x - a)**k`` as pieces, as written before simplifying."""
    out = list(wrapped(value)) if value.op != "const" or to_str(value)[:1] == "-" \
        else [value]
    if k >= 2:
        out.append(Tok(f"/{k}!", rf"/{k}!"))
    if k >= 1:
        power = shift if k == 1 else make(_p("power"), (shift, Const(k)), {})
        out += [Tok(" * ", r" \cdot "), *wrapped(power)]
    return tuple(out)


@budgeted
def implicit_steps(formula: Any, x: Any = "x", y: Any = "y", at: dict | None = None) -> Step:
    """dy/dx on ``F(x, y) = 0``: F_x and F_y (each derivation explained), the chain rule
    ``F_x + F_y dy/dx = 0``, solved for dy/dx, and :func:`implicit_derivative`'s answer.
    ``at`` gives values for the spot checks (default: x at 0.7, the others nearby)."""
    answer = implicit_derivative(formula, x, y)  # the answer (raises where there is none)
    xs, ys = _symbol(x), _symbol(y)
    F = as_zero(formula)
    point = _point(F, xs, at)
    fx, fy = steps(F, xs, at=point), steps(F, ys, at=point)
    nx, ny = xs.args[0], ys.args[0]
    solved = make(_p("negative"), (make(_p("divide"), (fx.derivative, fy.derivative), {}),),
                  {})
    head = (Tok(f"d{ny}/d{nx} = "), answer)
    root = Step(F, answer, "implicit differentiation",
                f"differentiate F({nx}, {ny}) = 0 with {ny} a function of {nx}: "
                f"F_{nx} + F_{ny} d{ny}/d{nx} = 0", [fx, fy], var=nx, head=head,
                check=_implicit_check(F, answer, xs, ys, point))
    root.intro = [("write the equation as F = 0: F = ", (F,))]
    root.after = [(f"solve for d{ny}/d{nx}: ",
                   (Tok(f"d{ny}/d{nx} = -F_{nx}/F_{ny} = "), solved)),
                  ("", (Tok(f"d{ny}/d{nx} = "), answer))]
    return root


def _implicit_check(F: Expr, answer: Expr, x: Expr, y: Expr, point: dict) -> tuple | None:
    """``answer`` against ``-F_x/F_y``, both partials by central differences."""
    h = 1e-6

    def f(dx: float, dy: float) -> float:
        return float(evaluate(F, {**point, x: point[x] + dx, y: point[y] + dy}))

    try:
        with np.errstate(all="ignore"):
            exact = float(evaluate(answer, point))
            fx = (f(h, 0) - f(-h, 0)) / (2 * h)
            fy = (f(0, h) - f(0, -h)) / (2 * h)
            numeric = -fx / fy
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None
    if not (math.isfinite(exact) and math.isfinite(numeric)):
        return None
    return (point[x], exact, numeric, abs(exact - numeric) <= 1e-5 * max(1.0, abs(exact)))


@budgeted
def critical_steps(expr: Any, vars: list, box: list, grid: int = 7) -> Step:
    """Critical points, step by step: the derivative(s) explained, f' = 0 (or the
    gradient = 0) solved in the box, each point classified, and the note on completeness
    from :func:`critical_points` (its answer, unchanged)."""
    expr = as_expr(expr)
    result = critical_points(expr, vars, box, grid)
    xs = result.vars
    names = ", ".join(v.args[0] for v in xs)
    point = _point(expr, xs[0], None)
    kids = [steps(expr, v, at=point) for v in xs]
    one = len(xs) == 1
    rule = ("first-derivative test" if one else "second-derivative test")
    statement = ("f' = 0 (or f' changes sign); minus then plus: minimum, plus then minus: "
                 "maximum" if one else "gradient = 0; the Hessian's eigenvalues: all positive:"
                 " minimum, all negative: maximum, both signs: saddle")
    head = (Tok(f"critical points of f({names}): {len(result.points)} in the box"),)
    root = Step(expr, kids[0].derivative, "critical points", statement, kids, var=xs[0].args[0],
                check=kids[0].check, head=head)
    solve = "solve f' = 0" if one else "solve gradient = 0"
    root.intro = [(f"{solve} in the box: ", (Tok(_box(xs, result.box)),))]
    for p in result.points:
        root.children.append(_point_step(expr, kids, xs, p, rule))
    root.after = [("", (Tok(f"note: {result.note}"),))]
    return root


def _box(xs: list, box: list) -> str:
    return ", ".join(f"{v.args[0]} in [{lo:g}, {hi:g}]" for v, (lo, hi) in zip(xs, box))


def _point_step(expr: Expr, kids: list, xs: list, p, rule: str) -> Step:
    """One critical point: where, f there, the kind; checked by f' there against a
    finite difference of f."""
    where = ", ".join(f"{v.args[0]} = {c:.6g}" for v, c in zip(xs, p.point))
    eig = ", ".join(f"{e:.6g}" for e in p.eigenvalues)
    why = f" (Hessian eigenvalues {eig})" if len(xs) > 1 else ""
    kink = " (kink: f' jumps across 0)" if p.kink else ""
    at = {**_point(expr, xs[0], None), **{v: float(c) for v, c in zip(xs, p.point)}}
    head = (Tok(f"{where}: f = {p.value:.6g}, {p.kind}{kink}{why}"),)
    return Step(expr, kids[0].derivative, rule, "", var=xs[0].args[0], head=head,
                check=_spot_check(expr, kids[0].derivative, xs[0], at))
