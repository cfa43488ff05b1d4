"""How the parser reads names: calls, functions applied without parentheses, bars, roots.

These are the grammar rules of :mod:`.parse` that concern function notation, as a mixin
of its parser (which supplies ``peek``, ``next``, ``expr``, ``factor``, ``power``,
``implicit``, ``build``, ``checked``, ``deeper`` and ``error``)::

    application := fname [('^' | '**') factor | superscript] (call | argument)
    argument    := ('+' | '-') argument | power (implicit power)*     no function inside
    call        := '(' [expr (',' expr)*] ')'
    bars        := '|' expr '|'
    root        := ('√' | '∛') factor

A function name followed by ``(`` is a call: ``sin(x)^2`` squares the sine. Without the
parenthesis the function takes the run of factors that follows, multiplied implicitly,
up to an explicit operator or the next function name: ``sin 2x cos x`` is
``sin(2*x)*cos(x)``, ``sin x^2`` is ``sin(x**2)``, ``sin x/2`` is ``sin(x)/2``.
``cos^2 x`` and ``cos²x`` are ``cos(x)**2``; ``sin^-1 x`` and ``sin⁻¹x`` are
``arcsin(x)`` (for the six trigonometric and hyperbolic functions; any other negative power
of a function name is refused as ambiguous).

>>> from chainrule.symbolic import parse
>>> parse("sin 2x cos x"), parse("cos^2 x"), parse("tan^-1 x")
(sin(2*x)*cos(x), cos(x)**2, arctan(x))
>>> parse("√(x+1) + |x - 1| + log_2 x")
sqrt(x + 1) + abs(x - 1) + log(x)/log(2)
"""

from __future__ import annotations

import difflib
import re
import sys

from . import _special
from ._lexer import ParseError, Token, superscript_value
from ._names import check_name
from ._notation import CONSTANTS, inverse_name, is_function, known_names, lookup
from .expr import Const, Expr, Symbol

__all__ = ["Notation"]

_GLUED_ARGUMENTS = "xyz\u03b8"  # sinx, lnx, cosθ: a function name glued to a variable
_LOG_BASE = re.compile(r"log_[0-9]+")
_OPERAND_START = ("num", "name", "(", "|", "root")


def describe(tok: Token) -> str:
    return "the end of the formula" if tok.kind == "end" else f"'{tok.text}'"


class Notation:
    """Parser rules for names, function application, absolute-value bars and roots."""

    bars = 0  # absolute-value bars open around the current position (outside parentheses)

    def name(self, tok: Token) -> Expr:
        name = tok.text
        if self.peek().kind == "(":
            return self.call(tok, self.arguments())
        if is_function(name):
            return self.application(tok)
        if name in CONSTANTS:
            return CONSTANTS[name]()
        problem = check_name(name)
        if problem is not None:
            offset, message = problem
            raise self.error(message, tok.pos + offset)
        if name[-1] in _GLUED_ARGUMENTS and is_function(name[:-1]):
            f, x = name[:-1], name[-1]
            raise self.error(f"'{name}' would be one variable; write {f} {x} or {f}({x}) "
                             f"to apply {f}", tok.pos)
        return Symbol(sys.intern(name))  # interned: Symbol keys on its name's identity

    def application(self, tok: Token) -> Expr:
        """``sin x``, ``cos^2 x``, ``sin^2(x)``, ``tan^-1 x``: see the module docs."""
        exponent, sign = None, self.peek()
        if sign.kind == "sup":
            self.next()
            exponent = Const(superscript_value(sign.text))
        elif sign.kind == "**":
            self.next()
            start = self.pos
            exponent = self.factor()
            if any(t.kind in ("**", "sup") for t in self.tokens[start:self.pos]):
                # sin^-1^2 x, sin^2^3 x: which power of which function is meant is unclear
                raise self.error(f"a power of '{tok.text}' written before its argument takes "
                                 f"one number: write {tok.text}(x)^... for anything else",
                                 sign.pos)
        inverse = self.check_function_power(tok, exponent, sign)
        if self.peek().kind == "(":
            args = self.arguments()
            if inverse is not None:
                return self.call(tok._replace(text=inverse), args)
            result = self.call(tok, args)
        else:
            arg = self.argument(tok)
            if inverse is not None:
                return self.call(tok._replace(text=inverse), [arg])
            result = self.call(tok, [arg])
        if exponent is None:
            return result
        return self.build("power", (result, exponent), sign)

    def check_function_power(self, tok: Token, exponent: Expr | None,
                             sign: Token) -> str | None:
        """The inverse function's name for ``f^-1``; an error for other negative powers."""
        if exponent is None or exponent.op != "const" or exponent.value >= 0:
            return None
        name = tok.text
        if exponent.value != -1:
            raise self.error(f"'{name}^{exponent}' is ambiguous: write {name}(x)^{exponent} "
                             "for a power of the function", sign.pos)
        inverse = inverse_name(name)
        if inverse is None:
            raise self.error(f"'{name}^-1' is ambiguous here: write 1/{name}(x) for the "
                             "reciprocal, or the inverse function by name", sign.pos)
        return inverse

    def argument(self, func: Token) -> Expr:
        """The argument of a function written without parentheses: ``sin 2x``."""
        tok = self.peek()
        if tok.kind in ("+", "-"):
            with self.deeper(tok):
                self.next()
                inner = self.argument(func)
            return inner if tok.kind == "+" else self.build("negative", (inner,), tok)
        if tok.kind not in _OPERAND_START:
            raise self.error(f"function '{func.text}' needs an argument: write "
                             f"{func.text}(x) or {func.text} x", func.pos)
        with self.deeper(tok):
            left = self.power()
            while True:
                tok = self.peek()
                if not self.implicit(tok) or (tok.kind == "name" and is_function(tok.text)):
                    return left
                left = self.build("multiply", (left, self.power()), tok)

    def arguments(self) -> list[Expr]:
        """The parenthesized, comma-separated arguments of a call."""
        opening = self.next()
        args, saved, self.bars = [], self.bars, 0
        if self.peek().kind != ")":
            args.append(self.expr())
            while self.peek().kind == ",":
                self.next()
                args.append(self.expr())
        self.close(opening)
        self.bars = saved
        return args

    def call(self, tok: Token, args: list[Expr]) -> Expr:
        func = lookup(tok.text)
        if func is None and tok.text in _special.ARITY:
            return self.special(tok, args)
        if func is None and _LOG_BASE.fullmatch(tok.text):
            raise self.error(f"'{tok.text}': the base of log_b must be an integer from 2 to "
                             "999999; write log(x, b) for another base", tok.pos)
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

    def special(self, tok: Token, args: list) -> Expr:
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

    def absolute(self, opening: Token) -> Expr:
        """``|x - 1|``: a bar where an operand starts opens, the next free bar closes."""
        self.bars += 1  # nesting is counted by factor(), one level per bar
        inner = self.expr()
        self.bars -= 1
        tok = self.next()
        if tok.kind == "end":
            raise self.error("unmatched '|' (where bars are ambiguous, write abs(...))",
                             opening.pos)
        if tok.kind != "|":
            raise self.error(f"expected '|' to close the '|' at column {opening.pos}, found "
                             f"{describe(tok)}", tok.pos)
        self.prev = tok._replace(kind="|)")
        return self.build("absolute", (inner,), opening)

    def root(self, tok: Token) -> Expr:
        """``√x``, ``√(x+1)``, ``∛x``: the root of the next factor (``√2x`` is ``√2·x``)."""
        if self.peek().kind not in (*_OPERAND_START, "+", "-"):
            raise self.error(f"'{self.text[tok.pos]}' needs an operand: write "
                             f"{self.text[tok.pos]}x or {self.text[tok.pos]}(x + 1)", tok.pos)
        return self.build(tok.text, (self.factor(),), tok)


def _unknown(name: str) -> str:
    if name in CONSTANTS:
        return f"'{name}' is a constant, not a function; write '{name}*(...)' to multiply"
    close = difflib.get_close_matches(name, known_names(), n=1)
    if close:
        return f"unknown function '{name}'; did you mean '{close[0]}'?"
    return f"unknown function '{name}'; write '{name}*(...)' to multiply"
