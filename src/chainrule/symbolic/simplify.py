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

from fractions import Fraction

from ..core import Primitive
from .expr import Const, Exact, Expr, make

__all__ = ["simplify", "canonical_add", "canonical_mul", "canonical_pow"]

_ADD = _MUL = _POW = None  # set by _prims()


def _prims():
    global _ADD, _MUL, _POW
    if _ADD is None:
        from ..core import registry
        reg = registry()
        _ADD, _MUL, _POW = reg["add"], reg["multiply"], reg["power"]


def _cache(e: Expr) -> dict:
    if e.cache is None:
        e.cache = {}
    return e.cache


def _num_add(a, b):
    if a.__class__ is int and b.__class__ is int:
        return a + b
    if isinstance(a, Exact) and isinstance(b, Exact):
        s = Fraction(a) + b
        return int(s) if s.denominator == 1 else s
    return float(a) + float(b)


def _num_mul(a, b):
    if a.__class__ is int and b.__class__ is int:
        return a * b
    if isinstance(a, Exact) and isinstance(b, Exact):
        s = Fraction(a) * b
        return int(s) if s.denominator == 1 else s
    return float(a) * float(b)


# ---------------------------------------------------------------------------------------
# Decomposition of canonical nodes.

def _split_coeff(e: Expr) -> tuple:
    """``(c, rest)`` with ``e = c * rest`` for a canonical product (``c`` a number)."""
    if e.op is _MUL and e.args[0].op == "const":
        return e.args[0].value, e.args[1]
    return 1, e


def _flat_sum(e: Expr) -> tuple:
    """``(constant, {term: coefficient})`` of ``e`` flattened through every ``add``.

    Derived from the structure alone (the cache only memoizes it), so a node means the
    same whichever path built it first.
    """
    if e.op == "const":
        return e.value, {}
    c = _cache(e)
    if "sum" in c:
        return c["sum"]
    if e.op is _ADD:
        const, terms = _flat_sum(e.args[0])
        const2, terms2 = _flat_sum(e.args[1])
        terms = dict(terms)
        for t, k in terms2.items():
            terms[t] = _num_add(terms.get(t, 0), k)
        out = (_num_add(const, const2), terms)
    else:
        coeff, rest = _split_coeff(e)
        out = (0, {rest: coeff})
    c["sum"] = out
    return out


def _sum_parts(e: Expr) -> tuple:
    """The parts of ``e`` as a sum; a sum of more than FLAT_MAX terms stays one term."""
    const, terms = _flat_sum(e)
    if len(terms) > FLAT_MAX:
        coeff, rest = _split_coeff(e)
        return 0, {rest: coeff}
    return const, terms


def _flat_prod(e: Expr) -> tuple:
    """``(coefficient, {base: exponent})`` of ``e`` flattened through every ``multiply``."""
    if e.op == "const":
        return e.value, {}
    c = _cache(e)
    if "prod" in c:
        return c["prod"]
    if e.op is _MUL:
        coeff, factors = _flat_prod(e.args[0])
        coeff2, factors2 = _flat_prod(e.args[1])
        factors = dict(factors)
        for b, x in factors2.items():
            factors[b] = _add_exponent(factors[b], x) if b in factors else x
        out = (_num_mul(coeff, coeff2), factors)
    elif e.op is _POW:
        b, x = e.args
        out = (1, {b: x.value if x.op == "const" else x})
    else:
        out = (1, {e: 1})
    c["prod"] = out
    return out


def _prod_parts(e: Expr) -> tuple:
    """The parts of ``e`` as a product; one of more than FLAT_MAX factors stays whole."""
    coeff, factors = _flat_prod(e)
    if len(factors) > FLAT_MAX:
        return 1, {e: 1}
    return coeff, factors


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
FLAT_MAX = 8  # sums and products with more parts stay whole inside another sum or product


def _text(e: Expr) -> tuple:
    """An ordering key built from the structure (never by printing): symbols by name,
    then constants, then functions by name and arguments; large nodes by size and hash."""
    if e.op == "sym":
        return (1, e.args[0])
    if e.op == "const":
        return (0, float(e.value))
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


def _factor_key(b: Expr) -> tuple:
    if b.op == "const":
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


def _build_product(coeff, factors: dict) -> Expr:
    items = [(b, x) for b, x in factors.items() if not (x == 0 if not isinstance(x, Expr)
                                                          else x.op == "const" and x.value == 0)]
    if coeff == 0:
        return Const(0)
    if not items:
        return Const(coeff)
    items.sort(key=lambda bx: _factor_key(bx[0]))
    pieces = [b if (not isinstance(x, Expr) and x == 1) else
              make(_POW, (b, x if isinstance(x, Expr) else Const(x)), {}) for b, x in items]
    rest = _chain(_MUL, pieces)
    return rest if coeff == 1 else make(_MUL, (Const(coeff), rest), {})


def _add_exponent(a, b):
    if isinstance(a, Expr) or isinstance(b, Expr):
        ea = a if isinstance(a, Expr) else Const(a)
        eb = b if isinstance(b, Expr) else Const(b)
        s = canonical_add(ea, eb)
        return s.value if s.op == "const" else s
    return _num_add(a, b)


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
                    terms[t2] = _num_add(terms.get(t2, 0), _num_mul(k, k2))
            else:
                terms[t] = _num_add(terms.get(t, 0), k)
    return _build_sum(const, terms)


def canonical_mul(*args: Expr) -> Expr:
    """The canonical product of canonical expressions."""
    _prims()
    coeff, factors = 1, {}
    for a in args:
        c, fs = _prod_parts(a)
        coeff = _num_mul(coeff, c)
        for b, x in fs.items():
            factors[b] = _add_exponent(factors[b], x) if b in factors else x
    return _build_product(coeff, factors)


def canonical_pow(base: Expr, exp: Expr) -> Expr:
    """The canonical ``base ** exp``."""
    _prims()
    if exp.op == "const" and isinstance(exp.value, int):
        n = exp.value
        if n == 0:
            return Const(1)
        coeff, factors = _prod_parts(base)
        if base.op == "const":
            folded = make(_POW, (base, exp), {})
            return folded
        if isinstance(coeff, Exact) and coeff == 0 and n < 0:
            return make(_POW, (base, exp), {})
        new = {b: (_num_mul(x, n) if not isinstance(x, Expr) else
                   canonical_mul(x, Const(n))) for b, x in factors.items()}
        c = Fraction(coeff) ** n if isinstance(coeff, Exact) else float(coeff) ** n
        return _build_product(int(c) if isinstance(c, Fraction) and c.denominator == 1
                              else c, new)
    if base.op is _POW and exp.op == "const" and base.args[1].op == "const" \
            and isinstance(base.args[1].value, int) and base.args[1].value % 2 == 1:
        return canonical_pow(base.args[0], Const(_num_mul(base.args[1].value, exp.value)))
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
    if name == "exp" and args[0].op is not None and getattr(args[0].op, "name", "") == "log":
        return args[0].args[0]
    if name == "log" and getattr(args[0].op, "name", "") == "exp":
        return args[0].args[0]
    return make(prim, tuple(args), dict(e.params))


def simplify(e: Expr) -> Expr:
    """The canonical form of ``e`` (memoized over the graph, so shared parts are done once,
    and parts already simplified, by this or an earlier call, are not visited again)."""
    _prims()
    done: dict[int, Expr] = {}
    stack = [(e, False)]
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
        c["canon"] = True if result is node else result
        _cache(result)["canon"] = True  # a marker, not the node: no reference cycle
        done[id(node)] = result
    return done[id(e)]
