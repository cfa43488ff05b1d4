"""Textbook form: the shortest of a few equivalent rewritings, as a careful teacher writes.

:func:`tidy` tries, on the canonical form, multiplying out (:func:`expand`), one common
denominator with cancellation (:func:`together`), common factors taken out
(``factor_terms``), factoring over the rationals and the trigonometric identities
(:func:`trigsimp`), inside sums, products and function arguments, and keeps at each level
the candidate with the fewest operations (:func:`op_count` of its printed text; ties keep
the earlier candidate, the canonical form first). Every candidate is built from canonical
nodes, so none widens the domain.

>>> from chainrule.symbolic import parse
>>> tidy(parse("-(x - 1)/(x + 1)**2 + 1/(x + 1)"))
2/(x + 1)**2
>>> tidy(parse("x**x*log(x) + x**x"))
x**x*(log(x) + 1)
>>> op_count("x**x*(log(x) + 1)"), op_count("-1/sin(x)**2")
(4, 3)
"""

from __future__ import annotations

import ast
from typing import Any

from ..core import Primitive
from ..core.budget import budget, budgeted, check_time
from . import _algebra as A
from . import _flatten as fl
from ._opcount import tree_ops
from ._rewrite import display, named_functions, root_squares
from .expr import Const, Expr, make
from .simplify import _build_product, _prims, canonical_add, canonical_mul, canonical_pow, simplify

__all__ = ["tidy", "op_count"]

_CANDIDATE_NODES = 20_000  # the work one rewriting may do before it is abandoned
_LIMIT = 400  # larger trees are left in canonical form (tidying them would cost too much)


def op_count(e: Any) -> int:
    """The number of operations in an expression's text (Python syntax): one per binary
    operator, per function call and per unary minus that is not part of a number.

    The same count is used for chainrule's answers and for the textbook's, so
    ``sec(x)*tan(x)`` and ``tan(x)/cos(x)`` both count 3.
    """
    text = e if isinstance(e, str) else str(e)
    count = 0
    for node in ast.walk(ast.parse(text, mode="eval")):
        if isinstance(node, (ast.BinOp, ast.Call)):
            count += 1
        elif isinstance(node, ast.UnaryOp) and not isinstance(node.operand, ast.Constant):
            count += 1
    return count


def _is(e: Expr, *names: str) -> bool:
    return isinstance(e.op, Primitive) and e.op.name in names


def _cost(e: Expr) -> tuple:
    """Operations of the printed text, then divisions, then nodes: of two forms as long,
    one fraction (``(x*cos(x) - sin(x))/x**2``) is preferred to a sum of fractions, and
    ``-csc(x)**2`` to ``-1 - cot(x)**2``. Counted on the tree
    (:func:`._opcount.tree_ops`, cached per node), never by printing."""
    return (*tree_ops(e), e.tree_size)


def _best(cands: list) -> Expr:
    best, cost = None, None
    for c in cands:
        if c is None or c.tree_size > 4 * _LIMIT:
            continue
        k = _cost(c)
        if cost is None or k < cost:
            best, cost = c, k
    return cands[0] if best is None else best


def _try(fn, e: Expr) -> Expr | None:
    """``fn(e)`` within a budget of its own: a candidate that would cost too much (or
    that does not apply) is left out, and tidying goes on with the others."""
    try:
        with budget(nodes=_CANDIDATE_NODES):
            return fn(e)
    except (ArithmeticError, ValueError, RecursionError):  # BudgetExceeded included
        check_time("tidying")  # the caller's own time limit still holds
        return None


def _polish_factors(e: Expr, memo: dict) -> Expr:
    """Each sum among the factors of a product tidied on its own."""
    if not _is(e, "multiply", "power"):
        return _tidy(e, memo) if _is(e, "add") else e
    coeff, fs = fl.flat_prod(e)
    new = {b: _tidy(b, memo) if _is(b, "add") else b for b in fs}
    if all(new[b] is b for b in fs):
        return e
    out = [Const(coeff)]
    for b, x in fs.items():
        out.append(canonical_pow(new[b], x if isinstance(x, Expr) else Const(x)))
    return canonical_mul(*out)


def _shallow_expand(e: Expr) -> Expr:
    """Each term multiplied out over its largest sum factor only, the other sums kept
    whole: ``u*(u**2 + 1/x) + 2*u/x`` is ``u**3 + 3*u/x`` for ``u = log(x) + 1``."""
    out = []
    for t in A.terms_of(e):
        coeff, fs = fl.flat_prod(t)
        sums = [b for b, x in fs.items() if _is(b, "add") and x.__class__ is int and x == 1]
        if not sums:
            out.append(t)
            continue
        big = max(sums, key=lambda b: len(fl.flat_sum(b)[1]))
        rest = _build_product(coeff, {b: x for b, x in fs.items() if b is not big})
        out.extend(canonical_mul(rest, u) for u in A.terms_of(big))
    return canonical_add(*out)


def _together(e: Expr) -> Expr:
    """One fraction, its numerator multiplied out, with the square roots that the
    denominator keeps squared away in the numerator."""
    t = A.together_node(e, expand_numerator=True)
    num, den = A.split_fraction(t)
    num2 = root_squares(num, den)
    return t if num2 is num else canonical_mul(num2, canonical_pow(den, Const(-1)))


def _factored(p: Expr) -> Expr:
    """An expanded polynomial sum ``p`` factored over the rationals (else ``p``)."""
    gens: dict = {}
    raw = A.to_poly(p, gens) if _is(p, "add") else None
    if raw is None or len(gens) > 1:  # several: factor_terms takes out what is found
        return p
    poly = A.as_dict(raw, 1)
    if len(poly) < 2 or max(m[0] for m in poly) < 2:
        return p  # a linear polynomial: its content is factor_terms' work
    return A._poly_factors(poly, list(gens))


def _factor(e: Expr) -> Expr:
    num, den = A.split_fraction(e)
    return canonical_mul(_factored(num), canonical_pow(_factored(den), Const(-1)))


def _named(e: Expr) -> Expr:
    """sigmoid, tanh and merged exponentials recognised (:func:`named_functions`), and
    ``sigmoid(-u)`` written ``1 - sigmoid(u)`` where that is shorter."""
    if _is(e, "add"):
        out = canonical_add(*[named_functions(t) for t in A.terms_of(e)])
    else:
        out = named_functions(e)
    flipped = _flip_sigmoids(out)
    if flipped is out:
        return out
    return _best([out, flipped, A.expand_algebraic(flipped)])


def _flip_sigmoids(e: Expr) -> Expr:
    """``e`` with each factor ``sigmoid(-u)`` (a negative coefficient in front of ``u``)
    written ``1 - sigmoid(u)``; both are defined everywhere."""
    terms, changed = [], False
    for t in A.terms_of(e):
        coeff, fs = fl.flat_prod(t)
        parts = [Const(coeff)]
        for b, x in fs.items():
            nx = x if isinstance(x, Expr) else Const(x)
            c = fl.split_coeff(b.args[0])[0] if _is(b, "sigmoid") else 1
            if not isinstance(c, complex) and c < 0:
                u = canonical_mul(Const(-1), b.args[0])
                b = canonical_add(Const(1), canonical_mul(Const(-1), make(b.op, (u,), {})))
                changed = True
            parts.append(canonical_pow(b, nx))
        terms.append(canonical_mul(*parts))
    return canonical_add(*terms) if changed else e


def _calls(e: Expr) -> frozenset:
    """The function calls that sums, products and powers in ``e`` are made of (not those
    inside their arguments), cached on every node and found without recursion."""
    alg = ("add", "multiply", "power")
    stack = [e]
    while stack:
        node = stack[-1]
        todo = [a for a in node.args if _is(a, *alg) and "calls" not in fl.cache(a)] \
            if _is(node, *alg) else []
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        if _is(node, *alg):
            parts = [fl.cache(a)["calls"] if _is(a, *alg) else
                     (frozenset({a}) if isinstance(a.op, Primitive) else frozenset())
                     for a in node.args]
            fl.cache(node)["calls"] = frozenset().union(*parts)
    if _is(e, *alg):
        return fl.cache(e)["calls"]
    return frozenset({e}) if isinstance(e.op, Primitive) else frozenset()


def _trig_may_apply(calls: frozenset) -> bool:
    """A tangent, or a sine and a cosine of the same argument."""
    sines = {c.args[0] for c in calls if _is(c, "sin")}
    return any(_is(c, "tan") or (_is(c, "cos") and c.args[0] in sines) for c in calls)


def _sum_below(e: Expr) -> tuple:
    """Whether a sum is a factor of ``e`` or of one of its terms with a positive power,
    whether one is with a negative power, and whether any factor is."""
    up = down = den = False
    for t in A.terms_of(e):
        for b, x in fl.flat_prod(t)[1].items():
            neg = not isinstance(x, Expr) and x < 0
            den = den or neg
            if _is(b, "add"):
                up, down = up or not neg, down or neg
                if not neg:  # a sum of fractions as a factor: (1/(1 - s) - 1/s)*s
                    _, d2, n2 = _sum_below(b) if b.tree_size < _LIMIT else (0, 0, 0)
                    down, den = down or d2, den or n2
    return up, down, den


_NAMED = ("exp", "sinh", "sqrt", "sigmoid")


def _monomial_out(e: Expr) -> bool:
    """Whether ``e`` is a sum with a power product of variables taken out that one of its
    terms still multiplies, like ``x*(2*sin(x) + x*cos(x))``: textbooks leave such a sum as
    the product rule gives it (``2*x*sin(x) + x**2*cos(x)``, ``3*x**2 + 6*x``), and take
    a factor out when it holds a function (``x**2*(x + 3)*exp(x)``), is a number
    (``2*(x + 1)``) or leaves no such term (``x**3*(4*log(x) + 1)``,
    ``(sigmoid(w*x + b) - y)*x``)."""
    if not _is(e, "multiply"):
        return False
    _, fs = fl.flat_prod(e)
    sums = [b for b in fs if _is(b, "add")]
    outside = [b for b in fs if not _is(b, "add")]
    if not (outside and len(sums) == 1 and fs[sums[0]] == 1 and all(
            b.is_symbol and fs[b].__class__ is int and fs[b] > 0 for b in outside)):
        return False
    return any(any(b in fl.flat_prod(t)[1] for b in outside) for t in A.terms_of(sums[0]))


def _candidates(e: Expr, memo: dict, top: bool = False) -> list:
    """Equivalent forms of ``e``; each rewriting is tried only where it can apply. At the
    top (the whole answer), a sum keeps a power of a variable inside (:func:`_monomial_out`);
    a sum that is a factor of something larger may give it up."""
    from ._trig import trigsimp_node
    cands = [e]
    small = e.tree_size < _LIMIT
    sources = [e]
    up, down, den = _sum_below(e)
    for fn in (A.expand_algebraic, _shallow_expand) if small and up else ():
        s = _try(fn, e)
        if s is not None and all(s is not u for u in sources):
            sources.append(s)
    cands += sources[1:]
    for src in sources:
        tog = _try(_together, src) if _sum_below(src)[2] else None
        if tog is not None and tog is not src:
            cands.append(_polish_factors(tog, memo))
        if _is(src, "add"):
            for simplest in (False, True):
                ft = _try(lambda u, k=simplest: A.factor_terms(u, k), src)
                if ft is not None and ft is not src and not (top and _monomial_out(ft)):
                    cands.append(_polish_factors(ft, memo))
    if small and (down or (den and _is(e, "add"))):
        cands.append(_try(A._cancel_node, e))
    if small and any(_is(p, "add") for p in A.split_fraction(e)):
        f = _try(_factor, e)
        cands.append(None if f is None or (top and _monomial_out(f)) else f)
    calls = _calls(e)
    if _trig_may_apply(calls):
        cands.append(_try(trigsimp_node, _best(cands)))
    if any(_is(c, *_NAMED) for c in calls):
        cands += [_try(_named, c) for c in cands if c is not None]
    return [c for c in cands if c is not None and A.keeps_domain(e, c) is c]


def _tidy(e: Expr, memo: dict) -> Expr:
    """The textbook form of ``e``; ``memo`` maps ``id(node)`` to ``(node, result)``,
    holding the node so that its id cannot be reused by a new node meanwhile."""
    hit = memo.get(id(e))
    if hit is not None and hit[0] is e:
        return hit[1]
    check_time("tidying")
    if not isinstance(e.op, Primitive):
        out = e
    elif _is(e, "add", "multiply", "power"):
        memo[id(e)] = (e, e)  # a guard against cycles through the polishing of factors
        out = _args_tidied(e, memo)
        memo["work"] -= out.tree_size
        if memo["work"] >= 0:  # else the effort is spent: the rest stays as it is
            out = _best(_candidates(out, memo, e is memo.get("root")))
    else:
        args = tuple(_tidy(a, memo) for a in e.args)
        out = make(e.op, args, dict(e.params))
    memo[id(e)] = (e, out)
    return out


def _args_tidied(e: Expr, memo: dict) -> Expr:
    """``e`` with the arguments of the functions inside its sums and products tidied."""
    if _is(e, "add"):
        terms = A.terms_of(e)
        new = [_args_tidied(t, memo) for t in terms]
        same = all(a is b for a, b in zip(new, terms))
        return e if same else canonical_add(*new)
    if _is(e, "multiply", "power"):
        coeff, fs = fl.flat_prod(e)
        new = {b: _tidy(b, memo) for b in fs}
        if all(new[b] is b for b in fs):
            return e  # nothing inside changed: no need to build e again
        out = [Const(coeff)]
        for b, x in fs.items():
            out.append(canonical_pow(new[b], x if isinstance(x, Expr) else Const(x)))
        return canonical_mul(*out)
    return _tidy(e, memo)


@budgeted
def tidy(e: Any, effort: int = 5000) -> Expr:
    """``e`` in textbook form (see the module docstring); equal to ``e`` wherever ``e`` is
    defined, and defined nowhere else except at isolated points. Expressions of more than
    400 nodes are returned in canonical form.

    ``effort`` bounds the work, whatever has been computed before: every sum or product
    whose forms are compared costs its number of nodes, and when ``effort`` is spent the
    parts not yet visited are left as they are (a derivative of a textbook exercise
    takes less than 400). The result is kept on the canonical node, so asking again
    costs nothing.
    """
    from .calculus import formula
    _prims()
    e = simplify(formula(e))
    if e.tree_size > _LIMIT or e.op == "const":
        return e
    cache = fl.cache(e)  # canonical nodes never change: their textbook form is kept
    key = ("tidy", effort)
    if key not in cache:
        cache[key] = display(_tidy(e, {"work": effort, "root": e}))
    return cache[key]
