"""Random formulas: symbolic derivatives against reverse mode, forward mode, finite
differences and SymPy.

A formula is a small tree of primitives chosen so that it is defined and smooth on all of
R^2 (division only by ``1 + v**2``, ``exp`` only of bounded things, ``log`` and ``sqrt``
only of ``1 + u**2``...). The same tree is built twice: on :class:`Symbol` objects, giving
an expression graph, and as a Python function of floats, given to ``chainrule.grad``,
``chainrule.jvp`` and ``chainrule.derivative``.
"""

import math

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, assume, currently_in_test_context, given, settings
from hypothesis import strategies as st

import chainrule
import chainrule.numpy as cnp
from chainrule.symbolic import (
    Const,
    Expr,
    diff,
    evaluate,
    gradient,
    hessian,
    parse,
    simplify,
    steps,
    symbols,
    to_sympy,
)

UNARY = {
    "neg": lambda u: -u,
    "sin": cnp.sin,
    "cos": cnp.cos,
    "tanh": cnp.tanh,
    "sigmoid": cnp.sigmoid,
    "arctan": cnp.arctan,
    "arcsinh": cnp.arcsinh,
    "softplus_sin": lambda u: cnp.softplus(cnp.sin(u)),
    "exp_sin": lambda u: cnp.exp(cnp.sin(u)),
    "exp_tanh": lambda u: cnp.exp(cnp.tanh(u)),
    "log_1_sq": lambda u: cnp.log(1 + u**2),
    "log1p_sq": lambda u: cnp.log1p(u * u),
    "sqrt_1_sq": lambda u: cnp.sqrt(1 + u**2),
    "square": lambda u: u**2,
    "cube": lambda u: u**3,
    "half": lambda u: u / 2,
    "pow_m3_2": lambda u: (1 + u**2) ** -1.5,
    "cbrt_1_sq": lambda u: cnp.cbrt(1 + u * u),
    "exp2_tanh": lambda u: cnp.exp2(cnp.tanh(u)),
    "log2_1_sq": lambda u: cnp.log2(1 + u * u),
    "cosh_sin": lambda u: cnp.cosh(cnp.sin(u)),
}
BINARY = {
    "add": lambda u, v: u + v,
    "sub": lambda u, v: u - v,
    "mul": lambda u, v: u * v,
    "div": lambda u, v: u / (1 + v**2),
    "rdiv": lambda u, v: 3 / (2 + cnp.sin(v)) - u,
    "hypot1": lambda u, v: cnp.hypot(u, 1.0) * v,
    "pow4": lambda u, v: (u - v) ** 4,
    "arctan2": lambda u, v: cnp.arctan2(u, 2 + cnp.sin(v)),
    "pow_var": lambda u, v: (1 + u * u) ** cnp.sin(v),
}
CONSTANTS = [0.5, 2.0, -1.5, 3.0]



def _trees(names):
    leaves = st.sampled_from([("var", n) for n in names] + [("const", c) for c in CONSTANTS])

    def extend(children):
        return st.one_of(
            st.tuples(st.sampled_from(sorted(UNARY)), children),
            st.tuples(st.sampled_from(sorted(BINARY)), children, children),
        )

    trees = st.recursive(leaves, extend, max_leaves=8)
    return trees.filter(lambda t: "x" in repr(t))


def build(tree, env):
    """The tree applied to ``env`` (symbols, floats or tracers); memo-free recursion."""
    head = tree[0]
    if head == "var":
        return env[tree[1]]
    if head == "const":
        return tree[1]
    if head in UNARY:
        return UNARY[head](build(tree[1], env))
    return BINARY[head](build(tree[1], env), build(tree[2], env))


X, Y = symbols("x y")
SX, SY = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
POINTS = st.floats(-2.0, 2.0, allow_nan=False).map(lambda v: round(v, 6))


def require(condition):
    """``assume`` inside Hypothesis; a plain assertion for the fixed examples."""
    if currently_in_test_context():
        assume(condition)
    assert condition


def close(a, b, rtol=1e-7):
    a, b = float(a), float(b)
    return abs(a - b) <= rtol * (1 + abs(a) + abs(b))


def _expr(tree):
    e = build(tree, {"x": X, "y": Y})
    return e if isinstance(e, Expr) else Const(e)


def _num(expr, x0, y0):
    return float(evaluate(expr, {"x": x0, "y": y0}))


def _sympy_fn(sexpr):
    return sympy.lambdify((SX, SY), sexpr, modules="math")


def check_first(tree, x0, y0):
    f = lambda x, y: build(tree, {"x": x, "y": y})
    value = float(f(x0, y0))
    require(math.isfinite(value) and abs(value) < 1e6)
    expr = _expr(tree)
    assert close(_num(expr, x0, y0), value)
    assert close(_num(simplify(expr), x0, y0), value)
    assert close(_num(parse(str(expr)), x0, y0), value), str(expr)
    dx, dy = diff(expr, "x"), diff(expr, "y")
    sym_dx, sym_dy = _num(dx, x0, y0), _num(dy, x0, y0)
    assert math.isfinite(sym_dx) and math.isfinite(sym_dy)
    # reverse mode, both partials at once
    rx, ry = chainrule.grad(f, argnums=(0, 1))(x0, y0)
    assert close(sym_dx, rx) and close(sym_dy, ry), (str(dx), str(dy))
    # forward mode, one direction at a time
    _, fx = chainrule.jvp(f, (x0, y0), (1.0, 0.0))
    _, fy = chainrule.jvp(f, (x0, y0), (0.0, 1.0))
    assert close(sym_dx, fx) and close(sym_dy, fy)
    # the symbolic gradient, simplified or not, gives the same numbers
    for g, want in zip(gradient(expr, ["x", "y"]), (sym_dx, sym_dy)):
        assert close(_num(g, x0, y0), want)
    for g, want in zip(gradient(expr, ["x", "y"], simplify=False), (sym_dx, sym_dy)):
        assert close(_num(g, x0, y0), want)
    # central differences, loose; only where two step sizes agree (a formula like
    # sin((x - 27)**4) varies too fast for any finite difference)
    fd = [(f(x0 + h, y0) - f(x0 - h, y0)) / (2 * h) for h in (1e-5, 2e-5)]
    smooth = abs(fd[0] - fd[1]) <= 1e-6 * (1 + abs(fd[0]))
    if smooth:
        assert abs(fd[0] - sym_dx) <= 1e-4 * (1 + abs(sym_dx) + abs(value)), (str(dx), fd)
    # SymPy's own derivative of the same expression
    sexpr = to_sympy(expr)
    for var, ours in ((SX, sym_dx), (SY, sym_dy)):
        theirs = _sympy_fn(sympy.diff(sexpr, var))(x0, y0)
        assert close(ours, theirs), (str(expr), var)
    # the step-by-step derivation ends with diff's answer (the same object), and its spot
    # checks (finite differences themselves) agree where the formula is smooth enough
    derivation = steps(expr, "x", at={"x": x0, "y": y0})
    assert derivation.derivative is dx
    for step in derivation.walk():
        assert step.rule
        if smooth and step.check is not None and abs(step.check[1]) < 1e3:
            assert step.check[3], step.text()
    # the printed derivative reads back as the same function
    assert close(_num(parse(str(dx)), x0, y0), sym_dx), str(dx)


def check_second(tree, x0, y0):
    f1 = lambda x: build(tree, {"x": x, "y": y0})
    value = float(f1(x0))
    require(math.isfinite(value) and abs(value) < 1e6)
    expr = _expr(tree)
    d2 = diff(expr, "x", 2)
    ours = _num(d2, x0, y0)
    assert math.isfinite(ours)
    assert close(ours, chainrule.derivative(f1, 2)(x0), rtol=1e-6), str(d2)
    assert diff(expr, "x", 2, textbook=False) is \
        diff(diff(expr, "x", textbook=False), "x", textbook=False)
    theirs = _sympy_fn(sympy.diff(to_sympy(expr), SX, 2))(x0, y0)
    assert close(ours, theirs, rtol=1e-6), str(expr)
    H = hessian(expr, ["x", "y"])
    f2 = lambda v: build(tree, {"x": v[0], "y": v[1]})
    ad = chainrule.hessian(f2)(np.array([x0, y0]))
    for i in range(2):
        for j in range(2):
            assert close(_num(H[i][j], x0, y0), ad[i][j], rtol=1e-6), (i, j, str(H[i][j]))


FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
SLOW = settings(max_examples=600, deadline=None,
                suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@FAST
@given(_trees(["x"]), POINTS)
def test_one_variable_first(tree, x0):
    check_first(tree, x0, 0.0)


@FAST
@given(_trees(["x", "y"]), POINTS, POINTS)
def test_two_variables_first(tree, x0, y0):
    check_first(tree, x0, y0)


@FAST
@given(_trees(["x", "y"]), POINTS, POINTS)
def test_second_derivatives(tree, x0, y0):
    check_second(tree, x0, y0)


@pytest.mark.slow
@SLOW
@given(_trees(["x", "y"]), POINTS, POINTS)
def test_first_many(tree, x0, y0):
    check_first(tree, x0, y0)


@pytest.mark.slow
@SLOW
@given(_trees(["x", "y"]), POINTS, POINTS)
def test_second_many(tree, x0, y0):
    check_second(tree, x0, y0)


@pytest.mark.parametrize("tree", [
    ("mul", ("var", "x"), ("sin", ("var", "x"))),
    ("div", ("exp_sin", ("var", "x")), ("var", "y")),
    ("pow4", ("sigmoid", ("var", "x")), ("tanh", ("var", "y"))),
    ("hypot1", ("log_1_sq", ("var", "x")), ("cube", ("var", "y"))),
])
def test_known_trees(tree):
    """Fixed examples, so that the checks run even where Hypothesis draws differently."""
    for x0, y0 in ((0.3, -1.1), (-1.7, 0.4)):
        check_first(tree, x0, y0)
        check_second(tree, x0, y0)


def test_tree_builder_matches_parser():
    tree = ("div", ("mul", ("var", "x"), ("sin", ("var", "y"))), ("var", "x"))
    assert simplify(_expr(tree)) is simplify(parse("x sin(y)/(1 + x^2)"))
