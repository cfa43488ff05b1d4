"""Polynomials with exact rational coefficients, for ``cancel``, ``together`` and ``factor``.

A polynomial is a dict ``{exponents: coefficient}`` over a tuple of *generators*: the
symbols of an expression and every part that is not a polynomial in them (``sin(x)``,
``sqrt(x**2 + 1)``, ``x**x``), each treated as an independent variable. Coefficients are
``int`` or ``Fraction``; a float coefficient makes a part not a polynomial.

Arithmetic (sum, product, power, exact division) is multivariate. The greatest common
divisor is exact for polynomials in one generator (Euclid's algorithm on monic
remainders); for several generators it is the common monomial times the numeric content,
which may miss a common factor such as ``x + y`` (then nothing is cancelled: the result is
still right, only less simplified).

>>> p = {(2,): 1, (0,): -1}          # x**2 - 1
>>> q = {(1,): 1, (0,): -1}          # x - 1
>>> gcd(p, q)
{(1,): 1, (0,): -1}
>>> divide(p, q)
{(1,): 1, (0,): 1}
"""

from __future__ import annotations

from fractions import Fraction
from math import gcd as igcd
from math import lcm as ilcm

from ..core.budget import charge

__all__ = ["add", "mul", "power", "divide", "gcd", "degree", "content", "monic",
           "squarefree", "rational_roots"]

Poly = dict


def _clean(p: Poly) -> Poly:
    return {m: (int(c) if isinstance(c, Fraction) and c.denominator == 1 else c)
            for m, c in p.items() if c != 0}


def add(p: Poly, q: Poly, sign: int = 1) -> Poly:
    """``p + sign*q``."""
    out = dict(p)
    for m, c in q.items():
        out[m] = out.get(m, 0) + sign * c
    return _clean(out)


def mul(p: Poly, q: Poly) -> Poly:
    """``p * q`` (charged to the budget per product of terms)."""
    charge(len(p) * len(q), "multiplying polynomials")
    out: dict = {}
    for m, c in p.items():
        for n, d in q.items():
            k = tuple(a + b for a, b in zip(m, n))
            out[k] = out.get(k, 0) + c * d
    return _clean(out)


def power(p: Poly, n: int, nvars: int) -> Poly:
    """``p ** n`` for an integer ``n >= 0``."""
    out: Poly = {(0,) * nvars: 1}
    base = p
    while n:
        if n & 1:
            out = mul(out, base)
        n >>= 1
        if n:
            base = mul(base, base)
    return out


def _lead(p: Poly) -> tuple:
    return max(p)  # lexicographic order of the exponent tuples


def divide(p: Poly, q: Poly) -> Poly | None:
    """``p / q`` if ``q`` divides ``p`` exactly (lexicographic long division), else None."""
    if not q:
        raise ZeroDivisionError("division by the zero polynomial")
    lm, lc = _lead(q), q[_lead(q)]
    quo: dict = {}
    rem = dict(p)
    while rem:
        m = _lead(rem)
        k = tuple(a - b for a, b in zip(m, lm))
        if min(k) < 0:
            return None
        c = Fraction(rem[m]) / lc
        quo[k] = c
        rem = add(rem, mul({k: c}, q), -1)
    return _clean(quo)


def degree(p: Poly, i: int = 0) -> int:
    """The degree of ``p`` in generator ``i`` (-1 for the zero polynomial)."""
    return max((m[i] for m in p), default=-1)


def content(p: Poly) -> Fraction:
    """The positive rational ``c`` with ``p / c`` integral and primitive, signed so that
    the leading coefficient of ``p / c`` is positive."""
    nums = [Fraction(c).numerator for c in p.values()]
    dens = [Fraction(c).denominator for c in p.values()]
    g, d = 0, 1
    for a in nums:
        g = igcd(g, a)
    for b in dens:
        d = ilcm(d, b)
    c = Fraction(g, d) if g else Fraction(1)
    return -c if p and p[_lead(p)] < 0 else c


def monic(p: Poly) -> Poly:
    lc = Fraction(p[_lead(p)])
    return _clean({m: Fraction(c) / lc for m, c in p.items()})


def _monomial_gcd(p: Poly, q: Poly) -> tuple:
    ms = list(p) + list(q)
    return tuple(min(m[i] for m in ms) for i in range(len(ms[0])))


def _univariate_in(p: Poly) -> int | None:
    """The one generator ``p`` depends on (None if several; -1 if constant)."""
    used = {i for m in p for i, a in enumerate(m) if a}
    if len(used) > 1:
        return None
    return used.pop() if used else -1


def _euclid(p: Poly, q: Poly, i: int) -> Poly:
    nv = len(next(iter(p)))
    while q:
        charge(len(p) + len(q), "polynomial gcd")
        r = dict(p)
        while r and degree(r, i) >= degree(q, i):
            shift = degree(r, i) - degree(q, i)
            k = tuple(shift if j == i else 0 for j in range(nv))
            lr = r[max(m for m in r if m[i] == degree(r, i))]
            lq = q[max(m for m in q if m[i] == degree(q, i))]
            r = add(r, mul({k: Fraction(lr) / lq}, q), -1)
        p, q = q, (monic(r) if r else r)
    return monic(p)


def gcd(p: Poly, q: Poly) -> Poly:
    """A greatest common divisor, monic (see the module docstring for its reach)."""
    if not p:
        return monic(q) if q else q
    if not q:
        return monic(p)
    nv = len(next(iter(p)))
    mono = _monomial_gcd(p, q)
    i, j = _univariate_in(p), _univariate_in(q)
    if i is not None and j is not None and (i == j or -1 in (i, j)) and i != -1 and j != -1:
        g = _euclid(p, q, i)
        if degree(g, i) > 0:
            return g
    return {mono: 1} if nv else {(): 1}


def derivative(p: Poly, i: int) -> Poly:
    return _clean({tuple(a - (j == i) for j, a in enumerate(m)): c * m[i]
                   for m, c in p.items() if m[i]})


def squarefree(p: Poly, i: int) -> list:
    """Yun's square-free decomposition of a monic univariate ``p`` in generator ``i``:
    ``[(f1, 1), (f2, 2), ...]`` with ``p = f1 * f2**2 * ...``, each ``fk`` square-free."""
    out = []
    a = monic(p)
    b = derivative(a, i)
    c = _euclid(a, b, i) if b else a
    w = divide(a, c)
    y = divide(b, c) if b else {}
    k = 1
    while degree(w, i) > 0:
        z = add(y, derivative(w, i), -1)
        g = _euclid(w, z, i) if z else monic(w)
        if degree(g, i) > 0:
            out.append((g, k))
        w = divide(w, g)
        y = divide(z, g) if z else {}
        k += 1
    return out


def _divisors(n: int) -> list:
    n = abs(n)
    if n > 10**12:
        return [1]
    small = [d for d in range(1, int(n**0.5) + 1) if n % d == 0 and d <= 10**6]
    return sorted(set(small + [n // d for d in small]))


def rational_roots(p: Poly, i: int) -> list:
    """The rational roots of a univariate ``p`` (generator ``i``), each once (candidates
    ``±a/b`` with ``a | p(0)``, ``b | leading coefficient``, as the rational root
    theorem says; numbers beyond 10**12 are not searched)."""
    c = content(p)
    ints = {m[i]: int(Fraction(v) / c) for m, v in p.items()}
    low = min(ints)
    a0, an = ints[low], ints[max(ints)]
    roots = set() if low == 0 else {Fraction(0)}
    for a in _divisors(a0):
        for b in _divisors(an):
            for r in (Fraction(a, b), Fraction(-a, b)):
                charge(1, "searching rational roots")
                if r not in roots and sum(v * r ** k for k, v in ints.items()) == 0:
                    roots.add(r)
    return sorted(roots)
