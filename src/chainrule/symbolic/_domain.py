"""Facts about where an expression is defined, so that rewrites never widen its domain.

``log(x) - log(x)`` is undefined for ``x <= 0``; rewriting it to ``0`` would make it
defined there, and a Taylor polynomial or tangent line would then be given at a point
where the function does not exist. The simplifier therefore cancels or merges a part only
when that loses at most a set without interior (isolated points such as ``x = 0`` in
``x/x``). It asks three questions, each answered conservatively from the structure:

- :func:`total`: defined (not NaN) everywhere except on a set without interior (poles
  allowed). ``log``, ``sqrt``, ``arcsin``... and non-integer powers are not total.
- :func:`smooth`: built only from functions that are not constant on any interval
  (no ``floor``, ``sign``, ``relu``...), so its zeros have no interior either.
- :func:`nonneg`: known to be ``>= 0`` wherever defined (``exp``, ``sqrt``, ``abs``, ...).

>>> from chainrule.symbolic import parse
>>> total(parse("x/(x^2 - 1) + exp(x)")), total(parse("log(x)"))
(True, False)
>>> smooth(parse("x*sin(x)")), smooth(parse("relu(x)"))
(True, False)
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..core import Primitive
from ._constants import PI

__all__ = ["total", "smooth", "nonneg", "positive", "is_integer_const", "divides_by_zero"]

_SMOOTH_TOTAL = frozenset(
    "add subtract multiply divide negative exp exp2 expm1 sin cos tan sinh cosh tanh "
    "arctan arcsinh sigmoid softplus cbrt absolute hypot arctan2 "
    "erf erfc expit i0 i1 j0 j1 gamma gammaln digamma beta".split())  # poles are isolated
_ORDERED = {"polygamma": 0, "jn": None}  # total in x for a constant integer order n
_PIECEWISE_TOTAL = frozenset(
    "relu floor ceil sign trunc round maximum minimum where greater greater_equal less "
    "less_equal equal not_equal isfinite isnan isinf".split())
_RESTRICTED_SMOOTH = frozenset(
    "log log2 log10 log1p sqrt arcsin arccos arccosh arctanh power "
    "erfinv erfcinv logit y0 y1 yn betaln".split())  # SciPy's: |x| < 1, 0 < x < 2, ...
_NONNEG = frozenset("exp exp2 cosh sigmoid softplus absolute sqrt relu expit erfc i0".split())
_POSITIVE = frozenset("exp exp2 cosh sigmoid softplus expit erfc i0".split())
_LOGS = frozenset("log log2 log10".split())


def is_integer_const(e: Any) -> bool:
    """Whether ``e`` is a number (or constant node) with an integer value."""
    v = e.value if hasattr(e, "op") and e.op == "const" else e
    if hasattr(v, "op"):
        return False
    if isinstance(v, (int, Fraction)):
        return Fraction(v).denominator == 1
    return isinstance(v, float) and v.is_integer()


def _flags(e: Any) -> tuple[bool, bool]:
    """``(total, smooth)`` of one node from its arguments' flags (cached in the node)."""
    if e.op == "sym" or e.op is PI:
        return True, True
    if e.op == "const":
        v = e.value
        finite = not isinstance(v, float) or math.isfinite(v)
        return finite, finite and v != 0
    if not isinstance(e.op, Primitive):
        return False, False
    name = e.op.name
    if name in _ORDERED:  # polygamma(n, x), jn(n, x): as smooth and total as x
        n, x = e.args
        least = _ORDERED[name]
        ok = is_integer_const(n) and (least is None or n.value >= least)
        t, s = _cached(x)
        return t and ok, s and ok
    arg_total = arg_smooth = True
    for a in e.args:
        t, s = _cached(a)
        arg_total, arg_smooth = arg_total and t, arg_smooth and s
    if name in ("divide", "power") and _pole_everywhere(name, e.args):
        return False, False  # 1/0 or 0**-1: undefined, not just at isolated points
    if name == "power":
        ok = is_integer_const(e.args[1]) or positive(e.args[0])
        return arg_total and ok, arg_smooth
    if name in _SMOOTH_TOTAL:
        return arg_total, arg_smooth
    if name in _PIECEWISE_TOTAL:
        return arg_total, False
    if name in _RESTRICTED_SMOOTH:  # total where the argument is known to be inside
        inside = positive(e.args[0]) if name in _LOGS else \
            name in ("sqrt", "log1p") and nonneg(e.args[0])
        return arg_total and inside, arg_smooth
    return False, False  # unknown primitives: assume the worst


def divides_by_zero(e: Any) -> bool:
    """A quotient by the constant 0, or 0 to a negative constant power: a node that is
    undefined wherever it is evaluated (``make`` leaves it unevaluated)."""
    return isinstance(e.op, Primitive) and e.op.name in ("divide", "power") and \
        _pole_everywhere(e.op.name, e.args)


def _pole_everywhere(name: str, args: tuple) -> bool:
    if name == "divide":
        return args[1].op == "const" and args[1].value == 0
    base, x = args
    return base.op == "const" and base.value == 0 and x.op == "const" and x.value < 0


def _cached(e: Any) -> tuple[bool, bool]:
    c = e.cache
    if c is not None and "dom" in c:
        return c["dom"]
    # iterative over the arguments not yet known, so deep graphs cannot overflow the stack
    stack = [e]
    while stack:
        node = stack[-1]
        if node.cache is not None and "dom" in node.cache:
            stack.pop()
            continue
        todo = [a for a in node.args if isinstance(node.op, Primitive)
                and (a.cache is None or "dom" not in a.cache)]
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        if node.cache is None:
            node.cache = {}
        node.cache["dom"] = _flags(node)
    return e.cache["dom"]


def total(e: Any) -> bool:
    """Defined everywhere but on a set without interior (see the module docstring)."""
    return _cached(e)[0]


def smooth(e: Any) -> bool:
    """Not constant on any interval, so zero only on a set without interior."""
    return _cached(e)[1]


def nonneg(e: Any, depth: int = 0) -> bool:
    """Known to be ``>= 0`` wherever it is defined (looking at most 32 levels deep)."""
    if depth > 32:
        return False
    if e.op == "const":
        return bool(e.value >= 0)
    if e.op is PI:
        return True
    if not isinstance(e.op, Primitive):
        return False
    name = e.op.name
    if name in _NONNEG:
        return True
    if name in ("add", "multiply", "divide", "hypot", "maximum"):
        return all(nonneg(a, depth + 1) for a in e.args) if name != "maximum" else \
            any(nonneg(a, depth + 1) for a in e.args)
    if name == "power":
        x = e.args[1]
        return (x.op == "const" and is_integer_const(x) and int(x.value) % 2 == 0) \
            or nonneg(e.args[0], depth + 1)
    return False


def positive(e: Any, depth: int = 0) -> bool:
    """Known to be ``> 0`` wherever it is defined (looking at most 32 levels deep), so
    that ``log(x**2 + 1)``, ``log(2)`` or ``(exp(x) + 1)**(1/2)`` count as total.

    >>> from chainrule.symbolic import parse
    >>> positive(parse("exp(x) + x^2")), positive(parse("x^2")), total(parse("log(2)"))
    (True, False, True)
    """
    if depth > 32:
        return False
    if e.op == "const":
        return bool(e.value > 0)
    if e.op is PI:
        return True
    if not isinstance(e.op, Primitive):
        return False
    name = e.op.name
    if name in _POSITIVE:
        return True
    if name == "add":
        return all(nonneg(a, depth + 1) for a in e.args) and \
            any(positive(a, depth + 1) for a in e.args)
    if name in ("multiply", "divide"):
        return all(positive(a, depth + 1) for a in e.args)
    if name in ("power", "sqrt"):
        return positive(e.args[0], depth + 1)
    if name == "hypot":
        return any(positive(a, depth + 1) for a in e.args)
    return False
