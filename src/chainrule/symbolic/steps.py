"""Step-by-step derivations, read off the same rules that compute the derivative.

``steps(expr, var)`` walks the formula as it was written (before simplification) and, for
every part that depends on ``var``, records which rule applies — named from the
primitive's record in the registry, refined where the textbook distinguishes cases
(constant multiple vs product, power vs exponential vs logarithmic differentiation, chain
rule for a function of an inner expression) — its simplified derivative, and a numeric
spot check against a central difference. A tutor's lines come with the rules (see
:mod:`._steps_chain`): the chain rule names its inner part (``let u = 3*x + 2``), ``u^v``
is differentiated through ``ln y = v ln u``, each step shows the line assembled from its
parts, and the root ends with a ``simplify`` step whose last form is :func:`diff`'s own
answer (so the derivation always ends where ``diff`` does).

>>> from chainrule.symbolic import parse, steps
>>> print(steps(parse("sin(3x + 2)"), "x").text())  # doctest: +NORMALIZE_WHITESPACE
d/dx [sin(3*x + 2)] = 3*cos(3*x + 2)  -- chain rule with the trigonometric rule:
  (sin u)' = cos u u', times the inner derivative  [x = 0.7: -1.72447; finite difference -1.72447]
  let u = 3*x + 2, then d/dx sin(u) = cos(u) * du/dx
  d/dx [3*x + 2] = 3  -- sum rule: (u + v)' = u' + v'  [x = 0.7: 3; finite difference 3]
    d/dx [3*x] = 3  -- constant multiple rule: (c u)' = c u'  [x = 0.7: 3; finite difference 3]
  simplify: cos(3*x + 2) * 3 = 3*cos(3*x + 2)  -- simplify: the same function, rewritten
  as diff prints it  [x = 0.7: -1.72447; finite difference -1.72447]
"""

from __future__ import annotations

import math
from typing import Any

from ..core import Primitive, registry
from ..core.budget import BudgetExceeded, budgeted, check_time
from ._steps_chain import (
    Names,
    assemble,
    assembled_line,
    chain_intro,
    dependent_args,
    is_chain,
    log_form,
    outer_derivative,
    same_as,
    substituted,
    wrapped,
)
from ._steps_render import Step, Tok
from .calculus import _symbol, _tangents, diff, evaluate, formula
from .expr import Expr, as_expr, make, walk_postorder
from .printing import to_str
from .simplify import simplify

__all__ = ["Step", "steps"]


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
        if not uses[1] and args[0] is not var:
            return f"chain rule with the {prim.rule}", "(u^n)' = n u^(n-1) u'"
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


_ASSEMBLED = "= "  # the label of the assembled line (the root shows it as "simplify")
_MAX_LOG_DEPTH = 4  # x^x^x^...: deeper towers are explained in one line each


def _step(node: Expr, var: Expr, dep: dict, built: dict, ctx: _Context) -> Step:
    derivative = simplify(_tangents(node, var))
    name = var.args[0]
    if node is var:
        return Step(node, derivative, "variable rule", f"d{name}/d{name} = 1", var=name)
    args = _leaves(node) if _kind(node) else list(node.args)
    if len(args) > 2:
        rule, statement = _chain_rule_text(node, args, dep)
    else:
        args = list(node.args)
        rule, statement = _rule_for(node, var, dep)
    if rule == "logarithmic differentiation" and ctx.log_depth < _MAX_LOG_DEPTH:
        return _log_step(Step(node, derivative, rule, statement, var=name), var, ctx)
    kids = [built[id(a)] for a in args if dep[id(a)] and a is not var]
    step = Step(node, derivative, rule, statement, kids, var=name)
    outer = None
    if is_chain(node, var, dep):
        step.inner = dependent_args(node, dep)[0]
        _, dfu = outer_derivative(node, step.inner, "u")
        outer = substituted(dfu, "u", step.inner)
    if kids or outer is not None or _kind(node):
        derivs = {id(k.expr): k.derivative for k in kids}
        step.assembled = assemble(node, var, dep, derivs, outer)
        line = assembled_line(step)
        if not same_as(line, derivative):
            step.after.append((_ASSEMBLED, line))
    return step


def _log_step(step: Step, var: Expr, ctx: _Context) -> Step:
    """``u^v``: let y = u^v, take ln of both sides, differentiate, solve for y'."""
    node, logs = step.expr, log_form(step.expr)
    ctx.log_depth += 1
    inner = _build(logs, var, ctx)
    ctx.log_depth -= 1
    y = ctx.y
    step.children = [inner]
    step.assembled = make(registry()["multiply"], (node, inner.derivative), {})
    step.intro += [("", (Tok(f"let {y} = "), node)),
                   ("take ln of both sides: ", (Tok(f"ln({y}) = ", rf"\ln {y} = "), logs))]
    step.after += [
        ("differentiate both sides: ",
         (Tok(f"{y}'/{y} = ", rf"\frac{{{y}'}}{{{y}}} = "), inner.derivative)),
        (f"solve for {y}': ", (Tok(f"{y}' = {y} * ", rf"{y}' = {y} \cdot "),
                               *wrapped(inner.derivative), Tok(" = "), step.assembled))]
    return step


class _Context:
    """What one derivation shares: the check point and the names it gives."""

    def __init__(self, expr: Expr, var: Expr, point: dict) -> None:
        self.point, self.names, self.log_depth = point, Names(expr), 0
        taken = {s.args[0] for s in expr.free_symbols()}
        self.y = "y" if "y" not in taken else self.names.next()


def _build(expr: Expr, var: Expr, ctx: _Context) -> Step | None:
    nodes = walk_postorder(expr)
    dep: dict[int, bool] = {}
    for node in nodes:
        dep[id(node)] = node is var or (isinstance(node.op, Primitive) and
                                        any(dep[id(a)] for a in node.args))
    absorbed = _absorbed(nodes, expr)
    built: dict[int, Step] = {}
    for node in nodes:
        if not dep[id(node)] or id(node) in built or id(node) in absorbed:
            continue
        check_time("explaining a derivative")
        step = _step(node, var, dep, built, ctx)
        step.check = _spot_check(node, step.derivative, var, ctx.point)
        built[id(node)] = step
    return built.get(id(expr))


def _name_substitutions(root: Step, ctx: _Context) -> None:
    """The chain steps' "let u = ..." lines, named top-down (u outermost, then v, ...)."""
    for step in root.walk():
        if step.inner is not None and not step.intro:
            pieces, _ = chain_intro(step.expr, step.inner, step.var, ctx.names.next())
            step.intro.append(("", pieces))


def _finish(root: Step, expr: Expr, var: Expr, ctx: _Context) -> Step:
    """The root shows ``diff``'s answer, reached by a last ``simplify`` step."""
    final = diff(expr, var)
    start = root.assembled if root.assembled is not None else root.derivative
    root.derivative = final
    root.check = _spot_check(expr, final, var, ctx.point)
    root.after = [ln for ln in root.after if ln[0] != _ASSEMBLED]
    line = assembled_line(root) if root.assembled is not None else (start,)
    if same_as(line, final):  # already as diff prints it: nothing to simplify
        if root.children or root.after:  # the last line still says the answer
            root.after.append(("so ", (Tok(f"d/d{root.var} [", rf"\frac{{d}}{{d{root.var}}}"
                                           r"\left["), expr, Tok("] = ", r"\right] = "), final)))
        return root
    middle = simplify(start)
    head: list = [Tok("simplify: ", r"\text{simplify: }")]
    head += line
    if to_str(middle) not in (to_str(start), to_str(final)):
        head += [Tok(" = "), middle]
    head += [Tok(" = "), final]
    statement = "the same function, rewritten as diff prints it"
    root.children = [*root.children, Step(expr, final, "simplify", statement,
                                          check=root.check, var=root.var, head=tuple(head))]
    return root


@budgeted
def steps(expr: Any, var: Any, at: dict | None = None, order: int = 1) -> Step:
    """The derivation of ``d expr / d var`` as a tree of :class:`Step`.

    A chain of sums (or of products and quotients) is one step whose parts are its
    terms (factors), so the derivation of ``x + x + ... + x`` has as many steps as terms.
    The chain rule names its inner part (``let u = 3*x + 2``), ``u^v`` is explained by
    logarithmic differentiation, each step shows the line assembled from its parts, and
    the last step simplifies to :func:`diff`'s answer (the root's ``derivative``).

    Args:
        expr: a formula, as written (parsed or built from symbols).
        var: the symbol to differentiate by (or its name).
        at: values for the spot checks (default: the variable at 0.7, others nearby).
        order: the derivative's order; each order is a derivation of its own.
    """
    expr, var = formula(expr), _symbol(var)
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise ValueError(f"order must be a non-negative int, got {order!r}")
    if order != 1:
        return _higher(expr, var, at, order)
    ctx = _Context(expr, var, _point(expr, var, at))
    root = _build(expr, var, ctx)
    if root is None:
        return Step(expr, simplify(as_expr(0)), "constant rule",
                    f"the formula does not depend on {var.args[0]}", var=var.args[0],
                    check=_spot_check(expr, as_expr(0), var, ctx.point))
    _name_substitutions(root, ctx)
    return _finish(root, expr, var, ctx)


def _higher(expr: Expr, var: Expr, at: dict | None, order: int) -> Step:
    """``d^n/dx^n``: one derivation per order, each of the previous derivative."""
    name = var.args[0]
    final = diff(expr, var, order)
    marks = (f"d^{order}/d{name}^{order} [",
             rf"\frac{{d^{{{order}}}}}{{d{name}^{{{order}}}}}\left[")
    head = (Tok(*marks), expr, Tok("] = ", r"\right] = "), final)
    root = Step(expr, final, "higher derivative",
                "differentiate one order at a time, each derivative the previous one's",
                var=name, head=head)
    current, point = expr, _point(expr, var, at)
    for _ in range(order):
        if var not in current.free_symbols():
            break
        check_time("explaining a derivative")
        child = steps(current, var, at=at)
        root.children.append(child)
        previous, current = current, child.derivative
        root.check = _spot_check(previous, current, var, point)
    if root.children and current is not final:
        root.after.append((f"so d^{order}/d{name}^{order} [", (expr, Tok("] = "), final)))
    if order == 0:
        root.rule, root.statement = "no derivative", "the 0th derivative is the formula"
    return root
