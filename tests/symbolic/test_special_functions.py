"""SciPy's special functions in the symbolic layer: parsed, printed, differentiated by the
shared rules, evaluated as SciPy does, mapped to SymPy, with correct domain facts.

SymPy is the oracle for derivatives (its own differentiation, evaluated by mpmath), SciPy
for values."""

import math
import subprocess
import sys

import numpy as np
import pytest
import sympy

sc = pytest.importorskip("scipy.special")

from chainrule.symbolic import (  # noqa: E402
    ParseError,
    diff,
    evaluate,
    from_sympy,
    latex,
    parse,
    simplify,
    steps,
    symbols,
    to_sympy,
)
from chainrule.symbolic._domain import smooth, total  # noqa: E402

# formula, points inside its domain
FORMULAS = [
    ("erf(x)", (-1.3, 0.2, 1.1)), ("erf(x^2)", (-0.8, 0.4, 1.2)), ("erfc(2x)", (-0.5, 0.3, 0.9)),
    ("erfinv(x)", (-0.7, 0.1, 0.85)), ("erfcinv(x)", (0.2, 1.0, 1.7)),
    ("gamma(x)", (0.6, 2.5, 4.2)), ("gamma(x)", (-0.5, -1.5, -2.7)),
    ("gammaln(x)", (0.4, 1.7, 6.0)), ("digamma(x)", (0.3, 1.5, -0.5)),
    ("polygamma(1, x)", (0.5, 2.0, 3.3)), ("polygamma(3, x^2 + 1)", (-0.6, 0.2, 1.1)),
    ("beta(x, 2.5)", (0.5, 1.5, 3.0)), ("betaln(3, x)", (0.5, 1.5, 3.0)),
    ("logit(x)", (0.1, 0.5, 0.8)), ("i0(x)", (-2.0, 0.3, 1.7)), ("i1(x)", (-2.0, 0.3, 1.7)),
    ("j0(x)", (-2.0, 0.3, 3.7)), ("j1(x)", (-2.0, 0.3, 3.7)), ("y0(x)", (0.3, 1.7, 5.0)),
    ("y1(x)", (0.3, 1.7, 5.0)), ("jn(3, x)", (-2.0, 0.3, 4.1)), ("yn(2, x)", (0.4, 1.7, 5.0)),
    ("erf(x)*gamma(x)", (0.5, 1.2, 2.0)), ("exp(-x)*i1(2x)", (0.2, 1.0, 2.5)),
    ("gammaln(x) - betaln(x, 2)", (0.5, 1.5, 3.0)), ("sin(j0(x)) + psi(1 + x^2)", (0.1, 1, 2)),
]


def _oracle(sym_expr, order, x):
    """SymPy's own derivative, evaluated with 30 digits (mpmath)."""
    xs = sympy.Symbol("x", real=True)
    d = sympy.diff(sym_expr, xs, order)
    d = d.replace(sympy.erfcinv, lambda u: sympy.erfinv(1 - u))  # mpmath has no erfcinv
    value = complex(d.subs(xs, sympy.Float(x, 30)).evalf(30))
    assert abs(value.imag) < 1e-12
    return value.real


@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("f, points", FORMULAS, ids=[f for f, _ in FORMULAS])
def test_derivatives_agree_with_sympy(f, points, order):
    expr = parse(f)
    ours = diff(expr, "x", order)
    for x in points:
        got = float(evaluate(ours, x=x))
        want = _oracle(to_sympy(expr), order, x)
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9), (f, x, str(ours))
        # and the printed derivative reads back as the same function
        assert math.isclose(float(evaluate(str(ours), x=x)), got, rel_tol=1e-12, abs_tol=1e-12)


@pytest.mark.parametrize("f", ["erf(x)", "erf(x^2)", "erfc(x)", "erfinv(x)", "erfcinv(x)",
                               "gamma(x)", "gammaln(x)", "psi(x)", "polygamma(2, x)",
                               "beta(x, y)", "j0(x)", "i0(x)", "y0(x)", "erf(3x)*x"])
def test_derivatives_are_sympys_exactly(f):
    expr = parse(f)
    ours = to_sympy(diff(expr, "x"))
    assert sympy.simplify(ours - sympy.diff(to_sympy(expr), sympy.Symbol("x", real=True))) == 0


def test_erf_has_an_exact_derivative():
    """pi stays exact: the rule's float 2/sqrt(pi) is read back as the constant it rounds."""
    assert diff("erf(x^2)", "x") is simplify(parse("4x exp(-x^4)/sqrt(pi)"))
    assert diff("erfinv(x)", "x") is simplify(parse("sqrt(pi)/2 exp(erfinv(x)^2)"))
    assert diff("log2(x)", "x") is simplify(parse("1/(x ln(2))"))
    x, = symbols("x")
    assert diff(x * math.pi, x).op == "const"  # a float the user wrote stays a float


def test_steps_name_the_rules():
    s = steps("erf(x^2)", "x")
    assert s.derivative is diff("erf(x^2)", "x")
    assert s.rule == "chain rule with the error function rule"
    assert s.children[0].rule == "power rule"
    assert all(step.check is None or step.check[3] for step in s.walk())
    rules = {st.rule for st in steps("gamma(x) + j0(x^2) + polygamma(1, 2x)", "x").walk()}
    assert {"gamma rule", "chain rule with the Bessel rule",
            "chain rule with the polygamma rule"} <= rules


@pytest.mark.parametrize("f, name", [
    ("erf(x)", "erf"), ("erfc(x)", "erfc"), ("erfinv(x)", "erfinv"), ("erfcinv(x)", "erfcinv"),
    ("gamma(x)", "gamma"), ("gammaln(x)", "gammaln"), ("digamma(x)", "digamma"),
    ("logit(x)", "logit"), ("i0(x)", "i0"), ("i1(x)", "i1"), ("j0(x)", "j0"), ("j1(x)", "j1"),
    ("y0(x)", "y0"), ("y1(x)", "y1"),
])
def test_values_are_scipys(f, name):
    x = np.linspace(0.05, 0.95, 7)
    for xs in (x, x.astype(np.float32)):
        got = evaluate(f, x=xs)
        want = getattr(sc, name)(xs)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    assert float(evaluate(f, x=0.3)) == float(getattr(sc, name)(0.3))


def test_two_argument_values_are_scipys():
    x = np.linspace(0.2, 3.0, 5)
    got = evaluate("polygamma(2, x) + jn(3, x) * yn(2, x) - beta(x, 1.5) * betaln(2, x)", x=x)
    want = sc.polygamma(2, x) + sc.jn(3, x) * sc.yn(2, x) - sc.beta(x, 1.5) * sc.betaln(2, x)
    np.testing.assert_allclose(got, want, rtol=1e-14)


@pytest.mark.parametrize("f, tex", [
    ("erf(x)", r"\operatorname{erf}\left(x\right)"),
    ("erfinv(x)", r"\operatorname{erf}^{-1}\left(x\right)"),
    ("gamma(x)", r"\Gamma\left(x\right)"),
    ("gammaln(x)", r"\ln\left|\Gamma\left(x\right)\right|"),
    ("psi(x)", r"\psi\left(x\right)"),
    ("polygamma(2, x)", r"\psi^{(2)}\left(x\right)"),
    ("beta(x, y)", r"\mathrm{B}\left(x, y\right)"),
    ("besselj(0, x)", r"J_{0}\left(x\right)"),
    ("jn(3, x)", r"J_{3}\left(x\right)"),
    ("gamma(x)^2", r"\left(\Gamma\left(x\right)\right)^{2}"),
])
def test_latex(f, tex):
    assert latex(parse(f)) == tex


@pytest.mark.parametrize("sym, text", [
    (lambda x: sympy.erf(x), "erf(x)"), (lambda x: sympy.erfc(x), "erfc(x)"),
    (lambda x: sympy.erfinv(x), "erfinv(x)"), (lambda x: sympy.erfcinv(x), "erfcinv(x)"),
    (lambda x: sympy.gamma(x), "gamma(x)"), (lambda x: sympy.loggamma(x), "gammaln(x)"),
    (lambda x: sympy.digamma(x), "digamma(x)"), (lambda x: sympy.polygamma(3, x),
                                                  "polygamma(3, x)"),
    (lambda x: sympy.beta(x, 2), "beta(x, 2)"), (lambda x: sympy.besselj(0, x), "j0(x)"),
    (lambda x: sympy.besselj(1, x), "j1(x)"), (lambda x: sympy.besselj(4, x), "jn(4, x)"),
    (lambda x: sympy.bessely(0, x), "y0(x)"), (lambda x: sympy.bessely(2, x), "yn(2, x)"),
    (lambda x: sympy.besseli(0, x), "i0(x)"), (lambda x: sympy.besseli(1, x), "i1(x)"),
])
def test_sympy_bridge_both_ways(sym, text):
    x = sympy.Symbol("x", real=True)
    ours = parse(text)
    assert from_sympy(sym(x)) is ours
    assert to_sympy(ours) == sym(x)


def test_sympy_bridge_refuses_what_it_cannot_map():
    x = sympy.Symbol("x", real=True)
    with pytest.raises(ValueError, match="n = 0 and 1"):
        from_sympy(sympy.besseli(2, x))
    with pytest.raises(ValueError, match="integer"):
        from_sympy(sympy.besselj(sympy.Rational(1, 2), x))


def test_expit_is_the_sigmoid():
    import chainrule.scipy.special as csp
    x, = symbols("x")
    assert parse("expit(x)") is parse("sigmoid(x)")
    e = csp.expit(x)  # SciPy's primitive, traced
    assert latex(e) == r"\sigma\left(x\right)" and total(e)
    d = diff(e, x)
    for v in (-1.0, 0.5):
        assert math.isclose(float(evaluate(d, x=v)), _oracle(to_sympy(e), 1, v), rel_tol=1e-12)


@pytest.mark.parametrize("f, is_total", [
    ("erf(x)", True), ("gamma(x)", True), ("gammaln(x)", True), ("digamma(x)", True),
    ("polygamma(2, x)", True), ("j1(x)", True), ("jn(2, x)", True),
    ("erfinv(x)", False), ("erfcinv(x)", False), ("logit(x)", False), ("y0(x)", False),
    ("yn(2, x)", False), ("betaln(x, 2)", False),
])
def test_domain_facts(f, is_total):
    e = parse(f)
    assert total(e) is is_total
    assert smooth(e)


@pytest.mark.parametrize("f, outside", [
    ("erfinv(x) - erfinv(x)", 1.5), ("0*erfcinv(x)", 2.5), ("logit(x)/logit(x)", 1.5),
    ("y0(x) - y0(x)", -1.0),
])
def test_simplify_keeps_the_domain(f, outside):
    e = simplify(parse(f))
    assert math.isnan(float(evaluate(e, x=outside)))


def test_simplify_cancels_where_defined_almost_everywhere():
    assert simplify(parse("gammaln(x) - gammaln(x)")) is parse("0")
    assert simplify(parse("j0(x)/j0(x)")) is parse("1")


def test_greek_and_short_names_stay_symbols():
    e = parse("gamma + beta*y0 - psi")
    assert {s.args[0] for s in e.free_symbols()} == {"gamma", "beta", "y0", "psi"}
    assert parse("gamma(gamma)") is parse("gamma(x)").subs({"x": parse("gamma")})


@pytest.mark.parametrize("text, message", [
    ("polygamma(1.5, x)", "non-negative integer"), ("polygamma(-1, x)", "non-negative"),
    ("polygamma(n, x)", "non-negative integer"), ("jn(x, x)", "integer"),
    ("jn(10000, x)", "at most"), ("besseli(2, x)", "n = 0 and 1"),
    ("erf(x, y)", "takes 1 argument, got 2"), ("beta(x)", "takes 2 arguments"),
    ("erff(x)", "did you mean 'erf'"),
])
def test_parse_errors(text, message):
    with pytest.raises(ParseError, match=message) as info:
        parse(text)
    assert info.value.column == 0


def test_cli_diff(run):
    status, out, err = run("diff", "erf(x^2)", "--at", "0.5")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[1] == "  4*x*exp(-x**4)/sqrt(pi)"
    value = float(lines[2].split(":")[1])
    assert math.isclose(value, 2 * math.exp(-0.0625) / math.sqrt(math.pi), rel_tol=1e-9)


def test_works_without_scipy():
    code = (
        "import sys\n"
        "sys.modules['scipy'] = None\n"  # import scipy now raises ImportError
        "from chainrule.symbolic import diff, parse, ParseError\n"
        "assert str(diff('gamma*sin(x) + y0', 'x')) == 'gamma*cos(x)'\n"
        "assert 'chainrule.scipy' not in sys.modules\n"
        "try:\n"
        "    parse('erf(x)')\n"
        "except ParseError as e:\n"
        "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert 'erf() needs SciPy' in out.stdout and 'pip install "chainrule[scipy]"' in out.stdout
