"""Exact numbers: folding primitives on ints and Fractions without rounding, within budget.

Constant folding never goes through a float when the answer has an exact meaning:
``sign(1e-400)`` is 1, ``floor(9007199254740993)`` is itself. Every exact result is checked
against the active budget's size limit (:func:`chainrule.core.budget.exact_fits`) *before*
it is computed, so ``2^(10^100)`` is left unevaluated instead of filling memory. When a
number has to become a float (evaluation), :func:`to_float` rounds it correctly and gives
``±inf`` or ``0.0`` for what a float cannot hold, never ``OverflowError``.

>>> from fractions import Fraction
>>> fold_exact("sign", [Fraction(1, 10**400)])
1
>>> fold_exact("floor", [9007199254740993]) - 9007199254740992
1
>>> to_float(10**400)
inf
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..core.budget import exact_fits

__all__ = ["left_unfolded", "Exact", "to_float", "bits", "exact_power", "exact_root", "fold_exact",
           "normal", "fits_float"]

Exact = (int, Fraction)
_FLOAT_MAX_EXP = 1024


def normal(v: Fraction | int) -> Fraction | int:
    """An int when the value is whole, else the Fraction."""
    if isinstance(v, Fraction) and v.denominator == 1:
        return v.numerator
    return v


def bits(v: Any) -> int:
    """Size of an exact number in bits (numerator or denominator, whichever is larger)."""
    if isinstance(v, Fraction):
        return max(v.numerator.bit_length(), v.denominator.bit_length())
    if isinstance(v, int):
        return v.bit_length()
    return 0


def to_float(v: Any) -> float:
    """``float(v)`` for an int or Fraction, correctly rounded; ``±inf`` beyond the float
    range and ``0.0`` below it instead of ``OverflowError``. Other values pass through."""
    if not isinstance(v, Exact) or isinstance(v, bool):
        return v
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def fits_float(v: Any) -> bool:
    """Whether an exact number survives ``float()`` without overflow or total underflow."""
    if not isinstance(v, Exact) or v == 0:
        return True
    f = to_float(v)
    return math.isfinite(f) and f != 0.0


def exact_power(b: Fraction | int, e: int) -> Fraction | int | None:
    """``b ** e`` exactly, or ``None`` if the result would be larger than the budget
    allows (or is undefined, ``0 ** -1``)."""
    if b == 0 and e < 0:
        return None
    if b in (0, 1) or e == 0:
        return normal(Fraction(b) ** e)
    if b == -1:
        return 1 if e % 2 == 0 else -1
    if not exact_fits(bits(b) * abs(e)):
        return None
    return normal(Fraction(b) ** e)


def _iroot(n: int, q: int) -> int | None:
    """The integer ``r >= 0`` with ``r ** q == n`` (``n >= 0``), or ``None``."""
    if n < 2:
        return n
    if q > n.bit_length():  # 2**q > n: no integer root (and r ** q would be huge)
        return None
    if q == 2:
        r = math.isqrt(n)
        return r if r * r == n else None
    r = 1 << -(-n.bit_length() // q)  # an upper bound; Newton's method from above
    while True:
        s = ((q - 1) * r + n // r ** (q - 1)) // q
        if s >= r:
            break
        r = s
    return r if r ** q == n else None


def exact_root(b: Fraction | int, e: Fraction) -> Fraction | int | None:
    """``b ** e`` for a non-integer ``e = p/q`` when it is rational: ``4 ** (1/2) = 2``
    (``b >= 0``); ``None`` otherwise or beyond the budget."""
    if b < 0:
        return None
    b = Fraction(b)
    if not exact_fits(bits(b) * abs(e.numerator)):
        return None
    num, den = _iroot(b.numerator, e.denominator), _iroot(b.denominator, e.denominator)
    if num is None or den is None:
        return None
    return exact_power(Fraction(num, den), e.numerator)


def _arith(name: str, a: Any, b: Any) -> Any:
    if name in ("add", "subtract"):
        if not exact_fits(max(bits(a), bits(b)) * 2 + 1):
            return None
        return normal(Fraction(a) + b if name == "add" else Fraction(a) - b)
    if name == "multiply":
        return normal(Fraction(a) * b) if exact_fits(bits(a) + bits(b)) else None
    if name == "divide":
        if b == 0 or not exact_fits(bits(a) + bits(b)):
            return None
        return normal(Fraction(a) / b)
    if name == "power":
        e = Fraction(b)
        return exact_power(a, int(e)) if e.denominator == 1 else exact_root(a, e)
    return _MORE2[name](a, b) if name in _MORE2 else None


def _round_half_even(v: Any) -> int:
    return round(Fraction(v))


_EXACT1 = {
    "negative": lambda v: -v, "absolute": abs, "sign": lambda v: (v > 0) - (v < 0),
    "floor": math.floor, "ceil": math.ceil, "trunc": math.trunc, "round": _round_half_even,
    "relu": lambda v: v if v > 0 else 0, "isfinite": lambda v: 1, "isnan": lambda v: 0,
    "isinf": lambda v: 0,
}
_MORE2 = {
    "maximum": max, "minimum": min,
    "floor_divide": lambda a, b: (Fraction(a) // b) if b != 0 else None,
    "remainder": lambda a, b: normal(Fraction(a) % b) if b != 0 else None,
    "greater": lambda a, b: int(a > b), "greater_equal": lambda a, b: int(a >= b),
    "less": lambda a, b: int(a < b), "less_equal": lambda a, b: int(a <= b),
    "equal": lambda a, b: int(a == b), "not_equal": lambda a, b: int(a != b),
}

# f(v) at exact points where the value is exact (sin(0) = 0, sqrt(4) = 2 is done by roots)
_SPECIAL = {
    ("exp", 0): 1, ("log", 1): 0, ("sin", 0): 0, ("cos", 0): 1, ("tan", 0): 0,
    ("sinh", 0): 0, ("cosh", 0): 1, ("tanh", 0): 0, ("arcsin", 0): 0, ("arctan", 0): 0,
    ("arccos", 1): 0, ("arcsinh", 0): 0, ("arctanh", 0): 0, ("log1p", 0): 0,
    ("expm1", 0): 0, ("log2", 1): 0, ("log10", 1): 0, ("exp2", 0): 1,
    ("sigmoid", 0): Fraction(1, 2), ("arccosh", 1): 0,
    # SciPy's special functions (chainrule.scipy.special)
    ("erf", 0): 0, ("erfc", 0): 1, ("erfinv", 0): 0, ("erfcinv", 1): 0, ("gamma", 1): 1,
    ("gamma", 2): 1, ("gammaln", 1): 0, ("gammaln", 2): 0, ("expit", 0): Fraction(1, 2),
    ("logit", Fraction(1, 2)): 0, ("i0", 0): 1, ("i1", 0): 0, ("j0", 0): 1, ("j1", 0): 0,
}


def fold_exact(name: str, vals: list) -> Any:
    """The exact value of primitive ``name`` at exact arguments, or ``None`` when it is
    not an exact number (``sin(1)``), is undefined (``1/0``) or is beyond the budget."""
    if len(vals) == 1:
        v = vals[0]
        if name in _EXACT1:
            return normal(Fraction(_EXACT1[name](v)))
        if (name, v) in _SPECIAL:
            return _SPECIAL[name, v]
        if name in ("sqrt", "cbrt"):
            if name == "cbrt" and v < 0:
                r = exact_root(-v, Fraction(1, 3))
                return None if r is None else -r
            return exact_root(v, Fraction(1, 2 if name == "sqrt" else 3))
        if name == "log2" or name == "exp2":
            return _log2_exp2(name, v)
        return None
    if len(vals) == 2:
        return _arith(name, vals[0], vals[1])
    return None


def _log2_exp2(name: str, v: Any) -> Any:
    if name == "exp2":
        return exact_power(2, int(v)) if isinstance(v, int) or v.denominator == 1 else None
    v = Fraction(v)
    for part in (v.numerator, v.denominator):
        if part & (part - 1):  # not a power of two
            return None
    return v.numerator.bit_length() - v.denominator.bit_length()


def left_unfolded(node: Any) -> bool:
    """Exact arithmetic on constants that ``make`` left unevaluated because the result
    would be beyond the size budget (roots of negative numbers are left too, but they are
    not large)."""
    if getattr(node.op, "name", None) not in (
            "add", "subtract", "multiply", "divide", "power"):
        return False
    vals = [a.value for a in node.args if a.op == "const"]
    if len(vals) != 2 or not all(isinstance(v, (int, Fraction)) for v in vals):
        return False
    if node.op.name == "power":  # 2^(1/2) is irrational, not too large
        b, e = Fraction(vals[0]), Fraction(vals[1])
        size = max(b.numerator.bit_length(), b.denominator.bit_length())
        return not exact_fits(size * abs(e.numerator))
    return True
