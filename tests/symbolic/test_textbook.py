"""Answers in textbook form: every printed derivative of the textbook corpus equals the
textbook's answer and SymPy's derivative numerically, and the share of answers no larger
than the textbook's (operation count) does not fall below the figure reached."""

import math

import pytest
import sympy
from textbook_problems import PROBLEMS

from chainrule.symbolic import diff, evaluate, gradient, latex, parse, simplify, to_sympy
from chainrule.symbolic._textbook import op_count

OTHERS = {"y": 0.3, "w": 0.7, "b": -0.2, "x": 0.6, "z": 0.4}
SHARE = 0.975  # reached: 197 of 202 (benchmarks/README.md); it may only go up


def textbook_diff(f: str, var: str, order: int):
    """The derivative as ``diff`` returns it: in textbook form after each order (so that
    higher derivatives stay factored)."""
    return diff(f, var, order)


def _values(var: str, v: float) -> dict:
    vals = dict(OTHERS)
    vals[var] = v
    return vals


def _num(e, vals: dict) -> float:
    return float(evaluate(e, {k: vals[k] for k in map(str, e.free_symbols())}))


def test_corpus_is_large_enough():
    assert len(PROBLEMS) >= 150


@pytest.mark.parametrize("f, var, order, answer, xs", PROBLEMS,
                         ids=[f"d{p[2]}/d{p[1]}[{p[0]}]" for p in PROBLEMS])
def test_printed_answer_equals_textbook_and_sympy(f, var, order, answer, xs):
    ours = textbook_diff(f, var, order)
    printed = parse(str(ours))  # what the user reads, read back
    book = parse(answer)
    s_f = to_sympy(parse(f))
    names = {str(s): s for s in s_f.free_symbols}
    s_d = sympy.diff(s_f, names[var], order)
    for v in xs:
        vals = _values(var, v)
        want = _num(book, vals)
        got = _num(printed, vals)
        sym = float(s_d.subs({names[k]: x for k, x in vals.items() if k in names}).evalf())
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12), (str(ours), answer, v)
        assert math.isclose(got, sym, rel_tol=1e-9, abs_tol=1e-12), (str(ours), s_d, v)


def test_share_no_larger_than_textbook():
    small = sum(op_count(textbook_diff(f, v, n)) <= op_count(a)
                for f, v, n, a, _ in PROBLEMS)
    assert small / len(PROBLEMS) >= SHARE


@pytest.mark.parametrize("f, var, answer", [
    ("(x-1)/(x+1)", "x", "2/(x + 1)**2"),
    ("x^x", "x", "x**x*(log(x) + 1)"),
    ("sin(x)/x", "x", "(x*cos(x) - sin(x))/x**2"),
    ("arcsin(x)", "x", "1/sqrt(1 - x**2)"),
    ("1/cos(x)", "x", "sec(x)*tan(x)"),
    ("tan(x)", "x", "sec(x)**2"),
    ("cot(x)", "x", "-csc(x)**2"),
    ("csc(x)", "x", "-csc(x)*cot(x)"),
    ("log(sin(x))", "x", "cot(x)"),
    ("tanh(x)", "x", "1 - tanh(x)**2"),
    ("x^2 sin(x)", "x", "2*x*sin(x) + x**2*cos(x)"),
    ("-y*log(sigmoid(w*x + b)) - (1-y)*log(1-sigmoid(w*x + b))", "w",
     "x*(sigmoid(w*x + b) - y)"),
    ("log(x + sqrt(x^2+1))", "x", "1/sqrt(x**2 + 1)"),
    ("softplus(z)", "z", "sigmoid(z)"),
    ("-y*log(sigmoid(z)) - (1-y)*log(1-sigmoid(z))", "z", "sigmoid(z) - y"),
    ("x^2 exp(x)", "x", "x*exp(x)*(x + 2)"),
    ("log(1 + exp(z))", "z", "sigmoid(z)"),
])
def test_issue_examples_print_in_textbook_form(f, var, answer):
    assert str(textbook_diff(f, var, 1)) == answer


def test_op_count_is_the_same_for_both_sides():
    assert op_count("sec(x)*tan(x)") == op_count("tan(x)/cos(x)") == 3
    assert op_count("-1/sin(x)**2") == op_count("-csc(x)**2") == 3
    assert op_count("-x") == 1 and op_count("-2") == 0 and op_count("x - 1") == 1


def test_higher_derivatives_stay_factored():
    assert str(diff("x^x", "x", 3)) == "x**x*((log(x) + 1)**3 + 3*(log(x) + 1)/x - 1/x**2)"


def test_gradient_in_textbook_form():
    loss = "-y*log(sigmoid(w*x + b)) - (1 - y)*log(1 - sigmoid(w*x + b))"
    assert [str(g) for g in gradient(loss, "w b")] == ["x*(sigmoid(w*x + b) - y)",
                                                       "sigmoid(w*x + b) - y"]
    canonical = gradient(loss, "w b", textbook=False)
    assert all(g is simplify(g) for g in canonical)


def test_canonical_on_request_and_for_large_derivatives():
    d = diff("(x-1)/(x+1)", "x", textbook=False)
    assert d is simplify(d) and str(d) != "2/(x + 1)**2"
    big = "sin(sin(sin(sin(sin(x)))))*exp(cos(x^3 + x))"  # its second derivative is large
    assert diff(big, "x", 2).tree_size > 150
    assert diff(big, "x", 2) is diff(diff(big, "x"), "x", textbook=False)


@pytest.mark.parametrize("f, text, tex", [
    ("tan(x)/cos(x)", "sec(x)*tan(x)", r"\sec\left(x\right) \tan\left(x\right)"),
    ("-cos(x)/sin(x)^2", "-csc(x)*cot(x)", r"-\csc\left(x\right) \cot\left(x\right)"),
    ("x/cos(x)^2", "x*sec(x)**2", r"x \left(\sec\left(x\right)\right)^{2}"),
])
def test_sec_csc_cot_print_and_read_back(f, text, tex):
    e = simplify(parse(f))
    assert str(e) == text and latex(e) == tex
    assert simplify(parse(str(e))) is e
