"""One small set of validators for every hyperparameter of the optimizers, schedules,
``minimize``, ``fit`` and the models.

Each validator returns the value in a canonical type (a float, an int...) or raises
:class:`InvalidParameterError` (a ``ValueError`` and a ``TypeError``, as scikit-learn's),
whose message names the function, the argument, the range and the value received.
Booleans are not numbers here, and NaN or infinity never passes a numeric check.

>>> check_learning_rate(0.1)
0.1
>>> check_learning_rate(float("inf"))
Traceback (most recent call last):
...
chainrule.optim.validate.InvalidParameterError: learning_rate must be a finite number > 0, \
got inf
>>> check_fraction(2, "b1", "adam")
Traceback (most recent call last):
...
chainrule.optim.validate.InvalidParameterError: adam: b1 must be a finite number in [0, 1), \
got 2
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "InvalidParameterError", "check_learning_rate", "check_real", "check_positive",
    "check_nonnegative", "check_fraction", "check_int", "check_bool", "check_choice",
    "check_callable", "check_random_state", "check_schedule_value",
]


class InvalidParameterError(ValueError, TypeError):
    """A hyperparameter of the wrong type or outside its range."""


def _fail(name: str, where: str, requirement: str, value: Any) -> InvalidParameterError:
    prefix = f"{where}: " if where else ""
    return InvalidParameterError(f"{prefix}{name} must be {requirement}, got {value!r}")


def _as_real(value: Any) -> float | None:
    """``value`` as a float if it is a real number (not a bool, not a string), else None."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value)
    except (OverflowError, ValueError, TypeError):  # e.g. an int beyond float's range
        return math.inf if value > 0 else -math.inf


def check_real(value: Any, name: str, where: str = "", low: float = -math.inf,
               high: float = math.inf, low_open: bool = False,
               high_open: bool = False) -> float:
    """A finite real number in the interval from ``low`` to ``high`` (closed unless
    ``low_open`` / ``high_open``), as a float.

    >>> check_real(0.5, "alpha", "cosine_decay_schedule", 0.0, 1.0)
    0.5
    """
    x = _as_real(value)
    ok = x is not None and math.isfinite(x) and (x > low if low_open else x >= low) \
        and (x < high if high_open else x <= high)
    if ok:
        return x
    if low == -math.inf and high == math.inf:
        requirement = "a finite number"
    elif high == math.inf:
        requirement = f"a finite number {'>' if low_open else '>='} {low:g}"
    else:
        requirement = (f"a finite number in {'(' if low_open else '['}{low:g}, {high:g}"
                       f"{')' if high_open else ']'}")
    raise _fail(name, where, requirement, value)


def check_positive(value: Any, name: str, where: str = "") -> float:
    """A finite number > 0."""
    return check_real(value, name, where, 0.0, low_open=True)


def check_nonnegative(value: Any, name: str, where: str = "") -> float:
    """A finite number >= 0."""
    return check_real(value, name, where, 0.0)


def check_fraction(value: Any, name: str, where: str = "") -> float:
    """A finite number in [0, 1) (decay rates, momentum, Adam's betas)."""
    return check_real(value, name, where, 0.0, 1.0, high_open=True)


def check_learning_rate(value: Any, name: str = "learning_rate", where: str = "") -> float:
    """A learning rate: a finite number > 0 (the CLI refuses ``--lr inf`` with this).

    >>> check_learning_rate(0, where="sgd")
    Traceback (most recent call last):
    ...
    chainrule.optim.validate.InvalidParameterError: sgd: learning_rate must be a finite \
number > 0, got 0
    """
    return check_positive(value, name, where)


def check_int(value: Any, name: str, where: str = "", minimum: int = 0) -> int:
    """An integer (Python or NumPy, not a bool) >= ``minimum``.

    >>> check_int(-1, "maxiter", "minimize")
    Traceback (most recent call last):
    ...
    chainrule.optim.validate.InvalidParameterError: minimize: maxiter must be an integer \
>= 0, got -1
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value < minimum:
        raise _fail(name, where, f"an integer >= {minimum}", value)
    return int(value)


def check_bool(value: Any, name: str, where: str = "") -> bool:
    """``True`` or ``False`` (NumPy booleans too)."""
    if not isinstance(value, (bool, np.bool_)):
        raise _fail(name, where, "True or False", value)
    return bool(value)


def check_choice(value: Any, name: str, where: str, choices: Sequence[Any]) -> Any:
    """One of ``choices`` (compared with ``==`` on hashable values only)."""
    try:
        ok = any(isinstance(value, type(c)) and not isinstance(value, (bool, np.bool_))
                 and value == c for c in choices)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise _fail(name, where, "one of " + ", ".join(repr(c) for c in choices), value)
    return value


def check_callable(value: Any, name: str, where: str = "") -> Callable:
    """A callable."""
    if not callable(value):
        raise _fail(name, where, "callable", value)
    return value


def check_random_state(value: Any, name: str = "random_state", where: str = "") -> Any:
    """``None``, an integer >= 0 or a ``numpy.random.Generator``."""
    if value is None or isinstance(value, np.random.Generator):
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value < 0:
        raise _fail(name, where, "None, an integer >= 0 or a numpy.random.Generator", value)
    return int(value)


def check_schedule_value(value: Any, count: int, where: str) -> float:
    """A schedule's value at step ``count``: a finite number >= 0 (a schedule may reach 0,
    e.g. at the start of a warm-up; a constant learning rate may not)."""
    x = _as_real(value)
    if x is None or not math.isfinite(x) or x < 0:
        raise InvalidParameterError(f"{where}: the schedule gave {value!r} at step {count}; "
                                    "a schedule's values must be finite numbers >= 0")
    return x
