"""Local pictures of a function: tangent lines, Taylor polynomials, implicit derivatives.

Every answer is about a point where the function, as written, is defined: the formula is
checked at the point before it is simplified (``exp(log(x))`` has no tangent at
``x = -1``, and ``x/x`` none at ``x = 0``). The work runs under the active budget (or the
default one), so a high order on a growing derivative stops with ``BudgetExceeded``.

>>> from chainrule.symbolic import parse
>>> from chainrule.analysis import taylor, implicit_derivative
>>> taylor(parse("exp(x)"), "x", 0, 3)
x**3/6 + x**2/2 + x + 1
>>> implicit_derivative(parse("x^2 + y^2 = 25"), "x", "y")
-x/y
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from numbers import Number
from typing import Any

import numpy as np

from ..core.budget import budgeted, check_time
from ..symbolic._numbers import fits_float, to_float
from ..symbolic.calculus import _symbol, diff, evaluate, subs
from ..symbolic.expr import Const, Expr, as_expr
from ..symbolic.printing import latex
from ..symbolic.simplify import canonical_add, canonical_mul, canonical_pow, simplify

__all__ = ["Tangent", "tangent", "taylor", "implicit_derivative", "as_zero"]


def _exact(v: Any) -> Expr:
    """A point as an exact constant where it is one (3 -> 3, 0.5 -> 1/2, pi -> pi)."""
    if isinstance(v, Expr):
        if v.free_symbols():
            raise ValueError(f"the point must be a number, not an expression in "
                             f"{', '.join(sorted(s.args[0] for s in v.free_symbols()))}")
        return simplify(v)
    if isinstance(v, np.ndarray) and v.ndim == 0:
        v = v[()]
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, Number):
        raise TypeError(f"the point must be a real number, got {v!r}")
    if isinstance(v, (float, np.floating)):
        if not math.isfinite(v):
            raise ValueError(f"the point must be finite, got {v}")
        return Const(Fraction(str(float(v))))
    if isinstance(v, np.integer):
        v = int(v)
    if not isinstance(v, (int, Fraction)):
        raise TypeError(f"the point must be a real number, got {v!r}")
    return Const(v)


def _check_at(expr: Expr, x: Expr, a: Expr, at: Any) -> None:
    """Refuse a point where ``expr`` as written (before any simplification) is undefined."""
    raw = subs(expr, {x: a}, simplify=False)
    if raw.free_symbols():
        return
    if raw.op == "const" and not isinstance(raw.value, float):
        return  # an exact number: defined
    with np.errstate(all="ignore"):
        v = float(evaluate(raw))
    if math.isnan(v) or (math.isinf(v) and not _exact_value(raw)):
        raise ValueError(f"the function is not defined (or not finite) at {at}, so it has "
                         "no tangent line or Taylor polynomial there")


def _exact_value(e: Expr) -> bool:
    """Whether ``e`` simplifies to an exact number (finite, though maybe beyond floats)."""
    s = simplify(e)
    return s.op == "const" and not isinstance(s.value, float)


@dataclass(frozen=True)
class Tangent:
    """The tangent line ``y = slope * (x - x0) + y0`` of a function at ``x0``.

    ``line`` is exact. ``x0``, ``y0`` and ``slope`` are floats (``inf`` where the exact
    value is beyond the float range; ``note`` then says so).
    """

    x0: Any
    y0: Any
    slope: Any
    line: Expr
    note: str = ""

    def __str__(self) -> str:
        return f"y = {self.line}" + (f"  ({self.note})" if self.note else "")

    def _repr_latex_(self) -> str:
        note = f"\\quad\\text{{({self.note})}}" if self.note else ""
        return f"$y = {latex(self.line)}{note}$"


@budgeted
def tangent(expr: Any, var: Any, at: Any) -> Tangent:
    """The tangent line (the linear approximation) of ``expr`` at ``var = at``.

    Raises ``ValueError`` if the function or its derivative is not defined there.

    >>> from chainrule.symbolic import parse
    >>> t = tangent(parse("x^2"), "x", 1e200)
    >>> t.y0, t.slope, t.note
    (inf, 2e+200, 'y0 does not fit a float (shown as inf); the line is exact')
    """
    expr, x = as_expr(expr), _symbol(var)
    a = _exact(at)
    _check_at(expr, x, a, at)
    y0 = _defined(subs(expr, {x: a}), "f", at)
    slope = _defined(subs(diff(expr, x), {x: a}), "f'", at)
    shift = canonical_add(x, canonical_mul(Const(-1), a))
    line = canonical_add(y0, canonical_mul(slope, shift))
    big = [n for n, e in (("x0", a), ("y0", y0), ("slope", slope))
           if e.op == "const" and not fits_float(e.value)]
    verb = "does" if len(big) == 1 else "do"
    note = f"{', '.join(big)} {verb} not fit a float (shown as inf); the line is exact" \
        if big else ""
    return Tangent(_value(a), _value(y0), _value(slope), line, note)


def _defined(e: Expr, what: str, at: Any) -> Expr:
    """``e`` (a value at the point) if it is defined and finite; otherwise a clear error."""
    if e.free_symbols():  # other variables are left: nothing to check yet
        return e
    if e.op == "const" and not isinstance(e.value, float):
        return e  # exact, however large
    with np.errstate(all="ignore"):
        v = float(evaluate(e))
    if not np.isfinite(v):
        raise ValueError(f"{what} is not defined (or not finite) at {at}")
    return e


def _value(e: Expr) -> Any:
    if e.op == "const":
        return to_float(e.value)
    try:
        with np.errstate(all="ignore"):
            return float(evaluate(e))
    except (ValueError, TypeError):
        return e


@budgeted
def taylor(expr: Any, var: Any, at: Any = 0, order: int = 3) -> Expr:
    """The Taylor polynomial ``sum_k f^(k)(a) / k! (x - a)^k`` for ``k <= order``.

    Raises ``ValueError`` where the function or one of its derivatives is undefined.
    """
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise ValueError(f"order must be a non-negative int, got {order!r}")
    expr, x = as_expr(expr), _symbol(var)
    a = _exact(at)
    _check_at(expr, x, a, at)
    shift = canonical_add(x, canonical_mul(Const(-1), a))
    terms, d, fact = [], simplify(expr), 1
    for k in range(order + 1):
        if k:
            d = diff(d, x)
            fact *= k
            if d.op == "const" and d.value == 0:
                break  # every further derivative is 0 too
        coeff = _defined(subs(d, {x: a}), f"the derivative of order {k}" if k else "f", at)
        terms.append(canonical_mul(coeff, Const(Fraction(1, fact)),
                                   canonical_pow(shift, Const(k))))
        check_time("computing a Taylor polynomial")
    return canonical_add(*terms)


def as_zero(formula: Any) -> Expr:
    """``F`` for an equation ``lhs = rhs`` (as ``lhs - rhs``) or an expression."""
    lhs, rhs = getattr(formula, "lhs", None), getattr(formula, "rhs", None)
    if lhs is not None:
        return simplify(canonical_add(simplify(lhs), canonical_mul(Const(-1), simplify(rhs))))
    return simplify(as_expr(formula))


@budgeted
def implicit_derivative(formula: Any, x: Any = "x", y: Any = "y") -> Expr:
    """``dy/dx`` on the curve ``F(x, y) = 0`` (or ``lhs = rhs``): ``-F_x / F_y``.

    Raises ``ValueError`` if ``x`` and ``y`` are the same symbol, or if the equation
    does not involve ``y`` (then it does not define ``y`` as a function of ``x``).
    """
    xs, ys = _symbol(x), _symbol(y)
    if xs is ys:
        raise ValueError(f"x and y must be different symbols (both are {xs}): the "
                         "derivative dy/dx of y with respect to itself is not implicit")
    F = as_zero(formula)
    if ys not in F.free_symbols():
        raise ValueError(f"the equation does not involve {ys}, so it does not define "
                         f"{ys} as a function of {xs}")
    fx, fy = diff(F, xs), diff(F, ys)
    if fy.op == "const" and fy.value == 0:
        raise ValueError(f"the equation does not involve {ys}, so it does not define "
                         f"{ys} as a function of {xs}")
    return simplify(canonical_mul(Const(-1), fx, canonical_pow(fy, Const(-1))))
