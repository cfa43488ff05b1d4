"""Tangent lines, Taylor polynomials and implicit derivatives at the edges (issue 9):
points outside the domain, degenerate equations, numbers beyond the float range."""

import math

import pytest

from chainrule.analysis import implicit_derivative, tangent, taylor
from chainrule.core.budget import BudgetExceeded, budget
from chainrule.symbolic import evaluate, parse, simplify


@pytest.mark.parametrize("text, at", [
    ("exp(log(x))", -1), ("(x^(1/2))^2", -2), ("x/x", 0), ("log(x) - log(x)", -1),
    ("sqrt(x)^2", -1.5), ("log(x)/log(x)", -0.5), ("arcsin(x) - arcsin(x) + x", 2),
])
def test_no_answer_where_the_function_is_undefined(text, at):
    e = parse(text)
    with pytest.raises(ValueError, match="not defined"):
        tangent(e, "x", at)
    with pytest.raises(ValueError, match="not defined"):
        taylor(e, "x", at, 2)


def test_answers_where_the_function_is_defined():
    t = tangent(parse("exp(log(x))"), "x", 2)
    assert float(evaluate(t.line, x=3.0)) == pytest.approx(3.0)
    assert taylor(parse("(x^(1/2))^2"), "x", 4, 2) is not None


def test_tangent_beyond_the_float_range_is_exact():
    t = tangent(parse("x^2"), "x", 1e308)
    assert t.x0 == 1e308 and t.y0 == math.inf and t.slope == math.inf
    assert "line is exact" in t.note and "y0" in t.note
    assert simplify(t.line - parse("2*10^308*x - 10^616")).value == 0


def test_tangent_and_taylor_at_exact_points():
    assert tangent(parse("sin(x)"), "x", parse("pi")).line is simplify(parse("pi - x"))
    assert taylor(parse("cos(x)"), "x", parse("pi/2"), 3) is simplify(
        parse("-(x - pi/2) + (x - pi/2)^3/6"))
    with pytest.raises(ValueError, match="finite"):
        tangent(parse("x"), "x", math.inf)
    with pytest.raises(ValueError, match="number"):
        tangent(parse("x"), "x", parse("y"))
    with pytest.raises(ValueError, match="order"):
        taylor(parse("x"), "x", 0, -1)
    with pytest.raises(ValueError, match="order"):
        taylor(parse("x"), "x", 0, True)


@pytest.mark.parametrize("equation, x, y, message", [
    ("x^2 + y^2 = 25", "x", "x", "different symbols"),
    ("x^2 = 4", "x", "y", "does not involve y"),
    ("y - y = x", "x", "y", "does not involve y"),
    ("1 = 1", "x", "y", "does not involve y"),
    ("x = x", "x", "y", "does not involve y"),
])
def test_implicit_refuses_degenerate_input(equation, x, y, message):
    with pytest.raises(ValueError, match=message):
        implicit_derivative(parse(equation), x, y)


def test_implicit_other_cases():
    assert implicit_derivative(parse("y = 3"), "x", "y").value == 0  # y constant in x
    assert implicit_derivative(parse("y^2 = x"), "x", "y") is simplify(parse("1/(2y)"))
    with pytest.raises(TypeError):
        implicit_derivative(parse("x + y = 1"), "x", parse("x + y"))


def test_taylor_of_high_order_is_bounded():
    with budget(seconds=1), pytest.raises(BudgetExceeded):
        taylor(parse("x^x"), "x", 1, 20)
    assert taylor(parse("x^5"), "x", 0, 10**6) is parse("x^5")  # stops at the zero term
