"""The size of an expression as it prints, counted on the tree instead of on its text.

:func:`tree_ops` gives, for a canonical expression (or one laid out by
:func:`._rewrite.display`), the number of operations of its printed text as
:func:`._textbook.op_count` counts them (one per binary operator, per call and per unary
minus that is not part of a number) and the number of divisions. Each node's count is
cached on the node, so the candidates of the textbook form, which share most of their
subexpressions, are counted in time proportional to their new nodes.

>>> from chainrule.symbolic import parse, simplify
>>> tree_ops(simplify(parse("x**x*(log(x) + 1)")))
(4, 0)
>>> tree_ops(simplify(parse("-1/x**2"))), tree_ops(simplify(parse("-1/sin(x)**2")))
((2, 1), (3, 0))
"""

from __future__ import annotations

from fractions import Fraction

from ..core import Primitive
from . import _flatten as fl
from ._spelling import spell_trig
from .expr import Expr

__all__ = ["tree_ops"]


def _add_op():
    return fl._P["add"]


def _mul_ops():
    return fl._P["mul"], fl._P["pow"]


def _number(v) -> tuple:
    """(operations, divisions, negative) of a number as it prints."""
    if isinstance(v, Fraction) and v.denominator != 1:
        return 1, 1, v < 0
    if isinstance(v, complex):
        return 2, 0, False
    return 0, 0, v < 0


def _factor(b: Expr, x) -> tuple:
    """(operations, divisions) of ``b**x`` for a positive exponent ``x``."""
    o, d = _standalone(b)
    if isinstance(x, Expr):
        xo, xd = _standalone(x)
        return o + xo + 1, d + xd
    if x == 1:
        return o, d
    if x == Fraction(1, 2):
        return o + 1, d  # sqrt(b)
    xo, xd, _ = _number(x)
    return o + xo + 1, d + xd


def _product(coeff, fs: dict) -> tuple:
    """(operations, divisions, negative, led by a number) of ``coeff * prod(b**x)``,
    with the secants, cosecants and cotangents spelled as the printer spells them."""
    ops = divs = n = d = 0
    neg = False
    c = Fraction(coeff) if isinstance(coeff, int) else coeff
    if isinstance(c, Fraction):
        neg = c < 0
        if abs(c.numerator) != 1:
            n += 1
        if c.denominator != 1:
            d += 1
    elif isinstance(c, float):
        neg = c < 0
        n += abs(c) != 1
    else:  # complex
        ops, n = ops + 2, n + 1
    led = n > 0
    pairs, spelled = spell_trig(list(fs.items()))
    for _, u, k in spelled:  # sec(u)**k, csc(u)**k, cot(u)**k in the numerator
        o, dv = _standalone(u)
        ops, divs, n = ops + o + 1 + (k != 1), divs + dv, n + 1
    for b, x in pairs:
        if not isinstance(x, Expr) and x < 0:
            fo, fd = _factor(b, -x)
            d += 1
        else:
            fo, fd = _factor(b, x)
            n += 1
        ops, divs = ops + fo, divs + fd
    led = led or n == 0
    ops += max(n - 1, 0) + (d if d else 0)
    divs += d > 0
    return ops, divs, neg, led


def _sum(e: Expr) -> tuple:
    const, ts = fl.flat_sum(e)
    ops = divs = 0
    all_neg = True
    parts = [_product(*_scaled(k, t)) for t, k in ts.items()]
    if const != 0:
        parts.append((*_number(const)[:2], _number(const)[2], True))
    for o, dv, neg, _ in parts:
        ops, divs = ops + o, divs + dv
        if all_neg and not neg:
            all_neg = False
    if parts and all_neg:  # a leading minus, free before a number (-1 - sin(x))
        ops += not (parts[0][3] or const != 0)
    return ops + max(len(parts) - 1, 0), divs, False, True


def _scaled(k, t: Expr) -> tuple:
    c, fs = fl.flat_prod(t)
    return fl.num_mul(k, c), fs


def _compute(e: Expr) -> tuple:
    if e.op == "const":
        o, d, neg = _number(e.value)
        return o, d, neg, True
    if not isinstance(e.op, Primitive):
        return 0, 0, False, True  # symbols and named constants
    if e.op is _add_op():
        return _sum(e)
    if e.op in _mul_ops():
        return _product(*fl.flat_prod(e))
    if not e.args or (e.op.name == "exp" and e.args[0].op == "const"
                      and e.args[0].value == 1):
        return 0, 0, False, True  # pi, e
    ops, divs = 1, 0
    for a in e.args:
        o, d = _standalone(a)
        ops, divs = ops + o, divs + d
    return ops, divs, False, True


def _parts(e: Expr) -> tuple:
    c = fl.cache(e) if e.op != "const" else None
    if c is not None and "ops" in c:
        return c["ops"]
    out = _compute(e)
    if c is not None:
        c["ops"] = out
    return out


def _standalone(e: Expr) -> tuple:
    o, d, neg, led = _parts(e)
    return o + (neg and not led), d


def tree_ops(e: Expr) -> tuple:
    """(operations, divisions) of ``e``'s printed text, counted on the tree."""
    return _standalone(e)
