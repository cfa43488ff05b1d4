"""The README is true: its examples run, and what it shows is what they print.

- every ```python block runs; blocks written as ``>>>`` sessions are doctests, so each
  result the README shows is checked;
- every ``$ chainrule ...`` line of a ```text block is run, and its output must be the
  lines that follow it (``...`` matches anything, as in doctests);
- every option named in the command tables exists, with the command it is listed under;
- the quick start is two commands, and its test command is the one CI runs.
"""

import doctest
import os
import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

os.environ.setdefault("MPLBACKEND", "Agg")


def _blocks(lang):
    out = []
    for m in FENCE.finditer(README):
        if m.group(1) == lang:
            out.append((README.count("\n", 0, m.start()) + 2, m.group(2)))
    return out


PYTHON = _blocks("python")


def _needs(code):
    """Skip a block whose optional dependency is missing (matplotlib, scipy, sklearn)."""
    for module in ("matplotlib", "scipy", "sklearn"):
        if re.search(rf"\b{module}\b|chainrule\.plot|from chainrule import plot", code):
            name = module if re.search(rf"\b{module}\b", code) else "matplotlib"
            pytest.importorskip(name)


def _in_subprocess(line, code, tmp_path):
    """Blocks that register primitives run in a fresh interpreter, so that the registry
    the other tests sweep is not changed."""
    import subprocess
    import sys

    script = tmp_path / "block.py"
    script.write_text(
        "import doctest, sys\n"
        f"code = {code!r}\n"
        "t = doctest.DocTestParser().get_doctest(code, {'__name__': 'readme'}, 'README', "
        f"'README.md', {line - 1})\n"
        f"r = doctest.DocTestRunner(optionflags={FLAGS})\n"
        "r.run(t)\nsys.exit(1 if r.failures else 0)\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("line, code", PYTHON, ids=[f"line {n}" for n, _ in PYTHON])
def test_python_block(line, code, tmp_path, monkeypatch):
    _needs(code)
    monkeypatch.chdir(tmp_path)
    if "chainrule.extend" in code:
        _in_subprocess(line, code, tmp_path)
        return
    if ">>>" not in code:
        exec(compile(code, f"README.md:{line}", "exec"), {"__name__": "readme"})
        return
    test = doctest.DocTestParser().get_doctest(code, {"__name__": "readme"}, "README",
                                               "README.md", line - 1)
    report = []
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


def _shell_examples():
    """``(line, command, expected output)`` for each ``$ chainrule`` line in text blocks."""
    out = []
    for start, code in _blocks("text"):
        lines = code.splitlines()
        for i, text in enumerate(lines):
            if text.startswith("$ chainrule"):
                end = next((j for j in range(i + 1, len(lines))
                            if lines[j].startswith("$ ")), len(lines))
                out.append((start + i, text[2:], "\n".join(lines[i + 1:end])))
    return out


SHELL = _shell_examples()


def test_there_are_examples_to_check():
    assert len(PYTHON) >= 5 and len(SHELL) >= 3


@pytest.mark.parametrize("line, command, expected", SHELL,
                         ids=[f"line {n}" for n, _, _ in SHELL])
def test_shell_example(line, command, expected, run, tmp_path, monkeypatch):
    argv = shlex.split(command)[1:]
    if argv[0] in ("plot", "tour") or "--plot" in argv:
        pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    _, out, err = run(*argv)
    got = (out + err).rstrip("\n") + "\n"
    checker = doctest.OutputChecker()
    assert checker.check_output(expected.rstrip("\n") + "\n", got, FLAGS), (
        f"README.md:{line}: {command}\n--- README shows ---\n{expected}\n"
        f"--- it prints ---\n{got}")


def _listed_options():
    """``(command, option)`` for each option named beside a command in the tables."""
    pairs = []
    for row in re.findall(r"^\| `chainrule ([a-z]+)([^`]*)`", README, re.M):
        command, rest = row
        pairs += [(command, opt) for opt in re.findall(r"(?<![\w-])(--[a-z-]+|-o)\b", rest)]
    return pairs


def test_options_in_the_tables_exist():
    import argparse

    from chainrule.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    pairs = _listed_options()
    assert len(pairs) > 15
    missing = [(c, o) for c, o in pairs
               if c not in sub.choices
               or o not in {s for a in sub.choices[c]._actions for s in a.option_strings}]
    assert missing == []


def test_every_command_is_in_the_tables():
    import argparse

    from chainrule.cli import build_parser

    sub = next(a for a in build_parser()._actions
               if isinstance(a, argparse._SubParsersAction))
    listed = set(re.findall(r"^\| `chainrule ([a-z]+)", README, re.M))
    assert listed == set(sub.choices)


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    (_, bash), *_ = [(m.group(1), m.group(2)) for m in FENCE.finditer(quick)]
    commands = [line.split("#")[0].strip() for line in bash.splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[0].endswith("chainrule tour")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_tour_facts():
    from chainrule.cli.tour import STEPS

    assert f"The tour prints {len(STEPS)} worked examples" in README
    for title, _ in STEPS:      # the table's summary of the tour names every step
        key = {"the derivative at a point": "the slope of x",
               "partial derivatives": "partial derivatives",
               "the chain rule": "chain", "product and quotient rules": "quotient rules",
               "the sigmoid's derivative": "sigmoid", "gradient descent": "gradient descent",
               "the learning-rate dilemma": "learning-rate dilemma",
               "house prices": "house prices",
               "linear and logistic regression": "logistic regression",
               "the XOR network": "XOR network", "Newton's method": "Newton's method",
               "a saddle point": "saddle point", "k-means": "k-means"}[title]
        assert key in README.split("`chainrule tour [--out DIR] [--no-plots]`")[1][:700]


def test_quickstart_example_runs():
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, str(ROOT / "examples" / "quickstart.py")],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "check_grads: forward and reverse mode agree" in proc.stdout
    assert proc.stderr == ""


def test_the_scikit_learn_checks_that_do_not_apply_are_listed():
    source = (ROOT / "tests" / "models" / "test_models_sklearn.py").read_text(encoding="utf-8")
    table = source.split("NOT_APPLICABLE = {", 1)[1].split("\n}\n", 1)[0]
    checks = set(re.findall(r'"(check_\w+)"', table))
    assert checks, "the table of checks that do not apply has moved"
    assert all(f"`{c}`" in README for c in checks)
