"""The command line never prints a traceback or a NumPy warning, whatever it is given.

Errors in what the user typed, and work past the budget, exit with status 2 and one line;
a bug in chainrule exits with status 1 and one short line.
"""

import argparse
import math
import random

import pytest

import chainrule
from chainrule.cli import COMMANDS, build_parser, main
from chainrule.cli._guard import ENV_SECONDS, explain
from chainrule.core.budget import BudgetExceeded, check_time
from chainrule.symbolic.parse import ParseError, parse


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch):
    """Commands that write a default file (chainrule-plot.png) write it here."""
    monkeypatch.chdir(tmp_path)


# ---------------------------------------------------------------------------------------
# Budgets and the mapping of exceptions to messages.


def _spin(seconds_at_most):
    """A command that works until the budget stops it (or gives up, so that a missing
    budget fails the test instead of hanging it)."""
    import time

    def command(args):
        end = time.monotonic() + seconds_at_most
        while time.monotonic() < end:
            check_time("spinning")
        return "no budget stopped me"
    return command


def test_budget_exceeded_exits_2_with_one_line(run, monkeypatch):
    monkeypatch.setitem(COMMANDS, "diff", _spin(20))
    status, out, err = run("diff", "x", "--time-limit", "0.05")
    assert status == 2 and out == ""
    assert err.splitlines() == [err.rstrip("\n")]
    assert err.startswith("chainrule diff: stopped after 0.05 seconds while spinning")
    assert "--time-limit" in err


def test_time_limit_from_environment(run, monkeypatch):
    monkeypatch.setitem(COMMANDS, "diff", _spin(20))
    monkeypatch.setenv(ENV_SECONDS, "0.05")
    status, _, err = run("diff", "x")
    assert status == 2 and "stopped after 0.05 seconds" in err
    monkeypatch.setenv(ENV_SECONDS, "soon")
    status, _, err = run("diff", "x")
    assert status == 2 and "time limit must be a number of seconds" in err


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "abc"])
def test_time_limit_option_refuses_odd_values(run, value):
    status, _, err = run("diff", "x", "--time-limit", value)
    assert status == 2 and "--time-limit" in err


@pytest.mark.parametrize("err, status, words", [
    (BudgetExceeded("nodes", 10, "differentiating"), 2, "more than 10 expression nodes"),
    (BudgetExceeded("digits", 3000, "folding"), 2, "more than 3,000 digits"),
    (OverflowError("int too large to convert to float"), 2, "too large for floating point"),
    (ZeroDivisionError("float division by zero"), 2, "division by zero"),
    (FloatingPointError("overflow"), 2, "arithmetic error"),
    (MemoryError(), 2, "out of memory"),
    (ValueError("bad\n  value"), 2, "bad value"),
    (ImportError("No module named 'matplotlib'", name="matplotlib"), 2, "chainrule[plot]"),
    (OSError(28, "No space left on device", "f.png"), 2, "No space left on device"),
    (RecursionError("too deep"), 1, "please report"),
    (KeyError("x"), 1, "internal error (KeyError"),
    (TypeError("unsupported operand"), 1, "internal error (TypeError"),
])
def test_every_exception_has_a_message(err, status, words):
    got, message = explain(err)
    assert got == status and words in message
    assert "\n" not in message


def test_value_errors_that_are_also_arithmetic_errors_keep_their_message():
    from chainrule.optim.diagnostics import DivergenceError

    assert explain(DivergenceError("training diverged")) == (2, "training diverged")


def test_parse_error_keeps_its_caret():
    with pytest.raises(ParseError) as info:
        parse("x + * 2")
    status, message = explain(info.value)
    assert status == 2 and message.splitlines()[-1].strip() == "^"


def test_internal_error_exits_1_without_traceback(run, monkeypatch):
    def broken(args):
        return {}["missing"]
    monkeypatch.setitem(COMMANDS, "gradient", broken)
    status, out, err = run("gradient", "x")
    assert status == 1 and out == ""
    assert len(err.splitlines()) == 1 and "internal error (KeyError" in err


def test_long_messages_are_cut(run):
    status, _, err = run("diff", "x", "--at", "x=" + "9" * 5000)
    assert status == 2 and len(err) < 600


# ---------------------------------------------------------------------------------------
# Options: help, version, values.


def _subparsers(parser):
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


def test_every_option_of_every_command_has_help():
    parser = build_parser()
    missing = [f"{name} {'/'.join(a.option_strings) or a.dest}"
               for name, command in _subparsers(parser).items()
               for a in command._actions
               if not (a.help and a.help.strip())]
    assert missing == []
    assert all(a.help for a in parser._actions)


def test_version(run):
    status, out, _ = run("--version")
    assert status == 0 and out.strip() == f"chainrule {chainrule.__version__}"


@pytest.mark.parametrize("lr", ["inf", "-inf", "nan", "0", "-0.1", "1e999"])
def test_lr_must_be_finite_and_positive(run, lr):
    status, out, err = run("optimize", "x^2", "--start", "1", "--lr", lr)
    assert status == 2 and out == "" and "--lr" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("argv, message", [
    (["diff", "x^2", "--at", "x=1,x=2"], "--at gives x twice"),
    (["diff", "x^2", "--at", "x=1,,"], "--at has an empty part"),
    (["diff", "x^2", "--at", ",x=1"], "--at has an empty part"),
    (["diff", "x^2", "--at", ""], "--at is empty"),
    (["diff", "x^2", "--at", "z=1"], "z, which is not a variable of the formula"),
    (["diff", "x^2", "--at", "x=1+"], "'1+' is not a finite number"),
    (["diff", "x^2", "--at", "x=0x1"], "'0x1' is not a finite number"),
    (["diff", "x^2", "--at", "x=1e400"], "'1e400' is not a finite number"),
    (["diff", "x^2", "--at", "x=inf"], "'inf' is not a finite number"),
    (["diff", "x^2", "--at", "x=sqrt(-1)"], "'sqrt(-1)' is not a finite number"),
    (["diff", "x^2", "--wrt", "2"], "--wrt: '2' is not a variable name"),
    (["diff", "x^2", "--wrt", ""], "--wrt: '' is not a variable name"),
    (["diff", "x^2", "--at", "\u0445=1"], "is not a variable name ('\u0445' (CYRILLIC"),
    (["gradient", "x*y", "--vars", "x,x"], "--vars names x twice"),
    (["gradient", "x*y", "--vars", "x,,y"], "--vars has an empty part"),
    (["implicit", "x^2 + y^2 = 25", "--y", "x"], "--x and --y must be different"),
    (["critical", "x^2", "--box", "-1:1,"], "--box has an empty part"),
    (["critical", "x^2", "--box", "0:inf"], "'inf' is not a finite number"),
    (["optimize", "x^2", "--start", "1,"], "--start has an empty part"),
    (["optimize", "x^2", "--start", "1", "--steps", "0"], "--steps must be between 1"),
    (["optimize", "x^2", "--start", "1", "--method", "newton", "--lr", "0.5"],
     "--lr does not apply to newton"),
    (["plot", "x^2", "--xlim", "-1e308:1e308"], "too wide for floating point"),
    (["plot", "x^2", "--tangent-at", "7"], "outside --xlim"),
    (["plot", "x^2", "-o", "figure.gif"], ".png or .svg"),
    (["train", "xor", "--seed", "-1"], "--seed must be between 0"),
])
def test_odd_option_values_are_refused(run, argv, message):
    status, out, err = run(*argv)
    assert status == 2 and out == ""
    assert message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("argv", [
    ["plot", "x^2", "-o", "{missing}/deeper/f.png"],
    ["optimize", "x^2 + y^2", "--start", "1,1", "--plot", "{missing}/p.png"],
    ["train", "linear", "--plot", "{missing}/m.png"],
    ["tour", "--out", "{missing}/deeper/tour"],
])
def test_output_into_a_missing_directory_is_refused(run, tmp_path, argv):
    missing = tmp_path / "nothing-here"
    status, out, err = run(*[a.format(missing=missing) for a in argv])
    assert status == 2 and out == ""
    assert "directory does not exist" in err and len(err.splitlines()) == 1
    assert not missing.exists()


def test_optimize_prints_consistent_facts_when_the_loss_is_infinite(run):
    status, out, _ = run("optimize", "x^2", "--start", "1e308")
    assert status == 0
    assert "success: False" in out and "inf" in out.split("message:")[1]
    assert "f there = inf" in out and "nan" not in out


# ---------------------------------------------------------------------------------------
# The optimizer's trace.


def test_trace_is_the_tutorial_table(run):
    from chainrule.optim import minimize

    status, out, _ = run("optimize", "x^2", "--start", "4", "--lr", "0.1", "--steps", "3",
                         "--trace")
    assert status == 0
    lines = out.splitlines()
    head = lines.index(next(line for line in lines if line.lstrip().startswith("step")))
    assert lines[head].split() == ["step", "x", "f(x)", "|grad", "f|", "learning", "rate"]
    h = minimize(lambda x: x**2, 4.0, learning_rate=0.1, maxiter=3).history
    rows = [line.split() for line in lines[head + 1:head + 1 + len(h)]]
    for k, row in enumerate(rows):
        assert int(row[0]) == k
        assert float(row[1]) == pytest.approx(h.params[k], rel=1e-5)
        assert float(row[2]) == pytest.approx(h.loss[k], rel=1e-5)
        assert float(row[3]) == pytest.approx(h.grad_norm[k], rel=1e-5)
        lr = h.learning_rate[k]
        assert row[4] == "-" if math.isnan(lr) else float(row[4]) == pytest.approx(lr)


def test_long_traces_show_their_ends(run):
    status, out, _ = run("optimize", "x^2", "--start", "4", "--lr", "0.001", "--steps", "500",
                         "--trace")
    assert status == 0
    assert "(steps 30 to 470 not shown)" in out
    assert [line.split()[0] for line in out.splitlines() if line.strip()].count("500") == 1


# ---------------------------------------------------------------------------------------
# Warnings never leak; no input gives a traceback.

EXTREME = [
    ["critical", "x^1000-x"],
    ["critical", "x^1000-x", "--box", "-1e300:1e300"],
    ["diff", "exp(x)", "--at", "x=1000"],
    ["diff", "log(x)", "--at", "x=0"],
    ["gradient", "x*y", "--at", "x=1e308,y=1e308"],
    ["hessian", "exp(x*y)", "--at", "x=100,y=100"],
    ["tangent", "1/x", "--at", "1e-320"],
    ["optimize", "x^2", "--start", "1e308"],
    ["optimize", "exp(x)", "--start", "800"],
    ["optimize", "log(x)", "--start", "0"],
    ["optimize", "x^2", "--start", "1", "--lr", "1e300"],
    ["plot", "x^2", "--xlim", "-1e300:1e300", "-o", "{tmp}/a.png"],
    ["plot", "tan(x)", "-o", "{tmp}/b.png"],
    ["plot", "1/x", "--derivative", "--tangent-at", "1", "-o", "{tmp}/c.png"],
    ["plot", "exp(x*y)", "--xlim", "-500:500", "-o", "{tmp}/d.png"],
    ["plot", "sqrt(x)", "--xlim", "-5:-1", "-o", "{tmp}/e.png"],
]


@pytest.mark.parametrize("argv", EXTREME)
def test_extreme_inputs_leak_no_warning(run, tmp_path, argv):
    status, _, err = run(*[a.format(tmp=tmp_path) for a in argv])
    assert status in (0, 2), err
    assert "Warning" not in err and "warn" not in err.lower()
    if status == 2:
        assert len(err.splitlines()) == 1


@pytest.mark.parametrize("argv", EXTREME)
def test_extreme_inputs_warn_nowhere_at_source(tmp_path, argv):
    """The same inputs, run past the guard with NumPy's warnings as errors: no code on
    the way (the CLI's, the plots', the library's) lets a RuntimeWarning out."""
    import warnings

    from chainrule.cli import _protect_minus
    from chainrule.core.budget import budget

    if argv[0] == "plot":
        pytest.importorskip("matplotlib")
    parser = build_parser()
    args = parser.parse_args(_protect_minus([a.format(tmp=tmp_path) for a in argv], parser))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with budget(seconds=20):
            try:
                COMMANDS[args.command](args)
            except ValueError:     # refused with a message: fine, as long as no warning
                pass


ODD_FORMULAS = ["", " ", "x" * 5000, "(" * 300 + "x" + ")" * 300, "é^2", "х^2", "𝑥+1",
                "x\u200b+1", "x\x00", "1e999999", "9" * 400, "2^2^2^2^2^2", "x^(10^100)",
                "((2*x)^1000)^1000", "x/0", "0/0", "sin", "x = y", "==", "x^-", "\\",
                "'; import os", "__import__('os')", "x" + "+x" * 999, "(x+1)" * 150]
COMMAND_ARGS = [["diff"], ["diff", "--order", "3"], ["gradient"], ["hessian"], ["taylor"],
                ["tangent", "--at", "1"], ["critical"], ["implicit"],
                ["optimize", "--start", "1", "--steps", "20"]]


def _check(run, argv):
    status, out, err = run(*argv)     # the fixture asserts: no traceback
    assert status in (0, 2), (argv, status, err)
    assert "Warning" not in err, (argv, err)
    if status == 2:
        assert out == ""


@pytest.mark.parametrize("formula", ODD_FORMULAS, ids=range(len(ODD_FORMULAS)))
def test_odd_formulas(run, formula):
    for args in COMMAND_ARGS[:3]:
        _check(run, [args[0], formula, *args[1:], "--time-limit", "10"])


def _random_argv(rng):
    pieces = ["x", "y", "2", "-1", "1e308", "1e-320", "pi", "e", "^", "*", "/", "+", "-",
              "(", ")", "sin(", "log(", "exp(", "sqrt(", "abs(", "relu(", "х", "𝑥", " ",
              ",", "=", "0"]
    formula = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
    args = rng.choice(COMMAND_ARGS)
    values = ["1", "-1", "x=1", "x=1,y=2", "x=1,x=2", ",", "", "1e400", "nan", "-5:5", "5",
              "a:b", "1:1", "x", "x,y", "é", "0"]
    extra = []
    for option in rng.sample(["--at", "--wrt", "--vars", "--box", "--order"], 2):
        if option == "--order":
            extra += [option, rng.choice(["0", "1", "25", "-3"])]
        else:
            extra += [option, rng.choice(values)]
    return [args[0], formula, *args[1:], *extra, "--time-limit", "10"]


def _fuzz(run, n, seed):
    rng = random.Random(seed)
    for _ in range(n):
        argv = _random_argv(rng)
        try:
            _check(run, argv)
        except SystemExit:      # argparse refusing an option combination is fine
            pass


def test_random_command_lines(run):
    _fuzz(run, 60, seed=9)


@pytest.mark.slow
def test_random_command_lines_long(run):
    _fuzz(run, 2000, seed=10)


def test_output_that_the_terminal_cannot_encode(monkeypatch):
    import io
    import sys

    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="ascii"))
    monkeypatch.setitem(COMMANDS, "diff", lambda args: "\u03c0 \u2248 3.14")
    assert main(["diff", "x"]) == 0
    sys.stdout.flush()
    assert raw.getvalue() == b"\\u03c0 \\u2248 3.14\n"


# ---------------------------------------------------------------------------------------
# Points as a new user writes them.

@pytest.mark.parametrize("argv, lines", [
    (["taylor", "sin(x)", "--at", "x=pi", "--order", "4"],
     ["Taylor polynomial of sin(x) about x = pi, order 4:", "  -x + pi + (x - pi)**3/6"]),
    (["taylor", "sin(x)", "--at", "pi/2", "--order", "2"],
     ["Taylor polynomial of sin(x) about x = pi/2, order 2:", "  1 - (x - pi/2)**2/2"]),
    (["tangent", "sin(x)", "--at", "pi/2"],
     ["tangent to y = sin(x) at x = pi/2:", "  y = 1", "  point (1.5708, 1), slope 0"]),
    (["gradient", "x^2 + y^2", "--at", "1,2"],
     ["f = x**2 + y**2", "  df/dx = 2*x", "  df/dy = 2*y", "  gradient at x = 1, y = 2: (2, 4)"]),
])
def test_points_are_exact_and_may_be_given_in_order(run, argv, lines):
    status, out, _ = run(*argv)
    assert status == 0 and out.splitlines() == lines


def test_huge_exact_points_are_shown_as_floats(run):
    status, out, _ = run("tangent", "x^2", "--at", "1e308")
    assert status == 0 and out.splitlines()[0] == "tangent to y = x**2 at x = 1e+308:"


@pytest.mark.parametrize("argv, message", [
    (["tangent", "x^2", "--at", "y=1"], "--at gives a value for y; the variable is x"),
    (["tangent", "x^2", "--at", "1,2"], "--at takes one value"),
    (["plot", "sin(x)", "--wrt", "y"], "--wrt y: the formula's variable is x"),
])
def test_points_for_the_wrong_variable_are_refused(run, argv, message):
    status, _, err = run(*argv)
    assert status == 2 and message in err


def test_hessian_with_infinite_entries_has_no_eigenvalues(run):
    status, out, _ = run("hessian", "exp(x*y)", "--at", "x=100,y=100")
    assert status == 0
    assert "eigenvalues: not computed" in out and "nan" not in out


def test_values_where_the_formula_is_undefined_say_so(run):
    status, out, _ = run("diff", "sqrt(x)", "--at", "-1")
    undefined = "undefined (the formula itself is not defined there)"
    assert status == 0 and out.splitlines()[-1] == f"  at x = -1: {undefined}"
    status, out, _ = run("gradient", "sqrt(x) + y", "--at", "x=-1,y=0")
    assert status == 0 and out.splitlines()[-1] == f"  gradient at x = -1, y = 0: {undefined}"


def _random_drawing_argv(rng, tmp):
    formula = rng.choice(["x^2", "tan(x)", "1/x", "x*y", "exp(x*y)", "log(x)", "abs(x)",
                          "relu(x)", "sqrt(x*y)", "x^y", "1e308*x", "floor(1/x)", "5", "",
                          "x y z"])
    command = rng.choice(["plot", "optimize"])
    if command == "plot":
        extra = [rng.choice(["--xlim", "--ylim", "--tangent-at"]),
                 rng.choice(["-3:3", "0:1e-300", "-1e300:1e300", "1", "pi", "nan", "5:1", ""]),
                 "-o", str(tmp / rng.choice(["f.png", "f.svg", "f.gif", "no/f.png"]))]
        if rng.random() < 0.3:
            extra.append("--derivative")
    else:
        extra = ["--start", rng.choice(["1", "1,2", "1e308", "0", "-1,-1", ",", "x"]),
                 "--method", rng.choice(["gd", "adam", "newton", "lbfgs", "momentum"]),
                 "--steps", rng.choice(["1", "50", "0"])]
        if rng.random() < 0.5:
            extra += ["--lr", rng.choice(["0.1", "10", "1e-300", "inf"])]
        if rng.random() < 0.3:
            extra.append("--trace")
    return [command, formula, *extra, "--time-limit", "10"]


def _fuzz_drawing(run, tmp_path, n, seed):
    pytest.importorskip("matplotlib")
    rng = random.Random(seed)
    for _ in range(n):
        try:
            _check(run, _random_drawing_argv(rng, tmp_path))
        except SystemExit:
            pass


def test_random_drawing_command_lines(run, tmp_path):
    _fuzz_drawing(run, tmp_path, 60, seed=11)


@pytest.mark.slow
def test_random_drawing_command_lines_long(run, tmp_path):
    _fuzz_drawing(run, tmp_path, 1000, seed=12)
