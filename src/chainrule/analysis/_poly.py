"""Exact real roots of a polynomial: coefficients as fractions, a Sturm count, and
isolating brackets proven by signs.

A polynomial is a list of :class:`~fractions.Fraction` coefficients, lowest degree first.
The roots of the square-free part are first located in floating point (companion-matrix
eigenvalues), then *proven*: exact signs at the ends of each bracket show a root in it, and
a Sturm sequence counts the distinct real roots, so when every counted root has its own
bracket none was missed. Brackets are then shrunk, by exact signs, to neighbouring floats.

>>> p = [Fraction(-3, 100000000), Fraction(0), Fraction(3)]     # 3x^2 - 3e-8
>>> roots, proven = real_roots(p)
>>> [float(r.value) for r in roots], proven
([-0.0001, 0.0001], True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..core.budget import BudgetExceeded, charge, check_exact
from ..symbolic.expr import Expr, walk_postorder

__all__ = ["MAX_DEGREE", "Root", "derivative", "evaluate", "poly_from_expr", "real_roots",
           "side_signs"]

MAX_DEGREE = 60  # above this, the exact path costs too much: callers search numerically

Poly = list


def _trim(p: Poly) -> Poly:
    while p and p[-1] == 0:
        p = p[:-1]
    return p


def _add(p: Poly, q: Poly, sign: int = 1) -> Poly:
    n = max(len(p), len(q))
    p, q = p + [Fraction(0)] * (n - len(p)), q + [Fraction(0)] * (n - len(q))
    return _trim([a + sign * b for a, b in zip(p, q)])


def _mul(p: Poly, q: Poly) -> Poly:
    if not p or not q:
        return []
    if len(p) + len(q) - 2 > MAX_DEGREE:
        raise OverflowError("degree")
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        if a:
            for j, b in enumerate(q):
                out[i + j] += a * b
    charge(len(p) * len(q), "expanding a polynomial")
    return [check_exact(c, "expanding a polynomial") for c in _trim(out)]


def _power(p: Poly, n: int) -> Poly:
    if (len(p) - 1) * n > MAX_DEGREE:
        raise OverflowError("degree")
    out: Poly = [Fraction(1)]
    for _ in range(n):
        out = _mul(out, p)
    return out


def _const(value: Any) -> Fraction | None:
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, float) and math.isfinite(value):
        return Fraction(value)
    return None


def _node(node: Expr, args: list, x: Expr) -> Poly | None:
    """The polynomial of one node from its arguments' polynomials (None: not one)."""
    if node.op == "const":
        c = _const(node.value)
        return None if c is None else _trim([c])
    if node.op == "sym":
        return [Fraction(0), Fraction(1)] if node is x else None
    if any(a is None for a in args):
        return None
    name = node.op.name
    if name == "add":
        return _add(args[0], args[1])
    if name == "subtract":
        return _add(args[0], args[1], -1)
    if name == "negative":
        return [-c for c in args[0]]
    if name == "multiply":
        return _mul(args[0], args[1])
    if name == "divide" and len(args[1]) == 1:
        return [c / args[1][0] for c in args[0]]
    if name == "power" and len(args[1]) <= 1:
        n = args[1][0] if args[1] else Fraction(0)
        if n.denominator == 1 and 0 <= n <= MAX_DEGREE:
            return _power(args[0], int(n))
    return None


def poly_from_expr(expr: Expr, x: Expr) -> Poly | None:
    """Exact coefficients (lowest degree first) if ``expr`` is a polynomial in ``x`` of
    degree at most :data:`MAX_DEGREE` with rational constants; otherwise ``None``.

    >>> from chainrule.symbolic import parse, Symbol
    >>> poly_from_expr(parse("(x - 1/10)^2"), Symbol("x"))
    [Fraction(1, 100), Fraction(-1, 5), Fraction(1, 1)]
    """
    memo: dict[int, Poly | None] = {}
    try:
        for node in walk_postorder(expr):
            args = [memo[id(a)] for a in node.args] if node.op not in ("const", "sym") else []
            memo[id(node)] = _node(node, args, x)
    except (OverflowError, ZeroDivisionError, BudgetExceeded):
        return None
    return memo[id(expr)]


def derivative(p: Poly) -> Poly:
    """``p'``.

    >>> derivative([Fraction(1), Fraction(2), Fraction(3)])
    [Fraction(2, 1), Fraction(6, 1)]
    """
    return [k * c for k, c in enumerate(p)][1:]


def evaluate(p: Poly, x: Fraction) -> Fraction:
    """``p(x)`` exactly (Horner)."""
    acc = Fraction(0)
    for c in reversed(p):
        acc = acc * x + c
    return acc


def _rem(p: Poly, q: Poly) -> Poly:
    p = list(p)
    while len(p) >= len(q):
        f = p[-1] / q[-1]
        shift = len(p) - len(q)
        for i, c in enumerate(q):
            p[shift + i] -= f * c
        p = _trim(p[:-1])
        charge(len(q), "dividing polynomials")
    return p


def _divide(p: Poly, q: Poly) -> Poly:
    """The quotient of an exact division ``p / q``."""
    p, out = list(p), [Fraction(0)] * (len(p) - len(q) + 1)
    for k in range(len(out) - 1, -1, -1):
        f = p[k + len(q) - 1] / q[-1]
        out[k] = f
        for i, c in enumerate(q):
            p[k + i] -= f * c
    return _trim(out)


def _monic(p: Poly) -> Poly:
    return [c / p[-1] for c in p]


def _gcd(p: Poly, q: Poly) -> Poly:
    while q:
        r = _rem(p, q)
        p, q = q, (_monic(r) if r else [])
        for c in q:
            check_exact(c.numerator, "a polynomial gcd")
            check_exact(c.denominator, "a polynomial gcd")
    return _monic(p)


def _sturm(s: Poly) -> list[Poly]:
    seq = [s, derivative(s)]
    while len(seq[-1]) > 1:
        r = _rem(seq[-2], seq[-1])
        if not r:
            break
        seq.append(_monic([-c for c in r]) if r[-1] < 0 else [-c for c in _monic(r)])
        for c in seq[-1]:
            check_exact(c.numerator, "a Sturm sequence")
            check_exact(c.denominator, "a Sturm sequence")
    return seq


def _variations(signs: list[int]) -> int:
    signs = [s for s in signs if s]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


def _count_all(seq: list[Poly]) -> int:
    """Distinct real roots: sign variations at -infinity minus those at +infinity."""
    at_inf = [1 if q[-1] > 0 else -1 for q in seq]
    at_minf = [s * (-1) ** (len(q) - 1) for s, q in zip(at_inf, seq)]
    return _variations(at_minf) - _variations(at_inf)


def _sign(p: Poly, x: Fraction) -> int:
    v = evaluate(p, x)
    return (v > 0) - (v < 0)


@dataclass(frozen=True)
class Root:
    """A real root: its nearest float, and an exact bracket ``lo < root < hi`` (or
    ``lo == hi == root`` for an exact float root)."""

    value: float
    lo: Fraction
    hi: Fraction


def _float_guesses(s: Poly) -> list[float]:
    """Real parts of the companion-matrix eigenvalues that are nearly real, polished."""
    c = np.array([float(v) for v in reversed(s)], dtype=float)
    if len(c) < 2 or not np.all(np.isfinite(c)):
        return []
    with np.errstate(all="ignore"):
        r = np.roots(c / np.max(np.abs(c)))
    near = r[np.abs(r.imag) <= 1e-6 * np.maximum(1.0, np.abs(r))].real
    return sorted(set(float(v) for v in near if math.isfinite(v)))


def _bracket(s: Poly, lo: Fraction, hi: Fraction, guess: float) -> Root:
    """Shrink the sign-change bracket ``(lo, hi)`` of a simple root of ``s`` to adjacent
    floats: outward from the guess by doubling ulps, then by bisection."""
    slo = _sign(s, lo)
    g = Fraction(guess) if lo < Fraction(guess) < hi else (lo + hi) / 2
    if _sign(s, g) == 0:
        return Root(float(g), g, g)
    width = Fraction(max(math.ulp(guess), 5e-324))
    a, b = lo, hi
    while width < hi - lo:
        a2, b2 = max(lo, g - width), min(hi, g + width)
        if _sign(s, a2) == slo and _sign(s, b2) == -slo:
            a, b = a2, b2
            break
        width *= 4
    for _ in range(2000):
        fa, fb = float(a), float(b)
        mid = Fraction((fa + fb) / 2) if math.isfinite(fa + fb) else (a + b) / 2
        if not a < mid < b:
            break
        sm = _sign(s, mid)
        if sm == 0:
            return Root(float(mid), mid, mid)
        a, b = (mid, b) if sm == slo else (a, mid)
    value = float(a) if abs(float(evaluate(s, a))) <= abs(float(evaluate(s, b))) else float(b)
    return Root(value, a, b)


def _cauchy_bound(s: Poly) -> Fraction:
    lead = abs(s[-1])
    return 1 + max(abs(c) for c in s[:-1]) / lead


def real_roots(p: Poly) -> tuple[list[Root], bool]:
    """The distinct real roots of ``p`` (not identically zero), sorted, and whether the
    list is proven complete (a Sturm count of the square-free part equals the number of
    sign-change brackets found). Unproven lists hold only proven roots."""
    if len(p) <= 1:
        return [], True
    try:
        s = _divide(p, _gcd(p, derivative(p))) if len(p) > 2 else p
        total = _count_all(_sturm(s))
    except BudgetExceeded:
        s, total = p, -1
    bound = _cauchy_bound(s)
    guesses = [g for g in _float_guesses(s) if abs(g) < bound]
    cuts = [-bound] + [Fraction((a + b) / 2) for a, b in zip(guesses, guesses[1:])] + [bound]
    roots = []
    for (lo, hi), g in zip(zip(cuts, cuts[1:]), guesses):
        if _sign(s, lo) * _sign(s, hi) < 0:
            roots.append(_bracket(s, lo, hi, g))
        elif _sign(s, Fraction(g)) == 0:
            roots.append(Root(g, Fraction(g), Fraction(g)))
    return roots, len(roots) == total


def side_signs(p: Poly, root: Root) -> tuple[int, int]:
    """The signs of ``p`` just left and just right of a root (exact): at the bracket's
    ends, or at the neighbouring floats of an exact root."""
    left = root.lo if root.lo < root.hi else Fraction(math.nextafter(root.value, -math.inf))
    right = root.hi if root.lo < root.hi else Fraction(math.nextafter(root.value, math.inf))
    return _sign(p, left), _sign(p, right)
