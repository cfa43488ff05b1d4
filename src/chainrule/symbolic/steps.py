"""Step-by-step derivations, read off the same rules that compute the derivative.

``steps(expr, var)`` walks the formula as it was written (before simplification) and, for
every part that depends on ``var``, records which rule applies — named from the
primitive's record in the registry, refined where the textbook distinguishes cases
(constant multiple vs product, power vs exponential vs logarithmic differentiation, chain
rule for a function of an inner expression) — its simplified derivative, and a numeric
spot check against a central difference. The derivative at the root is computed exactly
as :func:`diff` computes it, so the last line of a derivation always equals ``diff``'s
answer.

>>> from chainrule.symbolic import parse, steps
>>> print(steps(parse("x**2*sin(x)"), "x").text())
d/dx [x**2*sin(x)] = 2*x*sin(x) + x**2*cos(x)  -- product rule: (u v)' = u' v + u v'
  d/dx [x**2] = 2*x  -- power rule: (u^n)' = n u^(n-1) u'
  d/dx [sin(x)] = cos(x)  -- trigonometric rule: (sin u)' = cos u u'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from ..core import Primitive
from ..core.budget import BudgetExceeded, budgeted, check_time
from .calculus import _symbol, _tangents, evaluate, formula
from .expr import Expr, as_expr, walk_postorder
from .printing import latex, to_str
from .simplify import simplify

__all__ = ["Step", "steps"]


@dataclass
class Step:
    """One rule applied to one part of the formula."""

    expr: Expr
    derivative: Expr
    rule: str
    statement: str
    children: list = field(default_factory=list)
    check: tuple | None = None  # (point, symbolic value, finite-difference value, agrees)
    var: str = "x"

    def text(self, indent: int = 0) -> str:
        lines = []
        for step, depth in self._walk_depth():
            head = (f"{'  ' * (indent + depth)}d/d{step.var} [{to_str(step.expr)}] = "
                    f"{to_str(step.derivative)}")
            rule = f"{step.rule}: {step.statement}" if step.statement else step.rule
            lines.append(f"{head}  -- {rule}")
        return "\n".join(lines)

    def latex(self) -> str:
        rows = [rf"\frac{{d}}{{d{s.var}}}\left[{latex(s.expr)}\right] &= "
                rf"{latex(s.derivative)} && \text{{{s.rule}}}" for s in self.walk()]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _walk_depth(self):
        stack = [(self, 0)]  # explicit stack: a derivation can be a thousand steps deep
        while stack:
            step, depth = stack.pop()
            yield step, depth
            stack.extend((c, depth + 1) for c in reversed(step.children))

    def walk(self):
        """Every step, parents before children (depth first, in order)."""
        for step, _ in self._walk_depth():
            yield step


def _rule_for(node: Expr, var: Expr, dep: dict) -> tuple[str, str]:
    prim = node.op
    name = prim.name
    args = node.args
    uses = [dep[id(a)] for a in args]
    if name == "multiply" and not all(uses):
        return "constant multiple rule", "(c u)' = c u'"
    if name == "divide" and not uses[1]:
        return "constant multiple rule", "(u / c)' = u' / c"
    if name == "power":
        if not uses[1]:
            return prim.rule, "(u^n)' = n u^(n-1) u'"
        if not uses[0]:
            return "exponential rule", "(a^u)' = a^u ln(a) u'"
        return "logarithmic differentiation", "(u^v)' = u^v (v' ln u + v u' / u)"
    inner = [a for a, u in zip(args, uses) if u]  # polygamma(2, x^2): one inner part
    if len(inner) == 1 and name not in ("negative", "add", "subtract") and inner[0] is not var:
        return f"chain rule with the {prim.rule}", f"{prim.statement}, times the inner derivative"
    return prim.rule or name, prim.statement


def _spot_check(expr: Expr, deriv: Expr, var: Expr, point: dict) -> tuple | None:
    """Compare the symbolic derivative with a central difference at ``point``."""
    h = 1e-6
    try:
        x0 = point[var]
        exact = float(evaluate(deriv, point))
        up = float(evaluate(expr, {**point, var: x0 + h}))
        down = float(evaluate(expr, {**point, var: x0 - h}))
    except BudgetExceeded:
        raise
    except (ValueError, TypeError, ZeroDivisionError, OverflowError):
        return None
    numeric = (up - down) / (2 * h)
    if not (math.isfinite(exact) and math.isfinite(numeric)):
        return None
    ok = abs(exact - numeric) <= 1e-5 * max(1.0, abs(exact))
    return (x0, exact, numeric, ok)


def _point(expr: Expr, var: Expr, at: dict | None) -> dict:
    point = {s: 0.3 + 0.17 * i for i, s in enumerate(sorted(expr.free_symbols(),
                                                            key=lambda s: s.args[0]))}
    point[var] = 0.7
    for k, v in (at or {}).items():
        point[_symbol(k)] = float(v)
    return point


_CHAINS = {"add": "sum", "subtract": "sum", "multiply": "product", "divide": "product"}


def _kind(node: Expr) -> str | None:
    return _CHAINS.get(node.op.name) if isinstance(node.op, Primitive) else None


def _absorbed(nodes: list, root: Expr) -> set:
    """Ids of the sum (product) nodes used only inside other sums (products): a chain
    ``a + b + c + ...`` is explained as one step, not as a thousand nested ones."""
    parent_kinds: dict[int, set] = {}
    for node in nodes:
        if isinstance(node.op, Primitive):
            for a in node.args:
                parent_kinds.setdefault(id(a), set()).add(_kind(node))
    return {id(n) for n in nodes if n is not root and _kind(n) is not None
            and parent_kinds.get(id(n)) == {_kind(n)}}


def _leaves(node: Expr) -> list:
    """The terms (factors) of a chain of sums (products), left to right."""
    kind, out, stack = _kind(node), [], [node]
    while stack:
        n = stack.pop()
        if _kind(n) == kind and kind is not None:
            stack.extend(reversed(n.args))
        else:
            out.append(n)
    return out


def _chain_rule_text(node: Expr, leaves: list, dep: dict) -> tuple[str, str]:
    if _kind(node) == "sum":
        return "sum rule", "(u ± v ± w ± ...)' = u' ± v' ± w' ± ..."
    if sum(1 for a in leaves if dep[id(a)]) == 1:
        return "constant multiple rule", "(c u)' = c u'"
    return "product rule", ("(u v w ...)' = u' v w ... + u v' w ... + u v w' ... + ...; "
                            "(u / v)' = (u' v - u v') / v^2")


def _step(node: Expr, var: Expr, dep: dict, built: dict) -> Step:
    derivative = simplify(_tangents(node, var))
    if node is var:
        return Step(node, derivative, "variable rule", f"d{var.args[0]}/d{var.args[0]} = 1")
    args = _leaves(node) if _kind(node) else list(node.args)
    if len(args) > 2:
        rule, statement = _chain_rule_text(node, args, dep)
    else:
        args = list(node.args)
        rule, statement = _rule_for(node, var, dep)
    kids = [built[id(a)] for a in args if dep[id(a)] and a is not var]
    return Step(node, derivative, rule, statement, kids)


@budgeted
def steps(expr: Any, var: Any, at: dict | None = None) -> Step:
    """The derivation of ``d expr / d var`` as a tree of :class:`Step`.

    A chain of sums (or of products and quotients) is one step whose parts are its
    terms (factors), so the derivation of ``x + x + ... + x`` has as many steps as terms.

    Args:
        expr: a formula, as written (parsed or built from symbols).
        var: the symbol to differentiate by (or its name).
        at: values for the spot checks (default: the variable at 0.7, others nearby).
    """
    expr, var = formula(expr), _symbol(var)
    nodes = walk_postorder(expr)
    dep: dict[int, bool] = {}
    for node in nodes:
        dep[id(node)] = node is var or (isinstance(node.op, Primitive) and
                                        any(dep[id(a)] for a in node.args))
    absorbed = _absorbed(nodes, expr)
    point = _point(expr, var, at)
    built: dict[int, Step] = {}
    for node in nodes:
        if not dep[id(node)] or id(node) in built or id(node) in absorbed:
            continue
        check_time("explaining a derivative")
        step = _step(node, var, dep, built)
        step.var = var.args[0]
        step.check = _spot_check(node, step.derivative, var, point)
        built[id(node)] = step
    if id(expr) not in built:
        root = Step(expr, simplify(as_expr(0)), "constant rule",
                    f"the formula does not depend on {var.args[0]}")
        root.var = var.args[0]
        return root
    return built[id(expr)]
