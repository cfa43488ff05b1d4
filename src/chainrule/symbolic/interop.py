"""Conversion to and from SymPy (optional; SymPy is never needed to differentiate).

Only expression objects are converted, never strings, so nothing here evaluates text.

>>> from chainrule.symbolic import symbols, to_sympy, from_sympy
>>> import chainrule.numpy as cnp
>>> x, = symbols("x")
>>> e = x**2 * cnp.sin(x)
>>> from_sympy(to_sympy(e)) is e
True
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..core import Primitive, registry
from .expr import Const, Expr, Symbol, make, walk_postorder

__all__ = ["to_sympy", "from_sympy"]

# chainrule primitive name -> SymPy function name (when they differ)
_TO = {"absolute": "Abs", "arcsin": "asin", "arccos": "acos", "arctan": "atan",
       "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh", "arctan2": "atan2",
       "log": "log", "sign": "sign", "floor": "floor", "ceil": "ceiling"}


def _sympy():
    try:
        import sympy
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("to_sympy/from_sympy need SymPy: pip install sympy") from err
    return sympy


def _convert_node(sp, name: str, args: list) -> Any:
    simple = {"add": lambda a, b: a + b, "subtract": lambda a, b: a - b,
              "multiply": lambda a, b: a * b, "divide": lambda a, b: a / b,
              "power": lambda a, b: a ** b, "negative": lambda a: -a,
              "sqrt": sp.sqrt, "exp": sp.exp,
              "cbrt": lambda a: sp.Piecewise((-(-a) ** sp.Rational(1, 3), a < 0),
                                             (a ** sp.Rational(1, 3), True)),  # real root
              "expm1": lambda a: sp.exp(a) - 1, "log1p": lambda a: sp.log(1 + a),
              "log2": lambda a: sp.log(a, 2), "log10": lambda a: sp.log(a, 10),
              "exp2": lambda a: 2 ** a, "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
              "softplus": lambda a: sp.log(1 + sp.exp(a)),
              "relu": lambda a: sp.Max(a, 0), "hypot": lambda a, b: sp.sqrt(a**2 + b**2),
              "greater": lambda a, b: sp.Piecewise((1, a > b), (0, True))}
    if name in simple:
        return simple[name](*args)
    fn = getattr(sp, _TO.get(name, name), None)
    if fn is None:
        raise ValueError(f"no SymPy equivalent for the primitive {name!r}")
    return fn(*args)


def to_sympy(expr: Expr) -> Any:
    """The SymPy expression for ``expr``."""
    sp = _sympy()
    out: dict[int, Any] = {}
    for node in walk_postorder(expr):
        if node.op == "sym":
            out[id(node)] = sp.Symbol(node.args[0], real=True)
        elif node.op == "const":
            v = node.value
            out[id(node)] = sp.Rational(v.numerator, v.denominator) if isinstance(
                v, Fraction) else sp.Integer(v) if isinstance(v, int) else sp.Float(v)
        else:
            out[id(node)] = _convert_node(sp, node.op.name, [out[id(a)] for a in node.args])
    return out[id(expr)]


_FROM = {"Abs": "absolute", "asin": "arcsin", "acos": "arccos", "atan": "arctan",
         "asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh", "atan2": "arctan2",
         "ceiling": "ceil"}


def from_sympy(obj: Any) -> Expr:
    """The chainrule expression for a SymPy expression."""
    sp = _sympy()
    prims = registry()
    if isinstance(obj, sp.Symbol):
        return Symbol(obj.name)
    if isinstance(obj, sp.Rational):
        return Const(Fraction(int(obj.p), int(obj.q)))
    if isinstance(obj, sp.Float):
        return Const(float(obj))
    if obj is sp.E:
        return make(prims["exp"], (Const(1),), {})
    if obj is sp.pi:
        return Const(math.pi)  # as parse("pi"): pi has no exact form here
    if obj.is_Number:
        return Const(float(obj))
    if isinstance(obj, sp.Piecewise):  # the real cube root, as to_sympy writes it
        last, cond = obj.args[-1]
        if cond == sp.true and isinstance(last, sp.Pow) and last.exp == sp.Rational(1, 3):
            return make(prims["cbrt"], (from_sympy(last.base),), {})
        raise ValueError(f"cannot convert the piecewise expression {obj}")
    args = [from_sympy(a) for a in obj.args]
    if isinstance(obj, (sp.Add, sp.Mul)):
        prim = prims["add" if isinstance(obj, sp.Add) else "multiply"]
        out = args[0]
        for a in args[1:]:
            out = make(prim, (out, a), {})
        return out
    if isinstance(obj, sp.Pow):
        base, e = args
        if e.op == "const" and e.value == Fraction(1, 2):
            return make(prims["sqrt"], (base,), {})
        return make(prims["power"], (base, e), {})
    name = _FROM.get(type(obj).__name__, type(obj).__name__)
    prim = prims.get(name)
    if not isinstance(prim, Primitive):
        raise ValueError(f"SymPy function {type(obj).__name__!r} has no chainrule primitive")
    return make(prim, tuple(args), {})
