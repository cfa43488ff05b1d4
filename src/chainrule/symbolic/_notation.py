"""The names a formula may call: functions, constants, inverse and log-base spellings.

Every entry builds nodes of the shared rule table with :func:`~.expr.make`, so a parsed
formula is the graph that tracing the same code with chainrule primitives builds.
``ln`` and ``log`` are the natural log, ``log(x, b)`` and ``log_b x`` are
``log(x)/log(b)``; ``sec``, ``csc`` and ``cot`` are ``1/cos``, ``1/sin`` and ``cos/sin``
(and print so: :mod:`._spelling`).
Functions registered with :mod:`chainrule.extend` are found by their name too.

>>> lookup("ln").build([Const(1)])
0
>>> inverse_name("tan")
'arctan'
>>> lookup("log_2").build([Const(8)])
log(8)/log(2)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..core import registry
from . import _special
from ._make import pi_node
from .expr import Const, Expr, make

__all__ = ["FUNCTIONS", "CONSTANTS", "LONG_NAMES", "lookup", "is_function", "inverse_name",
           "known_names"]

_P = registry()


class Function(NamedTuple):
    low: int
    high: int
    build: Callable[[list], Expr]


def _mk(name: str, *args: Expr) -> Expr:
    return make(_P[name], args, {})


def _direct(prim: str, n: int = 1) -> Function:
    return Function(n, n, lambda a: _mk(prim, *a))


def _reciprocal(prim: str) -> Function:
    return Function(1, 1, lambda a: _mk("divide", Const(1), _mk(prim, a[0])))


def _cot(args: list) -> Expr:
    """``cos(u)/sin(u)``: defined wherever sin(u) != 0 (``1/tan(u)`` would not be at the
    zeros of cos(u), where the cotangent is 0)."""
    return _mk("divide", _mk("cos", args[0]), _mk("sin", args[0]))


def _log(args: list) -> Expr:
    if len(args) == 1:
        return _mk("log", args[0])
    return _mk("divide", _mk("log", args[0]), _mk("log", args[1]))


_UNARY = ("sin cos tan sinh cosh tanh arcsin arccos arctan arcsinh arccosh arctanh exp exp2 "
          "log2 log10 log1p expm1 sqrt cbrt absolute sign sigmoid softplus relu floor ceil")
_ALIAS_NAMES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh",
                "acosh": "arccosh", "atanh": "arctanh", "abs": "absolute",
                "expit": "sigmoid", "logistic": "sigmoid"}
_INVERSES = {"sin": "arcsin", "cos": "arccos", "tan": "arctan", "sinh": "arcsinh",
             "cosh": "arccosh", "tanh": "arctanh"}

FUNCTIONS: dict[str, Function] = {name: _direct(name) for name in _UNARY.split()}
FUNCTIONS.update({alias: FUNCTIONS[name] for alias, name in _ALIAS_NAMES.items()})
FUNCTIONS.update({
    "sec": _reciprocal("cos"), "csc": _reciprocal("sin"), "cot": Function(1, 1, _cot),
    "arctan2": _direct("arctan2", 2), "atan2": _direct("arctan2", 2),
    "hypot": _direct("hypot", 2),
    "log": Function(1, 2, _log), "ln": Function(1, 1, _log),
})
CONSTANTS: dict[str, Callable[[], Expr]] = {
    "e": lambda: _mk("exp", Const(1)),
    "pi": pi_node,
}
LONG_NAMES = sorted((n for n in (*FUNCTIONS, *CONSTANTS) if len(n) > 1), key=len)


def _log_base(name: str) -> Function | None:
    """``log_b`` for a written integer base b >= 2 (at most 6 digits), else None."""
    digits = name[4:]
    if not (name.startswith("log_") and digits.isdigit() and len(digits) <= 6):
        return None
    base = int(digits)
    if base < 2:
        return None
    return Function(1, 1, lambda a: _log([a[0], Const(base)]))


def _extended(name: str) -> Function | None:
    """A function registered through :mod:`chainrule.extend`, by its name."""
    from ..extend import formula_arity  # the module is light; imported at first use

    n = formula_arity(name)
    if n is None:
        return None
    prim = registry()[name]  # registered after this module's table was taken
    return Function(n, n, lambda a: make(prim, tuple(a), {}))


def lookup(name: str) -> Function | None:
    """The function a formula calls ``name`` (not SciPy's special ones), or None."""
    found = FUNCTIONS.get(name)
    if found is None and name.startswith("log_"):
        found = _log_base(name)
    return found if found is not None else _extended(name)


def is_function(name: str) -> bool:
    """Whether ``name`` is a function a formula may apply without parentheses (``sin x``).

    SciPy's special functions are not: ``gamma``, ``beta`` and ``psi`` stay symbols unless
    a ``(`` follows.
    """
    return lookup(name) is not None or (name.startswith("log_") and name[4:].isdigit())


def inverse_name(name: str) -> str | None:
    """The inverse function that ``name^-1`` writes (``sin^-1`` is ``arcsin``), or None."""
    return _INVERSES.get(_ALIAS_NAMES.get(name, name))


def known_names() -> list[str]:
    """Names to suggest for a misspelled function."""
    return sorted({*FUNCTIONS, *_special.NAMES})
