"""Learning-rate schedules: functions of the step count (0 for the first update).

Every optimizer accepts a schedule wherever it accepts a float learning rate. Every
argument is checked when the schedule is built (values finite and >= 0, step counts
integers), and every schedule checks the count it is called with (an integer >= 0) and
the value it returns (finite, >= 0), so a schedule never hands an optimizer a negative,
infinite or NaN learning rate.

>>> sched = join_schedules([linear_warmup(0.1, 10), cosine_decay_schedule(0.1, 100)], [10])
>>> [round(sched(n), 4) for n in (0, 5, 10, 60, 110)]
[0.0, 0.05, 0.1, 0.05, 0.0]
>>> sched(-1)
Traceback (most recent call last):
...
chainrule.optim.validate.InvalidParameterError: join_schedules: count must be an integer \
>= 0, got -1
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from .transform import Schedule
from .validate import (
    InvalidParameterError,
    check_bool,
    check_callable,
    check_int,
    check_nonnegative,
    check_positive,
    check_real,
    check_schedule_value,
)

__all__ = [
    "constant_schedule", "piecewise_constant_schedule", "exponential_decay",
    "inverse_time_decay", "cosine_decay_schedule", "linear_warmup", "linear_schedule",
    "join_schedules",
]


def _checked(where: str, fn: Callable[[int], float]) -> Schedule:
    """``fn`` with its count and its value checked."""
    def schedule(count: int) -> float:
        count = check_int(count, "count", where)
        return check_schedule_value(fn(count), count, where)
    schedule.__qualname__ = schedule.__name__ = where
    return schedule


def constant_schedule(value: float) -> Schedule:
    """The same value (finite, >= 0) at every step.

    >>> constant_schedule(0.1)(1000)
    0.1
    """
    value = check_nonnegative(value, "value", "constant_schedule")
    return _checked("constant_schedule", lambda count: value)


def piecewise_constant_schedule(init_value: float,
                                boundaries_and_scales: dict[int, float] | None = None
                                ) -> Schedule:
    """``init_value``, multiplied by ``scale`` from each ``boundary`` step on (boundaries
    are integers >= 0, scales finite numbers >= 0).

    >>> s = piecewise_constant_schedule(1.0, {10: 0.5, 20: 0.1})
    >>> [s(0), s(10), s(19), s(20)]
    [1.0, 0.5, 0.5, 0.05]
    """
    where = "piecewise_constant_schedule"
    init_value = check_nonnegative(init_value, "init_value", where)
    pairs = sorted((check_int(b, "each boundary in boundaries_and_scales", where),
                    check_nonnegative(f, "each scale in boundaries_and_scales", where))
                   for b, f in dict(boundaries_and_scales or {}).items())

    def schedule(count: int) -> float:
        value = init_value
        for boundary, factor in pairs:
            if count >= boundary:
                value *= factor
        return value

    return _checked(where, schedule)


def _power(base: float, exponent: float) -> float:
    try:
        return base ** exponent
    except OverflowError:
        return math.inf


def exponential_decay(init_value: float, transition_steps: int, decay_rate: float,
                      transition_begin: int = 0, staircase: bool = False,
                      end_value: float | None = None) -> Schedule:
    """``init_value * decay_rate ** ((count - transition_begin) / transition_steps)``
    (optax's argument order); ``staircase`` rounds the exponent down; ``end_value``
    bounds the result. A ``decay_rate > 1`` grows, and needs an ``end_value`` to stop it
    before it overflows.

    >>> s = exponential_decay(1.0, transition_steps=10, decay_rate=0.5)
    >>> [s(0), s(10), round(s(5), 4)]
    [1.0, 0.5, 0.7071]
    >>> exponential_decay(1.0, 10, 0.5, staircase=True)(15)
    0.5
    """
    where = "exponential_decay"
    init_value = check_nonnegative(init_value, "init_value", where)
    transition_steps = check_int(transition_steps, "transition_steps", where, 1)
    decay_rate = check_positive(decay_rate, "decay_rate", where)
    transition_begin = check_int(transition_begin, "transition_begin", where)
    staircase = check_bool(staircase, "staircase", where)
    if end_value is not None:
        end_value = check_nonnegative(end_value, "end_value", where)

    def schedule(count: int) -> float:
        p = max(count - transition_begin, 0) / transition_steps
        value = init_value * _power(decay_rate, math.floor(p) if staircase else p)
        if end_value is not None:
            value = max(value, end_value) if decay_rate < 1 else min(value, end_value)
        return value

    return _checked(where, schedule)


def inverse_time_decay(init_value: float, decay_rate: float, decay_steps: int = 1,
                       staircase: bool = False) -> Schedule:
    """``init_value / (1 + decay_rate * count / decay_steps)`` (``decay_rate >= 0``).

    >>> s = inverse_time_decay(1.0, decay_rate=1.0, decay_steps=10)
    >>> [s(0), s(10), s(30)]
    [1.0, 0.5, 0.25]
    """
    where = "inverse_time_decay"
    init_value = check_nonnegative(init_value, "init_value", where)
    decay_rate = check_nonnegative(decay_rate, "decay_rate", where)
    decay_steps = check_int(decay_steps, "decay_steps", where, 1)
    staircase = check_bool(staircase, "staircase", where)

    def schedule(count: int) -> float:
        p = count / decay_steps
        return init_value / (1.0 + decay_rate * (math.floor(p) if staircase else p))

    return _checked(where, schedule)


def cosine_decay_schedule(init_value: float, decay_steps: int,
                          alpha: float = 0.0) -> Schedule:
    """Half a cosine from ``init_value`` down to ``alpha * init_value`` over
    ``decay_steps``, then constant (``alpha`` in [0, 1]).

    >>> s = cosine_decay_schedule(1.0, decay_steps=100, alpha=0.1)
    >>> [s(0), round(s(50), 4), round(s(100), 4), round(s(500), 4)]
    [1.0, 0.55, 0.1, 0.1]
    """
    where = "cosine_decay_schedule"
    init_value = check_nonnegative(init_value, "init_value", where)
    decay_steps = check_int(decay_steps, "decay_steps", where, 1)
    alpha = check_real(alpha, "alpha", where, 0.0, 1.0)

    def schedule(count: int) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * min(count, decay_steps) / decay_steps))
        return init_value * ((1.0 - alpha) * cosine + alpha)

    return _checked(where, schedule)


def linear_schedule(init_value: float, end_value: float, transition_steps: int) -> Schedule:
    """A straight line from ``init_value`` to ``end_value`` over ``transition_steps``
    (0 jumps straight to ``end_value``), then constant.

    >>> s = linear_schedule(1.0, 0.0, 4)
    >>> [s(0), s(1), s(4), s(9)]
    [1.0, 0.75, 0.0, 0.0]
    """
    where = "linear_schedule"
    init_value = check_nonnegative(init_value, "init_value", where)
    end_value = check_nonnegative(end_value, "end_value", where)
    transition_steps = check_int(transition_steps, "transition_steps", where)

    def schedule(count: int) -> float:
        if transition_steps == 0:
            return end_value
        frac = min(count, transition_steps) / transition_steps
        return init_value + (end_value - init_value) * frac

    return _checked(where, schedule)


def linear_warmup(peak_value: float, warmup_steps: int, init_value: float = 0.0) -> Schedule:
    """Rise linearly from ``init_value`` to ``peak_value`` over ``warmup_steps``, then
    stay at the peak (join it to a decay with :func:`join_schedules`).

    >>> s = linear_warmup(0.1, 10)
    >>> [s(0), s(5), s(10), s(50)]
    [0.0, 0.05, 0.1, 0.1]
    """
    where = "linear_warmup"
    peak_value = check_nonnegative(peak_value, "peak_value", where)
    warmup_steps = check_int(warmup_steps, "warmup_steps", where)
    init_value = check_nonnegative(init_value, "init_value", where)
    line = linear_schedule(init_value, peak_value, warmup_steps)
    return _checked(where, line)


def join_schedules(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    """Run ``schedules[i]`` from ``boundaries[i-1]`` on, each restarting its count at 0.

    >>> s = join_schedules([constant_schedule(1.0), linear_schedule(0.5, 0.0, 10)], [5])
    >>> [s(0), s(4), s(5), s(10)]
    [1.0, 1.0, 0.5, 0.25]
    """
    where = "join_schedules"
    schedules = [check_callable(s, "each of schedules", where) for s in schedules]
    bounds = [check_int(b, "each of boundaries", where) for b in boundaries]
    if len(schedules) != len(bounds) + 1:
        raise InvalidParameterError(f"join_schedules: boundaries must be one entry shorter "
                                    f"than schedules, got {len(bounds)} boundaries for "
                                    f"{len(schedules)} schedules")
    if bounds != sorted(bounds):
        raise InvalidParameterError(f"join_schedules: boundaries must be increasing, got "
                                    f"{bounds}")

    def schedule(count: int) -> float:
        i = sum(count >= b for b in bounds)
        start = bounds[i - 1] if i > 0 else 0
        return schedules[i](count - start)

    return _checked(where, schedule)
