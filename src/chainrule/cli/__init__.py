"""The ``chainrule`` command: derivatives of formulas, explained.

    chainrule diff "x**2*sin(x)" --steps
    chainrule gradient "x^2 + 3xy + y^2" --at x=1,y=2
    chainrule critical "x^3 - 3x^2 + 2" --box -5:5
    chainrule optimize "x^2 + 2*y^2" --start 4,3 --method adam --plot path.png
    chainrule tour

A bad formula prints the parser's message, with a caret under the offending column, and
exits with status 2; so does a bad option value, or work that goes past the time limit
(``--time-limit SECONDS`` on any command, or ``$CHAINRULE_TIME_LIMIT``; default 20 s).
No input prints a traceback: see :mod:`._guard`.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__
from . import lab
from ._guard import DEFAULT_SECONDS, ENV_SECONDS, run_command, seconds, time_limit
from .commands import COMMANDS
from .plotting import COMMANDS as MORE_COMMANDS
from .plotting import add_parsers

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chainrule", description="Derivatives of formulas, with the steps that lead "
        "there. Formulas use Python or math syntax: x**2 or x^2, 2x, ln(x), sqrt, sin...")
    p.add_argument("--version", action="version", version=f"chainrule {__version__}",
                   help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND",
                           help="what to do (chainrule COMMAND -h for its options)")
    _add_calculus(sub)   # diff, gradient, hessian, taylor, tangent, implicit, critical
    add_parsers(sub)     # plot, optimize, train, tour
    lab.add_parser(sub)  # lab (the local web lab)
    for command in sub.choices.values():
        command.add_argument(
            "--time-limit", type=seconds, metavar="SECONDS",
            help=f"stop with an error after this many seconds (default: ${ENV_SECONDS} if "
                 f"set, else {DEFAULT_SECONDS:g})")
    return p


def _add_calculus(sub: argparse._SubParsersAction) -> None:
    def add(name: str, help: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help, description=help)
        c.add_argument("formula", help="the formula, in quotes")
        c.add_argument("--latex", action="store_true", help="print LaTeX instead of text")
        return c

    d = add("diff", "derivative of a formula")
    d.add_argument("--wrt", help="variable to differentiate by (default: the only one)")
    d.add_argument("--order", type=int, default=1, help="order of the derivative")
    d.add_argument("--at", help="evaluate at a point: x=1 or x=1,y=2")
    d.add_argument("--steps", action="store_true", help="show the rules applied, step by step")
    for name, help in (("gradient", "partial derivatives and the gradient"),
                       ("hessian", "matrix of second partial derivatives")):
        c = add(name, help)
        c.add_argument("--vars", help="comma-separated variables (default: all, sorted)")
        c.add_argument("--at", help="evaluate at a point: x=1,y=2 (or 1,2 in sorted order)")
    t = add("taylor", "Taylor polynomial about a point")
    t.add_argument("--wrt", help="the variable (default: the only one)")
    t.add_argument("--at", default="0", help="expansion point, kept exact: 1, pi/2 (default 0)")
    t.add_argument("--order", type=int, default=3, help="degree of the polynomial")
    g = add("tangent", "tangent line (linear approximation) at a point")
    g.add_argument("--wrt", help="the variable (default: the only one)")
    g.add_argument("--at", required=True, help="the point of tangency, kept exact: 1, pi/2")
    i = add("implicit", "dy/dx of an equation F(x, y) = G(x, y)")
    i.add_argument("--x", default="x", help="independent variable (default x)")
    i.add_argument("--y", default="y", help="dependent variable (default y)")
    i.add_argument("--at", help="evaluate at a point: x=3,y=4")
    c = add("critical", "critical points, classified as minimum, maximum or saddle")
    c.add_argument("--vars", help="comma-separated variables (default: all, sorted)")
    c.add_argument("--box", default="-10:10", help="search range per variable, e.g. -5:5,-3:3")
    for command in (t, g, i, c):
        command.add_argument("--steps", action="store_true", help="show the work, step by step")


COMMANDS = {**COMMANDS, **MORE_COMMANDS}


def _value_options(parser: argparse.ArgumentParser, command: str | None) -> set[str]:
    """The options of ``command`` that take a value (read from the parser itself)."""
    sub = next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    if sub is None or command not in sub.choices:
        return set()
    return {name for action in sub.choices[command]._actions if action.nargs != 0
            for name in action.option_strings}


def _protect_minus(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """argparse takes anything starting with '-' for an option. ``--box -2:2`` becomes
    ``--box=-2:2``, and a formula such as ``-x^2`` gets a leading space (which the formula
    parser ignores), so that both are read as values."""
    command = next((a for a in argv if not a.startswith("-")), None)
    value_options = _value_options(parser, command)
    out: list[str] = []
    it = iter(argv)
    for a in it:
        if a in value_options:
            nxt = next(it, None)
            out.append(a if nxt is None else f"{a}={nxt}")
        elif a.startswith("-") and not a.startswith("--") and a != "-h":
            out.append(" " + a)
        else:
            out.append(a)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    args = parser.parse_args(_protect_minus(argv, parser))
    name = f"chainrule {args.command}"
    if args.command == "lab":
        return lab.main(args)
    try:
        limit = time_limit(args.time_limit)
    except ValueError as err:
        print(f"{name}: {err}", file=sys.stderr)
        return 2
    status, text, notes = run_command(COMMANDS[args.command], args, limit)
    for note in notes:
        print(f"{name}: {note}", file=sys.stderr)
    if status != 0:
        print(f"{name}: {text}", file=sys.stderr)
        return status
    return _write(text)


def _write(text: str) -> int:
    """Print the output; a closed pipe (``chainrule tour | head``) is not an error, and
    characters the terminal cannot encode are escaped rather than crash."""
    try:
        try:
            print(text)
        except UnicodeEncodeError:
            sys.stdout.write(text.encode("ascii", "backslashreplace").decode() + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())   # so that Python's exit does not complain
    return 0
