"""The ``chainrule`` command line: each subcommand's output, and its errors."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from chainrule.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]




# ---------------------------------------------------------------------------------------
# Results.

def test_diff_steps_at(run):
    status, out, err = run("diff", "x**2*sin(x)", "--steps", "--at", "x=1")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "d/dx [x**2*sin(x)] ="
    assert lines[1] == "  2*x*sin(x) + x**2*cos(x)"  # the product rule's two terms
    assert lines[2] == "  at x = 1: 2.223244275"
    assert "product rule: (u v)' = u' v + u v'" in out
    assert "  d/dx [x**2] = 2*x  -- power rule" in out
    assert "  d/dx [sin(x)] = cos(x)  -- trigonometric rule" in out
    assert out.rstrip().endswith("spot checks: all agree with finite differences")


@pytest.mark.parametrize("argv, expected", [
    (["diff", "x^3", "--order", "2"], ["d^2/dx^2 [x**3] =", "  6*x"]),
    (["diff", "x^2", "--order", "3"], ["d^3/dx^3 [x**2] =", "  0"]),
    (["diff", "x^2 y + y^3", "--wrt", "y"], ["d/dy [x**2*y + y**3] =", "  x**2 + 3*y**2"]),
    (["diff", "exp(2x)", "--at", "0"], ["d/dx [exp(2*x)] =", "  2*exp(2*x)", "  at x = 0: 2"]),
    (["diff", "5"], ["d/dx [5] =", "  0"]),
    (["diff", "x^2 y", "--wrt", "x", "--at", "x=2,y=3"],
     ["d/dx [x**2*y] =", "  2*x*y", "  at x = 2, y = 3: 12"]),
])
def test_diff_variants(run, argv, expected):
    status, out, _ = run(*argv)
    assert status == 0
    assert out.splitlines()[:len(expected)] == expected


def test_diff_latex(run):
    status, out, _ = run("diff", "x^2 sin(x)", "--latex")
    assert status == 0
    assert out.splitlines()[1] == \
        r"  2 x \sin\left(x\right) + x^{2} \cos\left(x\right)"
    status, out, _ = run("diff", "x sin(x)", "--steps", "--latex")
    assert status == 0
    assert r"\begin{aligned}" in out and r"\text{product rule}" in out


def test_diff_large_result_is_shared(run):
    status, out, _ = run("diff", "sin(sin(sin(sin(x))))", "--order", "3")
    assert status == 0
    assert "  t1 = " in out
    tree, dag = map(int, re.search(r"\(tree size (\d+), shared graph size (\d+)\)", out).groups())
    assert tree > 2 * dag


def test_gradient(run):
    status, out, _ = run("gradient", "x^2 + 3xy + y^2", "--at", "x=1,y=2")
    assert status == 0
    assert out.splitlines() == [
        "f = x**2 + 3*x*y + y**2",
        "  df/dx = 2*x + 3*y",
        "  df/dy = 3*x + 2*y",
        "  gradient at x = 1, y = 2: (8, 7)",
    ]


def test_gradient_vars_and_latex(run):
    status, out, _ = run("gradient", "x y z", "--vars", "z,x", "--latex")
    assert status == 0
    assert out.splitlines()[1:] == ["  df/dz = x y", "  df/dx = y z"]


def test_hessian(run):
    status, out, _ = run("hessian", "x^2 + 3xy + y^2", "--at", "x=1,y=2")
    assert status == 0
    lines = out.splitlines()
    assert lines[:3] == ["Hessian of x**2 + 3*x*y + y**2 in (x, y):", "  [2, 3]", "  [3, 2]"]
    assert "eigenvalues: [-1.  5.]" in out
    status, out, _ = run("hessian", "x^3 y")
    assert out.splitlines()[1:] == ["  [6*x*y, 3*x**2]", "  [3*x**2, 0]"]


@pytest.mark.parametrize("argv, poly", [
    (["taylor", "exp(x)", "--order", "3"], "  x**3/6 + x**2/2 + x + 1"),
    (["taylor", "sin(x)", "--order", "5"], "  x**5/120 - x**3/6 + x"),
    (["taylor", "1/(1-x)"], "  x**3 + x**2 + x + 1"),
    (["taylor", "log(x)", "--at", "1", "--order", "2"], "  x - 1 - (x - 1)**2/2"),
    (["taylor", "exp(x)", "--order", "2", "--latex"], r"  \frac{x^{2}}{2} + x + 1"),
])
def test_taylor(run, argv, poly):
    status, out, _ = run(*argv)
    assert status == 0
    assert out.splitlines()[1] == poly


def test_taylor_header(run):
    _, out, _ = run("taylor", "exp(x)", "--order", "3")
    assert out.splitlines()[0] == "Taylor polynomial of exp(x) about x = 0, order 3:"


@pytest.mark.parametrize("argv, line, point", [
    (["tangent", "x^2", "--at", "3"], "  y = 6*x - 9", "  point (3, 9), slope 6"),
    (["tangent", "x^2", "--at", "-1"], "  y = -2*x - 1", "  point (-1, 1), slope -2"),
    (["tangent", "exp(x)", "--at", "0"], "  y = x + 1", "  point (0, 1), slope 1"),
])
def test_tangent(run, argv, line, point):
    status, out, _ = run(*argv)
    assert status == 0
    assert out.splitlines()[1:] == [line, point]


def test_implicit(run):
    status, out, _ = run("implicit", "x^2 + y^2 = 25", "--at", "x=3,y=4")
    assert status == 0
    assert out.splitlines() == ["dy/dx on x^2 + y^2 = 25:", "  -x/y", "  at x = 3, y = 4: -0.75"]
    status, out, _ = run("implicit", "u v = 1", "--x", "u", "--y", "v")
    assert status == 0 and out.splitlines()[1] == "  -v/u"


def test_critical(run):
    status, out, _ = run("critical", "x^3 - 3x^2 + 2", "--box", "-5:5")
    assert status == 0
    assert "(0): maximum, f = 2" in out and "(2): minimum, f = -2" in out
    assert "note: complete" in out


def test_critical_two_variables(run):
    status, out, _ = run("critical", "x^2 - y^2", "--box", "-1:1,-2:2")
    assert status == 0
    assert "(0, 0): saddle, f = 0" in out
    status, out, _ = run("critical", "sin(x)cos(y)", "--box", "-3:3")
    assert status == 0
    assert out.count("saddle") == 2 and "minimum" in out and "maximum" in out
    assert "numerical search" in out


# ---------------------------------------------------------------------------------------
# Errors: exit status 2, a message on stderr, no traceback.

@pytest.mark.parametrize("command", ["diff", "gradient", "hessian", "taylor", "critical",
                                     "implicit"])
@pytest.mark.parametrize("formula, message, caret", [
    ("sin(x", "unmatched '('", "     ^"),
    ("x + * 2", "expected an expression, found '*'", "      ^"),
    ("sinn(x)", "unknown function 'sinn'; did you mean 'sin'?", "  ^"),
])
def test_bad_formula(run, command, formula, message, caret):
    status, out, err = run(command, formula)
    assert status == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == f"chainrule {command}: cannot read the formula"
    assert lines[1] == message
    assert lines[2] == "  " + formula
    assert lines[3] == caret


@pytest.mark.parametrize("argv, message", [
    (["diff", "x*y"], "several variables (x, y); choose one with --wrt"),
    (["taylor", "x*y"], "choose one with --wrt"),
    (["diff", "x^2", "--at", "x1"], "'x1' is not a finite number"),
    (["diff", "x^2", "--at", "x=abc"], "'abc' is not a finite number"),
    (["diff", "x^2", "--at", "x=1,y"], "name=value pairs"),
    (["gradient", "x^2 + y", "--at", "x=1"], "--at gives no value for y"),
    (["critical", "x^2", "--box", "5"], "write the range as lo:hi"),
    (["critical", "x^2", "--box", "5:1"], "empty range '5:1'"),
    (["critical", "x^2 + y^2", "--box", "-1:1,-2:2,3:4"], "one lo:hi range per variable (2)"),
    (["critical", "x^2", "--box", "a:b"], "'a' is not a finite number"),
    (["diff", "x^2", "--order", "30"], "the order must be between 0 and 20"),
    (["diff", "x^2", "--order", "-1"], "the order must be between 0 and 20"),
    (["diff", "x^2 = 3"], "not an equation"),
    (["implicit", "x^2 + 3 = 5"], "does not involve y"),
    (["gradient", "5"], "the formula has no variables"),
])
def test_bad_options(run, argv, message):
    status, out, err = run(*argv)
    assert status == 2 and out == ""
    assert err.startswith(f"chainrule {argv[0]}: ")
    assert message in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("argv, message", [
    (["frob", "x"], "invalid choice"),
    (["diff"], "required: formula"),
    (["diff", "x^2", "--wrt"], "expected one argument"),
    (["diff", "x^2", "--order", "two"], "invalid int value"),
    (["tangent", "x^2"], "required: --at"),
])
def test_argparse_errors(run, argv, message):
    status, _, err = run(*argv)
    assert status == 2
    assert message in err and "usage: chainrule" in err


def test_negative_option_values(run):
    status, out, _ = run("critical", "x^2 - 1", "--box", "-2:-1")
    assert status == 0 and "no critical points found" in out
    status, out, _ = run("tangent", "x^3", "--at", "-2")
    assert status == 0 and "y = 12*x + 16" in out


def test_parser_lists_subcommands():
    text = build_parser().format_help()
    for name in ("diff", "gradient", "hessian", "taylor", "tangent", "implicit", "critical"):
        assert name in text


def test_formula_starting_with_minus(run):
    status, out, _ = run("diff", "-x^2")
    assert status == 0 and "-2*x" in out


def test_tangent_outside_domain(run):
    status, _, err = run("tangent", "1/x", "--at", "0")
    assert status == 2 and "chainrule tangent:" in err


def test_module_entry_point(run):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-m", "chainrule", "diff", "x^2"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "d/dx [x**2] =\n  2*x\n"
    bad = subprocess.run([sys.executable, "-m", "chainrule", "diff", "x^^2"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stdout == ""
    assert "cannot read the formula" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("argv", [
    ["diff", "log(x)", "--at", "x=-1"],
    ["gradient", "log(x) + y", "--at", "x=-1,y=0"],
    ["hessian", "log(x)*y", "--at", "x=-1,y=2"],
    ["implicit", "log(x) + y^2 = 25", "--at", "x=-3,y=5"],
])
def test_derivatives_are_not_valued_where_the_formula_is_undefined(run, argv):
    """d/dx log(x) = 1/x is -1 at x = -1, but log is undefined there: say so, never -1."""
    status, out, _ = run(*argv)
    assert status == 0
    assert "undefined (the formula itself is not defined there)" in out
    assert "-1\n" not in out and "-0.5" not in out


def test_implicit_at_a_point_off_the_curve_says_so(run):
    status, out, _ = run("implicit", "x^2+y^2=25", "--at", "x=3,y=5")
    assert status == 0 and "not on the curve (lhs - rhs = 9 there)" in out
    status, out, _ = run("implicit", "x^2+y^2=25", "--at", "x=3,y=4")
    assert status == 0 and "not on the curve" not in out and "-0.75" in out
