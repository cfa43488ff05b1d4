"""The ``chainrule`` command: derivatives of formulas, explained.

    chainrule diff "x**2*sin(x)" --steps
    chainrule gradient "x^2 + 3xy + y^2" --at x=1,y=2
    chainrule critical "x^3 - 3x^2 + 2" --box -5:5
    chainrule optimize "x^2 + 2*y^2" --start 4,3 --method adam --plot path.png
    chainrule tour

A bad formula prints the parser's message, with a caret under the offending column, and
exits with status 2.
"""

from __future__ import annotations

import argparse
import sys

from ..symbolic.parse import ParseError
from .commands import COMMANDS, UsageError
from .plotting import COMMANDS as MORE_COMMANDS
from .plotting import VALUE_OPTIONS, add_parsers

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chainrule", description="Derivatives of formulas, with the steps that lead "
        "there. Formulas use Python or math syntax: x**2 or x^2, 2x, ln(x), sqrt, sin...")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

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
        c.add_argument("--at", help="evaluate at a point: x=1,y=2")
    t = add("taylor", "Taylor polynomial about a point")
    t.add_argument("--wrt")
    t.add_argument("--at", default="0", help="expansion point (default 0)")
    t.add_argument("--order", type=int, default=3, help="degree of the polynomial")
    g = add("tangent", "tangent line (linear approximation) at a point")
    g.add_argument("--wrt")
    g.add_argument("--at", required=True, help="the point of tangency")
    i = add("implicit", "dy/dx of an equation F(x, y) = G(x, y)")
    i.add_argument("--x", default="x", help="independent variable (default x)")
    i.add_argument("--y", default="y", help="dependent variable (default y)")
    i.add_argument("--at", help="evaluate at a point: x=3,y=4")
    c = add("critical", "critical points, classified as minimum, maximum or saddle")
    c.add_argument("--vars", help="comma-separated variables (default: all, sorted)")
    c.add_argument("--box", default="-10:10", help="search range per variable, e.g. -5:5,-3:3")
    add_parsers(sub)     # plot, optimize, train, tour
    return p


_VALUE_OPTIONS = {"--box", "--at", "--wrt", "--vars", "--order", "--x", "--y"} | VALUE_OPTIONS
COMMANDS = {**COMMANDS, **MORE_COMMANDS}


def _protect_minus(argv: list[str]) -> list[str]:
    """argparse takes anything starting with '-' for an option. ``--box -2:2`` becomes
    ``--box=-2:2``, and a formula such as ``-x^2`` gets a leading space (which the formula
    parser ignores), so that both are read as values."""
    out: list[str] = []
    it = iter(argv)
    for a in it:
        if a in _VALUE_OPTIONS:
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
    args = build_parser().parse_args(_protect_minus(argv))
    try:
        out = COMMANDS[args.command](args)
    except ParseError as err:
        print(f"chainrule {args.command}: cannot read the formula\n{err}", file=sys.stderr)
        return 2
    except (UsageError, ValueError, ZeroDivisionError, OverflowError) as err:
        print(f"chainrule {args.command}: {err}", file=sys.stderr)
        return 2
    print(out)
    return 0
