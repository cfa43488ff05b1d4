"""``chainrule.symbolic``: formulas as expression graphs, differentiated by the same rules.

>>> from chainrule.symbolic import symbols, diff
>>> import chainrule.numpy as cnp
>>> x = symbols("x")[0]
>>> diff(x**2 * cnp.sin(x), x)
2*x*sin(x) + x**2*cos(x)
"""

from ._algebra import cancel, collect, expand, factor, together
from ._mathml import mathml as mathml  # MathML printer (lab); explicit re-export
from ._textbook import tidy
from ._trig import trigsimp
from .calculus import diff, evaluate, gradient, hessian, jacobian, lambdify, subs
from .expr import Const, Expr, Symbol, symbols
from .interop import from_sympy, to_sympy
from .parse import Equation, ParseError, parse
from .printing import latex, sizes, to_str, to_str_shared
from .simplify import simplify
from .steps import Step, steps

__all__ = [
    "Const", "Equation", "Expr", "ParseError", "Step", "Symbol", "diff", "evaluate",
    "from_sympy", "gradient", "hessian", "jacobian", "lambdify", "latex", "parse", "simplify",
    "sizes", "steps", "subs", "symbols", "to_str", "to_str_shared", "to_sympy",
    "expand", "factor", "together", "cancel", "collect", "trigsimp", "tidy",
]
