"""Formulas as students type them: e^x, π, sin x, cos^2 x, tan^-1 x, log_2 x, |x|, x², √x.

Meanings are checked twice: as the very node of the explicit spelling, and numerically
against SymPy reading the explicit spelling (an independent oracle).
"""

import math

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.extend import Sample, elementwise
from chainrule.symbolic import diff, evaluate, latex, parse, to_str
from chainrule.symbolic.expr import Expr
from chainrule.symbolic.parse import Equation, ParseError

SAME = [
    ("e^x", "exp(x)"),
    ("e^-x", "exp(-x)"),
    ("e^(2x)", "exp(2*x)"),
    ("e^x^2", "exp(x**2)"),
    ("e^sin x", "exp(sin(x))"),
    ("e^x y", "exp(x)*y"),
    ("e^2 x", "exp(2)*x"),
    ("e\u00b2", "exp(2)"),
    ("\u03c0", "pi"),
    ("2\u03c0x", "2*pi*x"),
    ("\u03c0 x", "pi*x"),
    ("sin x", "sin(x)"),
    ("ln x", "log(x)"),
    ("log x", "log(x)"),
    ("sin 2x", "sin(2*x)"),
    ("sin x^2", "sin(x**2)"),
    ("sin x y", "sin(x*y)"),
    ("sin x * y", "sin(x)*y"),
    ("sin x/2", "sin(x)/2"),
    ("sin x + 1", "sin(x) + 1"),
    ("sin -x", "sin(-x)"),
    ("sin 2(x+1)", "sin(2*(x+1))"),
    ("sin 2x cos x", "sin(2*x)*cos(x)"),
    ("2 sin x cos x", "2*sin(x)*cos(x)"),
    ("x sin x", "x*sin(x)"),
    ("sin cos x", "sin(cos(x))"),
    ("cos^2 x", "cos(x)**2"),
    ("cos^2x", "cos(x)**2"),
    ("sin^2(x)", "sin(x)**2"),
    ("sin^2 x^2", "sin(x**2)**2"),
    ("cos\u00b2x", "cos(x)**2"),
    ("tan^-1 x", "arctan(x)"),
    ("sin^-1 x", "arcsin(x)"),
    ("cos^(-1) x", "arccos(x)"),
    ("sin^-1(x/2)", "arcsin(x/2)"),
    ("sin\u207b\u00b9x", "arcsin(x)"),
    ("tanh^-1 x", "arctanh(x)"),
    ("log_2 x", "log(x)/log(2)"),
    ("log_10(x)", "log(x, 10)"),
    ("log_2x", "log(x, 2)"),
    ("|x|", "abs(x)"),
    ("|x - 1|", "abs(x - 1)"),
    ("2|x|", "2*abs(x)"),
    ("|x||y|", "abs(x)*abs(y)"),
    ("|x| |y|", "abs(x)*abs(y)"),
    ("||x| - 1|", "abs(abs(x) - 1)"),
    ("|x + |y||", "abs(x + abs(y))"),
    ("|ln |x||", "abs(log(abs(x)))"),
    ("ln|x|", "log(abs(x))"),
    ("(|x|)", "abs(x)"),
    ("|(x|y|)|", "abs(x*abs(y))"),
    ("x|y|", "x*abs(y)"),
    ("|x|^2", "abs(x)**2"),
    ("|x|(x+1)", "abs(x)*(x+1)"),
    ("x\u00b2", "x**2"),
    ("x\u00b3", "x**3"),
    ("x\u2070 + x\u00b9 + x\u2074\u2075 + x\u2076\u2077\u2078 + y\u2079",
     "x**0 + x**1 + x**45 + x**678 + y**9"),
    ("x\u207b\u00b9", "x**-1"),
    ("2x\u00b2y", "2*x**2*y"),
    ("-x\u00b2", "-(x**2)"),
    ("\u221ax", "sqrt(x)"),
    ("\u221a(x+1)", "sqrt(x+1)"),
    ("\u221ax\u00b2", "sqrt(x**2)"),
    ("\u221a2x", "sqrt(2)*x"),
    ("2\u221ax", "2*sqrt(x)"),
    ("\u221bx", "cbrt(x)"),
    ("x\u00b72", "x*2"),
    ("x \u00d7 y \u00f7 2 \u2212 1", "x*y/2 - 1"),
    ("1/2 x", "(1/2)*x"),
    ("1/2x", "(1/2)*x"),
    ("2x/3y", "((2*x)/3)*y"),
    ("-x^2", "-(x**2)"),
    ("sqrt x", "sqrt(x)"),
    ("abs x", "abs(x)"),
    ("exp x", "exp(x)"),
]


@pytest.mark.parametrize("student, explicit", SAME)
def test_student_spelling_is_the_explicit_node(student, explicit):
    assert parse(student) is parse(explicit)


_SYMPY_NAMES = {"ln": sympy.log, "arcsin": sympy.asin, "arccos": sympy.acos,
                "arctan": sympy.atan, "arctanh": sympy.atanh, "cbrt": sympy.cbrt}


@pytest.mark.parametrize("student, explicit", [
    (s, e) for s, e in SAME if "678" not in e])
def test_meaning_agrees_with_sympy(student, explicit):
    expected = sympy.sympify(explicit.replace("abs", "Abs"), locals=_SYMPY_NAMES)
    x, y = sympy.symbols("x y")
    for xv, yv in [(0.3, 0.7), (0.45, -0.2)]:
        want = complex(expected.subs({x: xv, y: yv}).evalf())
        got = complex(evaluate(parse(student), x=xv, y=yv))
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12), (student, explicit)


def test_pi_is_exact_and_prints_as_pi():
    assert parse("sin(\u03c0)") is parse("0") and parse("cos(pi)") is parse("-1")
    assert to_str(parse("2\u03c0x")) == "2*pi*x"
    assert latex(parse("2\u03c0x")) == r"2 \pi x"
    assert to_str(parse("e^x")) == "exp(x)"


def test_derivatives_of_student_formulas():
    x = sympy.Symbol("x", real=True)
    cases = {"e^-x sin 2x": sympy.exp(-x) * sympy.sin(2 * x),
             "tan^-1 x": sympy.atan(x), "cos^2 x": sympy.cos(x) ** 2,
             "log_2 x\u00b3": sympy.log(x**3, 2), "\u221a(x\u00b2+1)": sympy.sqrt(x**2 + 1),
             "|x - 1|": sympy.Abs(x - 1)}
    for text, f in cases.items():
        want = sympy.diff(f, x)
        for xv in (0.4, 1.7):
            got = float(evaluate(diff(text, "x"), x=xv))
            assert got == pytest.approx(float(want.subs(x, xv)), rel=1e-10), text


ERRORS = [
    ("e^2x", 2, "'e^2x' is ambiguous"),
    ("e^-2x", 3, "write e^(-2x) or e^-2*x"),
    ("e^2(x+1)", 2, "is ambiguous"),
    ("sin", 0, "function 'sin' needs an argument"),
    ("x + cos", 4, "function 'cos' needs an argument"),
    ("sin * x", 0, "needs an argument"),
    ("sin^-2 x", 3, "'sin^-2' is ambiguous"),
    ("sec^-1 x", 3, "write 1/sec(x) for the reciprocal"),
    ("sinx", 0, "'sinx' would be one variable; write sin x or sin(x)"),
    ("lnx + 1", 0, "write ln x or ln(x)"),
    ("|x", 0, "unmatched '|'"),
    ("|x + |y|", 0, "unmatched '|'"),
    ("x||y|", 1, "unmatched '|'"),
    ("|x)", 2, "expected '|' to close the '|' at column 0, found ')'"),
    ("(x|)", 3, "expected an expression, found ')'"),
    ("||", 2, "expected an expression, found the end"),
    ("\u221a", 0, "needs an operand"),
    ("x\u207b", 1, "superscript minus needs superscript digits"),
    ("x\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077", 1, "more than 6 digits"),
    ("x\u00b2\u00b2\u00b2\u00b2", 1, "exponent 2222 is too large"),
    ("log_1 x", 0, "base of log_b must be an integer from 2"),
    ("log_9999999 x", 0, "base of log_b"),
    ("2sinx", 1, "ambiguous"),
]


@pytest.mark.parametrize("text, column, message", ERRORS)
def test_ambiguous_or_wrong_notation_gets_a_caret(text, column, message):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert message in info.value.message
    assert info.value.column == column
    assert str(info.value).splitlines()[-1].index("^") == 2 + column


def test_words_that_only_start_like_functions_stay_names():
    for name in ["cost", "expo", "sinh_x", "tangent", "x_sin"]:
        assert to_str(parse(name)) == name


@pytest.fixture(scope="module")
def logcosh():
    return elementwise(
        "logcosh_student", lambda x: np.logaddexp(x, -x) - np.log(2.0),
        lambda ans, x: cnp.tanh(x), rule="log-cosh rule",
        statement="(log cosh u)' = tanh(u) u'",
        samples=lambda: [Sample((0.3,)), Sample((np.linspace(-2, 2, 5),))])


def test_extended_functions_are_known_by_name(logcosh):
    f = parse("logcosh_student(x^2)")
    assert f is logcosh(parse("x^2"))
    assert parse("logcosh_student x") is parse("logcosh_student(x)")
    assert to_str(f) == "logcosh_student(x**2)"
    assert latex(f).startswith(r"\operatorname{logcosh")
    assert to_str(diff(f, "x")) == "2*x*tanh(x**2)"
    assert float(evaluate(diff(f, "x"), x=0.8)) == pytest.approx(1.6 * math.tanh(0.64))
    assert float(cr.grad(lambda x: logcosh(x))(0.5)) == pytest.approx(math.tanh(0.5))
    with pytest.raises(ParseError, match="takes 1 argument"):
        parse("logcosh_student(x, y)")


def test_unregistered_function_is_still_refused():
    with pytest.raises(ParseError, match="unknown function 'logcosh_other'"):
        parse("logcosh_other(x)")


def check(text):
    """A formula or a ParseError with a column inside the text; nothing else, no hang."""
    try:
        out = parse(text)
    except ParseError as err:
        assert 0 <= err.column <= len(text)
        str(err)
        return None
    assert isinstance(out, (Expr, Equation))
    return out


@pytest.mark.parametrize("text", [
    "sin " * 499 + "x", "sin " + "x " * 990, "|" * 1000 + "x" + "|" * 1000, "|x|" * 660,
    "|x " * 600, "x" + "\u2079" * 1000, "x\u00b2" * 900, "\u221a" * 1900 + "x",
    "cos^2 " * 300 + "x", "e^" * 900 + "x", "sin x cos x " * 150, "log_2 " * 300 + "x",
    "sin " + "-" * 1900 + "x", "tan^-1 " * 250 + "x", "\u03c0" * 2000, "x|" * 1000,
    "sin^" * 500 + "x", "|sin " * 300 + "x",
])
def test_adversarial_notation_is_bounded(text):
    check(text[:2000])


def test_deep_bars_and_chains_respect_max_depth():
    assert to_str(parse("|" * 99 + "x" + "|" * 99)).count("abs") == 99
    for text in ("|" * 101 + "x" + "|" * 101, "sin " * 101 + "x", "\u221a" * 101 + "x"):
        with pytest.raises(ParseError, match="nested too deeply"):
            parse(text)
    with pytest.raises(ParseError, match="nested too deeply"):
        parse("sin " * 20000 + "x", max_length=10**6, max_depth=10**6)


TOKENS = ["x", "y", "2", "e", "pi", "\u03c0", "sin", "cos", "ln", "log_2", "tan", "^", "-1",
          "|", "\u00b2", "\u207b\u00b9", "\u221a", "\u221b", "(", ")", " ", "/", "*", "+",
          "-", "\u00b7", "\u2212"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map("".join))
def test_fuzz_student_notation(text):
    check(text)


@pytest.mark.parametrize("text", ["sin^-1^2 x", "sin^2^3 x", "cos^2^-1 x"])
def test_chained_powers_of_a_function_name_are_refused(text):
    # sin^-1^2 x used to read as arcsin(x) (the exponent -1^2 is -1), silently
    with pytest.raises(ParseError, match="takes one number") as info:
        parse(text)
    assert info.value.column == text.index("^")
