"""Local pictures of a function: tangent lines, Taylor polynomials, implicit derivatives.

>>> from chainrule.symbolic import parse
>>> from chainrule.analysis import taylor, implicit_derivative
>>> taylor(parse("exp(x)"), "x", 0, 3)
x**3/6 + x**2/2 + x + 1
>>> implicit_derivative(parse("x^2 + y^2 = 25"), "x", "y")
-x/y
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..symbolic.calculus import _symbol, diff, evaluate, subs
from ..symbolic.expr import Const, Expr, as_expr
from ..symbolic.simplify import canonical_add, canonical_mul, canonical_pow, simplify

__all__ = ["Tangent", "tangent", "taylor", "implicit_derivative", "as_zero"]


def _exact(v: Any) -> Expr:
    """A point as an exact constant where it is one (3 -> 3, 0.5 -> 1/2)."""
    return Const(Fraction(str(v)) if isinstance(v, float) else v)


@dataclass(frozen=True)
class Tangent:
    """The tangent line ``y = slope * (x - x0) + y0`` of a function at ``x0``."""

    x0: Any
    y0: Any
    slope: Any
    line: Expr

    def __str__(self) -> str:
        return f"y = {self.line}"


def tangent(expr: Any, var: Any, at: Any) -> Tangent:
    """The tangent line (the linear approximation) of ``expr`` at ``var = at``."""
    expr, x = as_expr(expr), _symbol(var)
    a = _exact(at)
    y0 = _defined(subs(expr, {x: a}), "f", at)
    slope = _defined(subs(diff(expr, x), {x: a}), "f'", at)
    shift = canonical_add(x, canonical_mul(Const(-1), a))
    line = canonical_add(y0, canonical_mul(slope, shift))
    return Tangent(_value(a), _value(y0), _value(slope), line)


def _defined(e: Expr, what: str, at: Any) -> Expr:
    """``e`` (a value at the point) if it is finite; otherwise a clear error."""
    if e.free_symbols():  # other variables are left: nothing to check yet
        return e
    with np.errstate(all="ignore"):
        v = float(evaluate(e))
    if not np.isfinite(v):
        raise ValueError(f"{what} is not defined (or not finite) at {at}")
    return e


def _value(e: Expr) -> Any:
    if e.op == "const":
        v = e.value
        return float(v) if isinstance(v, Fraction) else v
    try:
        return float(evaluate(e))
    except (ValueError, TypeError):
        return e


def taylor(expr: Any, var: Any, at: Any = 0, order: int = 3) -> Expr:
    """The Taylor polynomial ``sum_k f^(k)(a) / k! (x - a)^k`` for ``k <= order``."""
    expr, x = as_expr(expr), _symbol(var)
    a = _exact(at)
    shift = canonical_add(x, canonical_mul(Const(-1), a))
    terms, d, fact = [], simplify(expr), 1
    for k in range(order + 1):
        if k:
            d = diff(d, x)
            fact *= k
        coeff = _defined(subs(d, {x: a}), f"the derivative of order {k}" if k else "f", at)
        terms.append(canonical_mul(coeff, Const(Fraction(1, fact)),
                                   canonical_pow(shift, Const(k))))
    return canonical_add(*terms)


def as_zero(formula: Any) -> Expr:
    """``F`` for an equation ``lhs = rhs`` (as ``lhs - rhs``) or an expression."""
    lhs, rhs = getattr(formula, "lhs", None), getattr(formula, "rhs", None)
    if lhs is not None:
        return simplify(canonical_add(simplify(lhs), canonical_mul(Const(-1), simplify(rhs))))
    return simplify(as_expr(formula))


def implicit_derivative(formula: Any, x: Any = "x", y: Any = "y") -> Expr:
    """``dy/dx`` on the curve ``F(x, y) = 0`` (or ``lhs = rhs``): ``-F_x / F_y``."""
    F = as_zero(formula)
    fx, fy = diff(F, x), diff(F, y)
    if fy.op == "const" and fy.value == 0:
        raise ValueError("the equation does not involve y, so it does not define y(x)")
    return simplify(canonical_mul(Const(-1), fx, canonical_pow(fy, Const(-1))))
