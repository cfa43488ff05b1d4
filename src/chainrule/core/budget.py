"""Budgets: every computation on user input is bounded in work, number size and time.

A formula of sixteen characters can ask for ``2^(10^100)`` or a twentieth derivative whose
tree has millions of nodes. Rather than let such a request hang or exhaust memory, the
entry points that work on user input (``simplify``, ``diff``, ``taylor``,
``critical_points``, ``hessian``, ``derivative``...) run inside a :class:`Budget`, and the
work they do is charged to it *while* they do it:

- ``nodes``: expression nodes created (or other units of work, such as evaluations);
- ``digits``: the size of any exact number built by folding, in decimal digits;
- ``seconds``: wall-clock time, from the moment the outermost budget opened.

Going past any of them raises :class:`BudgetExceeded`, a ``ValueError`` whose message says
which limit was hit and how to raise it. The command line exits with status 2 on it.

Budgets nest: an inner budget can only tighten the one around it, and the work done inside
counts against both. Outside any budget, :func:`charge` and :func:`check_time` do nothing,
so code that is also used internally costs nothing extra; public entry points open the
default budget with :func:`budgeted`.

>>> from chainrule.core.budget import budget, charge, BudgetExceeded
>>> with budget(nodes=10):
...     charge(5)
>>> try:
...     with budget(nodes=10):
...         charge(11)
... except BudgetExceeded as e:
...     print(e.limit)
nodes
"""

from __future__ import annotations

import contextvars
import functools
import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any, TypeVar

__all__ = ["Budget", "BudgetExceeded", "DEFAULTS", "budget", "budgeted", "charge",
           "check_time", "check_exact", "exact_fits", "current"]

F = TypeVar("F", bound=Callable[..., Any])

#: Limits used when an entry point runs outside any budget. Change them with
#: ``with budget(...)`` around the call rather than by editing this dictionary.
DEFAULTS = {"nodes": 2_000_000, "digits": 3_000, "seconds": 60.0}

_LOG10_2 = math.log10(2)
_TIME_EVERY = 1024  # charges between clock reads


class BudgetExceeded(ValueError):
    """A computation went past its budget of nodes, number size or time.

    Attributes:
        limit: which limit: ``"nodes"``, ``"digits"`` or ``"seconds"``.
        value: the limit that was in force.
        what: the computation that was running, in words.
    """

    def __init__(self, limit: str, value: float, what: str = "") -> None:
        self.limit, self.value, self.what = limit, value, what
        doing = f" while {what}" if what else ""
        detail = {
            "nodes": f"more than {value:,} expression nodes (or steps of work)",
            "digits": f"an exact number of more than {value:,} digits",
            "seconds": f"more than {value:g} seconds",
        }[limit]
        super().__init__(
            f"this computation needs {detail}{doing}; it was stopped. Simplify the "
            f"input, or raise the limit: with chainrule.budget({limit}=...): ...")


class Budget:
    """The limits in force and the work charged so far (see the module docstring)."""

    __slots__ = ("nodes", "digits", "seconds", "used", "deadline", "parent", "_tick")

    def __init__(self, nodes: int, digits: int, seconds: float,
                 parent: Budget | None = None) -> None:
        now = time.monotonic()
        self.nodes, self.digits, self.seconds = int(nodes), int(digits), float(seconds)
        self.used = 0
        self.deadline = now + self.seconds
        self.parent = parent
        self._tick = 0
        if parent is not None:  # an inner budget only tightens the outer one
            self.nodes = min(self.nodes, parent.nodes - parent.used)
            self.digits = min(self.digits, parent.digits)
            self.deadline = min(self.deadline, parent.deadline)

    def charge(self, n: int = 1, what: str = "") -> None:
        self.used += n
        if self.used > self.nodes:
            raise BudgetExceeded("nodes", self.nodes, what)
        self._tick += n
        if self._tick >= _TIME_EVERY:
            self._tick = 0
            self.check_time(what)

    def check_time(self, what: str = "") -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded("seconds", self.seconds, what)

    def max_bits(self) -> int:
        return int(self.digits / _LOG10_2) + 1


_ACTIVE: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "chainrule_budget", default=None)


def current() -> Budget | None:
    """The innermost active budget, or ``None`` outside any."""
    return _ACTIVE.get()


@contextmanager
def budget(*, nodes: int | None = None, digits: int | None = None,
           seconds: float | None = None) -> Iterator[Budget]:
    """Run the body under limits; unspecified ones take :data:`DEFAULTS`.

    Args:
        nodes: most expression nodes (or units of work) the body may create.
        digits: most decimal digits of any exact number the body may build.
        seconds: most wall-clock seconds the body may run.

    Raises:
        BudgetExceeded: inside the body, as soon as a limit is passed.
    """
    for name, v in (("nodes", nodes), ("digits", digits), ("seconds", seconds)):
        if v is not None and not (isinstance(v, (int, float)) and v > 0 and math.isfinite(v)):
            raise ValueError(f"budget {name} must be a positive finite number, got {v!r}")
    outer = _ACTIVE.get()
    b = Budget(DEFAULTS["nodes"] if nodes is None else nodes,
               DEFAULTS["digits"] if digits is None else digits,
               DEFAULTS["seconds"] if seconds is None else seconds, parent=outer)
    token = _ACTIVE.set(b)
    try:
        yield b
    finally:
        _ACTIVE.reset(token)
        if outer is not None:
            outer.used += b.used


def budgeted(fn: F) -> F:
    """Decorator for an entry point: run ``fn`` under the default budget unless a budget is
    already active (then the active one applies, unchanged)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _ACTIVE.get() is not None:
            return fn(*args, **kwargs)
        with budget():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def charge(n: int = 1, what: str = "") -> None:
    """Charge ``n`` units of work to the active budget (nothing outside a budget)."""
    b = _ACTIVE.get()
    if b is not None:
        b.charge(n, what)


def check_time(what: str = "") -> None:
    """Raise :class:`BudgetExceeded` if the active budget's time is up."""
    b = _ACTIVE.get()
    if b is not None:
        b.check_time(what)


def _bits(x: Any) -> int:
    if isinstance(x, Fraction):
        return max(x.numerator.bit_length(), x.denominator.bit_length())
    if isinstance(x, int):
        return x.bit_length()
    return 0


def exact_fits(bits: float) -> bool:
    """Whether an exact number of about ``bits`` bits is within the active budget (or the
    default one outside any). Use it *before* computing, e.g. for ``a**n`` pass
    ``bit_length(a) * n``."""
    b = _ACTIVE.get()
    limit = b.max_bits() if b is not None else int(DEFAULTS["digits"] / _LOG10_2) + 1
    return bits <= limit


def check_exact(x: Any, what: str = "") -> Any:
    """Return the exact number ``x`` (int or Fraction) unchanged, or raise
    :class:`BudgetExceeded` if it has more digits than the budget allows."""
    if not exact_fits(_bits(x)):
        b = _ACTIVE.get()
        raise BudgetExceeded("digits", b.digits if b is not None else DEFAULTS["digits"], what)
    return x
