"""Splitting a formula into tokens, with the spellings students type.

One pass over the text, linear in its length. Besides ASCII operators it reads the Unicode
signs ``−``, ``×``, ``·``, ``⋅`` and ``÷`` as ``-``, ``*``, ``*``, ``*`` and ``/``;
``π`` as the name ``pi`` (a token of its own, so ``2πx`` is ``2*pi*x``); a run of
superscript digits, optionally after ``⁻``, as one exponent token (``x²``, ``x⁻¹``);
``√`` and ``∛`` as prefix roots; ``|`` as an absolute-value bar (the parser decides
whether it opens or closes); and ``log_2`` as one name even when glued to what follows
(``log_2x`` is ``log_2 x``).

>>> [(t.kind, t.text) for t in tokenize("2πx²")]
[('num', '2'), ('name', 'pi'), ('name', 'x'), ('sup', '²'), ('end', '')]
>>> [t.kind for t in tokenize("√|x − 1|")]
['root', '|', 'name', '-', 'num', '|', 'end']
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ._names import display_width, normalize

__all__ = ["ParseError", "Token", "tokenize", "superscript_value", "split_glued"]

_ALIASES = {"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u00f7": "/",
            "\u2217": "*"}
_OPS = frozenset("+-*/^=,()|")
_DIGITS = frozenset("0123456789")
_SUPERSCRIPTS = dict(zip("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079",
                         "0123456789"))
_SUPER_MINUS = "\u207b"
_ROOTS = {"\u221a": "sqrt", "\u221b": "cbrt"}
_PI = "\u03c0"
NUMBER = re.compile(r"([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")
_LOG_BASE = re.compile(r"log_([0-9]+)")


class ParseError(ValueError):
    """A formula that cannot be parsed; ``column`` (0-based) is where ``text`` goes wrong.

    ``str(err)`` is the message, the formula, and a caret under the column.
    """

    __module__ = "chainrule.symbolic.parse"  # where users import it from

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


class Token(NamedTuple):
    """``kind`` is "num", "name", "sup" (superscript exponent), "root" (√ or ∛, with the
    function's name as ``text``), "end", or the operator: + - * / ** = , ( ) |."""

    kind: str
    text: str  # as written (normalized for names)
    pos: int
    spaced: bool  # whitespace right before it


def superscript_value(text: str) -> int:
    """The integer a run of superscript characters writes: ``superscript_value("⁻¹")``
    is -1."""
    digits = "".join(_SUPERSCRIPTS[c] for c in text.lstrip(_SUPER_MINUS))
    return -int(digits) if text.startswith(_SUPER_MINUS) else int(digits)


def _superscript_end(text: str, i: int) -> int:
    j = i + (text[i] == _SUPER_MINUS)
    k = j
    while k < len(text) and text[k] in _SUPERSCRIPTS:
        k += 1
    if k == j:
        raise ParseError("a superscript minus needs superscript digits after it: x⁻¹",
                         text, i)
    if k - j > 6:
        raise ParseError("superscript exponent with more than 6 digits", text, i)
    return k


def _name_end(text: str, i: int) -> int:
    j = i + 1
    while (j < len(text) and text[j] != _PI and text[j] not in _ALIASES
           and ("a" + text[j]).isidentifier()):
        j += 1
    return j


def _one(text: str, i: int) -> tuple[str, int]:
    """The kind and end of the token starting at ``text[i]`` (not a space)."""
    c = _ALIASES.get(text[i], text[i])
    if c in _DIGITS or (c == "." and text[i + 1:i + 2] in _DIGITS):
        return "num", NUMBER.match(text, i).end()
    if c == _PI:
        return "name", i + 1
    if c in _SUPERSCRIPTS or c == _SUPER_MINUS:
        return "sup", _superscript_end(text, i)
    if c in _ROOTS:
        return "root", i + 1
    if c.isidentifier():
        j = _name_end(text, i)
        base = _LOG_BASE.match(text, i, j)
        return "name", base.end() if base else j
    if text.startswith("**", i):
        return "**", i + 2
    if c in _OPS:
        return ("**" if c == "^" else c), i + 1
    raise ParseError(f"unexpected character {c!r}", text, i)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an ``end`` token."""
    tokens, i, spaced, n = [], 0, False, len(text)
    while i < n:
        if text[i].isspace():
            i, spaced = i + 1, True
            continue
        kind, j = _one(text, i)
        word = text[i:j]
        if kind == "name":
            word = "pi" if word == _PI else normalize(word)
        elif kind == "root":
            word = _ROOTS[word]
        elif kind not in ("num", "sup"):
            word = _ALIASES.get(word, word)
        tokens.append(Token(kind, word, i, spaced))
        i, spaced = j, False
    tokens.append(Token("end", "", n, spaced))
    return tokens


def split_glued(tokens: list[Token], text: str, known: frozenset,
                long_names: list[str]) -> list[Token]:
    """Split an unknown all-letter name glued to a number into one-letter names: ``3xy``
    reads ``3 x y``. A name followed by ``(`` stays whole: it is a function call. A glued
    name that contains a ``known`` name (``2sinx``) is ambiguous, hence an error."""
    out: list[Token] = []
    for i, tok in enumerate(tokens):
        name = tok.text
        if (tok.kind != "name" or i == 0 or tokens[i - 1].kind != "num" or tok.spaced
                or len(name) == 1 or not all(c.isalpha() and c.isidentifier() for c in name)
                or name in known or tokens[i + 1].kind == "("):
            out.append(tok)
            continue
        for word in long_names:
            if word in name:
                raise ParseError(f"'{name}' after a number is ambiguous: it contains "
                                 f"'{word}'; separate the factors with '*' or spaces",
                                 text, tok.pos)
        out.extend(Token("name", c, tok.pos + k, False) for k, c in enumerate(name))
    return out
