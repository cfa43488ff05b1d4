"""How a command runs: under a budget, with warnings caught, every error one clear line.

Every exception a command can meet is turned into a message by :func:`explain`:

- errors in what the user typed (a formula, an option value, a file name), and work that
  went past the budget, exit with status 2;
- anything else is a bug in chainrule: status 1, one short line asking for a report.

NumPy's RuntimeWarnings (overflow, invalid values) never reach the terminal: the output of
each command states the facts (a value is ``inf`` or ``nan``). chainrule's own warnings
are shown as one ``note:`` line each.

>>> explain(ZeroDivisionError("float division by zero"))
(2, 'division by zero (float division by zero): the formula is undefined there')
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..core.budget import BudgetExceeded, budget
from ..symbolic.parse import ParseError

__all__ = ["DEFAULT_SECONDS", "ENV_SECONDS", "MATPLOTLIB_MISSING", "UsageError", "explain",
           "guarded", "run_command", "seconds", "time_limit"]

DEFAULT_SECONDS = 20.0
ENV_SECONDS = "CHAINRULE_TIME_LIMIT"
MAX_MESSAGE = 400
MATPLOTLIB_MISSING = ('figures need matplotlib, which is not installed: '
                      'pip install "chainrule[plot]"')
REPORT = "please report it, with the command you ran"


class UsageError(ValueError):
    """A problem with the command's options (not with the formula)."""


def seconds(text: str) -> float:
    """A time limit in seconds: a positive finite number (argparse type and env var).

    >>> seconds("90")
    90.0
    """
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"the time limit must be a number of seconds, got {text!r}") from None
    if not (math.isfinite(value) and value > 0):
        raise UsageError(f"the time limit must be a positive number of seconds, got {text!r}")
    return value


def time_limit(given: float | None) -> float:
    """The option if given, else ``$CHAINRULE_TIME_LIMIT``, else :data:`DEFAULT_SECONDS`."""
    if given is not None:
        return given
    env = os.environ.get(ENV_SECONDS, "").strip()
    return seconds(env) if env else DEFAULT_SECONDS


def _one_line(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 3] + "..."


def _budget_message(err: BudgetExceeded) -> str:
    doing = f" while {err.what}" if err.what else ""
    if err.limit == "seconds":
        return (f"stopped after {err.value:g} seconds{doing}; simplify the input, or allow "
                f"more time with --time-limit SECONDS (or ${ENV_SECONDS})")
    what = {"nodes": f"more than {err.value:,} expression nodes (or steps of work)",
            "digits": f"an exact number of more than {err.value:,} digits"}[err.limit]
    return f"stopped: this needs {what}{doing}; try a lower order or a smaller formula"


def explain(err: BaseException) -> tuple[int, str]:
    """The exit status and the message for an exception raised by a command."""
    if isinstance(err, ParseError):
        return 2, f"cannot read the formula\n{err}"
    if isinstance(err, BudgetExceeded):
        return 2, _budget_message(err)
    if isinstance(err, OverflowError):
        return 2, _one_line(f"a number is too large for floating point ({err}); "
                            "try smaller values")
    if isinstance(err, ZeroDivisionError):
        return 2, _one_line(f"division by zero ({err}): the formula is undefined there")
    if isinstance(err, ImportError) and "matplotlib" in f"{err.name} {err}":
        return 2, MATPLOTLIB_MISSING
    if isinstance(err, ValueError):    # DivergenceError too (also an ArithmeticError)
        return 2, _one_line(str(err) or type(err).__name__)
    if isinstance(err, ArithmeticError):
        return 2, _one_line(f"arithmetic error: {err}")
    if isinstance(err, RecursionError):
        return 1, f"internal error: the input is nested too deeply for chainrule; {REPORT}"
    if isinstance(err, MemoryError):
        return 2, "out of memory: the computation is too large; simplify the input"
    if isinstance(err, OSError):
        where = f" {err.filename}" if err.filename else ""
        return 2, _one_line(f"cannot use{where}: {err.strerror or err}")
    return 1, _one_line(f"internal error ({type(err).__name__}: {err}); {REPORT}")


def _notes(caught: list[warnings.WarningMessage]) -> list[str]:
    """chainrule's own warnings, one line each, without repeats; NumPy's are dropped."""
    seen: list[str] = []
    for w in caught:
        if issubclass(w.category, RuntimeWarning) or not _from_chainrule(w.category):
            continue
        line = "note: " + _one_line(str(w.message))
        if line not in seen:
            seen.append(line)
    return seen[:5]


def _from_chainrule(category: type) -> bool:
    return category.__module__.split(".")[0] == "chainrule"


@contextmanager
def guarded(limit: float) -> Iterator[list[str]]:
    """Run the body under a budget of ``limit`` seconds with warnings recorded; the list it
    yields is filled with the notes to print when the body ends."""
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with budget(seconds=limit):
                yield notes
        finally:
            notes.extend(_notes(caught))


def run_command(fn: Callable[[Any], str], args: Any, limit: float) -> tuple[int, str, list]:
    """``(status, text, notes)``: the command's output, or the message of its error."""
    notes: list[str] = []
    try:
        with guarded(limit) as notes:
            return 0, fn(args), notes
    except KeyboardInterrupt:
        return 130, "interrupted", notes
    except Exception as err:  # noqa: BLE001 - every error becomes one clear message
        status, message = explain(err)
        return status, message, notes
