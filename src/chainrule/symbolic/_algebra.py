"""``expand``, ``together``, ``cancel``, ``factor`` and ``collect``, as in SymPy.

They work on the canonical form (:mod:`.simplify`), build canonical nodes, run under the
budget (every node and every product of polynomial terms is charged) and never widen the
domain: a factor is cancelled only where that loses at most isolated points (the zeros of
a total, smooth polynomial, as ``simplify`` cancels ``x/x``), so ``cancel((x**2 - 1)/(x -
1))`` is ``x + 1`` while ``sqrt(x)/sqrt(x)`` stays.

>>> from chainrule.symbolic import parse
>>> expand(parse("(x + 1)**2*(x - 1)"))
x**3 + x**2 - x - 1
>>> together(parse("1/x + 1/(x + 1)"))
(2*x + 1)/(x*(x + 1))
>>> cancel(parse("(x^2 - 1)/(x - 1)"))
x + 1
>>> factor(parse("x^3 - x"))
x*(x - 1)*(x + 1)
>>> collect(parse("a*x + b*x + x^2*a"), "x")
a*x**2 + x*(a + b)
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm
from typing import Any

from ..core import Primitive
from ..core.budget import budgeted, charge, check_time
from . import _flatten as fl
from . import _poly as P
from ._domain import smooth, total
from ._numbers import Exact
from .expr import Const, Expr, Symbol, walk_postorder
from .simplify import (
    _build_product,
    _canon,
    _prims,
    canonical_add,
    canonical_mul,
    canonical_pow,
    simplify,
)

__all__ = ["expand", "together", "cancel", "factor", "collect", "terms_of", "split_fraction",
           "factor_terms"]


def _restrictions(e: Expr) -> set:
    """The innermost parts of ``e`` that are not defined everywhere (``log(x)``,
    ``sqrt(x - 1)``): a rewrite that drops one of them could widen the domain."""
    out = set()
    for n in walk_postorder(e):
        if isinstance(n.op, Primitive) and not total(n) and all(total(a) for a in n.args):
            out.add(_restriction_key(n))
    return out


def _restriction_key(n: Expr):
    """``x**x`` and ``x**(x - 1)`` restrict ``x`` alike: powers are keyed by their base."""
    return ("pow", id(n.args[0])) if _is(n, "power") else id(n)


def keeps_domain(before: Expr, after: Expr) -> Expr:
    """``after`` if it still holds every restriction of ``before`` (same nodes), else
    ``before``: a last guard, so that no rewrite here can widen the domain."""
    c = fl.cache(before) if before.op != "const" else {}
    need = c.get("restrictions")
    if need is None:
        need = c["restrictions"] = _restrictions(before)
    if not need:
        return after
    have = set()
    for n in walk_postorder(after):
        have.add(id(n))
        if _is(n, "power") and not total(n):
            have.add(_restriction_key(n))
    return after if need <= have else before


def _is(e: Expr, name: str) -> bool:
    return isinstance(e.op, Primitive) and e.op.name == name


def terms_of(e: Expr) -> list:
    """The terms of a canonical sum (a single term for anything else)."""
    if e.op == "const":
        return [e]
    c = fl.cache(e)
    out = c.get("terms")
    if out is None:  # kept on the node: canonical nodes never change
        const, ts = fl.flat_sum(e)
        out = [Const(const)] if const != 0 or not ts else []
        out = c["terms"] = out + [canonical_mul(Const(k), t) for t, k in ts.items()]
    return list(out)


def _mul_sums(a: list, b: list) -> list:
    """The terms of ``(sum of a)*(sum of b)``, like terms collected (each product of two
    terms charged to the budget, found or new: the work is bounded whatever is cached)."""
    charge(len(a) * len(b), "expanding")
    return terms_of(canonical_add(*[canonical_mul(s, t) for s in a for t in b]))


def _expand_product(e: Expr) -> Expr:
    """Distribute a canonical product over the sums among its factors (numerator only)."""
    coeff, fs = fl.flat_prod(e)
    terms, rest = [Const(coeff)], {}
    for b, x in fs.items():
        if _is(b, "add") and x.__class__ is int and x > 0:
            parts = terms_of(b)
            for _ in range(x):
                terms = _mul_sums(terms, parts)
                check_time("expanding")
        else:
            rest[b] = x
    other = _build_product(1, rest)
    return canonical_add(*[canonical_mul(t, other) for t in terms])


def _expand_node(node: Expr, args: list) -> Expr:
    e = _canon(node, args)
    if _is(e, "add"):
        return canonical_add(*[_expand_product(t) for t in terms_of(e)])
    if _is(e, "multiply") or _is(e, "power"):
        return _expand_product(e)
    return e


def expand_tree(root: Expr) -> Expr:
    """:func:`expand` of a canonical ``root``, without the last guard of the domain (for
    callers that apply it to their own result)."""
    done: dict = {}
    for node in walk_postorder(root):
        if not isinstance(node.op, Primitive):
            done[id(node)] = node
            continue
        done[id(node)] = _expand_node(node, [done[id(a)] for a in node.args])
    return done[id(root)]


def expand_algebraic(root: Expr) -> Expr:
    """``root`` multiplied out through its sums, products and powers, but not inside the
    arguments of functions (``sin((x + 1)**2)`` stays)."""
    alg = ("add", "multiply", "power")
    done: dict = {}
    stack = [root]
    while stack:
        node = stack[-1]
        if id(node) in done:
            stack.pop()
            continue
        inner = node.op.name in alg if isinstance(node.op, Primitive) else False
        todo = [a for a in node.args if id(a) not in done] if inner else []
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        args = [done[id(a)] for a in node.args] if inner else []
        if not inner or (all(n is a for n, a in zip(args, node.args)) and
                         not _sum_to_expand(node)):
            done[id(node)] = node  # nothing below changed and nothing here to multiply out
        else:
            done[id(node)] = _expand_node(node, args)
    return done[id(root)]


def _sum_to_expand(node: Expr) -> bool:
    """Whether the canonical product ``node`` has a sum to a positive integer power."""
    if _is(node, "add"):
        return False
    return any(_is(b, "add") and x.__class__ is int and x > 0
               for b, x in fl.flat_prod(node)[1].items())


@budgeted
def expand(e: Any) -> Expr:
    """Products and positive integer powers of sums multiplied out, everywhere in ``e``
    (in function arguments too); denominators are left as they are."""
    from .calculus import formula
    _prims()
    root = simplify(formula(e))
    return keeps_domain(root, expand_tree(root))


# ---------------------------------------------------------------------------------------

def _denominator(fs: dict) -> dict:
    """The bases with a negative numeric exponent, and that exponent negated."""
    return {b: -x for b, x in fs.items() if not isinstance(x, Expr) and x < 0}


def _together_sum(e: Expr, expand_numerator: bool) -> Expr:
    parts = [fl.flat_prod(t) for t in terms_of(e)]
    lcd: dict = {}
    for _, fs in parts:
        for b, m in _denominator(fs).items():
            lcd[b] = max(lcd.get(b, 0), m)
    dens = [Fraction(c).denominator for c, _ in parts if isinstance(c, Exact)]
    scale = lcm(*dens) if len(dens) == len(parts) else 1
    if not lcd and scale == 1:
        return e
    nums = []
    for c, fs in parts:
        c = fl.num_mul(c, scale)
        new = dict(fs)
        for b, m in lcd.items():
            x = fl.add_exponent(new.get(b, 0), m)
            if not isinstance(x, Expr) and x == 0:
                del new[b]
            else:
                new[b] = int(x) if isinstance(x, Fraction) and x.denominator == 1 else x
        n = _build_product(c, new)
        nums.append(_expand_product(n) if expand_numerator else n)
    return canonical_mul(canonical_add(*nums), _build_product(Fraction(1, scale), {
        b: -m for b, m in lcd.items()}))


def together_node(e: Expr, expand_numerator: bool = False) -> Expr:
    """One canonical expression over a common denominator, through sums and products
    (not inside function arguments)."""
    if _is(e, "add"):
        inner = [together_node(t, expand_numerator) for t in terms_of(e)]
        return _together_sum(canonical_add(*inner), expand_numerator)
    if _is(e, "multiply") or _is(e, "power"):
        coeff, fs = fl.flat_prod(e)
        out = [Const(coeff)]
        for b, x in fs.items():
            tb = together_node(b, expand_numerator) if _is(b, "add") else b
            out.append(canonical_pow(tb, x if isinstance(x, Expr) else Const(x)))
        return canonical_mul(*out)
    return e


@budgeted
def together(e: Any) -> Expr:
    """``e`` over a common denominator (the product of its denominators, each to its
    largest power, and of the denominators of its rational coefficients), as SymPy's
    ``together``; numerators are not expanded."""
    from .calculus import formula
    _prims()
    e = simplify(formula(e))
    return keeps_domain(e, together_node(e))


# ---------------------------------------------------------------------------------------

def split_fraction(e: Expr) -> tuple:
    """``(numerator, denominator)`` of a canonical product (negative numeric exponents
    go to the denominator)."""
    coeff, fs = fl.flat_prod(e)
    den = _denominator(fs)
    num = {b: x for b, x in fs.items() if b not in den}
    c = Fraction(coeff) if isinstance(coeff, Exact) else coeff
    dc = c.denominator if isinstance(c, Fraction) else 1
    nc = c.numerator if isinstance(c, Fraction) else c
    return _build_product(nc, num), _build_product(dc, den)


def to_poly(e: Expr, gens: dict) -> list | None:
    """An expanded canonical ``e`` as ``[(coefficient, {generator index: power})]``,
    adding new generators to ``gens``; None if it is not a polynomial."""
    const, ts = fl.flat_sum(e)
    out = [(const, {})] if const != 0 else []
    for t, k in ts.items():
        c, fs = fl.flat_prod(t)
        if not isinstance(k, Exact) or not isinstance(c, Exact):
            return None
        mono = {}
        for b, x in fs.items():
            if x.__class__ is not int or x <= 0 or _is(b, "add"):
                return None
            mono[gens.setdefault(b, len(gens))] = x
        out.append((k * c, mono))
    if not isinstance(const, Exact) or _kept_apart(out, list(gens)):
        return None
    return out


def _kept_apart(raw: list, order: list) -> bool:
    """Whether two terms share a monomial with a generator that is not total: the
    canonical form kept them apart (``log(x) - log(x)``) so as not to widen the domain."""
    seen = set()
    for _, mono in raw:
        key = frozenset(mono.items())
        if key in seen and not all(total(order[i]) for i in mono):
            return True
        seen.add(key)
    return False


def as_dict(raw: list, nv: int) -> dict:
    p: dict = {}
    for c, mono in raw:
        m = tuple(mono.get(i, 0) for i in range(nv))
        p[m] = p.get(m, 0) + c
    return P._clean(p)


def from_poly(p: dict, gens: list) -> Expr:
    terms = []
    for m, c in p.items():
        terms.append(_build_product(c, {g: a for g, a in zip(gens, m) if a}))
    return canonical_add(*terms) if terms else Const(0)


def _cancel_node(e: Expr) -> Expr:
    t = together_node(e)
    num, den = split_fraction(t)
    num, den = expand_algebraic(num), expand_algebraic(den)
    gens: dict = {}
    rn, rd = to_poly(num, gens), to_poly(den, gens)
    if rn is None or rd is None or not rd:
        return canonical_mul(num, canonical_pow(den, Const(-1)))
    order = list(gens)
    pn, pd = as_dict(rn, len(order)), as_dict(rd, len(order))
    if not pn:
        return t
    g = P.gcd(pn, pd)
    ge = from_poly(g, order)
    if ge.op != "const" and (total(ge) and smooth(ge)):
        pn, pd = P.divide(pn, g), P.divide(pd, g)
    cd = P.content(pd)
    pn = {m: Fraction(c) / cd for m, c in pn.items()}
    pd = {m: Fraction(c) / cd for m, c in pd.items()}
    return canonical_mul(from_poly(P._clean(pn), order),
                         canonical_pow(from_poly(P._clean(pd), order), Const(-1)))


@budgeted
def cancel(e: Any) -> Expr:
    """``e`` as one fraction ``p/q`` with expanded ``p`` and ``q`` and their greatest
    common divisor cancelled (see :mod:`._poly` for what is found; the parts that are not
    polynomials, such as ``sin(x)``, act as variables). A common factor is cancelled only
    when it is a total, smooth polynomial, so at most isolated points are lost."""
    from .calculus import formula
    _prims()
    e = simplify(formula(e))
    return keeps_domain(e, _cancel_node(e))


# ---------------------------------------------------------------------------------------

def _poly_factors(p: dict, order: list) -> Expr:
    """A product of factors of the polynomial ``p`` (content, monomial, square-free parts
    and rational roots of a univariate one)."""
    nv = len(order)
    c = P.content(p)
    prim = P._clean({m: Fraction(v) / c for m, v in p.items()})
    mono = tuple(min(m[i] for m in prim) for i in range(nv))
    prim = {tuple(a - b for a, b in zip(m, mono)): v for m, v in prim.items()}
    factors = [Const(c), _build_product(1, {g: a for g, a in zip(order, mono) if a})]
    i = P._univariate_in(prim)
    if i is None or i == -1:
        return canonical_mul(*factors, from_poly(prim, order))
    factors.append(Const(prim[max(prim)]))  # the square-free parts below are monic
    for f, k in P.squarefree(prim, i):
        for r in P.rational_roots(f, i):
            unit = tuple(int(j == i) for j in range(nv))
            lin = {unit: r.denominator, (0,) * nv: -r.numerator}
            f = P.divide(f, P.monic(lin))
            factors.append(canonical_pow(from_poly(P._clean(lin), order), Const(k)))
            factors.append(Const(Fraction(1, r.denominator) ** k))
        if P.degree(f, i) > 0:
            cf = P.content(f)
            f = {m: Fraction(v) / cf for m, v in f.items()}
            factors += [Const(cf ** k), canonical_pow(from_poly(P._clean(f), order),
                                                       Const(k))]
    return canonical_mul(*factors)


@budgeted
def factor(e: Any) -> Expr:
    """``e`` as a product: over the rationals, the numeric content, the common monomial,
    the square-free decomposition and the linear factors ``(b*x - a)`` of the rational
    roots of a polynomial in one variable (or one non-polynomial part). Irreducible
    factors of degree two or more are not split further, and of a polynomial in several
    variables only the content and the common monomial are taken out."""
    from .calculus import formula
    _prims()
    t = _cancel_node(simplify(formula(e)))
    num, den = split_fraction(t)
    gens: dict = {}
    rn, rd = to_poly(expand(num), gens), to_poly(expand(den), gens)
    order = list(gens)
    if rn is None or rd is None or not as_dict(rn, len(order)):
        return t
    fn = _poly_factors(as_dict(rn, len(order)), order)
    fd = _poly_factors(as_dict(rd, len(order)), order)
    return keeps_domain(t, canonical_mul(fn, canonical_pow(fd, Const(-1))))


def factor_terms(e: Expr, simplest: bool = False) -> Expr:
    """The factors common to every term of a canonical sum taken out in front (powers of
    a base to their least exponent, numeric content, a common sign). With ``simplest``,
    a base whose exponents differ by numbers is taken out to its simplest exponent
    (``x**x*(log(x) + 1/x)`` rather than ``x**(x - 1)*(x*log(x) + 1)``)."""
    ts = terms_of(e)
    if len(ts) < 2:
        return e
    parts = [fl.flat_prod(t) for t in ts]
    common = dict(parts[0][1])
    for _, fs in parts[1:]:
        for b in list(common):
            if b not in fs:
                del common[b]
                continue
            low = _least(common[b], fs[b], simplest)
            if low is None:
                del common[b]
            else:
                common[b] = low
    cs = [c for c, _ in parts]
    k = _numeric_content(cs)
    if not common and k == 1:
        return e
    rest = []
    for c, fs in parts:
        new = {b: _minus(x, common[b]) if b in common else x for b, x in fs.items()}
        new = {b: x for b, x in new.items() if not (not isinstance(x, Expr) and x == 0)}
        rest.append(_build_product(fl.num_mul(c, Fraction(1) / k) if isinstance(k, Exact)
                                   else c, new))
    return canonical_mul(_build_product(k, common), canonical_add(*rest))


def _minus(a, b):
    if isinstance(a, Expr) or isinstance(b, Expr):
        d = simplify(canonical_add(a if isinstance(a, Expr) else Const(a),
                                   canonical_mul(Const(-1), b if isinstance(b, Expr)
                                                 else Const(b))))
        return d.value if d.op == "const" else d
    return a - b


def _least(a, b, simplest: bool = False):
    d = _minus(a, b)
    if isinstance(d, Expr):
        return None
    if simplest and (isinstance(a, Expr) or isinstance(b, Expr)):
        size = [x.tree_size if isinstance(x, Expr) else 1 for x in (a, b)]
        return a if size[0] <= size[1] else b
    return b if d > 0 else a


def _numeric_content(cs: list):
    if not all(isinstance(c, Exact) for c in cs):
        return 1
    from math import gcd
    g, d = 0, 1
    for c in cs:
        f = Fraction(c)
        g, d = gcd(g, f.numerator), lcm(d, f.denominator)
    k = Fraction(g, d) if g else Fraction(1)
    if all(c < 0 for c in cs):
        k = -k
    return int(k) if k.denominator == 1 else k


@budgeted
def collect(e: Any, syms: Any) -> Expr:
    """The terms of ``e`` grouped by the powers of ``syms`` (a symbol, its name, or a
    list of them), each power times the sum of its coefficients, as SymPy's ``collect``."""
    from .calculus import formula
    _prims()
    if isinstance(syms, (str, Expr)):
        syms = [syms]
    keys = {Symbol(s) if isinstance(s, str) else s for s in syms}
    groups: dict = {}
    for t in terms_of(simplify(formula(e))):
        c, fs = fl.flat_prod(t)
        key = _build_product(1, {b: x for b, x in fs.items() if b in keys})
        coef = _build_product(c, {b: x for b, x in fs.items() if b not in keys})
        groups.setdefault(key, []).append(coef)
    out = []
    for key, coefs in groups.items():
        s = canonical_add(*coefs)
        out.append(canonical_mul(key, s))
    return canonical_add(*out)
