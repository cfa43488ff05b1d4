"""``trigsimp``: the Pythagorean identity and quotients of sines and cosines.

``tan(u)`` is written ``sin(u)/cos(u)``, the whole brought over one denominator, and in
the numerator ``cos(u)**2`` replaced by ``1 - sin(u)**2`` (or ``sin(u)**2`` by
``1 - cos(u)**2``) where that is shorter; then ``sin(u)**k/cos(u)**k`` becomes
``tan(u)**k`` again. Each step holds wherever the expression is defined (``tan`` is
undefined exactly where its cosine is 0), so the domain is never widened. The results
print ``1/cos(u)`` as ``sec(u)``, ``1/sin(u)`` as ``csc(u)`` and ``cos(u)/sin(u)`` as
``cot(u)`` (:mod:`._spelling`).

>>> from chainrule.symbolic import parse
>>> trigsimp(parse("sin(x)**2 + cos(x)**2"))
1
>>> trigsimp(parse("-(1 + tan(x)**2)/tan(x)**2"))
-csc(x)**2
>>> trigsimp(parse("sin(x)/cos(x)**2"))
sec(x)*tan(x)
"""

from __future__ import annotations

from typing import Any

from ..core import Primitive, registry
from ..core.budget import budgeted
from . import _algebra as A
from . import _flatten as fl
from . import _poly as P
from ._opcount import tree_ops
from .expr import Const, Expr, make
from .simplify import _build_product, _prims, canonical_add, canonical_mul, canonical_pow, simplify

__all__ = ["trigsimp"]

_R = registry()


def _is(e: Expr, name: str) -> bool:
    return isinstance(e.op, Primitive) and e.op.name == name


def _no_tan(e: Expr) -> Expr:
    """``tan(u)`` as ``sin(u)/cos(u)`` through sums and products."""
    if _is(e, "tan"):
        u = e.args[0]
        return canonical_mul(make(_R["sin"], (u,), {}),
                             canonical_pow(make(_R["cos"], (u,), {}), Const(-1)))
    if _is(e, "add"):
        return canonical_add(*[_no_tan(t) for t in A.terms_of(e)])
    if _is(e, "multiply") or _is(e, "power"):
        coeff, fs = fl.flat_prod(e)
        return canonical_mul(Const(coeff), *[
            canonical_pow(_no_tan(b), x if isinstance(x, Expr) else Const(x))
            for b, x in fs.items()])
    return e


def _pythagoras(p: dict, order: list, drop: str) -> dict:
    """Replace ``f(u)**2`` by ``1 - g(u)**2`` (``f`` = ``drop``) until no power of ``f``
    above 1 is left, for every ``u`` with both ``sin(u)`` and ``cos(u)`` generators."""
    keep = "sin" if drop == "cos" else "cos"
    pairs = []
    where = {id(g): i for i, g in enumerate(order)}
    for i, g in enumerate(order):
        if _is(g, drop):
            j = where.get(id(make(_R[keep], g.args, {})))
            if j is not None:
                pairs.append((i, j))
    nv = len(order)
    for i, j in pairs:
        while any(m[i] >= 2 for m in p):
            out: dict = {}
            for m, c in p.items():
                if m[i] < 2:
                    out = P.add(out, {m: c})
                    continue
                low = tuple(a - 2 if k == i else a for k, a in enumerate(m))
                sq = tuple(2 if k == j else 0 for k in range(nv))
                out = P.add(out, P.mul({low: c}, P.add({(0,) * nv: 1}, {sq: 1}, -1)))
            p = out
    return p


def _reduce(num: Expr) -> Expr:
    gens: dict = {}
    raw = A.to_poly(A.expand_algebraic(num), gens)
    if raw is None or not any(_is(g, "sin") or _is(g, "cos") for g in gens):
        return num
    for g in list(gens):  # cos(u)**2 alone can become 1 - sin(u)**2 too
        if _is(g, "sin") or _is(g, "cos"):
            gens.setdefault(make(_R["cos" if _is(g, "sin") else "sin"], g.args, {}),
                            len(gens))
    order = list(gens)
    p = A.as_dict(raw, len(order))
    cands = [num] + [A.from_poly(_pythagoras(p, order, d), order) for d in ("cos", "sin")]
    return min(cands, key=tree_ops)  # the printed size, counted on the tree


def _back_to_tan(e: Expr) -> Expr:
    """``sin(u)**a * cos(u)**b`` with ``a > 0 > b``: ``tan(u)**k`` for ``k = min(a, -b)``."""
    coeff, fs = fl.flat_prod(e)
    fs = dict(fs)
    for s in [b for b in fs if _is(b, "sin")]:
        c = make(_R["cos"], s.args, {})
        a, b = fs.get(s), fs.get(c)
        if isinstance(a, int) and isinstance(b, int) and a > 0 > b:
            k = min(a, -b)
            fs[s], fs[c] = a - k, b + k
            fs[make(_R["tan"], s.args, {})] = k
    return _build_product(coeff, {b: x for b, x in fs.items()
                                   if isinstance(x, Expr) or x != 0})


def trigsimp_node(e: Expr) -> Expr:
    t = A.together_node(_no_tan(e), expand_numerator=True)
    num, den = A.split_fraction(t)
    num = _reduce(num)
    out = canonical_mul(num, canonical_pow(den, Const(-1)))
    if _is(out, "add"):
        return canonical_add(*[_back_to_tan(u) for u in A.terms_of(out)])
    return _back_to_tan(out)


@budgeted
def trigsimp(e: Any) -> Expr:
    """``e`` simplified by the Pythagorean identity (see the module docstring)."""
    from .calculus import formula
    _prims()
    e = simplify(formula(e))
    return A.keeps_domain(e, trigsimp_node(e))
