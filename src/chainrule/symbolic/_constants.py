"""The exact constants pi and e, and the exact values of trigonometric functions at
rational multiples of pi.

``pi`` is a node of its own: a primitive of no arguments that is not in the registry (it
has nothing to differentiate), evaluated to ``math.pi`` only when a number is asked for.
``e`` is the node ``exp(1)``. ``sin(pi/6)`` folds to ``1/2``, ``cos(pi/4)`` to
``sqrt(2)/2``, ``tan(pi/2)`` to NaN (undefined), ``arctan(1)`` to ``pi/4``.

>>> from chainrule.symbolic import parse
>>> parse("sin(pi/6) + cos(pi)")
-1/2
>>> parse("tan(pi/3)")
sqrt(3)
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..core import Primitive

__all__ = ["PI", "pi_multiple", "trig_value", "inverse_trig"]

PI = Primitive("pi", lambda: math.pi, rule="constant rule", statement="pi' = 0",
               domain="", samples=None)


def _const_value(e: Any) -> Any:
    return e.value if e.op == "const" else None


def pi_multiple(e: Any, depth: int = 0) -> Fraction | None:
    """``q`` if ``e`` is written as ``q * pi`` with ``q`` rational (``pi/2``, ``-2*pi/3``,
    ``pi + pi/4``...), else ``None``. Looks at most a few levels deep."""
    if e.op is PI:
        return Fraction(1)
    if depth > 6 or not isinstance(e.op, Primitive):
        return None
    name = e.op.name
    if name == "negative":
        q = pi_multiple(e.args[0], depth + 1)
        return None if q is None else -q
    if name in ("multiply", "divide"):
        a, b = e.args
        ca, cb = _const_value(a), _const_value(b)
        if name == "multiply" and isinstance(ca, (int, Fraction)):
            q = pi_multiple(b, depth + 1)
            return None if q is None else q * ca
        if isinstance(cb, (int, Fraction)) and cb != 0:
            q = pi_multiple(a, depth + 1)
            return None if q is None else (q * cb if name == "multiply" else q / cb)
        return None
    if name in ("add", "subtract"):
        qa = pi_multiple(e.args[0], depth + 1)
        qb = pi_multiple(e.args[1], depth + 1) if qa is not None else None
        if qb is None:
            return None
        return qa + qb if name == "add" else qa - qb
    return None


# sin(t * pi / 12) for t = 0..12 as (rational, radicand): value = rational * sqrt(radicand)
_SIN12 = {0: (0, 1), 2: (Fraction(1, 2), 1), 3: (Fraction(1, 2), 2), 4: (Fraction(1, 2), 3),
          6: (1, 1), 8: (Fraction(1, 2), 3), 9: (Fraction(1, 2), 2), 10: (Fraction(1, 2), 1),
          12: (0, 1)}
_TAN12 = {0: (0, 1), 2: (Fraction(1, 3), 3), 3: (1, 1), 4: (1, 3), 6: None,
          8: (-1, 3), 9: (-1, 1), 10: (Fraction(-1, 3), 3)}


def _sin12(t: int) -> tuple | None:
    t %= 24
    sign = 1
    if t > 12:
        t, sign = t - 12, -1
    v = _SIN12.get(t)
    return None if v is None else (sign * v[0], v[1])


def trig_value(name: str, q: Fraction) -> tuple | None:
    """``sin``, ``cos`` or ``tan`` of ``q * pi`` as ``(a, r)`` meaning ``a * sqrt(r)``;
    ``("undefined",)`` at a pole of tan; ``None`` when the value is not that simple."""
    t = q * 12
    if t.denominator != 1:
        return None
    t = int(t % 24)
    if name == "sin":
        return _sin12(t)
    if name == "cos":
        return _sin12(t + 6)
    if name == "tan":
        if t % 12 not in _TAN12:
            return None
        v = _TAN12[t % 12]
        return ("undefined",) if v is None else v
    return None


_INVERSE = {
    ("arcsin", 1): Fraction(1, 2), ("arcsin", -1): Fraction(-1, 2),
    ("arcsin", Fraction(1, 2)): Fraction(1, 6), ("arcsin", Fraction(-1, 2)): Fraction(-1, 6),
    ("arccos", -1): 1, ("arccos", 0): Fraction(1, 2), ("arccos", Fraction(1, 2)):
        Fraction(1, 3), ("arccos", Fraction(-1, 2)): Fraction(2, 3),
    ("arctan", 1): Fraction(1, 4), ("arctan", -1): Fraction(-1, 4),
}


def inverse_trig(name: str, v: Any) -> Fraction | None:
    """``q`` with ``name(v) = q * pi`` at the exact points of the table, else ``None``."""
    try:
        return _INVERSE.get((name, v))
    except TypeError:
        return None
