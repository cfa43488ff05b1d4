"""Learning-rate schedules: functions of the step count (0 for the first update).

Every optimizer accepts a schedule wherever it accepts a float learning rate.

>>> sched = join_schedules([linear_warmup(0.1, 10), cosine_decay_schedule(0.1, 100)], [10])
>>> [round(sched(n), 4) for n in (0, 5, 10, 60, 110)]
[0.0, 0.05, 0.1, 0.05, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .transform import Schedule

__all__ = [
    "constant_schedule", "piecewise_constant_schedule", "exponential_decay",
    "inverse_time_decay", "cosine_decay_schedule", "linear_warmup", "linear_schedule",
    "join_schedules",
]


def constant_schedule(value: float) -> Schedule:
    """The same value at every step.

    >>> constant_schedule(0.1)(1000)
    0.1
    """
    value = float(value)
    return lambda count: value


def piecewise_constant_schedule(init_value: float,
                                boundaries_and_scales: dict[int, float] | None = None
                                ) -> Schedule:
    """``init_value``, multiplied by ``scale`` from each ``boundary`` step on.

    >>> s = piecewise_constant_schedule(1.0, {10: 0.5, 20: 0.1})
    >>> [s(0), s(10), s(19), s(20)]
    [1.0, 0.5, 0.5, 0.05]
    """
    pairs = sorted((boundaries_and_scales or {}).items())

    def schedule(count: int) -> float:
        value = float(init_value)
        for boundary, factor in pairs:
            if count >= boundary:
                value *= factor
        return value

    return schedule


def exponential_decay(init_value: float, transition_steps: int, decay_rate: float,
                      transition_begin: int = 0, staircase: bool = False,
                      end_value: float | None = None) -> Schedule:
    """``init_value * decay_rate ** ((count - transition_begin) / transition_steps)``
    (optax's argument order); ``staircase`` rounds the exponent down; ``end_value``
    bounds the result.

    >>> s = exponential_decay(1.0, transition_steps=10, decay_rate=0.5)
    >>> [s(0), s(10), round(s(5), 4)]
    [1.0, 0.5, 0.7071]
    >>> exponential_decay(1.0, 10, 0.5, staircase=True)(15)
    0.5
    """
    if transition_steps <= 0:
        raise ValueError("exponential_decay: transition_steps must be positive")

    def schedule(count: int) -> float:
        p = max(count - transition_begin, 0) / transition_steps
        value = init_value * decay_rate ** (math.floor(p) if staircase else p)
        if end_value is not None:
            value = max(value, end_value) if decay_rate < 1 else min(value, end_value)
        return float(value)

    return schedule


def inverse_time_decay(init_value: float, decay_rate: float, decay_steps: int = 1,
                       staircase: bool = False) -> Schedule:
    """``init_value / (1 + decay_rate * count / decay_steps)``.

    >>> s = inverse_time_decay(1.0, decay_rate=1.0, decay_steps=10)
    >>> [s(0), s(10), s(30)]
    [1.0, 0.5, 0.25]
    """
    if decay_steps <= 0:
        raise ValueError("inverse_time_decay: decay_steps must be positive")

    def schedule(count: int) -> float:
        p = count / decay_steps
        return float(init_value / (1.0 + decay_rate * (math.floor(p) if staircase else p)))

    return schedule


def cosine_decay_schedule(init_value: float, decay_steps: int,
                          alpha: float = 0.0) -> Schedule:
    """Half a cosine from ``init_value`` down to ``alpha * init_value`` over
    ``decay_steps``, then constant.

    >>> s = cosine_decay_schedule(1.0, decay_steps=100, alpha=0.1)
    >>> [s(0), round(s(50), 4), round(s(100), 4), round(s(500), 4)]
    [1.0, 0.55, 0.1, 0.1]
    """
    if decay_steps <= 0:
        raise ValueError("cosine_decay_schedule: decay_steps must be positive")

    def schedule(count: int) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * min(count, decay_steps) / decay_steps))
        return float(init_value * ((1.0 - alpha) * cosine + alpha))

    return schedule


def linear_schedule(init_value: float, end_value: float, transition_steps: int) -> Schedule:
    """A straight line from ``init_value`` to ``end_value`` over ``transition_steps``,
    then constant.

    >>> s = linear_schedule(1.0, 0.0, 4)
    >>> [s(0), s(1), s(4), s(9)]
    [1.0, 0.75, 0.0, 0.0]
    """
    def schedule(count: int) -> float:
        if transition_steps <= 0:
            return float(end_value)
        frac = min(max(count, 0), transition_steps) / transition_steps
        return float(init_value + (end_value - init_value) * frac)

    return schedule


def linear_warmup(peak_value: float, warmup_steps: int, init_value: float = 0.0) -> Schedule:
    """Rise linearly from ``init_value`` to ``peak_value`` over ``warmup_steps``, then
    stay at the peak (join it to a decay with :func:`join_schedules`).

    >>> s = linear_warmup(0.1, 10)
    >>> [s(0), s(5), s(10), s(50)]
    [0.0, 0.05, 0.1, 0.1]
    """
    return linear_schedule(init_value, peak_value, warmup_steps)


def join_schedules(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    """Run ``schedules[i]`` from ``boundaries[i-1]`` on, each restarting its count at 0.

    >>> s = join_schedules([constant_schedule(1.0), linear_schedule(0.5, 0.0, 10)], [5])
    >>> [s(0), s(4), s(5), s(10)]
    [1.0, 1.0, 0.5, 0.25]
    """
    if len(schedules) != len(boundaries) + 1:
        raise ValueError("join_schedules needs one more schedule than boundaries")
    bounds = list(boundaries)
    if bounds != sorted(bounds):
        raise ValueError("join_schedules: boundaries must be increasing")

    def schedule(count: int) -> float:
        i = sum(count >= b for b in bounds)
        start = bounds[i - 1] if i > 0 else 0
        return float(schedules[i](count - start))

    return schedule
