"""The canonical form: sums and products collected, so that results read like a textbook.

A canonical sum is a right-nested chain of ``add`` nodes over distinct terms, each term a
numeric coefficient times a product; a canonical product is an optional numeric
coefficient followed by a right-nested chain of ``multiply`` nodes over distinct bases,
each raised to its exponent. ``subtract``, ``divide`` and ``negative`` do not occur (the
printer brings them back). Like terms are collected, powers of a base merged, constants
folded, and 0 and 1 dropped. Two expressions with the same canonical form are the same
object.

>>> from chainrule.symbolic import symbols, simplify
>>> x, y = symbols("x y")
>>> simplify(x * y + 2 * y * x - x / x)
3*x*y - 1
"""

from __future__ import annotations

from ..core import Primitive
from ..core.budget import budgeted, check_time
from . import _flatten as fl
from ._constants import PI
from ._domain import is_integer_const, nonneg, total
from ._numbers import Exact, exact_power
from .expr import Const, Expr, make

__all__ = ["simplify", "canonical_add", "canonical_mul", "canonical_pow"]

_ADD = _MUL = _POW = None  # set by _prims()


def _prims():
    global _ADD, _MUL, _POW
    if _ADD is None:
        from ..core import registry
        reg = registry()
        _ADD, _MUL, _POW = reg["add"], reg["multiply"], reg["power"]
        fl.prims(_ADD, _MUL, _POW)


_cache = fl.cache
_num_add, _num_mul, _split_coeff = fl.num_add, fl.num_mul, fl.split_coeff
_sum_parts, _prod_parts = fl.sum_parts, fl.prod_parts


# ---------------------------------------------------------------------------------------
# Ordering, for a deterministic textbook layout.

def _monomial_degree(t: Expr):
    """Total degree if ``t`` is a product of symbols to positive integer powers."""
    _, factors = _prod_parts(t)
    degree = 0
    for b, x in factors.items():
        if b.op != "sym" or not isinstance(x, int) or x < 0:
            return None
        degree += x
    return degree


_SMALL = 16  # nodes up to this tree size are ordered by their text, larger ones by shape
FLAT_MAX = fl.FLAT_MAX


def _text(e: Expr) -> tuple:
    """An ordering key built from the structure (never by printing): symbols by name,
    then constants, then functions by name and arguments; large nodes by size and hash."""
    if e.op == "sym":
        return (1, e.args[0])
    if e.op == "const":  # exact and float values compare exactly, without overflow
        return (0, e.value)
    if e.tree_size > _SMALL:
        return (3, e.tree_size, e.shash)
    c = _cache(e)
    key = c.get("key")
    if key is None:
        key = c["key"] = (2, e.op.name, tuple(_text(a) for a in e.args))
    return key


def _poly_part_degree(t: Expr) -> int:
    _, factors = _prod_parts(t)
    return sum(x for b, x in factors.items() if b.op == "sym" and isinstance(x, int))


def _term_key(t: Expr | None) -> tuple:
    if t is None:  # the constant term: after polynomial terms, before the others
        return (1,)
    deg = _monomial_degree(t)
    if deg is not None:
        return (0, -deg, _text(t))
    return (2, _poly_part_degree(t), _text(t))


def _constant_factor(b: Expr) -> bool:
    """pi, e and roots of numbers come first in a product, as numbers do: 2*pi*x."""
    if b.op is PI:
        return True
    return isinstance(b.op, Primitive) and b.op.name in ("exp", "sqrt", "cbrt") and \
        b.args[0].op == "const"


def _factor_key(b: Expr) -> tuple:
    if b.op == "const" or _constant_factor(b):
        return (0, _text(b))
    if b.op == "sym":
        return (1, b.args[0])
    if b.op is _ADD:
        return (3, _text(b))
    return (2, _text(b))


# ---------------------------------------------------------------------------------------
# Construction of canonical nodes.

def _chain(prim: Primitive, items: list) -> Expr:
    out = items[-1]
    for item in reversed(items[:-1]):
        out = make(prim, (item, out), {})
    return out


def _scaled(coeff, term: Expr) -> Expr:
    if coeff == 1:
        return term
    if term.op == "const":
        return Const(_num_mul(coeff, term.value))
    inner, factors = _prod_parts(term)
    return _build_product(_num_mul(coeff, inner), factors)


def _build_sum(const, terms: dict) -> Expr:
    items = [(t, c) for t, c in terms.items() if c != 0]
    if not items:
        return Const(const)
    if len(items) == 1 and const == 0:
        return _scaled(items[0][1], items[0][0])
    keyed = sorted(items, key=lambda tc: _term_key(tc[0]))
    pieces = [_scaled(c, t) for t, c in keyed]
    if const != 0:
        pos = sum(1 for t, _ in keyed if _term_key(t) < (1,))
        pieces.insert(pos, Const(const))
    return _chain(_ADD, pieces)


def _is_zero(x) -> bool:
    return x.op == "const" and x.value == 0 if isinstance(x, Expr) else x == 0


def _pole(b: Expr, x) -> bool:
    """``0 ** negative``: a factor undefined everywhere, which 0 * ... must keep."""
    return b.op == "const" and b.value == 0 and not isinstance(x, Expr) and x < 0


def _build_product(coeff, factors: dict) -> Expr:
    items = [(b, x) for b, x in factors.items() if not _is_zero(x)]
    if coeff == 0 and all(total(b) and not _pole(b, x) for b, x in items):
        return Const(0)
    items.sort(key=lambda bx: _factor_key(bx[0]))
    pieces = []
    for b, x in items:
        if not isinstance(x, Expr) and x == 1:
            pieces.append(b)
            continue
        p = make(_POW, (b, x if isinstance(x, Expr) else Const(x)), {})
        c, p = _split_coeff(p)  # sqrt(2)**3 is folded to 2*sqrt(2) when it is built
        coeff = _num_mul(coeff, c)
        if p.op == "const":
            coeff = _num_mul(coeff, p.value)
        else:
            pieces.append(p)
    if not pieces:
        return Const(coeff)
    rest = _chain(_MUL, pieces)
    return rest if coeff == 1 else make(_MUL, (Const(coeff), rest), {})


def canonical_add(*args: Expr) -> Expr:
    """The canonical sum of canonical expressions."""
    _prims()
    const, terms = 0, {}
    for a in args:
        c, ts = _sum_parts(a)
        const = _num_add(const, c)
        for t, k in ts.items():
            if t.op is _ADD and len(_sum_parts(t)[1]) <= FLAT_MAX:
                # a number times a (small) sum, inside a sum: distribute it
                c2, ts2 = _sum_parts(t)
                const = _num_add(const, _num_mul(k, c2))
                for t2, k2 in ts2.items():
                    fl.merge_term(terms, t2, _num_mul(k, k2))
            else:
                fl.merge_term(terms, t, k)
    return _build_sum(const, terms)


def canonical_mul(*args: Expr) -> Expr:
    """The canonical product of canonical expressions."""
    _prims()
    coeff, factors = 1, {}
    for a in args:
        c, fs = _prod_parts(a)
        coeff = _num_mul(coeff, c)
        for b, x in fs.items():
            if b in factors:
                fl.merge_factor(factors, b, x)
            else:
                factors[b] = x
    return _build_product(coeff, factors)


def _coeff_power(coeff, n: int):
    """``coeff ** n`` exactly (``None`` beyond the budget) or in float."""
    if isinstance(coeff, Exact):
        return exact_power(coeff, n)
    return fl.float_pow(float(coeff), n)


def _int_power(base: Expr, n: int) -> Expr:
    """``base ** n`` for an integer ``n``, distributed over the factors of ``base`` where
    that keeps the domain: ``(x^(1/2))^2`` stays as it is, it is not ``x``."""
    coeff, factors = _prod_parts(base)
    if base.op == "const" or (isinstance(coeff, Exact) and coeff == 0 and n < 0):
        return make(_POW, (base, Const(n)), {})
    c = _coeff_power(coeff, n)
    if c is None:  # the coefficient would be too large to compute: keep the power
        return make(_POW, (base, Const(n)), {})
    new: dict = {}
    for b, x in factors.items():
        if x.__class__ is int:  # the common case: integer exponents stay integers
            fl.merge_factor(new, b, _num_mul(x, n))
            continue
        y = _num_mul(x, n) if not isinstance(x, Expr) else canonical_mul(x, Const(n))
        if is_integer_const(y) and not is_integer_const(x) and not nonneg(b):
            fl.merge_factor(new, make(_POW, (b, x if isinstance(x, Expr) else Const(x)),
                                      {}), n)
        else:
            fl.merge_factor(new, b, y.value if isinstance(y, Expr) and y.op == "const"
                            else y)
    return _build_product(c, new)


def canonical_pow(base: Expr, exp: Expr) -> Expr:
    """The canonical ``base ** exp``."""
    _prims()
    if exp.op == "const" and isinstance(exp.value, int):
        return Const(1) if exp.value == 0 else _int_power(base, exp.value)
    if base.op is _POW and exp.op == "const" and base.args[1].op == "const" \
            and isinstance(base.args[1].value, int) and base.args[1].value % 2 == 1:
        # (b^3)^(1/3) is b only where b >= 0: merge only if the domain stays the same
        merged = _num_mul(base.args[1].value, exp.value)
        if not is_integer_const(merged) or nonneg(base.args[0]):
            return canonical_pow(base.args[0], Const(merged))
    return _build_product(1, {base: exp.value if exp.op == "const" else exp})


# ---------------------------------------------------------------------------------------

def _canon(e: Expr, args: list) -> Expr:
    prim = e.op
    name = prim.name
    if name == "add":
        return canonical_add(*args)
    if name == "subtract":
        return canonical_add(args[0], canonical_mul(Const(-1), args[1]))
    if name == "negative":
        return canonical_mul(Const(-1), args[0])
    if name == "multiply":
        return canonical_mul(*args)
    if name == "divide":
        return canonical_mul(args[0], canonical_pow(args[1], Const(-1)))
    if name == "power":
        return canonical_pow(*args)
    # exp(log(x)) is not x: it is undefined for x <= 0. log(exp(u)) = u is done by make.
    return make(prim, tuple(args), dict(e.params))


@budgeted
def simplify(e: Expr, textbook: bool = False) -> Expr:
    """The canonical form of ``e`` (memoized over the graph, so shared parts are done once,
    and parts already simplified, by this or an earlier call, are not visited again).

    With ``textbook=True``, the textbook form instead (:func:`chainrule.symbolic.tidy`):
    the shortest of the canonical form, multiplied out, over one denominator, with common
    factors taken out and the trigonometric identities applied.

    >>> from chainrule.symbolic import parse
    >>> simplify(parse("x**2*exp(x) + 2*x*exp(x)"), textbook=True)
    x*exp(x)*(x + 2)
    """
    if textbook:
        from ._textbook import tidy
        return tidy(e)
    _prims()
    done: dict[int, Expr] = {}
    stack = [(e, False)]
    steps = 0
    while stack:
        node, ready = stack.pop()
        if id(node) in done:
            continue
        if not isinstance(node.op, Primitive):
            done[id(node)] = node
            continue
        c = _cache(node)
        if "canon" in c:
            canon = c["canon"]
            done[id(node)] = node if canon is True else canon
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if id(a) not in done)
            continue
        result = _canon(node, [done[id(a)] for a in node.args])
        steps += 1
        if steps % 256 == 0:
            check_time("simplifying")
        c["canon"] = True if result is node else result
        _cache(result)["canon"] = True  # a marker, not the node: no reference cycle
        done[id(node)] = result
    return done[id(e)]
