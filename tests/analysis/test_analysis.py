"""Tangent lines, Taylor polynomials, implicit derivatives and critical points."""

import math

import numpy as np
import pytest
import sympy

from chainrule.analysis import (
    CriticalPoints,
    Tangent,
    as_zero,
    critical_points,
    implicit_derivative,
    tangent,
    taylor,
)
from chainrule.symbolic import diff, evaluate, parse, simplify, to_sympy


def canon(text):
    return simplify(parse(text))


# ---------------------------------------------------------------------------------------
# Implicit derivatives.

def test_implicit_circle():
    d = implicit_derivative(parse("x^2 + y^2 = 25"), "x", "y")
    assert d is canon("-x/y")
    assert str(d) == "-x/y"
    assert float(evaluate(d, x=3.0, y=4.0)) == -0.75
    # the same curve written as an expression equal to zero, or with the sides swapped
    assert implicit_derivative(parse("x^2 + y^2 - 25"), "x", "y") is d
    assert implicit_derivative(parse("25 = x^2 + y^2")) is d


@pytest.mark.parametrize("equation, expected, point", [
    ("x y = 1", "-y/x", {"x": 2.0, "y": 0.5}),
    ("y^2 = x", "1/(2y)", {"x": 4.0, "y": 2.0}),
    ("x^2/4 + y^2/9 = 1", "-9x/(4y)", {"x": 1.0, "y": 1.5 * math.sqrt(3)}),
    ("x^3 + y^3 = 6x y", "(2y - x^2)/(y^2 - 2x)", {"x": 3.0, "y": 3.0}),
])
def test_implicit_examples(equation, expected, point):
    ours = implicit_derivative(parse(equation), "x", "y")
    want = parse(expected)
    assert math.isclose(float(evaluate(ours, point)), float(evaluate(want, point)),
                        rel_tol=1e-12)
    assert sympy.simplify(to_sympy(ours) - to_sympy(want)) == 0


def test_implicit_other_names():
    d = implicit_derivative(parse("u^2 + v^2 = 1"), "u", "v")
    assert d is canon("-u/v")


def test_implicit_needs_y():
    with pytest.raises(ValueError, match="does not involve y"):
        implicit_derivative(parse("x^2 = 4"), "x", "y")


def test_as_zero():
    assert as_zero(parse("x^2 = 2x")) is canon("x^2 - 2x")
    assert as_zero(parse("sin(x)")) is canon("sin(x)")


# ---------------------------------------------------------------------------------------
# Critical points.

def test_cubic_on_interval():
    r = critical_points(parse("x^3 - 3x^2 + 2"), ["x"], [(-5, 5)])
    assert isinstance(r, CriticalPoints)
    assert [(p.point, p.kind) for p in r.points] == [((0.0,), "maximum"), ((2.0,), "minimum")]
    assert [p.value for p in r.points] == [2.0, -2.0]
    assert [p.eigenvalues for p in r.points] == [(-6.0,), (6.0,)]
    assert r.complete is True and "complete" in r.note
    text = str(r)
    assert "(0): maximum, f = 2" in text and "(2): minimum, f = -2" in text


def test_interval_excludes_outside_roots():
    r = critical_points(parse("x^3 - 3x^2 + 2"), ["x"], [(1, 5)])
    assert [(p.point, p.kind) for p in r.points] == [((2.0,), "minimum")]
    r = critical_points(parse("x^3 - 3x"), ["x"], [(-0.5, 0.5)])
    assert r.points == [] and r.complete and "no critical points" in str(r)


def test_saddle():
    r = critical_points(parse("x^2 - y^2"), ["x", "y"], [(-1, 1), (-1, 1)])
    assert r.complete is True
    (p,) = r.points
    assert p.point == (0.0, 0.0) and p.kind == "saddle" and p.value == 0.0
    assert min(p.eigenvalues) < 0 < max(p.eigenvalues)
    assert sorted(p.eigenvalues) == [-2.0, 2.0]


def test_sin_cos_box():
    r = critical_points(parse("sin(x)cos(y)"), ["x", "y"], [(-3, 3), (-3, 3)])
    assert r.complete is False and "numerical" in r.note and "missed" in r.note
    h = math.pi / 2
    want = {(-h, 0.0): "minimum", (0.0, -h): "saddle", (0.0, h): "saddle", (h, 0.0): "maximum"}
    assert len(r.points) == 4
    for p in r.points:
        key = min(want, key=lambda q: math.dist(q, p.point))
        assert math.dist(key, p.point) < 1e-9
        assert p.kind == want[key]
        assert math.isclose(p.value, math.sin(p.point[0]) * math.cos(p.point[1]), abs_tol=1e-12)
        signs = {"minimum": (1, 1), "maximum": (-1, -1), "saddle": (-1, 1)}[p.kind]
        assert tuple(np.sign(sorted(p.eigenvalues))) == signs
    assert sorted(p.kind for p in r.points) == ["maximum", "minimum", "saddle", "saddle"]


@pytest.mark.parametrize("f, kind", [
    ("x^4", "minimum"), ("x^3", "inflection"), ("-x^4", "maximum"), ("x^5", "inflection"),
    ("x^6", "minimum"), ("x^2", "minimum"), ("-x^2", "maximum"), ("x^3 + x^4", "inflection"),
    ("x^4 + x^5", "minimum"),
])
def test_higher_order_test_at_zero(f, kind):
    r = critical_points(parse(f), ["x"], [(-0.5, 0.5)])
    assert r.complete
    assert [(p.point, p.kind) for p in r.points] == [((0.0,), kind)]


@pytest.mark.parametrize("f, want", [
    ("x^4 - 2x^2", [(-1.0, "minimum"), (0.0, "maximum"), (1.0, "minimum")]),
    ("(x^2 - 2)^2", [(-math.sqrt(2), "minimum"), (0.0, "maximum"), (math.sqrt(2), "minimum")]),
    ("x^2 (x - 1)^2", [(0.0, "minimum"), (0.5, "maximum"), (1.0, "minimum")]),
    ("(x - 1/3)^2 (x + 2)", [(-11 / 9, "maximum"), (1 / 3, "minimum")]),
])
def test_polynomials(f, want):
    r = critical_points(parse(f), ["x"], [(-3, 3)])
    assert r.complete
    assert [p.kind for p in r.points] == [k for _, k in want]
    for p, (x0, _) in zip(r.points, want):
        assert math.isclose(p.point[0], x0, abs_tol=1e-9)


def test_non_polynomial_1d():
    r = critical_points(parse("cos(x)"), ["x"], [(-1, 7)])
    assert r.complete is False and "numerical" in r.note
    got = [(p.point[0], p.kind) for p in r.points]
    want = [(0.0, "maximum"), (math.pi, "minimum"), (2 * math.pi, "maximum")]
    assert [k for _, k in got] == [k for _, k in want]
    assert all(math.isclose(a, b, abs_tol=1e-9) for (a, _), (b, _) in zip(got, want))
    r = critical_points(parse("x^2 exp(-x)"), ["x"], [(-1, 5)])
    assert [p.kind for p in r.points] == ["minimum", "maximum"]
    assert math.isclose(r.points[1].point[0], 2.0, rel_tol=1e-9)


@pytest.mark.parametrize("f, names, point, eigs", [
    ("(x - 1)^2 + (y + 2)^2", ["x", "y"], (1.0, -2.0), (2.0, 2.0)),
    ("x^2 + y^2 + x y", ["x", "y"], (0.0, 0.0), (1.0, 3.0)),
    ("x^2 + y^2 + z^2 - x z", ["x", "y", "z"], (0.0, 0.0, 0.0), (1.0, 2.0, 3.0)),
])
def test_quadratic_minimum_is_exact(f, names, point, eigs):
    r = critical_points(parse(f), names, [(-3, 3)] * len(names))
    assert r.complete and "linear" in r.note
    (p,) = r.points
    assert p.kind == "minimum"
    assert np.allclose(p.point, point, atol=1e-12) and np.allclose(p.eigenvalues, eigs)


def test_singular_quadratic_is_not_complete():
    r = critical_points(parse("x^2"), ["x", "y"], [(-1, 1), (-1, 1)])
    assert r.complete is False and "singular" in r.note
    assert [p.kind for p in r.points] == ["degenerate"]


def test_box_must_match_variables():
    with pytest.raises(ValueError, match="interval"):
        critical_points(parse("x^2 + y^2"), ["x", "y"], [(-1, 1)])


def test_quartic_multiple_root_is_minimum():
    r = critical_points(parse("(x - 1)^4"), ["x"], [(-5, 5)])
    assert [p.kind for p in r.points] == ["minimum"]
    assert math.isclose(r.points[0].point[0], 1.0, abs_tol=1e-9)


def test_shifted_cubic_is_inflection():
    r = critical_points(parse("(x - 0.1)^3"), ["x"], [(-1, 1)])
    assert [p.kind for p in r.points] == ["inflection"]


def test_scaled_minimum():
    r = critical_points(parse("x^2/10^10"), ["x"], [(-1, 1)])
    assert [p.kind for p in r.points] == ["minimum"]


def test_abs_factor_is_not_a_polynomial():
    r = critical_points(parse("(x - 1)^2 abs(x)"), ["x"], [(0.5, 2)])
    assert [(round(p.point[0], 6), p.kind) for p in r.points] == [(1.0, "minimum")]


def test_constant_function_is_not_complete():
    r = critical_points(parse("3"), ["x"], [(-1, 1)])
    assert r.points or not r.complete


# ---------------------------------------------------------------------------------------
# Tangent lines.

def test_tangent_parabola():
    t = tangent(parse("x^2"), "x", 3)
    assert isinstance(t, Tangent)
    assert (t.x0, t.y0, t.slope) == (3, 9, 6)
    assert t.line is canon("6x - 9")
    assert str(t) == "y = 6*x - 9"


@pytest.mark.parametrize("f, at, line, slope", [
    ("sin(x)", 0, "x", 1), ("exp(x)", 0, "x + 1", 1), ("x^2", 0.5, "x - 1/4", 1.0),
    ("x^3", -1, "3x + 2", 3), ("log(x)", 1, "x - 1", 1), ("1/x", 2, "1 - x/4", -0.25),
])
def test_tangent_lines(f, at, line, slope):
    t = tangent(parse(f), "x", at)
    assert t.line is canon(line)
    assert t.slope == slope


@pytest.mark.parametrize("f", ["sin(x)", "x^2 exp(x)", "atan(x)", "sqrt(1 + x^2)"])
@pytest.mark.parametrize("at", [-0.75, 0.25, 1.5])
def test_tangent_touches(f, at):
    e = parse(f)
    t = tangent(e, "x", at)
    assert math.isclose(float(evaluate(t.line, x=at)), float(evaluate(e, x=at)), rel_tol=1e-12)
    assert math.isclose(float(evaluate(diff(t.line, "x"), x=0.0)), float(t.slope),
                        rel_tol=1e-12)
    assert math.isclose(float(t.slope), float(evaluate(diff(e, "x"), x=at)), rel_tol=1e-12)


def test_tangent_outside_domain_raises():
    with pytest.raises(ValueError):
        tangent(parse("1/x"), "x", 0)


# ---------------------------------------------------------------------------------------
# Taylor polynomials.

SERIES = [
    ("exp(x)", 0, "1 + x + x^2/2 + x^3/6 + x^4/24 + x^5/120"),
    ("sin(x)", 0, "x - x^3/6 + x^5/120"),
    ("cos(x)", 0, "1 - x^2/2 + x^4/24"),
    ("log(1 + x)", 0, "x - x^2/2 + x^3/3 - x^4/4 + x^5/5"),
    ("log1p(x)", 0, "x - x^2/2 + x^3/3 - x^4/4 + x^5/5"),
    ("1/(1 - x)", 0, "1 + x + x^2 + x^3 + x^4 + x^5"),
    ("atan(x)", 0, "x - x^3/3 + x^5/5"),
    ("sinh(x)", 0, "x + x^3/6 + x^5/120"),
    ("log(x)", 1, "(x-1) - (x-1)^2/2 + (x-1)^3/3 - (x-1)^4/4 + (x-1)^5/5"),
]


@pytest.mark.parametrize("f, at, series", SERIES)
def test_taylor_known_series(f, at, series):
    p = taylor(parse(f), "x", at, 5)
    assert p is canon(series), str(p)
    x = sympy.Symbol("x", real=True)
    ref = sympy.series(to_sympy(parse(f)), x, at, 6).removeO()
    assert sympy.expand(to_sympy(p) - ref) == 0


def test_taylor_documented_text():
    assert str(taylor(parse("exp(x)"), "x", 0, 3)) == "x**3/6 + x**2/2 + x + 1"


@pytest.mark.parametrize("f, at", [("sqrt(1 + x)", 0), ("exp(x)", 1), ("x^3", 2),
                                   ("cos(x)", 0.5)])
def test_taylor_coefficients(f, at):
    p = taylor(parse(f), "x", at, 4)
    x = sympy.Symbol("x", real=True)
    ref = sympy.series(to_sympy(parse(f)), x, sympy.nsimplify(at), 5).removeO()
    theirs = sympy.Poly(sympy.expand(ref), x).all_coeffs()
    ours = sympy.Poly(sympy.expand(to_sympy(p)), x).all_coeffs()
    assert len(ours) == len(theirs)
    assert all(abs(float(a - b)) < 1e-12 for a, b in zip(ours, theirs))


def test_taylor_orders():
    e = parse("exp(x)")
    assert taylor(e, "x", 0, 0) is canon("1")
    assert taylor(e, "x", 0, 1) is canon("1 + x")
    poly = parse("x^3 - 2x + 5")
    assert sympy.expand(to_sympy(taylor(poly, "x", 2, 7)) - to_sympy(poly)) == 0
