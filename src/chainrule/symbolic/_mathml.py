"""Presentation MathML for expressions, equations, vectors and matrices.

The layout is the LaTeX printer's (:mod:`.printing`): the same precedences and
parentheses, fractions for negative powers, ``sqrt`` as a radical, the textbook names of
functions (``ln``, ``σ``, ``Γ``, ``J₀``...). Every node prints as exactly one element,
so a fraction or a power always has its two children; every character of a name or a
message is escaped. Browsers (Chromium, Firefox, Safari) render it natively.

>>> from chainrule.symbolic import parse
>>> mathml(parse("x^2/2"))
'<math xmlns="http://www.w3.org/1998/Math/MathML"><mfrac><msup><mi>x</mi><mn>2</mn></msup><mn>2</mn></mfrac></math>'
>>> mathml(parse("sin(x)")).count("<mo>&#x2061;</mo>")
1
"""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction
from html import escape
from typing import Any

from ..core.budget import budgeted
from ._special import LATEX_NAMES
from .expr import Expr
from .printing import ATOM, MUL, NEG, POW, _check_size, _int_text, _is_e, _opname, _Printer

__all__ = ["mathml", "mathml_name", "mathml_line", "NS"]

NS = "http://www.w3.org/1998/Math/MathML"
_APPLY = "<mo>&#x2061;</mo>"   # function application (invisible)
_TIMES = "<mo>&#x2062;</mo>"   # invisible times
_CDOT = "<mo>&#x22C5;</mo>"
_FUNCS = {"sin": "sin", "cos": "cos", "tan": "tan", "arcsin": "arcsin", "arccos": "arccos",
          "arctan": "arctan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "exp": "exp",
          "log": "ln", "sigmoid": "σ", "expit": "σ", "erf": "erf", "erfc": "erfc",
          "logit": "logit", "gamma": "Γ", "digamma": "ψ", "beta": "B"}
_COMPARE = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "==": "=", "!=": "≠"}
_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
          "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
          "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ",
          "upsilon": "υ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ",
          "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
          "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω"}


def _esc(s: str) -> str:
    """Text for an element's content: escaped, control characters replaced."""
    s = "".join(c if c.isprintable() or c == " " else "\ufffd" for c in s)
    return escape(s, quote=True)


def _mi(name: str, italic: bool = False) -> str:
    attr = ' mathvariant="italic"' if italic and len(name) > 1 else ""
    if len(name) == 1 and name in "ΓΔΘΛΞΠΣΥΦΨΩB":
        attr = ' mathvariant="normal"'
    return f"<mi{attr}>{_esc(name)}</mi>"


def _mrow(*parts: str) -> str:
    return parts[0] if len(parts) == 1 else "<mrow>" + "".join(parts) + "</mrow>"


def _mo(op: str) -> str:
    return f"<mo>{_esc(op)}</mo>"


def _fenced(inner: str, left: str = "(", right: str = ")") -> str:
    return f"<mrow>{_mo(left)}{inner}{_mo(right)}</mrow>"


def mathml_name(name: str) -> str:
    """One element for a variable's name: Greek names as letters, the part after the
    first ``_`` as a subscript, longer names in italics (as :func:`latex_name` does).

    >>> mathml_name("x_1"), mathml_name("alpha")
    ('<msub><mi>x</mi><mn>1</mn></msub>', '<mi>α</mi>')
    """
    name = unicodedata.normalize("NFC", name)
    head, sep, sub = name.partition("_")
    if not head or not sep or not sub:
        return _mi(_GREEK.get(name, name), italic=True)
    sub_el = f"<mn>{_esc(sub)}</mn>" if sub.isdigit() else _mi(_GREEK.get(sub, sub), True)
    return f"<msub>{_mi(_GREEK.get(head, head), italic=True)}{sub_el}</msub>"


def _mn(text: str) -> str:
    return f"<mn>{_esc(text)}</mn>"


_LEADS_NUMBER = re.compile(r"(<(msup|msub|mrow|mfrac)>)*<mn>")


class _MathML(_Printer):
    """The LaTeX printer's layout, spelled as MathML elements."""

    def paren(self, s: str) -> str:
        return _fenced(s)

    def symbol(self, name: str) -> str:
        return mathml_name(name)

    def constant(self, name: str) -> str:
        return "<mi>π</mi>" if name == "pi" else "<mi>e</mi>"

    def number(self, v: Any) -> tuple[str, int]:
        if isinstance(v, Fraction):
            frac = f"<mfrac>{_mn(_int_text(abs(v.numerator)))}{_mn(_int_text(v.denominator))}" \
                   "</mfrac>"
            return (frac, ATOM) if v > 0 else (_mrow(_mo("-"), frac), NEG)
        if isinstance(v, float) and not math.isfinite(v):
            if math.isnan(v):
                return '<mi mathvariant="normal">NaN</mi>', ATOM
            inf = "<mi>∞</mi>"
            return (inf, ATOM) if v > 0 else (_mrow(_mo("-"), inf), NEG)
        text = _int_text(abs(v)) if isinstance(v, int) else format(abs(v), ".15g")
        if "e" in text:  # 1e+300 -> 1 · 10^300
            mant, ten = text.split("e")
            body = _mrow(_mn(mant), _CDOT, f"<msup>{_mn('10')}{self._int(int(ten))}</msup>")
        else:
            body = _mn(text)
        return (body, ATOM) if v >= 0 else (_mrow(_mo("-"), body), NEG)

    def _int(self, n: int) -> str:
        return _mn(str(n)) if n >= 0 else _mrow(_mo("-"), _mn(str(-n)))

    def render(self, lay: tuple) -> tuple[str, int]:
        if lay[0] == "neg":
            return _mrow(_mo("-"), self.wrap(lay[1], MUL)), NEG
        return super().render(lay)

    def sum(self, terms: list) -> str:
        parts = []
        for i, (sign, t) in enumerate(terms):
            if i == 0:
                parts.append(self.wrap(t, 11) if sign > 0 else _mo("-") + self.wrap(t, MUL))
            else:
                parts.append(_mo("+" if sign > 0 else "-") + self.wrap(t, 11))
        return "<mrow>" + "".join(parts) + "</mrow>"

    def product(self, factors: list) -> str:
        out: list[str] = []
        for i, f in enumerate(factors):
            text = self.wrap(f, MUL)
            if i:
                digits = out[-1].endswith("</mn>") and _LEADS_NUMBER.match(text) is not None
                out.append(_CDOT if (f.op == "const" or digits) else _TIMES)
            out.append(text)
        return _mrow(*out)

    def fraction(self, num: list, den: list) -> str:
        top = (self.text(num[0]) if len(num) == 1 else self.product(num)) if num else _mn("1")
        bottom = self.text(den[0]) if len(den) == 1 else self.product(den)
        return f"<mfrac>{top}{bottom}</mfrac>"

    def power(self, base: Expr, exp: Expr) -> str:
        if exp.op == "const" and exp.value == Fraction(1, 2):
            return f"<msqrt>{self.text(base)}</msqrt>"
        b = self.wrap(base, POW + 1)
        if (_opname(base) in _FUNCS or _opname(base) in LATEX_NAMES) and not _is_e(base):
            b = self.paren(self.text(base))
        return f"<msup>{b}{self.text(exp)}</msup>"

    def compare(self, a: Expr, b: Expr, op: str) -> str:
        return _fenced(self.text(a) + _mo(_COMPARE[op]) + self.text(b), "[", "]")

    def call(self, name: str, args: tuple) -> str:
        texts = [self.text(a) for a in args]
        if name == "sqrt":
            return f"<msqrt>{texts[0]}</msqrt>"
        if name == "cbrt":
            return f"<mroot>{texts[0]}{_mn('3')}</mroot>"
        if name == "absolute":
            return _fenced(texts[0], "|", "|")
        return _special(name, texts) or _apply(_mi(_FUNCS.get(name, name)), texts)


def _args(texts: list) -> str:
    inner = _mo(",").join(texts)
    return _fenced(inner if len(texts) == 1 else f"<mrow>{inner}</mrow>")


def _apply(head: str, texts: list) -> str:
    return f"<mrow>{head}{_APPLY}{_args(texts)}</mrow>"


def _special(name: str, texts: list) -> str | None:
    """The textbook forms of special functions (see :func:`._special.latex_call`)."""
    minus_one = _mrow(_mo("-"), _mn("1"))
    if name in ("erfinv", "erfcinv"):
        return _apply(f"<msup>{_mi(name[:-3])}{minus_one}</msup>", texts)
    if name in ("i0", "i1", "j0", "j1", "y0", "y1"):
        return _apply(f"<msub>{_mi(name[0].upper())}{_mn(name[1])}</msub>", texts)
    if name in ("jn", "yn"):
        return _apply(f"<msub>{_mi(name[0].upper())}{texts[0]}</msub>", texts[1:])
    if name == "polygamma":
        return _apply(f"<msup>{_mi('ψ')}{_fenced(texts[0])}</msup>", texts[1:])
    if name in ("gammaln", "betaln"):
        inner = _apply(_mi("Γ" if name == "gammaln" else "B"), texts)
        return f"<mrow>{_mi('ln')}{_APPLY}{_fenced(inner, '|', '|')}</mrow>"
    return None


_PLAIN = r"[^\s=+\-*/^()\[\],:']"
_TOKEN = re.compile(r"\s*(d([A-Za-z]\w*)?(\^\d+)?/d([A-Za-z]\w*)(\^\d+)?|\*\*|\d+(\.\d+)?"
                    r"|[=+\-*/^()\[\],:']|" + _PLAIN + r"+(?:\s+(?!\d)" + _PLAIN + r"+)*)")


def _tok_mathml(text: str) -> str:
    """A bit of a derivation line written as text (``d/dx [``, ``] = ``, ``let u = ``)."""
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or not m.group(1):
            break
        tok, pos = m.group(1), m.end()
        if m.group(4) is not None:  # d/dx, du/dx or d^n/dx^n
            out.append(_leibniz(m.group(2), m.group(3), m.group(4), m.group(5)))
        elif tok == "**" or tok == "^":
            out.append(_mo("^"))
        elif tok == "*":
            out.append(_CDOT)
        elif tok[0].isdigit():
            out.append(_mn(tok))
        elif len(tok) == 1 and not tok.isalnum():
            out.append(_mo(tok))
        else:
            out.append(f"<mtext>&#xA0;{_esc(tok)}&#xA0;</mtext>")
    if pos < len(text) and text[pos:].strip():
        out.append(f"<mtext>{_esc(text[pos:])}</mtext>")
    return "".join(out)


def _leibniz(top: str | None, order: str | None, var: str, power: str | None) -> str:
    """``d/dx``, ``du/dx``, ``d^2/dx^2`` as a fraction."""
    d = _mi("d") if not order else f"<msup>{_mi('d')}{_mn(order[1:])}</msup>"
    num = d if not top else _mrow(d, mathml_name(top))
    name = mathml_name(var)
    den = _mrow(_mi("d"), name if not power else f"<msup>{name}{_mn(power[1:])}</msup>")
    return f"<mfrac>{num}{den}</mfrac>"


def _math(body: str, display: bool) -> str:
    attr = ' display="block"' if display else ""
    return f'<math xmlns="{NS}"{attr}>{body}</math>'


def _element(e: Any) -> str:
    from .parse import Equation

    if isinstance(e, Equation):
        return _mrow(_element(e.lhs), _mo("="), _element(e.rhs))
    if isinstance(e, (list, tuple)):
        rows = [r if isinstance(r, (list, tuple)) else [r] for r in e]
        cells = "".join("<mtr>" + "".join(f"<mtd>{_element(c)}</mtd>" for c in row) + "</mtr>"
                        for row in rows)
        return _fenced(f"<mtable>{cells}</mtable>")
    if not isinstance(e, Expr):
        from .expr import as_expr
        e = as_expr(e)
    _check_size(e, "printing an expression as MathML")
    return _MathML()(e)


@budgeted
def mathml(e: Any, display: bool = False) -> str:
    """A ``<math>`` element for an expression, an :class:`Equation`, a list of
    expressions (a column vector) or a list of rows (a matrix); ``display=True`` makes it
    a block.

    >>> from chainrule.symbolic import hessian, parse
    >>> mathml(hessian(parse("x*y"), ["x", "y"])).count("<mtr>")
    2
    """
    return _math(_element(e), display)


@budgeted
def mathml_line(pieces: Any, display: bool = False) -> str:
    """A ``<math>`` element for a derivation line: expressions and text pieces (objects
    with a ``text`` attribute, such as the steps' ``Tok``), side by side.

    >>> from chainrule.symbolic import Symbol
    >>> from chainrule.symbolic._steps_render import Tok
    >>> x = Symbol("x")
    >>> mathml_line((Tok("d/dx ["), x**2, Tok("] = "), 2*x)).count("<mfrac>")
    1
    """
    parts = [_element(p) if isinstance(p, Expr) else _tok_mathml(str(getattr(p, "text", p)))
             for p in pieces]
    return _math("<mrow>" + "".join(parts) + "</mrow>", display)
