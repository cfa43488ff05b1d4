"""SciPy's special functions in formulas: their names, printing and SymPy equivalents.

``erf``, ``gamma``, ``digamma``, the Bessel functions... are primitives of the shared rule
table, registered with their derivative rules by :mod:`chainrule.scipy.special`; the
symbolic layer differentiates them with those rules, as it does ``sin``. This module only
says how a formula names them, how they print in LaTeX and which SymPy functions they
are. SciPy stays optional: the primitives are loaded when a formula first calls one, and
without SciPy that call is refused with a message saying how to install it.

Names are SciPy's (``gammaln``, ``digamma``, ``j0``); formulas may also use SymPy's
spellings (``loggamma``, ``psi``, ``besselj(0, x)``), which read as the same primitives.

>>> from chainrule.symbolic import parse, latex
>>> parse("besselj(0, x) + loggamma(x)")
j0(x) + gammaln(x)
>>> latex(parse("gamma(x)*psi(x)"))
'\\\\Gamma\\\\left(x\\\\right) \\\\psi\\\\left(x\\\\right)'
"""

from __future__ import annotations

from typing import Any

from ..core import Primitive, registry
from .expr import Expr, make

__all__ = ["NAMES", "ARITY", "build", "load", "latex_call", "LATEX_NAMES", "to_sympy",
           "from_sympy"]

_UNARY = "erf erfc erfinv erfcinv gamma gammaln digamma logit i0 i1 j0 j1 y0 y1".split()
_ALIASES = {"psi": "digamma", "loggamma": "gammaln", "lgamma": "gammaln"}
_BINARY = ("beta", "betaln")
_ORDERED = {"polygamma": 0, "jn": None, "yn": None}  # order n: least value (None: any int)
_BESSEL = {"besselj": ("j0", "j1", "jn"), "bessely": ("y0", "y1", "yn"),
           "besseli": ("i0", "i1", None)}  # SymPy's name -> orders 0, 1, n
_MAX_ORDER = 1000

ARITY: dict[str, int] = {**{n: 1 for n in (*_UNARY, *_ALIASES)},
                         **{n: 2 for n in (*_BINARY, *_ORDERED, *_BESSEL)}}
NAMES = frozenset(ARITY)


def load() -> bool:
    """Whether SciPy's special functions are registered (importing them at first use)."""
    try:
        import scipy.special  # noqa: F401 (only checks that SciPy is there)
    except ImportError:
        return False
    import chainrule.scipy.special  # noqa: F401 (registers the primitives)
    return True


def _prim(name: str) -> Primitive:
    if not load():
        raise ImportError(f"{name}() needs SciPy, an optional extra of chainrule: "
                          'install it with  pip install "chainrule[scipy]"')
    return registry()[name]


def _order(name: str, n: Expr, least: int | None) -> int:
    v = n.value if n.op == "const" else None
    if not isinstance(v, int) or (least is not None and v < least) or abs(v) > _MAX_ORDER:
        kind = "a non-negative integer" if least == 0 else "an integer"
        raise ValueError(f"{name}(n, x): the order n must be {kind} constant, at most "
                         f"{_MAX_ORDER} in absolute value; got {n}")
    return v


def build(name: str, args: list) -> Expr:
    """The node for ``name(*args)`` as a formula writes it.

    Raises ``ValueError`` for an order that is not a constant integer, ``ImportError``
    without SciPy.
    """
    name = _ALIASES.get(name, name)
    if name in _BESSEL:
        order = _order(name, args[0], 0 if name == "besseli" else None)
        names = _BESSEL[name]
        if order < 2:
            return make(_prim(names[order]), (args[1],), {})
        if names[2] is None:
            raise ValueError(f"{name}(n, x) is available for n = 0 and 1 only (i0, i1)")
        return make(_prim(names[2]), tuple(args), {})
    if name in _ORDERED:
        _order(name, args[0], _ORDERED[name])
    return make(_prim(name), tuple(args), {})


# ---------------------------------------------------------------------------------------
# LaTeX

_HEADS = {
    "erf": r"\operatorname{erf}", "erfc": r"\operatorname{erfc}",
    "erfinv": r"\operatorname{erf}^{-1}", "erfcinv": r"\operatorname{erfc}^{-1}",
    "gamma": r"\Gamma", "digamma": r"\psi", "beta": r"\mathrm{B}", "expit": r"\sigma",
    "logit": r"\operatorname{logit}", "i0": "I_{0}", "i1": "I_{1}", "j0": "J_{0}",
    "j1": "J_{1}", "y0": "Y_{0}", "y1": "Y_{1}",
}
LATEX_NAMES = frozenset((*_HEADS, "gammaln", "betaln", "polygamma", "jn", "yn"))


def latex_call(name: str, texts: list) -> str | None:
    """LaTeX for the special function ``name`` applied to arguments printed as ``texts``,
    or ``None`` if ``name`` is not one of them."""
    if name in _HEADS:
        return rf"{_HEADS[name]}\left({', '.join(texts)}\right)"
    if name == "gammaln":  # SciPy's gammaln is ln|Gamma(x)|
        return rf"\ln\left|\Gamma\left({texts[0]}\right)\right|"
    if name == "betaln":
        return rf"\ln\left|\mathrm{{B}}\left({texts[0]}, {texts[1]}\right)\right|"
    if name == "polygamma":
        return rf"\psi^{{({texts[0]})}}\left({texts[1]}\right)"
    if name in ("jn", "yn"):
        return rf"{name[0].upper()}_{{{texts[0]}}}\left({texts[1]}\right)"
    return None


# ---------------------------------------------------------------------------------------
# SymPy

def to_sympy(sp: Any, name: str, args: list) -> Any:
    """The SymPy expression for the special function ``name``, or ``None``.

    ``gammaln`` becomes ``loggamma``: equal for x > 0; for x < 0 SciPy's ``gammaln`` is
    ``ln|Gamma(x)|``, the real part of SymPy's complex ``loggamma``."""
    table = {
        "erf": sp.erf, "erfc": sp.erfc, "erfinv": sp.erfinv, "erfcinv": sp.erfcinv,
        "gamma": sp.gamma, "gammaln": sp.loggamma, "digamma": sp.digamma,
        "polygamma": sp.polygamma, "beta": sp.beta,
        "betaln": lambda a, b: sp.log(sp.beta(a, b)),
        "expit": lambda a: 1 / (1 + sp.exp(-a)), "logit": lambda a: sp.log(a / (1 - a)),
        "i0": lambda a: sp.besseli(0, a), "i1": lambda a: sp.besseli(1, a),
        "j0": lambda a: sp.besselj(0, a), "j1": lambda a: sp.besselj(1, a),
        "y0": lambda a: sp.bessely(0, a), "y1": lambda a: sp.bessely(1, a),
        "jn": sp.besselj, "yn": sp.bessely,
    }
    fn = table.get(name)
    return None if fn is None else fn(*args)


_FROM_SYMPY = {"erf", "erfc", "erfinv", "erfcinv", "gamma", "loggamma", "beta", "digamma",
               "polygamma", *_BESSEL}


def from_sympy(name: str, args: list) -> Expr | None:
    """The node for the SymPy function called ``name`` on converted ``args``, or ``None``
    if it is not a special function (``polygamma(0, x)`` is ``digamma(x)``)."""
    if name not in _FROM_SYMPY:
        return None
    if name == "polygamma" and args[0].op == "const" and args[0].value == 0:
        name, args = "digamma", args[1:]
    return build(name, args)
