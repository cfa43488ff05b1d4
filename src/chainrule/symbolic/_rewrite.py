"""Small rewrites for the textbook form, each valid wherever its left side is defined.

- :func:`root_squares`: in a fraction whose denominator keeps ``sqrt(u)``, the numerator's
  ``sqrt(u)**2`` is ``u`` (the domain stays restricted by the denominator);
- :func:`named_functions`: ``exp(u)/(exp(u) + 1)`` and ``1/(exp(-u) + 1)`` are
  ``sigmoid(u)``, ``sinh(u)/cosh(u)`` is ``tanh(u)``, ``exp(a)*exp(b)`` is ``exp(a + b)``,
  ``u/sqrt(u)`` is ``sqrt(u)`` (loses the point ``u = 0`` from the domain's boundary,
  never more);
- :func:`display`: sums led by a positive term (``1 - x**2``, not ``-x**2 + 1``), their
  constant term last otherwise (``log(x) + 1``), terms with a higher power first
  (``(log(x) + 1)**3 + 3*(log(x) + 1)/x``), and
  ``u**(1/2)`` as ``sqrt(u)``. These nodes are for printing; ``simplify`` brings any of
  them back to the canonical form.

>>> from chainrule.symbolic import parse, simplify
>>> display(simplify(parse("1/sqrt(-x^2 + 1) + x^(1/2)")))
sqrt(x) + 1/sqrt(1 - x**2)
>>> named_functions(simplify(parse("exp(z)/(1 + exp(z))")))
sigmoid(z)
"""

from __future__ import annotations

from fractions import Fraction

from ..core import Primitive, registry
from . import _flatten as fl
from .expr import Const, Expr, make, walk_postorder
from .simplify import _build_product, canonical_add, canonical_mul, canonical_pow

__all__ = ["root_squares", "named_functions", "display"]

_R = registry()


def _is(e: Expr, *names: str) -> bool:
    return isinstance(e.op, Primitive) and e.op.name in names


def _eq(x, v) -> bool:
    """``x == v`` for an exponent that may be an expression (then False)."""
    return x is not None and not isinstance(x, Expr) and x == v


def _mk(name: str, *args: Expr) -> Expr:
    return make(_R[name], args, {})


def root_squares(num: Expr, den: Expr) -> Expr:
    """``num`` with ``sqrt(u)**k`` (``k >= 2``) written ``u**(k//2)*sqrt(u)**(k%2)`` for
    every ``sqrt(u)`` that is a factor of ``den``."""
    _, dfs = fl.flat_prod(den)
    roots = {id(b) for b in dfs if _is(b, "sqrt")}
    if not roots:
        return num
    from ._algebra import terms_of
    out = []
    for t in terms_of(num):
        coeff, fs = fl.flat_prod(t)
        parts = [Const(coeff)]
        for b, x in fs.items():
            if id(b) in roots and x.__class__ is int and x >= 2:
                parts.append(canonical_pow(b.args[0], Const(x // 2)))
                parts.append(canonical_pow(b, Const(x % 2)))
            else:
                parts.append(canonical_pow(b, x if isinstance(x, Expr) else Const(x)))
        out.append(canonical_mul(*parts))
    return canonical_add(*out)


def _sigmoid_of(b: Expr, x) -> Expr | None:
    """``u`` if ``b**x`` is ``1/(exp(-u) + 1)``."""
    if not _eq(x, -1) or not _is(b, "add"):
        return None
    const, ts = fl.flat_sum(b)
    if const != 1 or len(ts) != 1:
        return None
    (t, k), = ts.items()
    if k != 1 or not _is(t, "exp"):
        return None
    return canonical_mul(Const(-1), t.args[0])


def named_functions(e: Expr) -> Expr:
    """The product ``e`` with sigmoid, tanh and merged exponentials recognised."""
    if not _is(e, "multiply", "power", "exp"):
        return e
    coeff, fs = fl.flat_prod(e)
    fs = {b: x for b, x in fs.items()}
    for b, x in list(fs.items()):
        if _is(b, "add") and _eq(x, -1):  # exp(u)/(exp(u) + 1)
            const, ts = fl.flat_sum(b)
            if const == 1 and len(ts) == 1:
                (t, k), = ts.items()
                if k == 1 and _is(t, "exp") and _eq(fs.get(t), 1):
                    del fs[b], fs[t]
                    fs[_mk("sigmoid", t.args[0])] = 1
                    continue
        u = _sigmoid_of(b, x)
        if u is not None:
            del fs[b]
            fs[_mk("sigmoid", u)] = 1
    for s in [b for b in fs if _is(b, "sinh")]:
        c = _mk("cosh", s.args[0])
        if _eq(fs.get(s), 1) and _eq(fs.get(c), -1):
            del fs[s], fs[c]
            fs[_mk("tanh", s.args[0])] = 1
    _roots(fs)
    exps = [b for b, x in fs.items() if _is(b, "exp") and x.__class__ is int]
    if len(exps) > 1:
        arg = canonical_add(*[canonical_mul(Const(fs.pop(b)), b.args[0]) for b in exps])
        fs[_mk("exp", arg)] = 1
    return _build_product(coeff, fs)


def _chain_terms(e: Expr) -> list:
    out = []
    while _is(e, "add"):
        out.append(e.args[0])
        e = e.args[1]
    return out + [e]


def _negative(t: Expr) -> bool:
    c = fl.split_coeff(t)[0]
    return not isinstance(c, complex) and c < 0


def _roots(fs: dict) -> None:
    """``u**a * sqrt(u)**b`` (integers, ``b < 0``) as ``sqrt(u)**(2a + b)`` unless that
    exponent is 0 (then ``sqrt(u)``, which restricts the domain, would be lost)."""
    for r in [b for b in fs if _is(b, "sqrt")]:
        u, a, b = r.args[0], fs.get(r.args[0]), fs.get(r)
        if a.__class__ is int and b.__class__ is int and a > 0 > b and 2 * a + b != 0:
            del fs[u]
            fs[r] = 2 * a + b


def _power_first(t: Expr) -> tuple:
    """Terms with a function first, as the product rule gives them (``2*x*sin(x) +
    x**2*cos(x)``, ``2*x*log(x) + x``), then powers of variables by falling degree
    (``3*x**2 + 6*x``), the constant term last; among terms with a function, a higher power
    of a function or a sum first (``(log(x) + 1)**3 + 3*(log(x) + 1)/x``). The sort is
    stable: ties keep the canonical order."""
    if t.op == "const":
        return (2, 0)
    fs = fl.flat_prod(t)[1]
    if all(b.is_symbol and x.__class__ is int for b, x in fs.items()):  # a monomial
        return (1, -max((x for x in fs.values() if x.__class__ is int and x > 0), default=0))
    powers = [x for b, x in fs.items()
              if not b.is_symbol and x.__class__ is int and x > 0]
    return (0, -max(powers, default=0))


def _lead_positive(e: Expr, done: dict) -> Expr:
    """The sum ``e`` rebuilt from its displayed terms, its first positive term in front."""
    raw = _chain_terms(e)
    if raw[0].op == "const" and len(raw) > 1:  # log(x) + 1, not 1 + log(x)
        raw = raw[1:] + raw[:1]
    raw.sort(key=_power_first)  # (log(x) + 1)**3 + 3*(log(x) + 1)/x - 1/x**2
    ts = [done[id(t)] for t in raw]
    neg = [_negative(t) for t in raw]
    if neg[0] and not all(neg):
        i = neg.index(False)
        ts = [ts[i]] + ts[:i] + ts[i + 1:]
    out = ts[-1]
    for t in reversed(ts[:-1]):
        out = make(e.op, (t, out), {})
    return out


def display(e: Expr) -> Expr:
    """``e`` laid out for printing (see the module docstring)."""
    done: dict = {}
    for node in walk_postorder(e):
        if not isinstance(node.op, Primitive):
            done[id(node)] = node
            continue
        args = [done[id(a)] for a in node.args]
        if _is(node, "add"):
            out = _lead_positive(node, done)
        elif _is(node, "power") and node.args[1].op == "const" and \
                node.args[1].value in (Fraction(1, 2), Fraction(-1, 2)):
            root = _mk("sqrt", args[0])
            out = root if node.args[1].value > 0 else make(node.op, (root, Const(-1)), {})
        else:
            out = make(node.op, tuple(args), dict(node.params))
        done[id(node)] = out
    return done[id(e)]
