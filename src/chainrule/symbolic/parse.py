"""Parsing formulas written as text into expressions.

A hand-written tokenizer (:mod:`._lexer`) and recursive-descent parser; user text is never
evaluated. Nodes are built with :func:`~chainrule.symbolic.expr.make`, so a parsed formula
is the very graph that tracing the same Python code with chainrule primitives builds.
Function notation (calls, ``sin x``, ``cos^2 x``, ``|x|``, ``√x``) is read by
:mod:`._application`; the names a formula may call are listed in :mod:`._notation`.

Precedence, loosest binding first::

    formula := expr ['=' expr]                    an equation gives an Equation
    expr    := term (('+' | '-') term)*
    term    := factor (('*' | '/' | implicit) factor)*     left to right: 1/2x is x/2
    factor  := ('+' | '-') factor | power                  -x^2 is -(x^2)
    power   := atom [('**' | '^') factor | superscript]    right-associative: x^y^z
    atom    := number | name | constant | call | application | '(' expr ')'
               | '|' expr '|' | ('√' | '∛') factor

Numbers are exact: ``2`` is an int, ``2.5`` and ``1e-3`` are Fractions. ``e`` is the
node ``exp(1)`` and ``pi`` (or ``π``) the exact constant pi (printed ``e`` and ``pi``);
they become floats only when a formula is evaluated, so ``sin(pi)`` is exactly 0.
``e^u`` is ``exp(u)``: ``e^-x``, ``e^(2x)``, ``e^x^2`` is ``exp(x**2)``; ``e^2x`` is
refused as ambiguous (calculators differ: write ``e^(2x)`` or ``e^2*x``).
``x²``, ``x⁻¹``: a run of superscript digits is an exponent, binding like ``^``.

Implicit multiplication binds exactly like ``*``, left to right (so ``2x^2`` is
``2*(x**2)``, ``1/2x`` and ``1/2 x`` are ``(1/2)*x``, and ``2x/3y`` is ``(2*x/3)*y``).
It is inserted only between

* a number and a following name, ``(``, ``|`` or root: ``2x``, ``2 sin(x)``, ``3(x+1)``;
* a ``)``, a closing ``|`` or a superscript and a following ``(``, name, ``|`` or root,
  and between ``)`` or ``|`` and a number: ``(x+1)(x-1)``, ``|x|(x+1)``, ``x²y``, ``(x)2``;
* two names: ``x y`` is ``x*y``, ``πx`` is ``pi*x``, and a name and ``|`` or a root.

A name followed by ``(`` is a call (``x(y)`` is an error, write ``x*(y)``). A function
name not followed by ``(`` takes the implicit product that follows (see
:mod:`._application`): ``sin x^2`` is ``sin(x**2)``, ``sin 2x cos x`` is
``sin(2*x)*cos(x)``. A name glued to a number is split into one-letter symbols when it
is all letters and not a known name: ``3xy`` is ``3*x*y`` (and ``2xe`` is ``2*x*e``),
while a standalone ``xy``, or ``2 xy``, is the one symbol ``xy``. A glued name containing
a known name (``2sinx``, ``2pix``) is an error, as are ``x 2`` and ``2 3``.

>>> from chainrule.symbolic.parse import parse
>>> parse("2x^2 + 3(x - 1)") is parse("2*x**2 + 3*(x - 1)")
True
>>> parse("(x+1)(x-1) = 0").rhs
0
>>> parse("e^-x + x² − π")
exp(-x) + x**2 - pi
>>> parse("sinn(x)")
Traceback (most recent call last):
  ...
chainrule.symbolic.parse.ParseError: unknown function 'sinn'; did you mean 'sin'?
  sinn(x)
  ^
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction

from ..core import registry
from ..core.budget import exact_fits
from ._application import Notation, describe
from ._domain import divides_by_zero
from ._lexer import NUMBER, ParseError, Token, split_glued, superscript_value, tokenize
from ._notation import CONSTANTS, FUNCTIONS, LONG_NAMES
from ._numbers import left_unfolded
from .expr import Const, Expr, make, walk_postorder

__all__ = ["parse", "ParseError", "Equation", "FUNCTIONS", "CONSTANTS"]

_P = registry()
_MAX_DIGITS = 100  # digits in one number literal
_MAX_TEN_POWER = 400  # |E| in a literal like 1eE
_KNOWN = frozenset((*FUNCTIONS, *CONSTANTS))
# What may follow each kind of token to start an implicitly multiplied factor.
_IMPLICIT = {
    "num": ("name", "(", "|", "root"),
    ")": ("(", "name", "num", "|", "root"),
    "|)": ("(", "name", "num", "|", "root"),
    "sup": ("(", "name", "|", "root"),
    "name": ("name", "|", "root"),
}


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

    def _repr_latex_(self) -> str:
        from .printing import latex
        return f"${latex(self.lhs)} = {latex(self.rhs)}$"


def _is_e(node: Expr) -> bool:
    return (node.op != "const" and node.op != "sym" and node.op.name == "exp"
            and node.args[0].op == "const" and node.args[0].value == 1)


class _Parser(Notation):
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, text: str, max_depth: int, max_exponent: int) -> None:
        self.text = text
        self.tokens = split_glued(tokenize(text), text, _KNOWN, LONG_NAMES)
        self.pos = 0
        self.prev: Token | None = None
        self.depth = 0
        self.max_depth = max_depth
        self.max_exponent = max_exponent
        self.bars = 0

    @contextmanager
    def deeper(self, tok: Token) -> Iterator[None]:
        """Count one more level of nesting while inside; too deep is an error."""
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                raise self.error(f"formula nested too deeply (max_depth={self.max_depth})",
                                 tok.pos)
            yield
        finally:
            self.depth -= 1

    def error(self, message: str, column: int) -> ParseError:
        return ParseError(message, self.text, column)

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def next(self) -> Token:
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
                             f"{describe(tok)}", tok.pos)

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

    def implicit(self, tok: Token) -> bool:
        """Whether ``tok`` starts a factor multiplied implicitly by the previous one."""
        if tok.kind == "|" and self.bars:
            return False  # it closes a bar
        prev = self.prev.kind if self.prev is not None else ""
        return tok.kind in _IMPLICIT.get(prev, ())

    def factor(self) -> Expr:
        tok = self.peek()
        with self.deeper(tok):
            if tok.kind not in ("+", "-"):
                return self.power()
            self.next()
            operand = self.factor()
            return operand if tok.kind == "+" else self.build("negative", (operand,), tok)

    def power(self) -> Expr:
        base = self.atom()
        tok = self.peek()
        if tok.kind == "sup":
            self.next()
            exponent = Const(superscript_value(tok.text))
        elif tok.kind == "**":
            self.next()
            if _is_e(base):
                self.check_glued_exponent(tok)
            exponent = self.factor()
        else:
            return base
        self.check_power(base, exponent, tok)
        if _is_e(base):
            return self.build("exp", (exponent,), tok)
        return self.build("power", (base, exponent), tok)

    def check_glued_exponent(self, caret: Token) -> None:
        """Refuse ``e^2x``, which calculators read differently, as ambiguous."""
        i = self.pos + (self.tokens[self.pos].kind in ("+", "-"))
        num, after = self.tokens[i], self.tokens[min(i + 1, len(self.tokens) - 1)]
        if num.kind == "num" and after.kind in ("name", "(", "root") and not after.spaced:
            head = self.text[self.tokens[self.pos].pos:after.pos]
            tail = after.text if after.kind == "name" else "(...)"
            raise self.error(f"'e^{head}{tail}' is ambiguous (calculators differ): write "
                             f"e^({head}{tail}) or e^{head}*{tail}", num.pos)

    def check_power(self, base: Expr, exponent: Expr, tok: Token) -> None:
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
            saved, self.bars = self.bars, 0
            inner = self.expr()
            self.close(tok)
            self.bars = saved
            return inner
        if tok.kind == "|":
            return self.absolute(tok)
        if tok.kind == "root":
            return self.root(tok)
        raise self.error(f"expected an expression, found {describe(tok)}", tok.pos)

    def close(self, opening: Token) -> None:
        tok = self.next()
        if tok.kind == "end":
            raise self.error("unmatched '('", opening.pos)
        if tok.kind != ")":
            raise self.error(f"expected ')' to close the '(' at column {opening.pos}, "
                             f"found {describe(tok)}", tok.pos)

    def number(self, tok: Token) -> int | Fraction:
        whole, frac, ten = NUMBER.fullmatch(tok.text).groups()
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

    def build(self, prim: str, args: tuple, tok: Token) -> Expr:
        return self.checked(lambda: make(_P[prim], args, {}), tok)

    def checked(self, build: Callable[[], Expr], tok: Token) -> Expr:
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
