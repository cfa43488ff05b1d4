"""Reading option values: numbers, points, variable names, ranges, files.

Each reader takes the text the user typed and returns a plain value, or raises
:class:`UsageError` saying which option was wrong, what it got and what it expects.
Nothing is guessed: an empty part (``--at x=1,,``), a repeated name (``--at x=1,x=2``), a
value that is not a finite number (``inf``, ``1e400``) and a file in a missing folder are
refused.

>>> point("x=1, y=2", ["x", "y"])
{'x': 1.0, 'y': 2.0}
>>> number("pi/2")
1.5707963267948966
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from ..symbolic import evaluate
from ..symbolic.expr import Expr
from ..symbolic.parse import ParseError, parse
from ._guard import UsageError

__all__ = ["box", "constant", "learning_rate", "name", "names", "number", "out_file", "parts",
           "point", "positive_int", "span"]

_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_WORD = re.compile(r"[^\W\d]\w*")


def _is_symbol(e: object) -> bool:
    return isinstance(e, Expr) and e.is_symbol


def parts(text: str, option: str) -> list[str]:
    """The comma-separated parts of ``text``, stripped; an empty part is an error."""
    items = [p.strip() for p in text.split(",")]
    if not any(items):
        raise UsageError(f"{option} is empty")
    if not all(items):
        raise UsageError(f"{option} has an empty part in {text!r}: separate the values "
                         "with single commas")
    return items


def name(text: str, option: str) -> str:
    """A variable name, as the formula parser reads it (``x``, ``x1``, ``theta``...)."""
    text = text.strip()
    why = ""
    try:
        e = parse(text) if text else None
    except ParseError as err:
        e, why = None, f" ({str(err).splitlines()[0]})"
    if not _is_symbol(e):
        raise UsageError(f"{option}: {text!r} is not a variable name{why}")
    return str(e)


def names(text: str, option: str) -> list[str]:
    """Comma-separated variable names, each once."""
    out: list[str] = []
    for p in parts(text, option):
        n = name(p, option)
        if n in out:
            raise UsageError(f"{option} names {n} twice")
        out.append(n)
    return out


def number(text: str, option: str = "the value") -> float:
    """A finite number, written as a number or a constant formula (``pi/4``, ``sqrt(2)``)."""
    text = text.strip()
    bad = UsageError(f"{option}: {text!r} is not a finite number")
    try:
        value = float(text)
    except ValueError:
        value = _constant(text, bad)
    if not math.isfinite(value):
        raise bad
    return value


def _constant(text: str, bad: UsageError) -> float:
    for word in _WORD.findall(_NUMBER.sub(" ", text)):   # "0x1" must not read as 0*x1
        try:
            if _is_symbol(parse(word)):
                raise bad
        except ParseError:
            pass
    try:
        e = parse(text)
        if not isinstance(e, Expr) or e.free_symbols():
            raise bad
        with np.errstate(all="ignore"):
            return float(evaluate(e))
    except (ParseError, OverflowError, ZeroDivisionError, TypeError) as err:
        raise bad from err


def constant(text: str, option: str = "the value") -> Expr:
    """A finite constant kept exact: ``pi/4`` stays pi/4 (checked like :func:`number`).

    >>> constant("pi/2")
    pi/2
    """
    number(text, option)
    return parse(text.strip())


def point(text: str | None, needed: list[str], allowed: list[str] | None = None,
          option: str = "--at") -> dict | None:
    """``x=1,y=2`` (or ``1,2``: one value per name of ``needed``, in order) as a dict of
    floats, with a value for every name in ``needed`` and no name outside ``allowed``
    (default: ``needed``)."""
    if text is None:
        return None
    items = parts(text, option)
    if not any("=" in p for p in items) and len(items) == len(needed) and needed:
        return {n: number(p, option) for n, p in zip(needed, items)}   # values in order
    allowed = needed if allowed is None else allowed
    result: dict[str, float] = {}
    for p in items:
        if "=" not in p:
            raise UsageError(f"write the point as name=value pairs, e.g. {option} x=1,y=2 "
                             f"(got {p!r})")
        key, value = p.split("=", 1)
        key = name(key, option)
        if key in result:
            raise UsageError(f"{option} gives {key} twice ({text!r})")
        if key not in allowed and key not in needed:
            raise UsageError(f"{option} gives a value for {key}, which is not a variable of "
                             f"the formula ({', '.join(allowed) or 'none'})")
        result[key] = number(value, option)
    missing = [n for n in needed if n not in result]
    if missing:
        raise UsageError(f"{option} gives no value for {', '.join(missing)}")
    return result


def span(text: str, option: str) -> tuple[float, float]:
    """``lo:hi`` with finite ``lo < hi`` whose width is a finite number."""
    if ":" not in text:
        raise UsageError(f"{option}: write the range as lo:hi, e.g. -5:5 (got {text!r})")
    lo, hi = (number(v, option) for v in text.split(":", 1))
    if not lo < hi:
        raise UsageError(f"{option}: empty range {text!r} (lo must be below hi)")
    if not math.isfinite(hi - lo):
        raise UsageError(f"{option}: the range {text!r} is too wide for floating point")
    return lo, hi


def box(text: str, n: int, option: str = "--box") -> list[tuple[float, float]]:
    """One ``lo:hi`` range per variable, or one range for all of them."""
    items = parts(text, option)
    if len(items) == 1:
        items = items * n
    if len(items) != n:
        raise UsageError(f"{option} needs one lo:hi range per variable ({n}), got {text!r}")
    return [span(p, option) for p in items]


def positive_int(value: int, option: str, most: int) -> int:
    """An int in ``1..most``."""
    if not 1 <= value <= most:
        raise UsageError(f"{option} must be between 1 and {most:,}, got {value}")
    return value


def learning_rate(value: float | None) -> float | None:
    """``--lr``: a finite number > 0 (checked by the optimizers' own validator)."""
    if value is None:
        return None
    try:
        from ..optim.validate import check_learning_rate
    except ImportError:  # an older optim without validators: the same rule, here
        def check_learning_rate(v: float) -> float:
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"learning_rate must be a finite number > 0, got {v!r}")
            return v
    try:
        return check_learning_rate(value)
    except ValueError as err:
        raise UsageError(f"--lr: {err}") from None


def out_file(text: str, option: str = "-o") -> str:
    """A .png or .svg file to write, in a folder that exists (no folder is created)."""
    path = Path(text)
    if not text.strip() or path.name == "":
        raise UsageError(f"{option}: give a file name ending in .png or .svg")
    if path.suffix.lower() not in (".png", ".svg"):
        raise UsageError(f"{option}: the figure is written as .png or .svg, got {path.name!r}")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"{option}: directory does not exist: {folder}")
    if path.is_dir():
        raise UsageError(f"{option}: {path} is a directory; give a file name")
    return str(path)
