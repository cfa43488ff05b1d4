"""Steps as a tutor explains them: named substitutions, assembled lines, a final simplify
step ending in diff's answer, logarithmic differentiation, higher orders, the analysis
results, and the text / LaTeX / HTML renderings (each showing every spot check)."""

from __future__ import annotations

import math
import re

import pytest

from chainrule.analysis import critical_points, implicit_derivative, tangent, taylor
from chainrule.analysis._steps import critical_steps, implicit_steps, tangent_steps, taylor_steps
from chainrule.symbolic import diff, evaluate, parse, steps, to_str

# worked examples of a first calculus course (chain, product, quotient, log-diff rules)
EXAMPLES = [
    "(3x + 2)^2", "(x^2 + 1)^3", "sin(3x + 2)", "x^2*sin(x)", "(x - 1)/(x + 1)",
    "exp(sin(x^2))", "ln(x + sqrt(x^2 + 1))", "x^x", "x^sin(x)", "sin(cos(x^2))",
    "sqrt(1 - x^2)", "tan(x)^2", "x*exp(-x)/(1 + x^2)", "2^(3x)", "log(1 + exp(x))",
    "x^3 - 3x^2 + 2", "(sin(x))^(cos(x))", "1/(1 + exp(-x))",
]


def _val(e, x0=0.7):
    return float(evaluate(e, {"x": x0}))


def _close(a, b):
    return abs(a - b) <= 1e-8 * max(1.0, abs(a), abs(b))


@pytest.mark.parametrize("f", EXAMPLES)
def test_final_line_is_diffs_answer_and_assembled_lines_agree(f):
    s = steps(f, "x")
    answer = diff(f, "x")
    assert s.derivative is answer
    last = list(s.walk())[-1]
    if last.rule == "simplify":
        assert last.head[-1] is answer  # the simplify step ends with diff's own answer
    if s.children:
        assert s.text().splitlines()[-1].split("  -- ")[0].endswith(f" = {to_str(answer)}")
    for step in s.walk():
        assert step.check is None or step.check[3], step.text()
        if step.assembled is not None and step.check is not None:
            # the line put together from the parts is the same function as the step's
            assert _close(_val(step.assembled, step.check[0]), step.check[1]), step.text()


def test_chain_rule_names_the_inner_part():
    text = steps("sin(3x + 2)", "x").text()
    assert "let u = 3*x + 2, then d/dx sin(u) = cos(u) * du/dx" in text
    assert "simplify: cos(3*x + 2) * 3 = 3*cos(3*x + 2)" in text
    power = steps("(x^2 + 1)^3", "x")
    assert power.rule == "chain rule with the power rule"
    assert "let u = x**2 + 1, then d/dx u**3 = 3*u**2 * du/dx" in power.text()


def test_nested_chains_are_named_from_the_outside_in():
    lines = steps("sin(cos(x^2))", "x").text().splitlines()
    lets = [ln.strip() for ln in lines if ln.strip().startswith("let ")]
    assert lets[0].startswith("let u = cos(x**2)")
    assert lets[1].startswith("let v = x**2, then d/dx cos(v) = (-sin(v)) * dv/dx")


def test_substitution_names_avoid_the_formulas_symbols():
    text = steps("sin(u*x + v)", "x").text()
    assert "let w = u*x + v" in text


def test_logarithmic_differentiation_is_expanded():
    s = steps("x^x", "x")
    text = s.text()
    assert s.rule == "logarithmic differentiation"
    for line in ("let y = x**x", "take ln of both sides: ln(y) = x*log(x)",
                 "differentiate both sides: y'/y = ", "solve for y': y' = y * ("):
        assert line in text, text
    order = [text.index(w) for w in ("take ln", "d/dx [x*log(x)]", "solve for", "simplify:")
             if w in text]
    assert order == sorted(order)
    # a formula that uses y already: another name for the function
    assert "let u = x**y" not in steps("x^(x*y)", "x").text()
    assert re.search(r"let (\w+) = x\*\*\(x\*y\)", steps("x^(x*y)", "x").text())


def test_power_towers_stay_bounded():
    s = steps("x^x^x^x^x^x", "x")
    assert s.derivative is diff("x^x^x^x^x^x", "x")


def test_long_sums_are_one_step():
    f = "+".join(["x"] * 400)
    s = steps(f, "x")
    assert len(list(s.walk())) <= 3 and s.derivative is diff(f, "x")


@pytest.mark.parametrize("order", [0, 2, 3])
def test_higher_orders_end_with_diff(order):
    f = "x^3*sin(x)"
    s = steps(f, "x", order=order)
    assert s.derivative is diff(f, "x", order)
    assert len(s.children) == order
    for k, child in enumerate(s.children, start=1):
        assert child.derivative is diff(f, "x", k)  # diff(f, k) is diff repeated k times
    assert s.text().startswith(f"d^{order}/dx^{order} [x**3*sin(x)] = ")
    with pytest.raises(ValueError, match="order"):
        steps(f, "x", order=-1)


def test_every_rendering_shows_every_check():
    s = steps("x*exp(-x)/(1 + x^2)", "x")
    text, tex, page = s.text(), s.latex(), s._repr_html_()
    for step in s.walk():
        words = step.check_text()
        assert words in text and words in page
        assert words.replace("_", r"\_") in tex
    assert page.count("<details") == sum(1 for st in s.walk() if st.children or st.intro
                                         or st.after)
    assert "<details open>" in page and "&#x27;" in page and "'" not in re.sub(
        r"<[^>]*>", "", page)  # the rules' primes are escaped
    assert s._repr_latex_().startswith("$$\\begin{aligned}")


def test_latex_names_the_substitution():
    tex = steps("sin(3x + 2)", "x").latex()
    assert r"\frac{du}{dx}" in tex and r"\text{chain rule with the trigonometric rule}" in tex


def test_a_check_that_cannot_be_made_says_so():
    s = steps("sqrt(x - 2)", "x")  # undefined at the default point 0.7
    assert s.check is None and "no spot check" in s.text().splitlines()[0]


def test_tangent_steps_end_with_the_tangent_line():
    f = parse("x^2*sin(x)")
    t = tangent(f, "x", 1)
    s = tangent_steps(f, "x", 1)
    assert s.derivative is t.line
    assert s.text().splitlines()[-1].strip() == f"y = {t.line}"
    assert all(st.check is None or st.check[3] for st in s.walk())
    assert s.check[0] == 1.0 and _close(s.check[1], math.sin(1) * 2 + math.cos(1))


def test_taylor_steps_end_with_the_polynomial():
    f = parse("exp(x)*cos(x)")
    s = taylor_steps(f, "x", 0, 4)
    assert s.derivative is taylor(f, "x", 0, 4)
    assert s.text().splitlines()[-1].strip() == f"p(x) = {taylor(f, 'x', 0, 4)}"
    assert len(s.children) == 4 and all(c.check[3] for c in s.children)
    with pytest.raises(ValueError):
        taylor_steps(f, "x", 0, -1)


def test_implicit_steps_end_with_the_implicit_derivative():
    eq = parse("x^2 + x*y + y^3 = 7")
    s = implicit_steps(eq, "x", "y")
    assert s.derivative is implicit_derivative(eq, "x", "y")
    assert s.check[3] and [c.var for c in s.children] == ["x", "y"]
    assert s.text().splitlines()[-1].strip() == f"dy/dx = {s.derivative}"


def test_critical_steps_report_the_points_and_the_note():
    f = parse("x^3 - 3x^2 + 2")
    result = critical_points(f, ["x"], [(-5, 5)])
    s = critical_steps(f, ["x"], [(-5, 5)])
    text = s.text()
    assert "x = 0: f = 2, maximum" in text and "x = 2: f = -2, minimum" in text
    assert text.splitlines()[-1].strip() == f"note: {result.note}"
    two = critical_steps(parse("x^2 + x*y + y^2 - x"), ["x", "y"], [(-5, 5), (-5, 5)])
    assert "minimum (Hessian eigenvalues" in two.text()
    assert all(st.check is None or st.check[3] for st in two.walk())


def test_cli_shows_the_steps(run):
    status, out, err = run("diff", "sin(3x + 2)", "--steps")
    assert status == 0 and err == ""
    assert "let u = 3*x + 2, then d/dx sin(u) = cos(u) * du/dx" in out
    assert out.rstrip().endswith("spot checks: all agree with finite differences")
    status, out, _ = run("diff", "x^3", "--order", "2", "--steps")
    assert status == 0 and "d^2/dx^2 [x**3] = 6*x" in out
    status, out, _ = run("diff", "sqrt(x - 2)", "--steps")
    assert status == 0 and "not made (undefined or not finite at the check point)" in out
    for argv, words in ((["tangent", "x^2", "--at", "3", "--steps"], "  y = 6*x - 9"),
                        (["taylor", "exp(x)", "--steps"], "p(x) = "),
                        (["implicit", "x^2 + y^2 = 25", "--steps"], "dy/dx = -F_x/F_y"),
                        (["critical", "x^3 - 3x", "--box", "-2:2", "--steps"],
                         "first-derivative test")):
        status, out, err = run(*argv)
        assert status == 0 and err == "" and words in out, out
        assert "\n\nsteps:\n" in out and "spot checks: " in out


@pytest.mark.parametrize("build", [
    lambda w: steps(f"{w}^{w}^{w}^{w}^{w}^{w}", w),
    lambda w: steps(f"{w}^{w}*sin({w})", w, order=3),
    lambda w: taylor_steps(parse(f"exp(sin({w}))"), w, 0, 6),
])
def test_steps_run_under_the_budget(build):
    from chainrule.core.budget import BudgetExceeded, budget
    # a fresh variable each run: nodes built before (hash-consed) would cost nothing
    w = f"w_{next(_FRESH)}"
    with pytest.raises(BudgetExceeded), budget(nodes=300):
        build(w)


_FRESH = iter(range(10**6))


def test_nested_formulas_do_not_recurse():
    import chainrule.numpy as cnp
    from chainrule.symbolic import symbols
    f = symbols("x")[0]
    for _ in range(110):  # deeper than the parser allows, built from code
        f = cnp.sin(f)
    s = steps(f, "x")
    assert s.derivative is diff(f, "x")
    assert len(s.text().splitlines()) > 110 and s._repr_html_().count("<details") >= 109
