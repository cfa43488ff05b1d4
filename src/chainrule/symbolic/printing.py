"""Printing expressions: plain text (Python syntax), LaTeX, and a form that names shared
subexpressions when the tree would be much larger than the graph.

Sums print their negative terms as subtractions and products their negative powers as
denominators, so ``x * y**-1 + -1 * z`` reads ``x/y - z``.
"""

from __future__ import annotations

from fractions import Fraction

from ..core import Primitive
from .expr import Const, Expr, walk_postorder

__all__ = ["to_str", "latex", "to_str_shared", "sizes"]

ADD, MUL, NEG, POW, ATOM = 10, 20, 25, 30, 40

_TEXT_NAMES = {"absolute": "abs"}
_LATEX_FUNCS = {
    "sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "arcsin": r"\arcsin",
    "arccos": r"\arccos", "arctan": r"\arctan", "sinh": r"\sinh", "cosh": r"\cosh",
    "tanh": r"\tanh", "exp": r"\exp", "log": r"\ln", "sigmoid": r"\sigma",
}
_COMPARE = {"greater": ">", "greater_equal": ">=", "less": "<", "less_equal": "<=",
            "equal": "==", "not_equal": "!="}
_LATEX_COMPARE = {">": ">", ">=": r"\geq", "<": "<", "<=": r"\leq", "==": "=",
                  "!=": r"\neq"}


def _opname(e: Expr) -> str:
    return e.op.name if isinstance(e.op, Primitive) else e.op


def _terms(e: Expr) -> list:
    """The terms of a chain of additions and subtractions, as (sign, term) pairs."""
    name = _opname(e)
    if name == "add":
        return _terms(e.args[0]) + _terms(e.args[1])
    if name == "subtract":
        return _terms(e.args[0]) + [(-s, t) for s, t in _terms(e.args[1])]
    return [(1, e)]


def _negated(e: Expr) -> Expr | None:
    """If ``e`` prints with a leading minus, the expression without it."""
    from .expr import Const, make
    name = _opname(e)
    if name == "const" and e.value < 0:
        return Const(-e.value)
    if name == "negative":
        return e.args[0]
    if name == "multiply":
        head, rest = e.args
        neg = _negated(head)
        if neg is not None:
            return rest if (neg.op == "const" and neg.value == 1) else \
                make(e.op, (neg, rest), {})
    return None


def _factors(e: Expr) -> tuple[list, list]:
    """Numerator and denominator factors of a chain of products and quotients."""
    from .expr import Const
    name = _opname(e)
    if name in ("multiply", "divide"):
        n1, d1 = _factors(e.args[0])
        n2, d2 = _factors(e.args[1])
        num, den = (n1 + n2, d1 + d2) if name == "multiply" else (n1 + d2, d1 + n2)
        def is_one(f: Expr) -> bool:
            return f.op == "const" and f.value == 1

        # x*(1/y) is x/y, not x*1/y
        return [f for f in num if not is_one(f)], [f for f in den if not is_one(f)]
    if name == "power" and e.args[1].op == "const" and e.args[1].value < 0:
        from .expr import make
        exp = -e.args[1].value
        return [], [e.args[0] if exp == 1 else make(e.op, (e.args[0], Const(exp)), {})]
    if name == "const" and isinstance(e.value, Fraction):
        top = [] if e.value.numerator == 1 else [Const(e.value.numerator)]
        return top, [Const(e.value.denominator)]
    return [e], []


class _Printer:
    """Shared layout logic; subclasses say how each piece is spelled."""

    def __init__(self, names: dict | None = None) -> None:
        self.names = names or {}

    def __call__(self, e: Expr) -> str:
        return self.show(e)[0]

    def wrap(self, e: Expr, prec: int) -> str:
        text, p = self.show(e)
        return self.paren(text) if p < prec else text

    def show(self, e: Expr) -> tuple[str, int]:
        if id(e) in self.names:
            return self.names[id(e)], ATOM
        name = _opname(e)
        if name == "sym":
            return self.symbol(e.args[0]), ATOM
        if name == "const":
            return self.number(e.value)
        if name in ("add", "subtract"):
            return self.sum(e), ADD
        neg = _negated(e)
        if neg is not None:
            return "-" + self.wrap(neg, MUL), NEG
        if name in ("multiply", "divide", "power"):
            num, den = _factors(e)
            if den:
                return self.fraction(num, den), MUL
            if name != "power":
                return self.product(num or [Const(1)]), MUL
        if name == "power":
            return self.power(e.args[0], e.args[1]), POW
        if name in _COMPARE:
            return self.compare(e, _COMPARE[name]), ATOM
        return self.call(name, e.args), ATOM

    def sum(self, e: Expr) -> str:
        parts = []
        for i, (sign, t) in enumerate(_terms(e)):
            neg = _negated(t)
            if neg is not None:
                sign, t = -sign, neg
            body = self.wrap(t, ADD + 1)
            if i == 0:
                parts.append(body if sign > 0 else "-" + self.wrap(t, MUL))
            else:
                parts.append((" + " if sign > 0 else " - ") + body)
        return "".join(parts)


class _Text(_Printer):
    def paren(self, s: str) -> str:
        return f"({s})"

    def symbol(self, name: str) -> str:
        return name

    def number(self, v) -> tuple[str, int]:
        if isinstance(v, Fraction):
            return f"{v.numerator}/{v.denominator}", MUL if v > 0 else NEG
        text = repr(v) if isinstance(v, int) else format(v, ".15g")
        return text, ATOM if v >= 0 else NEG

    def product(self, factors: list) -> str:
        return "*".join(self.wrap(f, MUL) for f in factors)

    def fraction(self, num: list, den: list) -> str:
        top = self.product(num) if num else "1"
        bottom = self.wrap(den[0], MUL + 1) if len(den) == 1 else f"({self.product(den)})"
        return f"{top}/{bottom}"

    def power(self, base: Expr, exp: Expr) -> str:
        return f"{self.wrap(base, POW + 1)}**{self.wrap(exp, POW + 1)}"

    def compare(self, e: Expr, op: str) -> str:
        return f"({self(e.args[0])} {op} {self(e.args[1])})"

    def call(self, name: str, args: tuple) -> str:
        return f"{_TEXT_NAMES.get(name, name)}({', '.join(self(a) for a in args)})"


class _Latex(_Printer):
    def paren(self, s: str) -> str:
        return rf"\left({s}\right)"

    def symbol(self, name: str) -> str:
        greek = {"alpha", "beta", "gamma", "delta", "theta", "lambda", "mu", "sigma", "tau",
                 "phi", "omega", "eta", "epsilon", "rho", "pi"}
        if name in greek:
            return "\\" + name
        if len(name) > 1 and "_" not in name:
            return rf"\mathit{{{name}}}"
        return name

    def number(self, v) -> tuple[str, int]:
        if isinstance(v, Fraction):
            sign = "-" if v < 0 else ""
            return rf"{sign}\frac{{{abs(v.numerator)}}}{{{v.denominator}}}", ATOM if v > 0 else NEG
        text = str(v) if isinstance(v, int) else format(v, ".15g")
        return text, ATOM if v >= 0 else NEG

    def product(self, factors: list) -> str:
        out = []
        for i, f in enumerate(factors):
            text = self.wrap(f, MUL)
            if i and (f.op == "const" or out[-1][-1:].isdigit() and text[:1].isdigit()):
                out.append(r" \cdot " + text)
            else:
                out.append((" " if i else "") + text)
        return "".join(out)

    def fraction(self, num: list, den: list) -> str:
        top = (self(num[0]) if len(num) == 1 else self.product(num)) if num else "1"
        bottom = self(den[0]) if len(den) == 1 else self.product(den)
        return rf"\frac{{{top}}}{{{bottom}}}"

    def power(self, base: Expr, exp: Expr) -> str:
        if exp.op == "const" and exp.value == Fraction(1, 2):
            return rf"\sqrt{{{self(base)}}}"
        b = self.wrap(base, POW + 1)
        if _opname(base) in _LATEX_FUNCS:
            b = self.paren(self(base))
        return f"{b}^{{{self(exp)}}}"

    def compare(self, e: Expr, op: str) -> str:
        return rf"\left[{self(e.args[0])} {_LATEX_COMPARE[op]} {self(e.args[1])}\right]"

    def call(self, name: str, args: tuple) -> str:
        inner = ", ".join(self(a) for a in args)
        if name == "sqrt":
            return rf"\sqrt{{{inner}}}"
        if name == "cbrt":
            return rf"\sqrt[3]{{{inner}}}"
        if name == "absolute":
            return rf"\left|{inner}\right|"
        head = _LATEX_FUNCS.get(name, rf"\operatorname{{{name}}}")
        return rf"{head}\left({inner}\right)"


def to_str(e: Expr) -> str:
    """Plain text in Python syntax: ``2*x*sin(x) + x**2*cos(x)``."""
    return _Text()(e)


def latex(e: Expr) -> str:
    r"""LaTeX source: ``2 x \sin\left(x\right) + x^{2} \cos\left(x\right)``."""
    return _Latex()(e)


def sizes(e: Expr) -> tuple[int, int]:
    """``(tree size, graph size)``: nodes counted with and without repetition."""
    tree: dict[int, int] = {}
    nodes = walk_postorder(e)
    for n in nodes:
        tree[id(n)] = 1 + sum(tree[id(a)] for a in n.args) if isinstance(n.op, Primitive) \
            else 1
    return tree[id(e)], len(nodes)


def to_str_shared(e: Expr, min_uses: int = 2, min_size: int = 4) -> str:
    """Text that names each shared subexpression once (``t1 = ...``) and then uses the name;
    the last line is the expression itself."""
    nodes = walk_postorder(e)
    uses: dict[int, int] = {}
    for n in nodes:
        if isinstance(n.op, Primitive):
            for a in n.args:
                uses[id(a)] = uses.get(id(a), 0) + 1
    size: dict[int, int] = {}
    for n in nodes:
        size[id(n)] = 1 + sum(size[id(a)] for a in n.args) if isinstance(n.op, Primitive) \
            else 1
    names: dict[int, str] = {}
    lines = []
    for n in nodes:
        if n is not e and uses.get(id(n), 0) >= min_uses and size[id(n)] >= min_size:
            text = _Text(dict(names))(n)
            names[id(n)] = f"t{len(names) + 1}"
            lines.append(f"{names[id(n)]} = {text}")
    lines.append(_Text(names)(e))
    return "\n".join(lines)
