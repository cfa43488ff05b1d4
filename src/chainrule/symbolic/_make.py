"""The light simplification every node gets when it is built (used by ``make``).

Only rewrites that are valid wherever the expression is defined, and that do not make it
defined where it was not: constants folded exactly (:mod:`._numbers`), trigonometric
functions of rational multiples of pi (:mod:`._constants`), ``x + 0``, ``x * 1``,
``x ** 1``, ``-(-x)``, ``log(exp(u)) = u``; ``x * 0``, ``x - x`` and ``0 / x`` become 0
only when ``x`` is defined almost everywhere (:mod:`._domain`), so ``log(x) * 0`` stays.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..core import Primitive, registry
from ..core.budget import BudgetExceeded
from ._constants import PI, inverse_trig, pi_multiple, trig_value
from ._domain import nonneg, smooth, total
from ._numbers import Exact, exact_power, fits_float, fold_exact, to_float
from .expr import Const, Expr, _intern, is_const

__all__ = ["light", "pi_node", "times_pi"]

_P = registry()
_FLOAT_FOLD = frozenset("sign floor ceil trunc round absolute relu maximum minimum".split())


def pi_node() -> Expr:
    """The exact constant pi."""
    return _intern(PI, (), ())


def _mk(name: str, *args: Expr) -> Expr:
    from .expr import make
    return make(_P[name], args, {})


def times_pi(q: Fraction | int) -> Expr:
    """``q * pi`` as a node (``0`` for ``q = 0``)."""
    return _mk("multiply", Const(q), pi_node())


def _fold(prim: Primitive, args: tuple, params: dict) -> Expr | None:
    """Fold a primitive applied to constants: exactly where the result is exact; in float
    arithmetic only when an argument already is a float and nothing else overflows."""
    vals = [a.value for a in args]
    if not vals:
        return None
    name = prim.name
    if all(isinstance(v, Exact) for v in vals):
        q = inverse_trig(name, vals[0]) if len(vals) == 1 else None
        if q is not None:
            return times_pi(q)
        r = fold_exact(name, vals)
        return None if r is None else Const(r)
    if not (prim.differentiable or name in _FLOAT_FOLD):
        return None
    if not any(isinstance(v, float) for v in vals) or not all(fits_float(v) for v in vals):
        return None
    import numpy as np
    with np.errstate(all="ignore"):
        return Const(float(prim.impl(*[to_float(v) for v in vals], **params)))


def _sqrt_times(a: Any, r: int) -> Expr:
    if r == 1 or a == 0:
        return Const(a)
    return _mk("multiply", Const(a), _mk("sqrt", Const(r)))


def _special(name: str, args: tuple) -> Expr | None:
    """Exact values at pi multiples, ``log(exp(u))``, powers of ``sqrt(c)``."""
    if name in ("sin", "cos", "tan"):
        q = pi_multiple(args[0])
        v = None if q is None else trig_value(name, q)
        if v is None:
            return None
        return Const(math.nan) if v[0] == "undefined" else _sqrt_times(*v)
    if name == "log" and isinstance(args[0].op, Primitive) and args[0].op.name == "exp":
        return args[0].args[0]
    if name == "exp" and isinstance(args[0].op, Primitive) and args[0].op.name == "log" \
            and nonneg(args[0].args[0]):  # exp(log(u)) = u only where u >= 0
        return args[0].args[0]
    if name == "power":
        base, x = args
        if isinstance(base.op, Primitive) and base.op.name == "exp" and \
                base.args[0].op == "const" and base.args[0].value == 1:
            return _mk("exp", x)  # e^u is exp(u), everywhere
        if isinstance(base.op, Primitive) and base.op.name == "sqrt" and \
                base.args[0].op == "const" and isinstance(base.args[0].value, Exact) and \
                base.args[0].value >= 0 and x.op == "const" and isinstance(x.value, int):
            whole = exact_power(base.args[0].value, x.value // 2)
            if whole is not None:
                return Const(whole) if x.value % 2 == 0 else \
                    _mk("multiply", Const(whole), base)
    return None


def _zero_unless(zero_ok: bool) -> Expr | None:
    return Const(0) if zero_ok else None


def _identity(name: str, args: tuple) -> Expr | None:
    """x + 0, x * 1, x ** 1, x ** 0, -(-x), x / 1, x - 0; x * 0, x - x, 0 / x when x is
    defined almost everywhere."""
    if name == "negative":
        (a,) = args
        return a.args[0] if a.op is _P["negative"] else None
    if len(args) != 2:
        return None
    a, b = args
    if name == "add":
        return b if is_const(a, 0) else a if is_const(b, 0) else None
    if name == "subtract":
        if is_const(b, 0):
            return a
        if a is b:
            return _zero_unless(total(a))
        return _mk("negative", b) if is_const(a, 0) else None
    if name == "multiply":
        if is_const(a, 0) or is_const(b, 0):
            other = b if is_const(a, 0) else a
            return _zero_unless(total(other))
        return b if is_const(a, 1) else a if is_const(b, 1) else None
    if name == "divide":
        if is_const(a, 0) and not is_const(b, 0):
            return _zero_unless(total(b) and smooth(b))
        return a if is_const(b, 1) else None
    if name == "power":
        if is_const(b, 0):
            return Const(1)
        return a if is_const(b, 1) else None
    return None


_COMPARE = {"equal": lambda a, b: a == b, "not_equal": lambda a, b: a != b,
            "greater": lambda a, b: a > b, "greater_equal": lambda a, b: a >= b,
            "less": lambda a, b: a < b, "less_equal": lambda a, b: a <= b}


def _logic(name: str, args: tuple) -> Expr | None:
    """Comparisons and ``where``. Expressions are *generic*: ``x == 0`` is false for a
    symbol ``x``, as it is for all but a measure-zero set of values (rules use such tests
    only to guard special points)."""
    if name in _COMPARE:
        a, b = args
        if a.op == "const" and b.op == "const":  # Python compares int, Fraction, float exactly
            return Const(int(_COMPARE[name](a.value, b.value)))
        if name in ("equal", "not_equal"):
            return Const(int((a is b) == (name == "equal")))
        return None
    if name == "where" and args[0].op == "const":
        return args[1] if args[0].value else args[2]
    return None


_SHORTCUTS = frozenset({"add", "subtract", "multiply", "divide", "power", "negative"})


def light(prim: Primitive, args: tuple, params: dict) -> Expr | None:
    """An existing or folded node equal to ``prim(*args)``, or ``None`` to build it."""
    name = prim.name
    if name in _SHORTCUTS:
        same = _identity(name, args)
        if same is not None:
            return same
    elif name == "where" or name in _COMPARE:
        same = _logic(name, args)
        if same is not None:
            return same
    for a in args:
        if a.op != "const":
            break
    else:
        try:
            folded = _fold(prim, args, params)
        except BudgetExceeded:
            raise
        except (ArithmeticError, ValueError, TypeError):  # leave it unevaluated
            folded = None
        if folded is not None:
            return folded
    if name in ("sin", "cos", "tan", "log", "exp", "power"):
        return _special(name, args)
    return None
