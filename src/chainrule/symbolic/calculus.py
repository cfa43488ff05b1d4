"""Symbolic derivatives, substitution and evaluation.

``diff`` runs the primitives' jvp rules on expression nodes: the tangent of each node is
built from its arguments' tangents by the very rules that forward-mode automatic
differentiation uses on arrays. The walk is memoized over the graph, so a shared
subexpression is differentiated once and derivatives grow linearly with the graph.

>>> from chainrule.symbolic import parse, diff
>>> diff(parse("x**2*sin(x)"), "x")
2*x*sin(x) + x**2*cos(x)
>>> diff(parse("(x**2 + 1)**3"), "x")
6*x*(x**2 + 1)**2
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from ..core import Primitive, bind
from ..core.budget import BudgetExceeded, budget, budgeted, check_time
from ._exact_floats import rule_constants
from ._matrix import ExprMatrix, ExprVector
from ._numbers import fits_float, to_float
from .expr import Const, Expr, Symbol, as_expr, make, walk_postorder
from .parse import Equation, parse
from .simplify import simplify

_simplify = simplify

__all__ = ["diff", "gradient", "jacobian", "hessian", "subs", "evaluate", "lambdify",
           "formula"]


def formula(expr: Any) -> Expr:
    """``expr`` as an expression; a string is parsed as a formula (never evaluated).

    >>> diff("x^2*sin(x)", "x")
    2*x*sin(x) + x**2*cos(x)
    """
    if isinstance(expr, str):
        parsed = parse(expr)
        if isinstance(parsed, Equation):
            raise ValueError(f"expected an expression, got the equation {expr!r}; write "
                             "it as one side minus the other")
        return parsed
    return as_expr(expr)


def _symbol(v: Any) -> Expr:
    if isinstance(v, str):
        return Symbol(v)
    if isinstance(v, Expr) and v.op == "sym":
        return v
    raise TypeError(f"differentiate with respect to a symbol or its name, not {v!r}")


def _tangents(expr: Expr, var: Expr) -> Expr:
    """The derivative of ``expr`` along ``var`` by the jvp rules (not yet simplified)."""
    with rule_constants():
        return _run_jvps(expr, var)


def _run_jvps(expr: Expr, var: Expr) -> Expr:
    tan: dict[int, Expr | None] = {}
    for i, node in enumerate(walk_postorder(expr)):
        if i % 256 == 255:
            check_time("differentiating")
        if node is var:
            tan[id(node)] = Const(1)
            continue
        if not isinstance(node.op, Primitive) or node.op.jvp is None:
            tan[id(node)] = None
            continue
        params = dict(node.params)
        out = None
        for i, a in enumerate(node.args):
            t = tan[id(a)]
            rule = node.op.jvp[i] if t is not None else None
            if rule is None:
                continue
            c = rule(t, node, *node.args, **params)
            out = c if out is None else out + c
        tan[id(node)] = out
    result = tan[id(expr)]
    return Const(0) if result is None else as_expr(result)


_TIDY_SIZE = 150  # larger derivatives stay canonical (the textbook corpus has at most 42)
_TIDY_EFFORT = 400  # see tidy(); the textbook corpus needs at most 353
_TIDY_NODES = 50_000  # a last bound on the nodes one textbook form may build


def textbook_form(d: Expr) -> Expr:
    """The textbook form of the canonical ``d`` (:func:`~chainrule.symbolic.tidy`) within
    a budget of its own, for derivatives of at most 150 nodes; larger ones, and those
    whose budget runs out, stay as they are. The caller's own budget still holds (its
    time limit is checked again)."""
    from ._textbook import tidy
    if d.tree_size > _TIDY_SIZE:
        return d
    try:
        with budget(nodes=_TIDY_NODES):
            return tidy(d, effort=_TIDY_EFFORT)
    except BudgetExceeded:
        check_time("differentiating")
        return d


@budgeted
def diff(expr: Any, var: Any, order: int = 1, textbook: bool = True) -> Expr:
    """The ``order``-th derivative of ``expr`` with respect to ``var``, in textbook form.

    Each order is differentiated by the jvp rules, brought to the canonical form
    (:func:`simplify`) and then, with ``textbook=True`` (the default), to the textbook
    form (:func:`~chainrule.symbolic.tidy`: one fraction, common factors taken out, the
    trigonometric identities, sigmoid...), which the next order differentiates, so that
    higher derivatives stay factored. The textbook form is sought within a budget of its
    own and falls back to the canonical form of large derivatives. ``textbook=False``
    gives the canonical form, which :func:`simplify` also makes of any result.

    Runs under the active budget (or the default one): a derivative whose size explodes
    stops with :class:`~chainrule.core.budget.BudgetExceeded` instead of running on.

    >>> diff("(x - 1)/(x + 1)", "x")
    2/(x + 1)**2
    >>> diff("(x - 1)/(x + 1)", "x", textbook=False)
    -(x - 1)/(x + 1)**2 + 1/(x + 1)
    >>> diff("x^3", "x", order=10**9)
    0
    """
    expr, var = formula(expr), _symbol(var)
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise ValueError(f"order must be a non-negative int, got {order!r}")
    if order == 0:
        return textbook_form(simplify(expr)) if textbook else simplify(expr)
    for _ in range(order):  # the first order on the formula as written, as steps() does
        if var not in expr.free_symbols():
            return Const(0)  # every further derivative is 0 too
        expr = simplify(_tangents(expr, var))
        check_time("differentiating")
        if textbook:
            expr = textbook_form(expr)
    return expr


def _cotangents(expr: Expr, xs: list) -> list:
    """All partials of ``expr`` in one reverse sweep of the vjp rules over the graph."""
    with rule_constants():
        return _run_vjps(expr, xs)


def _run_vjps(expr: Expr, xs: list) -> list:
    order = walk_postorder(expr)
    ct: dict[int, Expr] = {id(expr): Const(1)}
    for i, node in enumerate(reversed(order)):
        if i % 256 == 255:
            check_time("differentiating")
        g = ct.pop(id(node), None) if node.op != "sym" else ct.get(id(node))
        if g is None or not isinstance(node.op, Primitive) or node.op.vjp is None:
            continue
        params = dict(node.params)
        for i, a in enumerate(node.args):
            rule = node.op.vjp[i]
            if rule is None or a.op == "const":
                continue
            c = as_expr(rule(g, node, *node.args, **params))
            ct[id(a)] = c if id(a) not in ct else ct[id(a)] + c
    return [ct.get(id(x), Const(0)) for x in xs]


def _default_vars(exprs: Sequence, vars: Sequence | None) -> list:
    """``vars``, or all the free symbols of ``exprs`` sorted by name (as the CLI does)."""
    if isinstance(vars, str):  # names as symbols() reads them: "x y" or "x, y"
        return vars.replace(",", " ").split()
    if isinstance(vars, Expr):
        raise TypeError(f"vars must be a sequence of symbols or names, such as ['x', 'y'] "
                        f"or 'x y' (got the expression {vars})")
    if vars is not None:
        return list(vars)
    names: set = set()
    for e in exprs:
        names |= {s.args[0] for s in formula(e).free_symbols()}
    return sorted(names)


@budgeted
def gradient(expr: Any, vars: Sequence | None = None, simplify: bool = True,
             textbook: bool = True) -> list:
    """Partial derivatives of ``expr`` with respect to each of ``vars`` (by default all
    its free symbols, sorted by name), each in textbook form as :func:`diff` gives it
    (``textbook=False``: in canonical form).

    All of them come from one reverse-mode sweep of the vjp rules over the graph, so the
    cost does not grow with the number of variables. With ``simplify=False`` the partials
    are returned as built (constants folded and 0, 1 dropped, shared parts stored once),
    which is several times faster for large expressions.

    >>> gradient("-y*log(sigmoid(w*x + b)) - (1 - y)*log(1 - sigmoid(w*x + b))", "w b")
    [x*(sigmoid(w*x + b) - y), sigmoid(w*x + b) - y]
    """
    expr = formula(expr)
    xs = [_symbol(v) for v in _default_vars([expr], vars)]
    cts = _cotangents(expr, xs)
    if not simplify:
        return ExprVector(cts)
    cts = [_simplify(c) for c in cts]
    return ExprVector([textbook_form(c) for c in cts] if textbook else cts)


@budgeted
def jacobian(exprs: Sequence, vars: Sequence | None = None) -> list:
    """The matrix ``[[d f_i / d v_j]]`` as a list of rows (``vars`` by default: the free
    symbols of all of ``exprs``, sorted by name)."""
    exprs = list(exprs)
    vars = _default_vars(exprs, vars)
    return ExprMatrix([gradient(f, vars) for f in exprs])


@budgeted
def hessian(expr: Any, vars: Sequence | None = None) -> list:
    """The matrix of second partial derivatives (``vars`` by default: the free symbols,
    sorted by name)."""
    vars = _default_vars([expr], vars)
    first = gradient(expr, vars)
    return ExprMatrix([gradient(g, vars) for g in first])


@budgeted
def subs(expr: Any, mapping: dict, simplify: bool = True) -> Expr:
    """Replace symbols (given as symbols or names) by expressions or numbers; the result
    is simplified unless ``simplify=False`` (then only constants are folded)."""
    expr = formula(expr)
    table = {id(_symbol(k)): as_expr(v) for k, v in mapping.items()}
    done: dict[int, Expr] = {}
    for i, node in enumerate(walk_postorder(expr)):
        if i % 256 == 255:
            check_time("substituting")
        if id(node) in table:
            done[id(node)] = table[id(node)]
        elif isinstance(node.op, Primitive):
            done[id(node)] = make(node.op, tuple(done[id(a)] for a in node.args),
                                  dict(node.params))
        else:
            done[id(node)] = node
    return _simplify(done[id(expr)]) if simplify else done[id(expr)]


def _as_float(v: Any) -> Any:
    """Integer inputs are evaluated as floats (as x**-2 at x = 2 should be 0.25)."""
    if isinstance(v, (bool, int, np.integer)):
        return to_float(int(v))
    if isinstance(v, Fraction):
        return to_float(v)
    if isinstance(v, np.ndarray) and not np.issubdtype(v.dtype, np.inexact):
        return v.astype(float)
    if isinstance(v, (list, tuple)):
        return np.asarray(v, dtype=float)
    return v


def _fits(nodes: list) -> bool:
    return all(fits_float(n.value) for n in nodes if n.op == "const")


def evaluate(expr: Any, values: dict | None = None, **kwargs: Any) -> Any:
    """The value of ``expr`` with symbols replaced by numbers or arrays (vectorized).

    Evaluation binds the primitives, so it can itself be differentiated by
    :func:`chainrule.grad` and friends. Exact constants become floats only here. If one
    does not fit a float (``1e400``), the canonical form is evaluated instead, in which
    exact constants are combined first (``x*1e400/1e399`` is ``10*x``); a constant that
    still does not fit becomes ``±inf`` (or 0). Values outside a function's domain give
    NumPy's ``nan``/``inf``, never an exception.

    >>> from chainrule.symbolic import parse
    >>> float(evaluate(parse("x*1e400/1e399"), x=2.0))
    20.0
    """
    expr = formula(expr)
    values = {**(values or {}), **kwargs}
    env = {}
    for k, v in values.items():
        env[id(_symbol(k))] = _as_float(v)
    nodes = walk_postorder(expr)
    if not _fits(nodes):
        expr = simplify(expr)
        nodes = walk_postorder(expr)
    out: dict[int, Any] = {}
    for i, node in enumerate(nodes):
        if i % 1024 == 1023:
            check_time("evaluating")
        if node.op == "const":
            out[id(node)] = to_float(node.value)
        elif node.op == "sym":
            if id(node) not in env:
                raise ValueError(f"no value given for the symbol {node.args[0]!r}")
            out[id(node)] = env[id(node)]
        else:
            args = [out[id(a)] for a in node.args]
            with np.errstate(all="ignore"):
                out[id(node)] = bind(node.op, *args, **dict(node.params))
    return out[id(expr)]


def lambdify(expr: Any, vars: Sequence) -> Callable:
    """A function of positional arguments (one per symbol in ``vars``) evaluating ``expr``
    with NumPy broadcasting."""
    names = [_symbol(v) for v in vars]
    expr = formula(expr)
    missing = expr.free_symbols() - set(names)
    if missing:
        raise ValueError("lambdify: the expression also depends on "
                         + ", ".join(sorted(s.args[0] for s in missing)))

    def f(*args: Any) -> Any:
        if len(args) != len(names):
            raise TypeError(f"expected {len(names)} arguments, got {len(args)}")
        return evaluate(expr, {n: a for n, a in zip(names, args)})

    f.__name__ = "lambdified"
    return f
