"""The states of the gradient transformations: small ``NamedTuple`` records named
``<Name>State``, pytrees like the parameters they mirror.

>>> ScaleByLearningRateState(count=0, learning_rate=float("nan")).count
0
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["EmptyState", "ScaleByLearningRateState", "ScaleByAdamState", "ScaleByRmsState",
           "ScaleByRssState", "TraceState", "ClipByGlobalNormState"]


class EmptyState(NamedTuple):
    """The state of a transformation that keeps none."""


class ScaleByLearningRateState(NamedTuple):
    """``count``: updates done; ``learning_rate``: the rate the latest update used (NaN
    before the first)."""

    count: int
    learning_rate: float


class ScaleByAdamState(NamedTuple):
    """Step count and the first (``mu``) and second (``nu``) moment estimates."""

    count: int
    mu: Any
    nu: Any


class ScaleByRmsState(NamedTuple):
    """Exponential moving average of the squared gradients."""

    nu: Any


class ScaleByRssState(NamedTuple):
    """Running sum of the squared gradients (Adagrad's accumulator)."""

    sum_of_squares: Any


class TraceState(NamedTuple):
    """The momentum buffer."""

    trace: Any


class ClipByGlobalNormState(NamedTuple):
    """Whether the latest update was clipped, and the gradient's global norm before it."""

    clipped: bool
    norm: float
