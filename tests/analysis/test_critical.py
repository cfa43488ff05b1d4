"""Critical points: exact roots for polynomials, sign tests, kinks, honest notes, budgets.

(The first tests of critical points live in test_analysis.py; these cover issue 9.)
"""

import math
import subprocess
import sys

import numpy as np
import pytest

from chainrule.analysis import critical as critical_mod
from chainrule.analysis import critical_points
from chainrule.analysis._poly import poly_from_expr, real_roots
from chainrule.core.budget import BudgetExceeded, budget
from chainrule.symbolic import Symbol, parse


def kinds(result):
    return [(p.point[0], p.kind) for p in result.points]


def test_close_roots_are_kept_apart():
    r = critical_points(parse("x^3 - 3e-8*x"), ["x"], [(-1, 1)])
    assert [k for _, k in kinds(r)] == ["maximum", "minimum"]
    assert [p.point[0] for p in r.points] == [-1e-4, 1e-4]
    assert r.complete and "complete" in r.note


def test_double_roots_a_hair_apart():
    r = critical_points(parse("(x-1)^2*(x-1.0001)^2"), ["x"], [(-5, 5)])
    got = kinds(r)
    assert [k for _, k in got] == ["minimum", "maximum", "minimum"]
    for (x, _), want in zip(got, [1.0, 1.00005, 1.0001]):
        assert math.isclose(x, want, rel_tol=1e-14)
    assert r.points[0].value == 0.0 and r.points[1].value > 0 and r.complete


@pytest.mark.parametrize("scale", ["1e-12", "1", "1e12"])
def test_classification_does_not_depend_on_the_scale_of_f(scale):
    r = critical_points(parse(f"{scale}*(x^4 - 2x^2)"), ["x"], [(-3, 3)])
    assert [k for _, k in kinds(r)] == ["minimum", "maximum", "minimum"]
    r = critical_points(parse(f"{scale}*(x^2 + y^2 + x^4*y^2)"), ["x", "y"], [(-1, 1)] * 2)
    assert [p.kind for p in r.points] == ["minimum"]
    r = critical_points(parse(f"{scale}*(sin(x) + x^2/10)"), ["x"], [(-5, 5)])
    assert "minimum" in [k for _, k in kinds(r)]


def test_tiny_quadratic_bowl_is_a_minimum():
    r = critical_points(parse("1e-9*(x^2+y^2)"), ["x", "y"], [(-1, 1), (-1, 1)])
    assert [p.kind for p in r.points] == ["minimum"]


def test_high_degree_minimum_without_overflow_warnings():
    r = critical_points(parse("x^1000 - x"), ["x"], [(-10, 10)])
    ((x, kind),) = kinds(r)
    assert kind == "minimum" and math.isclose(x, 1000 ** (-1 / 999), rel_tol=1e-12)
    assert math.isclose(r.points[0].eigenvalues[0], 999000 * x ** 998, rel_tol=1e-9)
    assert not r.complete and "not proven complete" in r.note


def test_cli_leaks_no_runtime_warning():
    command = [sys.executable, "-W", "error::RuntimeWarning", "-m", "chainrule", "critical",
               "x^1000-x"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "minimum" in done.stdout


@pytest.mark.parametrize("f, x0, kink", [
    ("abs(x)", 0.0, True), ("abs(x) + 0.5x", 0.0, True), ("abs(x - 0.05) + x^2", 0.05, True),
    ("x^2", 0.0, False),
])
def test_kinks_are_classified_by_sign_changes(f, x0, kink):
    r = critical_points(parse(f), ["x"], [(-1, 1)])
    ((x, kind),) = kinds(r)
    assert kind == "minimum" and math.isclose(x, x0, abs_tol=1e-15)
    assert r.points[0].kink is kink
    if kink:
        assert "kink" in str(r) and "absolute" in r.note


def test_maximum_at_a_kink():
    r = critical_points(parse("-abs(x - 1/3)"), ["x"], [(-1, 1)])
    assert [k for _, k in kinds(r)] == ["maximum"]


def test_pole_is_not_a_critical_point():
    r = critical_points(parse("1/x^2"), ["x"], [(-1, 1)])
    assert r.points == [] and not r.complete


def test_box_is_shown_and_outside_roots_are_reported():
    r = critical_points(parse("x^3 - 1200x"), ["x"], [(-10, 10)])
    text = str(r)
    assert r.points == [] and r.complete
    assert "x in [-10, 10]" in text and "no critical points found in the box" in text
    assert [(p.point, p.kind) for p in r.outside] == [((-20.0,), "maximum"),
                                                       ((20.0,), "minimum")]
    assert "outside the box (2, all of them)" in text and "(20): minimum" in text


def test_cli_prints_the_default_box(run):
    status, out, _ = run("critical", "x^3 - 1200x")
    assert status == 0
    assert "box x in [-10, 10]" in out and "(-20): maximum" in out


def test_stationary_inflection_and_flat_minimum():
    r = critical_points(parse("(x - 0.1)^3 + 2"), ["x"], [(-1, 1)])
    assert kinds(r) == [(0.1, "inflection")]
    r = critical_points(parse("(x - 1)^8"), ["x"], [(-5, 5)])
    assert kinds(r) == [(1.0, "minimum")] and r.points[0].eigenvalues == (0.0,)


def test_sturm_count_proves_completeness():
    x = Symbol("x")
    p = poly_from_expr(parse("(x^2 - 2)*(x^2 + 1)*(x - 1/3)^2"), x)
    roots, proven = real_roots(p)
    assert proven and [round(r.value, 15) for r in roots] == [
        round(-math.sqrt(2), 15), round(1 / 3, 15), round(math.sqrt(2), 15)]
    for r in roots:
        assert r.lo <= r.value <= r.hi and float(r.hi) - float(r.lo) <= 2 * math.ulp(r.value)


def test_non_polynomial_is_never_complete():
    for f in ("sin(x)", "exp(x) - 2x", "abs(x)"):
        r = critical_points(parse(f), ["x"], [(-3, 3)])
        assert not r.complete and "not proven complete" in r.note


def test_two_roots_in_one_grid_cell_are_both_found():
    # f' = (x - 0.3)(x - 0.3001) e^x: both roots lie in one cell of the 4001-point grid
    r = critical_points(parse("exp(x)*(x^2 - 2.6001*x + 2.69013)"), ["x"], [(-1, 1)])
    assert [k for _, k in kinds(r)] == ["maximum", "minimum"]
    assert [round(p.point[0], 10) for p in r.points] == [0.3, 0.3001]


def test_five_variables_are_bounded():
    f = parse("sin(x) + sin(y) + sin(z) + sin(u) + sin(v) + x*y*z*u*v/100")
    r = critical_points(f, ["x", "y", "z", "u", "v"], [(-1, 1)] * 5)
    assert f"{critical_mod.MAX_STARTS} quasi-random" in r.note and not r.complete
    with pytest.raises(BudgetExceeded):
        with budget(nodes=50_000):
            critical_points(f, ["x", "y", "z", "u", "v"], [(-1, 1)] * 5)


def test_several_variables_degenerate_and_saddle():
    r = critical_points(parse("x^2 - y^4"), ["x", "y"], [(-1, 1), (-1, 1)])
    assert [p.kind for p in r.points] == ["degenerate"]
    for f in ("x^4 + y^4", "1e-12*(x^4 + y^4)", "x^4 + y^4 + z^4"):
        names = ["x", "y", "z"][:2 + f.count("z")]
        r = critical_points(parse(f), names, [(-1, 1)] * len(names))
        assert [p.kind for p in r.points] == ["degenerate"]  # the Hessian vanishes
    r = critical_points(parse("1e-9*(x^2 - y^2) + 1e-9*x^3"), ["x", "y"], [(-1, 1)] * 2)
    assert [p.kind for p in r.points] == ["maximum", "saddle"]  # x = -2/3 and 0


def test_bad_boxes_are_refused():
    for box in ([(1, 0)], [(0, np.inf)], [(np.nan, 1)]):
        with pytest.raises(ValueError, match="lo < hi"):
            critical_points(parse("x^2"), ["x"], box)


def test_one_variable_search_is_charged_to_the_budget():
    with pytest.raises(BudgetExceeded, match="nodes"):
        with budget(nodes=20_000):
            critical_points(parse("sin(1000x)"), ["x"], [(-10, 10)])


def _sympy_kinds(f, x, sp):
    """Critical points of a polynomial and their kinds, by SymPy: the exact sign of f' at
    rational points between its (exactly isolated) real roots."""
    d = sp.diff(f, x)
    roots = sorted({float(sp.N(r, 30)) for r in sp.real_roots(sp.Poly(d, x))})
    mids = [sp.Rational((a + b) / 2) for a, b in zip(roots, roots[1:])]
    cuts = [sp.Rational(roots[0]) - 1] + mids + [sp.Rational(roots[-1]) + 1]
    kinds = {(-1, 1): "minimum", (1, -1): "maximum"}
    return [(r, kinds.get((sp.sign(d.subs(x, lo)), sp.sign(d.subs(x, hi))), "inflection"))
            for r, lo, hi in zip(roots, cuts, cuts[1:])]


def test_random_polynomials_with_close_and_multiple_roots_match_sympy():
    sp = pytest.importorskip("sympy")
    x, rng = sp.Symbol("x"), np.random.default_rng(1)
    for _ in range(25):
        k = int(rng.integers(2, 5))
        roots = [sp.Rational(int(rng.integers(-30, 30)), int(rng.choice([1, 7, 10**6])))
                 for _ in range(k)]
        f = sp.Mul(*[(x - r) ** int(rng.integers(1, 4)) for r in roots])
        f = sp.expand(f * int(rng.choice([-3, 1, 5])))
        r = critical_points(parse(str(f).replace("**", "^")), ["x"], [(-5, 5)])
        got = [(p.point[0], p.kind) for p in sorted(r.points + r.outside, key=lambda p: p.point)]
        want = _sympy_kinds(f, x, sp)
        assert r.complete and [k for _, k in got] == [k for _, k in want], str(f)
        assert all(math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)
                   for (a, _), (b, _) in zip(got, want)), str(f)


@pytest.mark.parametrize("f, kind", [("abs(x) + abs(y)", "minimum"), ("abs(x) - abs(y)", "saddle"),
                                     ("-abs(x) - y^2", "maximum"),
                                     ("1000 + abs(x) + y^2", "minimum")])
def test_kinks_in_several_variables_are_not_a_linear_gradient(f, kind):
    r = critical_points(parse(f), ["x", "y"], [(-2, 2), (-2, 2)])
    assert not r.complete and "kinks (absolute)" in r.note and "linear" not in r.note
    assert [(p.point, p.kind, p.kink) for p in r.points] == [((0.0, 0.0), kind, True)]
    assert "-0" not in str(r)


def test_piecewise_constant_is_not_called_constant():
    r = critical_points(parse("floor(x)"), ["x"], [(-3, 3)])
    assert not r.complete and "piecewise constant (floor)" in r.note
