"""Sums and products as flat collections, for the simplifier.

``_flat_sum(e)`` is ``(constant, {term: coefficient})`` and ``_flat_prod(e)`` is
``(coefficient, {base: exponent})``, found by walking the chains of ``add`` and
``multiply`` nodes without recursion (a formula may be a chain of a thousand terms).

Merging two entries is where a simplifier can widen the domain: ``log(x) - log(x)`` is
undefined for ``x <= 0`` but ``0`` is not, and ``x^(1/2) * x^(1/2)`` is undefined for
``x < 0`` but ``x`` is not. :func:`merge_term` and :func:`merge_factor` merge only when
this loses at most a set without interior (see :mod:`._domain`); otherwise the second
entry is kept apart, under its own node, and the result prints as ``log(x) - log(x)``.

Exact coefficients are checked against the budget before they are computed.
"""

from __future__ import annotations

import math

from ..core.budget import BudgetExceeded, current, exact_fits
from ._domain import is_integer_const, nonneg, smooth, total
from ._numbers import Exact, bits, to_float
from .expr import Const, Expr, make

FLAT_MAX = 8  # sums and products with more parts stay whole inside another sum or product
_P: dict = {}


def prims(add, mul, pow_) -> None:
    _P.update(add=add, mul=mul, pow=pow_)


def cache(e: Expr) -> dict:
    if e.cache is None:
        e.cache = {}
    return e.cache


def _too_big(what: str) -> BudgetExceeded:
    b = current()
    from ..core.budget import DEFAULTS
    return BudgetExceeded("digits", b.digits if b is not None else DEFAULTS["digits"], what)


def _checked(r, what: str):
    """An exact sum or product, made an int when whole, refused if beyond the budget.
    (Checked after the fact: a sum or product has at most the digits of its inputs
    together, so computing it first costs little; powers are checked before. Numbers of
    up to 256 bits, about 77 digits, are always allowed.)"""
    if r.__class__ is int:
        if r.bit_length() > 256 and not exact_fits(r.bit_length()):
            raise _too_big(what)
        return r
    if r.denominator == 1:
        return _checked(r.numerator, what)
    if max(r.numerator.bit_length(), r.denominator.bit_length()) > 256 and \
            not exact_fits(bits(r)):
        raise _too_big(what)
    return r


def num_add(a, b):
    if a.__class__ is int and b.__class__ is int:
        r = a + b
        if r.bit_length() <= 256:
            return r
    if isinstance(a, Exact) and isinstance(b, Exact):
        return _checked(a + b, "adding exact coefficients")
    return to_float(a) + to_float(b)


def num_mul(a, b):
    if a.__class__ is int and b.__class__ is int:
        r = a * b
        if r.bit_length() <= 256:
            return r
    if isinstance(a, Exact) and isinstance(b, Exact):
        return _checked(a * b, "multiplying exact coefficients")
    return to_float(a) * to_float(b)


def float_pow(c: float, n: int) -> float:
    try:
        return c ** n
    except OverflowError:
        return math.copysign(math.inf, c) if n % 2 else math.inf
    except ZeroDivisionError:
        return math.inf


def split_coeff(e: Expr) -> tuple:
    """``(c, rest)`` with ``e = c * rest`` for a canonical product (``c`` a number)."""
    if e.op is _P["mul"] and e.args[0].op == "const":
        return e.args[0].value, e.args[1]
    return 1, e


def _chain_walk(e: Expr, op, key: str, one) -> None:
    """Compute and cache ``one(node)`` for every ``op`` node of the chain under ``e``,
    arguments first, with an explicit stack."""
    stack = [e]
    while stack:
        node = stack[-1]
        c = cache(node)
        if key in c:
            stack.pop()
            continue
        todo = [a for a in node.args if a.op is op and key not in cache(a)] \
            if node.op is op else []
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        c[key] = one(node)


def _sum_node(e: Expr) -> tuple:
    if e.op is not _P["add"]:
        coeff, rest = split_coeff(e)
        return 0, {rest: coeff}
    const, terms = flat_sum(e.args[0])
    const2, terms2 = flat_sum(e.args[1])
    terms = dict(terms)
    for t, k in terms2.items():
        if t in terms:
            merge_term(terms, t, k)
        else:
            terms[t] = k
    return num_add(const, const2), terms


def flat_sum(e: Expr) -> tuple:
    """``(constant, {term: coefficient})`` of ``e`` flattened through every ``add``.

    Derived from the structure alone (the cache only memoizes it), so a node means the
    same whichever path built it first.
    """
    if e.op == "const":
        return e.value, {}
    c = cache(e)
    if "sum" not in c:
        if e.op is _P["add"]:
            _chain_walk(e, _P["add"], "sum", _sum_node)
        else:
            c["sum"] = _sum_node(e)
    return c["sum"]


def sum_parts(e: Expr) -> tuple:
    """The parts of ``e`` as a sum; a sum of more than FLAT_MAX terms stays one term."""
    const, terms = flat_sum(e)
    if len(terms) > FLAT_MAX:
        coeff, rest = split_coeff(e)
        return 0, {rest: coeff}
    return const, terms


def _prod_node(e: Expr) -> tuple:
    if e.op is _P["pow"]:
        b, x = e.args
        return 1, {b: x.value if x.op == "const" else x}
    if e.op is not _P["mul"]:
        return 1, {e: 1}
    coeff, factors = flat_prod(e.args[0])
    coeff2, factors2 = flat_prod(e.args[1])
    factors = dict(factors)
    for b, x in factors2.items():
        if b in factors:
            merge_factor(factors, b, x)
        else:
            factors[b] = x
    return num_mul(coeff, coeff2), factors


def flat_prod(e: Expr) -> tuple:
    """``(coefficient, {base: exponent})`` of ``e`` flattened through every ``multiply``."""
    if e.op == "const":
        return e.value, {}
    c = cache(e)
    if "prod" not in c:
        if e.op is _P["mul"]:
            _chain_walk(e, _P["mul"], "prod", _prod_node)
        else:
            c["prod"] = _prod_node(e)
    return c["prod"]


def prod_parts(e: Expr) -> tuple:
    """The parts of ``e`` as a product; one of more than FLAT_MAX factors stays whole."""
    coeff, factors = flat_prod(e)
    if len(factors) > FLAT_MAX:
        return 1, {e: 1}
    return coeff, factors


# ---------------------------------------------------------------------------------------
# Merging without widening the domain.

def merge_term(terms: dict, t: Expr, k) -> None:
    """``terms[t] += k``, unless that cancels a term defined only on part of the line."""
    if t not in terms:
        terms[t] = k
        return
    s = num_add(terms[t], k)
    if s != 0 or total(t):
        terms[t] = s
        return
    key = make(_P["mul"], (Const(k), t), {})  # keep '- log(x)' beside '+ log(x)'
    if key is t:  # k == 1 folds away: keep the earlier '-t' apart instead
        key = make(_P["mul"], (Const(terms[t]), t), {})
        terms[t] = k
    terms[key] = num_add(terms.get(key, 0), 1)


def add_exponent(a, b):
    if isinstance(a, Expr) or isinstance(b, Expr):
        from .simplify import canonical_add
        ea = a if isinstance(a, Expr) else Const(a)
        eb = b if isinstance(b, Expr) else Const(b)
        s = canonical_add(ea, eb)
        return s.value if s.op == "const" else s
    return num_add(a, b)


def _opposite(a, c) -> bool:
    if isinstance(a, Expr) or isinstance(c, Expr):
        return True  # signs unknown
    return (a < 0 < c) or (c < 0 < a)


def safe_merge(b: Expr, a, c, s) -> bool:
    """Whether ``b^a * b^c = b^s`` holds wherever the left side is defined, except on a
    set without interior."""
    integer = is_integer_const
    if integer(s) and not (integer(a) and integer(c)) and not nonneg(b):
        return False  # x^(1/2) * x^(1/2) = x would be defined for x < 0
    if not isinstance(s, Expr) and s == 0 and not total(b):
        return False  # log(x) / log(x) = 1 would be defined for x <= 0
    return not _opposite(a, c) or smooth(b)  # relu(x)^2 / relu(x): 0/0 on x < 0


def merge_factor(factors: dict, b: Expr, x) -> None:
    """``factors[b] += x`` (multiply by ``b^x``) where :func:`safe_merge` allows; else
    ``b^x`` is kept as a factor of its own."""
    if b not in factors:
        factors[b] = x
        return
    a = factors[b]
    if a.__class__ is int and x.__class__ is int and (a > 0) == (x > 0):
        factors[b] = a + x  # same signs: never a cancellation
        return
    s = add_exponent(a, x)
    if safe_merge(b, a, x, s):
        factors[b] = s
        return
    one = not isinstance(x, Expr) and x == 1
    moved = a if one else x  # the part kept apart, as the base of its own factor
    key = make(_P["pow"], (b, moved if isinstance(moved, Expr) else Const(moved)), {})
    if key.op == "const" or key is b:
        factors[b] = s
        return
    if one:
        factors[b] = 1
    merge_factor(factors, key, 1)
