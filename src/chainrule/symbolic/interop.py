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

from fractions import Fraction
from typing import Any

from ..core import Primitive, registry
from ..core.budget import DEFAULTS, BudgetExceeded, current, exact_fits
from . import _special
from ._constants import PI
from ._make import pi_node
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


def _pow(sp, a: Any, b: Any) -> Any:
    """``a ** b``; refused (:class:`BudgetExceeded`) when SymPy would compute a rational
    power beyond the size budget: ``2**(10**100)`` would never finish."""
    if isinstance(a, sp.Rational) and isinstance(b, sp.Rational):
        size = max(int(a.p).bit_length(), int(a.q).bit_length())
        if not exact_fits(size * abs(int(b.p))):
            b_ = current()
            raise BudgetExceeded("digits", b_.digits if b_ else DEFAULTS["digits"],
                                 f"converting {a}**{b} to SymPy, which would compute it")
    return a ** b


def _convert_node(sp, name: str, args: list) -> Any:
    simple = {"add": lambda a, b: a + b, "subtract": lambda a, b: a - b,
              "multiply": lambda a, b: a * b, "divide": lambda a, b: a / b,
              "power": lambda a, b: _pow(sp, a, b), "negative": lambda a: -a,
              "sqrt": sp.sqrt, "exp": sp.exp,
              "cbrt": lambda a: sp.Piecewise((-(-a) ** sp.Rational(1, 3), a < 0),
                                             (a ** sp.Rational(1, 3), True)),  # real root
              "expm1": lambda a: sp.exp(a) - 1, "log1p": lambda a: sp.log(1 + a),
              "log2": lambda a: sp.log(a, 2), "log10": lambda a: sp.log(a, 10),
              "exp2": lambda a: _pow(sp, sp.Integer(2), a),
              "sigmoid": lambda a: 1 / (1 + sp.exp(-a)),
              "softplus": lambda a: sp.log(1 + sp.exp(a)),
              "relu": lambda a: sp.Piecewise((a, a > 0), (0, True)),
              "hypot": lambda a, b: sp.sqrt(a**2 + b**2),
              "greater": lambda a, b: sp.Piecewise((1, a > b), (0, True))}
    if name in simple:
        return simple[name](*args)
    special = _special.to_sympy(sp, name, args)
    if special is not None:
        return special
    fn = getattr(sp, _TO.get(name, name), None)
    if fn is None:
        raise ValueError(f"no SymPy equivalent for the primitive {name!r}")
    return fn(*args)


def to_sympy(expr: Expr) -> Any:
    """The SymPy expression for ``expr`` (pi and e become ``sympy.pi`` and ``sympy.E``)."""
    sp = _sympy()
    out: dict[int, Any] = {}
    for node in walk_postorder(expr):
        if node.op == "sym":
            out[id(node)] = sp.Symbol(node.args[0], real=True)
        elif node.op == "const":
            v = node.value
            out[id(node)] = sp.Rational(v.numerator, v.denominator) if isinstance(
                v, Fraction) else sp.Integer(v) if isinstance(v, int) else sp.Float(v)
        elif node.op is PI:
            out[id(node)] = sp.pi
        else:
            out[id(node)] = _convert_node(sp, node.op.name, [out[id(a)] for a in node.args])
    return out[id(expr)]


_FROM = {"Abs": "absolute", "asin": "arcsin", "acos": "arccos", "atan": "arctan",
         "asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh", "atan2": "arctan2",
         "ceiling": "ceil"}


def _leaf(sp, obj: Any) -> Expr | None:
    """The node for a SymPy atom, or ``None`` if ``obj`` has arguments to convert."""
    if isinstance(obj, sp.Symbol):
        return Symbol(obj.name)
    if isinstance(obj, sp.Rational):
        return Const(Fraction(int(obj.p), int(obj.q)))
    if isinstance(obj, sp.Float):
        return Const(float(obj))
    if obj is sp.E:
        return make(registry()["exp"], (Const(1),), {})
    if obj is sp.pi:
        return pi_node()
    if obj.is_Number:
        raise ValueError(f"cannot convert the SymPy number {obj} (not a real number)")
    return None


def _node(sp, obj: Any, args: list) -> Expr:
    prims = registry()
    if isinstance(obj, sp.Piecewise):  # the real cube root, as to_sympy writes it
        last, cond = obj.args[-1]
        if cond == sp.true and isinstance(last, sp.Pow) and last.exp == sp.Rational(1, 3):
            return make(prims["cbrt"], (from_sympy(last.base),), {})
        (first, when), = obj.args[:1]
        if len(obj.args) == 2 and last == 0 and when == (first > 0):  # relu, as written
            return make(prims["relu"], (from_sympy(first),), {})
        raise ValueError(f"cannot convert the piecewise expression {obj}")
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
    special = _special.from_sympy(name, args)
    if special is not None:
        return special
    prim = prims.get(name)
    if not isinstance(prim, Primitive):
        raise ValueError(f"SymPy function {type(obj).__name__!r} has no chainrule primitive")
    return make(prim, tuple(args), {})


def from_sympy(obj: Any) -> Expr:
    """The chainrule expression for a SymPy expression (walked without recursion)."""
    sp = _sympy()
    done: dict[int, Expr] = {}
    keep = []  # SymPy objects whose ids are keys of done
    stack = [obj]
    while stack:
        o = stack[-1]
        if id(o) in done:
            stack.pop()
            continue
        leaf = _leaf(sp, o)
        if leaf is None and not isinstance(o, sp.Piecewise):
            todo = [a for a in o.args if id(a) not in done]
            if todo:
                stack.extend(todo)
                continue
        stack.pop()
        keep.append(o)
        done[id(o)] = leaf if leaf is not None else _node(
            sp, o, [] if isinstance(o, sp.Piecewise) else [done[id(a)] for a in o.args])
    return done[id(obj)]
