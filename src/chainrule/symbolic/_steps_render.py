r"""The step record of a derivation and its three renderings: text, LaTeX and HTML.

A :class:`Step` is one rule applied to one part of a formula. Besides its head line
(``d/dx [part] = derivative`` and the rule), a step may carry explanation lines: the
named substitution of the chain rule, the logarithm taken on both sides, the line
assembled from the parts before simplification. A line is a label and a sequence of
pieces, each an expression (printed by :func:`to_str` or :func:`latex`) or a
:class:`Tok`, a bit of text with its LaTeX spelling. Every step shows its numeric spot
check in every rendering.

>>> from chainrule.symbolic import Symbol
>>> x = Symbol("x")
>>> s = Step(x**2, 2*x, "power rule", "(u^n)' = n u^(n-1) u'", check=(0.7, 1.4, 1.4, True))
>>> print(s.text())
d/dx [x**2] = 2*x  -- power rule: (u^n)' = n u^(n-1) u'  [x = 0.7: 1.4; finite difference 1.4]
>>> s._repr_html_()[-58:]
'u&#x27;  [x = 0.7: 1.4; finite difference 1.4]</div></div>'
>>> s.latex().splitlines()[1][-49:]
'\\quad\\text{[x = 0.7: 1.4; finite difference 1.4]}'
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .._display import Markup, details
from .expr import Expr
from .printing import latex, to_str

__all__ = ["Step", "Tok", "line_text", "line_latex"]


@dataclass(frozen=True)
class Tok:
    """A piece of a line that is not an expression: its text and its LaTeX."""

    text: str
    tex: str = ""

    def latex(self) -> str:
        if self.tex or self.text.strip() in ("=", "+", "-"):
            return self.tex or self.text
        return rf"\text{{{_tex_escape(self.text)}}}"


def _tex_escape(s: str) -> str:
    for a, b in (("\\", r"\backslash "), ("{", r"\{"), ("}", r"\}"), ("_", r"\_"),
                 ("^", r"\^{}"), ("#", r"\#"), ("%", r"\%"), ("&", r"\&"), ("$", r"\$")):
        s = s.replace(a, b)
    return s


def line_text(pieces: tuple) -> str:
    """A line's pieces as plain text."""
    return "".join(to_str(p) if isinstance(p, Expr) else p.text for p in pieces)


def line_latex(pieces: tuple) -> str:
    """A line's pieces as LaTeX (text pieces in ``\\text{}`` unless they give their own)."""
    return "".join(latex(p) if isinstance(p, Expr) else p.latex() for p in pieces)


@dataclass
class Step:
    """One rule applied to one part of the formula.

    ``check`` is ``(point, symbolic value, finite-difference value, agrees)`` at the
    variable's value ``point``, or ``None`` where the part is not defined (or not finite)
    there. ``intro`` lines come before the children (a substitution), ``after`` lines
    after them (the line assembled from the parts); each line is ``(label, pieces)``.
    ``head``, when given, replaces the ``d/dx [expr] = derivative`` head line;
    ``assembled`` is the derivative put together from the parts, before simplification.
    """

    expr: Expr
    derivative: Expr
    rule: str
    statement: str
    children: list = field(default_factory=list)
    check: tuple | None = None  # (point, symbolic value, finite-difference value, agrees)
    var: str = "x"
    intro: list = field(default_factory=list)
    after: list = field(default_factory=list)
    head: tuple | None = None
    inner: Expr | None = None  # the inner part a chain step names ("let u = ...")
    assembled: Expr | None = None  # the derivative put together from the parts

    def walk(self):
        """Every step, parents before children (depth first, in order)."""
        for step, _ in self._walk_depth():
            yield step

    def _walk_depth(self):
        stack = [(self, 0)]  # explicit stack: a derivation can be a thousand steps deep
        while stack:
            step, depth = stack.pop()
            yield step, depth
            stack.extend((c, depth + 1) for c in reversed(step.children))

    def _events(self):
        """(kind, step, depth, line) in reading order: heads, intro lines, children,
        after lines -- without recursion."""
        stack: list = [("step", self, 0, None)]
        while stack:
            kind, step, depth, line = stack.pop()
            yield kind, step, depth, line
            if kind == "step":
                stack.extend(_reading(step, depth))

    def head_pieces(self) -> tuple:
        if self.head is not None:
            return self.head
        return (Tok(f"d/d{self.var} [", rf"\frac{{d}}{{d{self.var}}}\left["), self.expr,
                Tok("] = ", r"\right] = "), self.derivative)

    def rule_text(self) -> str:
        return f"{self.rule}: {self.statement}" if self.statement else self.rule

    def check_text(self) -> str:
        """The spot check in words (true for every input: it reports what was computed)."""
        return check_words(self.check, self.var)

    def text(self, indent: int = 0) -> str:
        """The derivation as indented lines, each step with its rule and spot check."""
        out = []
        for kind, step, depth, line in self._events():
            pad = "  " * (indent + depth)
            if kind == "step":
                out.append(f"{pad}{line_text(step.head_pieces())}  -- {step.rule_text()}"
                           f"  [{step.check_text()}]")
            else:
                label, pieces = line
                out.append(f"{pad}{label}{line_text(pieces)}")
        return "\n".join(out)

    def latex(self) -> str:
        """The derivation as one ``aligned`` block: each line, its rule and check."""
        rows = []
        for kind, step, depth, line in self._events():
            quad = r"\quad " * depth
            if kind == "step":
                rows.append(rf"{quad}{line_latex(step.head_pieces())} && "
                            rf"\text{{{_tex_escape(step.rule)}}}\quad"
                            rf"\text{{[{_tex_escape(step.check_text())}]}}")
            else:
                label, pieces = line
                text = rf"\text{{{_tex_escape(label)}}}" if label else ""
                rows.append(rf"{quad}{text}{line_latex(pieces)} &&")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        return "$$" + self.latex() + "$$"

    def _repr_html_(self) -> str:
        """Collapsible ``<details>`` per step (the root open), everything escaped."""
        return to_html(self)


def _reading(step: Step, depth: int) -> list:
    """The events below ``step``, last first (for a stack)."""
    last = [c for c in step.children if c.rule == "simplify"]  # the simplify step ends
    later = [("intro", step, depth + 1, ln) for ln in step.intro]
    later += [("step", c, depth + 1, None) for c in step.children if c.rule != "simplify"]
    later += [("after", step, depth + 1, ln) for ln in step.after]
    later += [("step", c, depth + 1, None) for c in last]
    return later[::-1]


def check_words(check: tuple | None, var: str) -> str:
    """``x = 0.7: 1.4; finite difference 1.4`` (and ``DISAGREES`` where they differ)."""
    if check is None:
        return "no spot check: not defined or not finite at the check point"
    x0, exact, numeric, ok = check
    words = f"{var} = {x0:.6g}: {exact:.6g}; finite difference {numeric:.6g}"
    return words if ok else words + ", DISAGREES"


def to_html(root: Step) -> str:
    """The tree as nested ``<details>`` blocks; lines are escaped text."""
    done: dict[int, str] = {}
    order = [s for s, _ in root._walk_depth()]
    for step in reversed(order):  # children before parents, no recursion
        body = [_html_line(ln) for ln in step.intro]
        body += [done[id(c)] for c in step.children if c.rule != "simplify"]
        body += [_html_line(ln) for ln in step.after]
        body += [done[id(c)] for c in step.children if c.rule == "simplify"]
        summary = (f"{line_text(step.head_pieces())}  -- {step.rule_text()}  "
                   f"[{step.check_text()}]")
        if body:
            done[id(step)] = details(summary, "".join(body), open_=step is root)
        else:
            done[id(step)] = Markup(f"<div>{html.escape(summary)}</div>")
    return f"<div class='chainrule-steps' style='font-family:monospace'>{done[id(root)]}</div>"


def _html_line(line: tuple) -> str:
    label, pieces = line
    return f"<div>{html.escape(label + line_text(pieces))}</div>"
