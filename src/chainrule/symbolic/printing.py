"""Printing expressions: plain text (Python syntax), LaTeX, and a form that names shared
subexpressions when the tree would be much larger than the graph.

Sums print their negative terms as subtractions and products their negative powers as
denominators, so ``x * y**-1 + -1 * z`` reads ``x/y - z``.
"""

from __future__ import annotations

import decimal
import math
from fractions import Fraction

from ..core import Primitive, registry
from ..core.budget import DEFAULTS, BudgetExceeded, budgeted, check_time, current
from ._names import latex_name
from ._special import LATEX_NAMES, latex_call
from ._spelling import spell_trig
from .expr import Const, Expr, make, walk_postorder

__all__ = ["to_str", "latex", "to_str_shared", "sizes"]

ADD, MUL, NEG, POW, ATOM = 10, 20, 25, 30, 40

_TEXT_NAMES = {"absolute": "abs"}
_LATEX_FUNCS = {
    "sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "arcsin": r"\arcsin",
    "arccos": r"\arccos", "arctan": r"\arctan", "sinh": r"\sinh", "cosh": r"\cosh",
    "tanh": r"\tanh", "exp": r"\exp", "log": r"\ln", "sigmoid": r"\sigma",
    "sec": r"\sec", "csc": r"\csc", "cot": r"\cot",
}
_COMPARE = {"greater": ">", "greater_equal": ">=", "less": "<", "less_equal": "<=",
            "equal": "==", "not_equal": "!="}
_LATEX_COMPARE = {">": ">", ">=": r"\geq", "<": "<", "<=": r"\leq", "==": "=",
                  "!=": r"\neq"}


def _opname(e: Expr) -> str:
    return e.op.name if isinstance(e.op, Primitive) else e.op


def _is_e(e: Expr) -> bool:
    return _opname(e) == "exp" and e.args[0].op == "const" and e.args[0].value == 1


def _terms(e: Expr) -> list:
    """The terms of a chain of additions and subtractions, as (sign, term) pairs."""
    out, stack = [], [(1, e)]
    while stack:
        sign, node = stack.pop()
        name = _opname(node)
        if name == "add":
            stack += [(sign, node.args[1]), (sign, node.args[0])]
        elif name == "subtract":
            stack += [(-sign, node.args[1]), (sign, node.args[0])]
        else:
            out.append((sign, node))
    return out


def _negated(e: Expr) -> Expr | None:
    """If ``e`` prints with a leading minus, the expression without it."""
    chain, node = [], e
    while _opname(node) == "multiply":
        chain.append(node)
        node = node.args[0]
    name = _opname(node)
    if name == "const" and node.value < 0:
        neg = Const(-node.value)
    elif name == "negative":
        neg = node.args[0]
    else:
        return None
    for m in reversed(chain):
        rest = m.args[1]
        neg = rest if (neg.op == "const" and neg.value == 1) else make(m.op, (neg, rest), {})
    return neg


def _leaf_factors(e: Expr) -> tuple[list, list]:
    name = _opname(e)
    if name == "power" and e.args[1].op == "const" and e.args[1].value < 0:
        exp = -e.args[1].value
        return [], [e.args[0] if exp == 1 else make(e.op, (e.args[0], Const(exp)), {})]
    if name == "const" and isinstance(e.value, Fraction):
        top = [] if e.value.numerator == 1 else [Const(e.value.numerator)]
        return top, [Const(e.value.denominator)]
    return [e], []


def _factors(e: Expr) -> tuple[list, list]:
    """Numerator and denominator factors of a chain of products and quotients."""
    num, den, stack = [], [], [(e, False)]
    while stack:
        node, inverted = stack.pop()
        name = _opname(node)
        if name == "multiply":
            stack += [(node.args[1], inverted), (node.args[0], inverted)]
        elif name == "divide":
            stack += [(node.args[1], not inverted), (node.args[0], inverted)]
        else:
            n, d = _leaf_factors(node)
            num, den = (num + d, den + n) if inverted else (num + n, den + d)

    def is_one(f: Expr) -> bool:  # x*(1/y) is x/y, not x*1/y
        return f.op == "const" and f.value == 1

    return [f for f in num if not is_one(f)], [f for f in den if not is_one(f)]


_NOT_CALLS = ("const", "sym", "add", "subtract", "multiply", "divide", "negative")


def _is_call(f: Expr) -> bool:
    """Whether ``f`` is a function call or a power of one (not a number or a symbol)."""
    base = f.args[0] if _opname(f) == "power" else f
    return _opname(base) not in _NOT_CALLS and _opname(base) != "power"


class _Spelled:
    """A factor ``sec(u)``, ``csc(u)`` or ``cot(u)`` (to a power) that exists only in print
    (see :mod:`._spelling`)."""

    __slots__ = ("op", "args", "lay")

    def __init__(self, name: str, u: Expr, k: int) -> None:
        if k == 1:
            self.op, self.args, self.lay = name, (u,), ("call", name, (u,))
        else:
            self.op, self.args = "power", ()
            self.lay = ("pow", _Spelled(name, u, 1), Const(k))


def _pairs(factors: list, sign: int) -> list:
    out = []
    for f in factors:
        if _opname(f) == "power" and f.args[1].op == "const" and \
                f.args[1].value.__class__ is int and f.args[1].value > 0:
            out.append((f.args[0], sign * f.args[1].value))
        else:
            out.append((f, sign))
    return out


def _spelled(num: list, den: list) -> tuple | None:
    """``num`` and ``den`` with the secants, cosecants and cotangents spelled out, or None
    if there are none."""
    if any(_opname(f) == "negative" or (f.op == "const" and f.value < 0) for f in num):
        return None  # a product as parsed, carrying its own sign: printed as written
    left, spelled = spell_trig(_pairs(num, 1) + _pairs(den, -1))
    if not spelled:
        return None
    pow_ = registry()["power"]
    new_num, new_den = [], []
    for b, x in left:
        f = b if x in (1, -1) else make(pow_, (b, Const(abs(x))), {})
        (new_num if x > 0 else new_den).append(f)
    named = [_Spelled(*s) for s in spelled]
    at = next((i for i, f in enumerate(new_num) if _is_call(f)), len(new_num))
    return new_num[:at] + named + new_num[at:], new_den


def _int_text(v: int) -> str:
    try:
        return repr(v)
    except ValueError:  # beyond Python's int-to-text limit: decimal has none
        with decimal.localcontext() as ctx:
            ctx.prec = v.bit_length() // 3 + 10
            return format(decimal.Decimal(v), "f")


class _Printer:
    """Shared layout logic; subclasses say how each piece is spelled.

    Every node's text is computed once, children first, with an explicit stack: printing
    never recurses, so any expression the budget allows can be printed.
    """

    def __init__(self, names: dict | None = None) -> None:
        self.names = names or {}
        self.memo: dict[int, tuple] = {}  # id -> (text, precedence, node kept alive)

    def __call__(self, e: Expr) -> str:
        memo, stack, layouts = self.memo, [e], {}
        steps = 0
        while stack:
            node = stack[-1]
            if id(node) in memo:
                stack.pop()
                continue
            lay = layouts.get(id(node))
            if lay is None:
                lay = layouts[id(node)] = (self.layout(node), node)
            todo = [c for c in _needs(lay[0]) if id(c) not in memo]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            memo[id(node)] = (*self.render(lay[0]), node)
            steps += 1
            if steps % 1024 == 0:
                check_time("printing an expression")
        return memo[id(e)][0]

    def text(self, e: Expr) -> str:
        return self.memo[id(e)][0]

    def wrap(self, e: Expr, prec: int) -> str:
        text, p, _ = self.memo[id(e)]
        return self.paren(text) if p < prec else text

    def layout(self, e: Expr) -> tuple:
        if isinstance(e, _Spelled):
            return e.lay
        if id(e) in self.names:
            return ("leaf", self.names[id(e)], ATOM)
        name = _opname(e)
        if name == "sym":
            return ("leaf", self.symbol(e.args[0]), ATOM)
        if name == "const":
            return ("leaf", *self.number(e.value))
        if name == "pi" or _is_e(e):
            return ("leaf", self.constant(name if name == "pi" else "e"), ATOM)
        if name in ("add", "subtract"):
            terms = []
            for sign, t in _terms(e):
                neg = _negated(t)
                terms.append((sign, t) if neg is None else (-sign, neg))
            return ("sum", terms)
        neg = _negated(e)
        if neg is not None:
            return ("neg", neg)
        if name in ("multiply", "divide", "power"):
            num, den = _factors(e)
            spelled = _spelled(num, den)
            if spelled is not None:
                num, den = spelled
                if not den:
                    one = len(num) == 1 and isinstance(num[0], _Spelled)
                    return num[0].lay if one else ("prod", num)
            if den:
                return ("frac", num, den)
            if name != "power":
                return ("prod", num or [Const(1)])
        if name == "power":
            return ("pow", e.args[0], e.args[1])
        if name in _COMPARE:
            return ("cmp", e.args[0], e.args[1], _COMPARE[name])
        return ("call", name, e.args)

    def render(self, lay: tuple) -> tuple[str, int]:
        kind = lay[0]
        if kind == "leaf":
            return lay[1], lay[2]
        if kind == "sum":
            return self.sum(lay[1]), ADD
        if kind == "neg":
            return "-" + self.wrap(lay[1], MUL), NEG
        if kind == "frac":
            return self.fraction(lay[1], lay[2]), MUL
        if kind == "prod":
            return self.product(lay[1]), MUL
        if kind == "pow":
            return self.power(lay[1], lay[2]), POW
        if kind == "cmp":
            return self.compare(lay[1], lay[2], lay[3]), ATOM
        return self.call(lay[1], lay[2]), ATOM

    def sum(self, terms: list) -> str:
        parts = []
        for i, (sign, t) in enumerate(terms):
            body = self.wrap(t, ADD + 1)
            if i == 0:
                parts.append(body if sign > 0 else "-" + self.wrap(t, MUL))
            else:
                parts.append((" + " if sign > 0 else " - ") + body)
        return "".join(parts)


def _needs(lay: tuple) -> list:
    """The nodes whose text a layout uses."""
    kind = lay[0]
    if kind == "leaf":
        return []
    if kind == "sum":
        return [t for _, t in lay[1]]
    if kind == "neg":
        return [lay[1]]
    if kind == "frac":
        return lay[1] + lay[2]
    if kind == "prod":
        return lay[1]
    if kind in ("pow", "cmp"):
        return [lay[1], lay[2]]
    return list(lay[2])


class _Text(_Printer):
    def paren(self, s: str) -> str:
        return f"({s})"

    def symbol(self, name: str) -> str:
        return name

    def constant(self, name: str) -> str:
        return name

    def number(self, v) -> tuple[str, int]:
        if isinstance(v, Fraction):
            text = f"{_int_text(v.numerator)}/{_int_text(v.denominator)}"
            return text, MUL if v > 0 else NEG
        text = _int_text(v) if isinstance(v, int) else format(v, ".15g")
        return text, ATOM if v >= 0 else NEG

    def product(self, factors: list) -> str:
        return "*".join(self.wrap(f, MUL) for f in factors)

    def fraction(self, num: list, den: list) -> str:
        top = self.product(num) if num else "1"
        bottom = self.wrap(den[0], MUL + 1) if len(den) == 1 else f"({self.product(den)})"
        return f"{top}/{bottom}"

    def power(self, base: Expr, exp: Expr) -> str:
        return f"{self.wrap(base, POW + 1)}**{self.wrap(exp, POW + 1)}"

    def compare(self, a: Expr, b: Expr, op: str) -> str:
        return f"({self.text(a)} {op} {self.text(b)})"

    def call(self, name: str, args: tuple) -> str:
        return f"{_TEXT_NAMES.get(name, name)}({', '.join(self.text(a) for a in args)})"


class _Latex(_Printer):
    def paren(self, s: str) -> str:
        return rf"\left({s}\right)"

    def symbol(self, name: str) -> str:
        return latex_name(name)

    def constant(self, name: str) -> str:
        return r"\pi" if name == "pi" else "e"

    def number(self, v) -> tuple[str, int]:
        if isinstance(v, Fraction):
            sign = "-" if v < 0 else ""
            text = rf"{sign}\frac{{{_int_text(abs(v.numerator))}}}{{{_int_text(v.denominator)}}}"
            return text, ATOM if v > 0 else NEG
        if isinstance(v, float) and not math.isfinite(v):
            text = r"\mathrm{NaN}" if math.isnan(v) else ("-" if v < 0 else "") + r"\infty"
            return text, ATOM if not v < 0 else NEG
        text = _int_text(v) if isinstance(v, int) else format(v, ".15g")
        if "e" in text:  # 1e+300 -> 1 \cdot 10^{300}
            mant, ten = text.split("e")
            text = rf"{mant} \cdot 10^{{{int(ten)}}}"
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
        top = (self.text(num[0]) if len(num) == 1 else self.product(num)) if num else "1"
        bottom = self.text(den[0]) if len(den) == 1 else self.product(den)
        return rf"\frac{{{top}}}{{{bottom}}}"

    def power(self, base: Expr, exp: Expr) -> str:
        if exp.op == "const" and exp.value == Fraction(1, 2):
            return rf"\sqrt{{{self.text(base)}}}"
        b = self.wrap(base, POW + 1)
        if (_opname(base) in _LATEX_FUNCS or _opname(base) in LATEX_NAMES) and not _is_e(base):
            b = self.paren(self.text(base))
        return f"{b}^{{{self.text(exp)}}}"

    def compare(self, a: Expr, b: Expr, op: str) -> str:
        return rf"\left[{self.text(a)} {_LATEX_COMPARE[op]} {self.text(b)}\right]"

    def call(self, name: str, args: tuple) -> str:
        inner = ", ".join(self.text(a) for a in args)
        if name == "sqrt":
            return rf"\sqrt{{{inner}}}"
        if name == "cbrt":
            return rf"\sqrt[3]{{{inner}}}"
        if name == "absolute":
            return rf"\left|{inner}\right|"
        special = latex_call(name, [self.text(a) for a in args])
        if special is not None:
            return special
        head = _LATEX_FUNCS.get(name, rf"\operatorname{{{name}}}")
        return rf"{head}\left({inner}\right)"


def _check_size(e: Expr, what: str) -> None:
    """Refuse, before any work, to print a tree larger than the budget's node limit."""
    b = current()
    limit = b.nodes if b is not None else DEFAULTS["nodes"]
    if e.tree_size > limit:
        raise BudgetExceeded("nodes", limit, f"{what} (its tree has {e.tree_size:,} nodes; "
                             "to_str_shared prints each shared part once)")


@budgeted
def to_str(e: Expr) -> str:
    """Plain text in Python syntax: ``2*x*sin(x) + x**2*cos(x)``."""
    _check_size(e, "printing an expression")
    return _Text()(e)


@budgeted
def latex(e: Expr) -> str:
    r"""LaTeX source: ``2 x \sin\left(x\right) + x^{2} \cos\left(x\right)``."""
    _check_size(e, "printing an expression as LaTeX")
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
