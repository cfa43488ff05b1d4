"""Parsing formulas written as text into expressions.

A hand-written tokenizer and precedence-climbing parser; user text is never evaluated.
Nodes are built with :func:`~chainrule.symbolic.expr.make`, so a parsed formula is the
very graph that tracing the same Python code with chainrule primitives builds.

Grammar, loosest binding first::

    formula := expr ['=' expr]                    an equation gives an Equation
    expr    := term (('+' | '-') term)*
    term    := factor (('*' | '/' | implicit) factor)*
    factor  := ('+' | '-') factor | power
    power   := atom [('**' | '^') factor]        right-associative: -x**2 is -(x**2)
    atom    := number | name | name '(' expr (',' expr)* ')' | '(' expr ')'

Numbers are exact: ``2`` is an int, ``2.5`` and ``1e-3`` are Fractions. ``e`` is the
node ``exp(1)`` and ``pi`` the exact constant pi (printed ``e`` and ``pi``); they become
floats only when a formula is evaluated, so ``sin(pi)`` is exactly 0.
``ln`` and ``log`` are the natural log, ``log(x, b) = log(x)/log(b)``, ``sec``, ``csc``
and ``cot`` are ``1/cos``, ``1/sin`` and ``1/tan``. The Unicode signs ``−``, ``×``,
``·`` and ``÷`` read as ``-``, ``*``, ``*`` and ``/``.

Implicit multiplication binds exactly like ``*`` (so ``2x^2`` is ``2*(x**2)`` and
``1/2x`` is ``(1/2)*x``). It is inserted only between

* a number and a following name or ``(``: ``2x``, ``2 sin(x)``, ``3(x+1)``;
* a ``)`` and a following ``(``, name or number: ``(x+1)(x-1)``, ``(x+1)x``, ``(x)2``;
* two names separated by whitespace: ``x y`` is ``x*y``.

A name followed by ``(`` is always a function call (``x(y)`` is an error, write
``x*(y)``), and a function name must be followed by ``(``. A name glued to a number is
split into one-letter symbols when it is all letters and not a known name: ``3xy`` is
``3*x*y`` (and ``2xe`` is ``2*x*e``), while a standalone ``xy``, or ``2 xy``, is the one
symbol ``xy``. A glued name containing a known name (``2sinx``, ``2pix``) is an error,
as are ``x 2`` and ``2 3``.

>>> from chainrule.symbolic.parse import parse
>>> parse("2x^2 + 3(x - 1)") is parse("2*x**2 + 3*(x - 1)")
True
>>> parse("(x+1)(x-1) = 0").rhs
0
>>> parse("sinn(x)")
Traceback (most recent call last):
  ...
chainrule.symbolic.parse.ParseError: unknown function 'sinn'; did you mean 'sin'?
  sinn(x)
  ^
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from ..core import registry
from ..core.budget import exact_fits
from . import _special
from ._domain import divides_by_zero
from ._make import pi_node
from ._names import check_name, display_width, normalize
from ._numbers import left_unfolded
from .expr import Const, Expr, Symbol, make, walk_postorder

__all__ = ["parse", "ParseError", "Equation", "FUNCTIONS", "CONSTANTS"]

_P = registry()
_MAX_DIGITS = 100  # digits in one number literal
_MAX_TEN_POWER = 400  # |E| in a literal like 1eE
_ALIASES = {"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u00f7": "/"}
_OPS = frozenset("+-*/^=,()")
_DIGITS = frozenset("0123456789")
_NUMBER = re.compile(r"([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")


class ParseError(ValueError):
    """A formula that cannot be parsed; ``column`` (0-based) is where ``text`` goes wrong.

    ``str(err)`` is the message, the formula, and a caret under the column.
    """

    def __init__(self, message: str, text: str, column: int) -> None:
        super().__init__(message)
        self.message, self.text, self.column = message, text, column

    def __reduce__(self) -> tuple:
        return (type(self), (self.message, self.text, self.column))

    def __str__(self) -> str:
        start = max(0, min(self.column - 38, len(self.text) - 76))
        shown = self.text[start:start + 76]
        shown = "".join(c if c.isprintable() else "?" for c in shown)
        left = "..." if start > 0 else ""
        right = "..." if start + 76 < len(self.text) else ""
        pad = " " * (2 + len(left) + display_width(self.text[start:self.column]))
        return f"{self.message}\n  {left}{shown}{right}\n{pad}^"


@dataclass(frozen=True, eq=False)
class Equation:
    """``lhs = rhs``; equal to another equation with the same two sides (by identity)."""

    lhs: Expr
    rhs: Expr

    def as_zero(self) -> Expr:
        """``lhs - rhs``, which is zero exactly where the equation holds."""
        return make(_P["subtract"], (self.lhs, self.rhs), {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Equation) and self.lhs is other.lhs and self.rhs is other.rhs

    def __hash__(self) -> int:
        return hash((self.lhs, self.rhs))

    def __str__(self) -> str:
        return f"{self.lhs} = {self.rhs}"


class _Function(NamedTuple):
    low: int
    high: int
    build: Callable[[list], Expr]


def _mk(name: str, *args: Expr) -> Expr:
    return make(_P[name], args, {})


def _direct(prim: str, n: int = 1) -> _Function:
    return _Function(n, n, lambda a: _mk(prim, *a))


def _reciprocal(prim: str) -> _Function:
    return _Function(1, 1, lambda a: _mk("divide", Const(1), _mk(prim, a[0])))


def _log(args: list) -> Expr:
    if len(args) == 1:
        return _mk("log", args[0])
    return _mk("divide", _mk("log", args[0]), _mk("log", args[1]))


_UNARY = ("sin cos tan sinh cosh tanh arcsin arccos arctan arcsinh arccosh arctanh exp exp2 "
          "log2 log10 log1p expm1 sqrt cbrt absolute sign sigmoid softplus relu floor ceil")
_ALIAS_NAMES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh",
                "acosh": "arccosh", "atanh": "arctanh", "abs": "absolute",
                "expit": "sigmoid", "logistic": "sigmoid"}

FUNCTIONS: dict[str, _Function] = {name: _direct(name) for name in _UNARY.split()}
FUNCTIONS.update({alias: FUNCTIONS[name] for alias, name in _ALIAS_NAMES.items()})
FUNCTIONS.update({
    "sec": _reciprocal("cos"), "csc": _reciprocal("sin"), "cot": _reciprocal("tan"),
    "arctan2": _direct("arctan2", 2), "atan2": _direct("arctan2", 2),
    "hypot": _direct("hypot", 2),
    "log": _Function(1, 2, _log), "ln": _Function(1, 1, _log),
})
CONSTANTS: dict[str, Callable[[], Expr]] = {
    "e": lambda: _mk("exp", Const(1)),
    "pi": pi_node,
}
_LONG_NAMES = sorted((n for n in (*FUNCTIONS, *CONSTANTS) if len(n) > 1), key=len)


class _Token(NamedTuple):
    kind: str  # "num", "name", "end", or the operator: + - * / ** = , ( )
    text: str  # as written
    pos: int
    spaced: bool  # whitespace right before it


def _tokenize(text: str) -> list[_Token]:
    """Split ``text`` into tokens, ending with an ``end`` token."""
    tokens, i, spaced, n = [], 0, False, len(text)
    while i < n:
        c = _ALIASES.get(text[i], text[i])
        if c.isspace():
            i, spaced = i + 1, True
            continue
        if c in _DIGITS or (c == "." and text[i + 1:i + 2] in _DIGITS):
            j, kind = _NUMBER.match(text, i).end(), "num"
        elif c.isidentifier():
            j, kind = i + 1, "name"
            while j < n and ("a" + text[j]).isidentifier():
                j += 1
        elif text.startswith("**", i):
            j, kind = i + 2, "**"
        elif c in _OPS:
            j, kind = i + 1, "**" if c == "^" else c
        else:
            raise ParseError(f"unexpected character {c!r}", text, i)
        tokens.append(_Token(kind, normalize(text[i:j]) if kind == "name" else text[i:j],
                             i, spaced))
        i, spaced = j, False
    tokens.append(_Token("end", "", n, spaced))
    return _split_glued(tokens, text)


def _split_glued(tokens: list[_Token], text: str) -> list[_Token]:
    """Split an unknown all-letter name glued to a number into one-letter names: ``3xy``
    reads ``3 x y``. A name followed by ``(`` stays whole: it is a function call."""
    out: list[_Token] = []
    for i, tok in enumerate(tokens):
        name = tok.text
        if (tok.kind != "name" or i == 0 or tokens[i - 1].kind != "num" or tok.spaced
                or len(name) == 1 or not all(c.isalpha() and c.isidentifier() for c in name)
                or name in FUNCTIONS
                or name in CONSTANTS or tokens[i + 1].kind == "("):
            out.append(tok)
            continue
        for known in _LONG_NAMES:
            if known in name:
                raise ParseError(f"'{name}' after a number is ambiguous: it contains "
                                 f"'{known}'; separate the factors with '*' or spaces",
                                 text, tok.pos)
        out.extend(_Token("name", c, tok.pos + k, False) for k, c in enumerate(name))
    return out


def _describe(tok: _Token) -> str:
    return "the end of the formula" if tok.kind == "end" else f"'{tok.text}'"


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, text: str, max_depth: int, max_exponent: int) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0
        self.prev: _Token | None = None
        self.depth = 0
        self.max_depth = max_depth
        self.max_exponent = max_exponent

    def error(self, message: str, column: int) -> ParseError:
        return ParseError(message, self.text, column)

    def peek(self) -> _Token:
        return self.tokens[self.pos]

    def next(self) -> _Token:
        tok = self.tokens[self.pos]
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        self.prev = tok
        return tok

    def formula(self) -> Expr | Equation:
        if self.peek().kind == "end":
            raise self.error("empty formula", 0)
        lhs = self.expr()
        if self.peek().kind != "=":
            self.expect_end()
            return lhs
        self.next()
        rhs = self.expr()
        if self.peek().kind == "=":
            raise self.error("a formula can contain only one '='", self.peek().pos)
        self.expect_end()
        return Equation(lhs, rhs)

    def expect_end(self) -> None:
        tok = self.peek()
        if tok.kind == ")":
            raise self.error("unmatched ')'", tok.pos)
        if tok.kind != "end":
            raise self.error(f"expected an operator or the end of the formula, found "
                             f"{_describe(tok)}", tok.pos)

    def expr(self) -> Expr:
        left = self.term()
        while self.peek().kind in ("+", "-"):
            tok = self.next()
            right = self.term()
            left = self.build("add" if tok.kind == "+" else "subtract", (left, right), tok)
        return left

    def term(self) -> Expr:
        left = self.factor()
        while True:
            tok = self.peek()
            if tok.kind in ("*", "/"):
                self.next()
                right = self.factor()
                left = self.build("multiply" if tok.kind == "*" else "divide",
                                  (left, right), tok)
            elif self.implicit(tok):
                left = self.build("multiply", (left, self.factor()), tok)
            else:
                return left

    def implicit(self, tok: _Token) -> bool:
        """Whether ``tok`` starts a factor multiplied implicitly by the previous one."""
        prev = self.prev.kind if self.prev is not None else ""
        return ((prev == "num" and tok.kind in ("name", "("))
                or (prev == ")" and tok.kind in ("(", "name", "num"))
                or (prev == "name" and tok.kind == "name"))

    def factor(self) -> Expr:
        tok = self.peek()
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                raise self.error(f"formula nested too deeply (max_depth={self.max_depth})",
                                 tok.pos)
            if tok.kind not in ("+", "-"):
                return self.power()
            self.next()
            operand = self.factor()
            return operand if tok.kind == "+" else self.build("negative", (operand,), tok)
        finally:
            self.depth -= 1

    def power(self) -> Expr:
        base = self.atom()
        tok = self.peek()
        if tok.kind != "**":
            return base
        self.next()
        exponent = self.factor()
        self.check_power(base, exponent, tok)
        return self.build("power", (base, exponent), tok)

    def check_power(self, base: Expr, exponent: Expr, tok: _Token) -> None:
        """Refuse huge constant exponents, and constants too large to compute."""
        if exponent.op != "const":
            return
        e = exponent.value
        if abs(e) > self.max_exponent:
            raise self.error(f"exponent {exponent} is too large (max_exponent="
                             f"{self.max_exponent})", tok.pos)
        b = base.value if base.op == "const" else None
        if isinstance(b, (int, Fraction)) and isinstance(e, (int, Fraction)):
            b, e = Fraction(b), Fraction(e)
            if e.denominator != 1 and b < 0:
                return  # not folded
            bits = max(b.numerator.bit_length(), b.denominator.bit_length())
            if not exact_fits(bits * abs(e.numerator)):
                raise self.error("the constant power is too large to compute (raise the "
                                 "limit with chainrule.budget(digits=...))", tok.pos)

    def atom(self) -> Expr:
        tok = self.next()
        if tok.kind == "num":
            return Const(self.number(tok))
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "(":
            inner = self.expr()
            self.close(tok)
            return inner
        raise self.error(f"expected an expression, found {_describe(tok)}", tok.pos)

    def close(self, opening: _Token) -> None:
        tok = self.next()
        if tok.kind == "end":
            raise self.error("unmatched '('", opening.pos)
        if tok.kind != ")":
            raise self.error(f"expected ')' to close the '(' at column {opening.pos}, "
                             f"found {_describe(tok)}", tok.pos)

    def number(self, tok: _Token) -> int | Fraction:
        whole, frac, ten = _NUMBER.fullmatch(tok.text).groups()
        frac = frac or ""
        if len(whole) + len(frac) > _MAX_DIGITS:
            raise self.error(f"number with more than {_MAX_DIGITS} digits", tok.pos)
        if ten is not None and (len(ten) > 6 or abs(int(ten)) > _MAX_TEN_POWER):
            raise self.error(f"power of ten beyond 1e{_MAX_TEN_POWER} in a number", tok.pos)
        if ten is None and "." not in tok.text:
            return int(whole)
        scale = (int(ten) if ten else 0) - len(frac)
        mantissa = int(whole + frac or "0")
        return mantissa * 10**scale if scale >= 0 else Fraction(mantissa, 10**-scale)

    def name(self, tok: _Token) -> Expr:
        name = tok.text
        if self.peek().kind == "(":
            return self.call(tok)
        if name in FUNCTIONS:
            raise self.error(f"function '{name}' needs its arguments in parentheses: "
                             f"{name}(...)", tok.pos)
        if name in CONSTANTS:
            return CONSTANTS[name]()
        problem = check_name(name)
        if problem is not None:
            offset, message = problem
            raise self.error(message, tok.pos + offset)
        return _symbol(name)

    def call(self, tok: _Token) -> Expr:
        opening = self.next()
        args = []
        if self.peek().kind != ")":
            args.append(self.expr())
            while self.peek().kind == ",":
                self.next()
                args.append(self.expr())
        self.close(opening)
        func = FUNCTIONS.get(tok.text)
        if func is None and tok.text in _special.ARITY:
            return self.special(tok, args)
        if func is None:
            problem = check_name(tok.text)  # sіn with a Cyrillic і
            if problem is not None:
                raise self.error(problem[1], tok.pos + problem[0])
            raise self.error(_unknown(tok.text), tok.pos)
        if not func.low <= len(args) <= func.high:
            count = str(func.low) if func.low == func.high else f"{func.low} or {func.high}"
            plural = "" if func.high == 1 else "s"
            raise self.error(f"{tok.text}() takes {count} argument{plural}, got {len(args)}",
                             tok.pos)
        return self.checked(lambda: func.build(args), tok)

    def special(self, tok: _Token, args: list) -> Expr:
        """A call of one of SciPy's special functions (:mod:`._special`)."""
        n = _special.ARITY[tok.text]
        if len(args) != n:
            raise self.error(f"{tok.text}() takes {n} argument{'s' * (n > 1)}, got "
                             f"{len(args)}", tok.pos)
        try:
            return self.checked(lambda: _special.build(tok.text, args), tok)
        except ParseError:
            raise
        except (ValueError, ImportError) as exc:  # an order that is not an integer; no SciPy
            raise self.error(str(exc), tok.pos) from None

    def build(self, prim: str, args: tuple, tok: _Token) -> Expr:
        return self.checked(lambda: make(_P[prim], args, {}), tok)

    def checked(self, build: Callable[[], Expr], tok: _Token) -> Expr:
        """Run ``build``; a constant it cannot fold, or folds too large, is an error."""
        try:
            node = build()
        except ArithmeticError as exc:
            raise self.error(f"cannot compute this constant ({exc})", tok.pos) from None
        if divides_by_zero(node):
            raise self.error("cannot compute this constant (division by zero)", tok.pos)
        if left_unfolded(node):
            raise self.error("numeric constant too large", tok.pos)
        v = node.value if node.op == "const" else None
        if isinstance(v, float) and math.isnan(v):
            raise self.error("this constant is undefined (a pole, such as tan(pi/2))",
                             tok.pos)
        if isinstance(v, (int, Fraction)) and not exact_fits(max(
                Fraction(v).numerator.bit_length(), Fraction(v).denominator.bit_length())):
            raise self.error("numeric constant too large", tok.pos)
        return node


def _symbol(name: str) -> Expr:
    # Interned: Symbol keys on the id of its name string, so Symbol("x") and a Symbol built
    # from another "x" string object would be different nodes.
    return Symbol(sys.intern(name))


def _unknown(name: str) -> str:
    if name in CONSTANTS:
        return f"'{name}' is a constant, not a function; write '{name}*(...)' to multiply"
    close = difflib.get_close_matches(name, sorted({*FUNCTIONS, *_special.NAMES}), n=1)
    if close:
        return f"unknown function '{name}'; did you mean '{close[0]}'?"
    return f"unknown function '{name}'; write '{name}*(...)' to multiply"


def _size(result: Expr | Equation) -> int:
    if isinstance(result, Equation):
        return len(walk_postorder(result.lhs)) + len(walk_postorder(result.rhs))
    return len(walk_postorder(result))


def parse(text: str, *, max_length: int = 2000, max_depth: int = 100,
          max_exponent: int = 1000, max_nodes: int = 20000) -> Expr | Equation:
    """The expression (or :class:`Equation`) written in ``text``; see the module docs.

    Raises :class:`ParseError` for any text that is not a formula or is beyond a limit:
    longer than ``max_length`` characters, nested deeper than ``max_depth``, with a
    constant exponent beyond ``max_exponent`` in absolute value, or giving a graph of more
    than ``max_nodes`` nodes. ``text`` must be a ``str`` (else ``TypeError``).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() needs a str, got {type(text).__name__}")
    if len(text) > max_length:
        raise ParseError(f"formula longer than max_length={max_length} characters", text,
                         max_length)
    parser = _Parser(text, max_depth, max_exponent)
    try:
        result = parser.formula()
    except RecursionError:
        raise ParseError("formula nested too deeply for the Python stack", text,
                         parser.peek().pos) from None
    if _size(result) > max_nodes:
        raise ParseError(f"formula too large: more than max_nodes={max_nodes} nodes", text, 0)
    return result
