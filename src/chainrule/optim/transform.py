"""Gradient transformations in the optax style: pure ``(init, update)`` pairs.

A :class:`GradientTransformation` turns gradients into updates. ``init(params)`` builds its
state; ``update(updates, state, params)`` returns ``(new_updates, new_state)`` and never
changes its arguments. Transformations compose with :func:`chain`; the named optimizers in
:mod:`chainrule.optim.alias` are short chains of the pieces here. States are small
``NamedTuple`` records named ``<Name>State``.

>>> import numpy as np
>>> opt = chain(scale_by_adam(), scale_by_learning_rate(0.1))
>>> params = {"w": np.array([1.0, -2.0])}
>>> state = opt.init(params)
>>> updates, state = opt.update({"w": np.array([3.0, -4.0])}, state, params)
>>> apply_updates(params, updates)["w"].round(6).tolist()
[0.9, -1.9]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ..core import tree_flatten, tree_map

__all__ = [
    "GradientTransformation", "Schedule", "identity", "chain", "apply_updates", "global_norm",
    "scale", "scale_by_learning_rate", "scale_by_adam", "scale_by_rms", "scale_by_rss",
    "trace", "clip", "clip_by_global_norm", "add_decayed_weights",
    "EmptyState", "ScaleByLearningRateState", "ScaleByAdamState", "ScaleByRmsState",
    "ScaleByRssState", "TraceState", "ClipByGlobalNormState",
]

Schedule = Callable[[int], float]
"""A learning-rate schedule: a function of the step count (0 for the first update)."""


class GradientTransformation(NamedTuple):
    """A pair of pure functions: ``init(params) -> state`` and
    ``update(updates, state, params=None) -> (updates, state)``.

    >>> t = scale(2.0)
    >>> t.update(1.5, t.init(0.0))[0]
    3.0
    """

    init: Callable[[Any], Any]
    update: Callable[..., tuple[Any, Any]]


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


def _zeros(params: Any) -> Any:
    return tree_map(lambda p: np.zeros_like(np.asarray(p, dtype=float)), params)


def _full(params: Any, value: float) -> Any:
    return tree_map(lambda p: np.full_like(np.asarray(p, dtype=float), value), params)


def _as_schedule(learning_rate: float | Schedule) -> Schedule:
    if callable(learning_rate):
        return learning_rate
    rate = float(learning_rate)
    return lambda count: rate


def _stateless(fn: Callable[[Any], Any]) -> GradientTransformation:
    def update(updates: Any, state: Any, params: Any = None) -> tuple[Any, Any]:
        return fn(updates), state
    return GradientTransformation(lambda params: EmptyState(), update)


def identity() -> GradientTransformation:
    """Leave the updates unchanged.

    >>> identity().update(2.0, EmptyState())[0]
    2.0
    """
    return _stateless(lambda u: u)


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply transformations one after another; the state is a tuple of their states.

    >>> t = chain(scale(2.0), scale(3.0))
    >>> t.update(1.0, t.init(0.0))[0]
    6.0
    """
    def init(params: Any) -> tuple:
        return tuple(t.init(params) for t in transforms)

    def update(updates: Any, state: tuple, params: Any = None) -> tuple[Any, tuple]:
        new_states = []
        for t, s in zip(transforms, state):
            updates, s = t.update(updates, s, params)
            new_states.append(s)
        return updates, tuple(new_states)

    return GradientTransformation(init, update)


def _add_leaf(p: Any, u: Any) -> Any:
    if isinstance(p, float):
        return float(p + u)
    if isinstance(p, np.ndarray) and p.dtype.kind == "f":
        return np.asarray(p + u, dtype=p.dtype)
    return p + u


def apply_updates(params: Any, updates: Any) -> Any:
    """``params + updates`` leafwise, keeping each leaf's type and dtype.

    >>> apply_updates({"a": 1.0}, {"a": -0.25})
    {'a': 0.75}
    """
    return tree_map(_add_leaf, params, updates)


def global_norm(tree: Any) -> float:
    """The Euclidean norm of all leaves of ``tree`` taken together.

    >>> global_norm((3.0, np.array([4.0])))
    5.0
    """
    return math.sqrt(sum(float(np.sum(np.square(v))) for v in tree_flatten(tree)[0]))


def scale(step_size: float) -> GradientTransformation:
    """Multiply the updates by a constant.

    >>> scale(-0.5).update(4.0, EmptyState())[0]
    -2.0
    """
    return _stateless(lambda u: tree_map(lambda g: step_size * g, u))


def scale_by_learning_rate(learning_rate: float | Schedule,
                           flip_sign: bool = True) -> GradientTransformation:
    """Multiply by ``-learning_rate`` (the sign flip turns a gradient into a descent step).

    ``learning_rate`` is a float or a schedule, called with the update count (0 first).

    >>> t = scale_by_learning_rate(lambda n: 0.1 / (n + 1))
    >>> u, s = t.update(1.0, t.init(0.0))
    >>> u, s.count, s.learning_rate
    (-0.1, 1, 0.1)
    """
    rate = _as_schedule(learning_rate)
    sign = -1.0 if flip_sign else 1.0

    def update(updates: Any, state: ScaleByLearningRateState,
               params: Any = None) -> tuple[Any, ScaleByLearningRateState]:
        lr = float(rate(state.count))
        out = tree_map(lambda g: sign * lr * g, updates)
        return out, ScaleByLearningRateState(state.count + 1, lr)

    return GradientTransformation(lambda p: ScaleByLearningRateState(0, math.nan), update)


def scale_by_adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
                  eps_root: float = 0.0) -> GradientTransformation:
    """Adam's direction ``m_hat / (sqrt(v_hat + eps_root) + eps)``, bias-corrected.

    >>> t = scale_by_adam()
    >>> round(float(t.update(0.5, t.init(0.0))[0]), 6)  # the first step is sign(g)
    1.0
    """
    def update(updates: Any, state: ScaleByAdamState,
               params: Any = None) -> tuple[Any, ScaleByAdamState]:
        mu = tree_map(lambda m, g: b1 * m + (1 - b1) * g, state.mu, updates)
        nu = tree_map(lambda v, g: b2 * v + (1 - b2) * np.square(g), state.nu, updates)
        count = state.count + 1
        c1, c2 = 1 - b1 ** count, 1 - b2 ** count
        out = tree_map(lambda m, v: (m / c1) / (np.sqrt(v / c2 + eps_root) + eps), mu, nu)
        return out, ScaleByAdamState(count, mu, nu)

    return GradientTransformation(lambda p: ScaleByAdamState(0, _zeros(p), _zeros(p)),
                                  update)


def scale_by_rms(decay: float = 0.9, eps: float = 1e-8,
                 initial_scale: float = 0.0) -> GradientTransformation:
    """RMSprop's direction ``g / sqrt(nu + eps)`` with ``nu`` the moving average of ``g**2``
    (``eps`` inside the square root, as in optax).

    >>> t = scale_by_rms(decay=0.9, eps=0.0)
    >>> round(float(t.update(2.0, t.init(0.0))[0]), 6)  # 2 / sqrt(0.1 * 4)
    3.162278
    """
    def update(updates: Any, state: ScaleByRmsState,
               params: Any = None) -> tuple[Any, ScaleByRmsState]:
        nu = tree_map(lambda v, g: decay * v + (1 - decay) * np.square(g), state.nu, updates)
        out = tree_map(lambda g, v: g / np.sqrt(v + eps), updates, nu)
        return out, ScaleByRmsState(nu)

    return GradientTransformation(lambda p: ScaleByRmsState(_full(p, initial_scale)), update)


def scale_by_rss(initial_accumulator_value: float = 0.1,
                 eps: float = 1e-8) -> GradientTransformation:
    """Adagrad's direction ``g / sqrt(sum of g**2 + eps)``; the sum starts at
    ``initial_accumulator_value`` (0.1, optax's default).

    >>> t = scale_by_rss(initial_accumulator_value=0.0, eps=0.0)
    >>> float(t.update(3.0, t.init(0.0))[0])
    1.0
    """
    def update(updates: Any, state: ScaleByRssState,
               params: Any = None) -> tuple[Any, ScaleByRssState]:
        acc = tree_map(lambda s, g: s + np.square(g), state.sum_of_squares, updates)
        out = tree_map(lambda g, s: np.where(s > 0, g / np.sqrt(s + eps + (s <= 0)), 0.0),
                       updates, acc)
        return out, ScaleByRssState(acc)

    return GradientTransformation(
        lambda p: ScaleByRssState(_full(p, initial_accumulator_value)), update)


def trace(decay: float, nesterov: bool = False) -> GradientTransformation:
    """Momentum: ``t = g + decay * t``; the update is ``t`` (or ``g + decay * t`` with
    Nesterov).

    >>> t = trace(0.5)
    >>> u, s = t.update(1.0, t.init(0.0))
    >>> float(t.update(1.0, s)[0])
    1.5
    """
    def update(updates: Any, state: TraceState,
               params: Any = None) -> tuple[Any, TraceState]:
        new = tree_map(lambda g, t: g + decay * t, updates, state.trace)
        out = tree_map(lambda g, t: g + decay * t, updates, new) if nesterov else new
        return out, TraceState(new)

    return GradientTransformation(lambda p: TraceState(_zeros(p)), update)


def clip(max_delta: float) -> GradientTransformation:
    """Clip every element of the updates to ``[-max_delta, max_delta]``.

    >>> clip(1.0).update(np.array([-3.0, 0.5]), EmptyState())[0].tolist()
    [-1.0, 0.5]
    """
    return _stateless(lambda u: tree_map(lambda g: np.clip(g, -max_delta, max_delta), u))


def clip_by_global_norm(max_norm: float) -> GradientTransformation:
    """Rescale the updates so that their global norm is at most ``max_norm``; the state
    records whether this update was clipped and the norm before clipping.

    >>> t = clip_by_global_norm(1.0)
    >>> u, s = t.update(np.array([3.0, 4.0]), t.init(None))
    >>> u.tolist(), s
    ([0.6000000000000001, 0.8], ClipByGlobalNormState(clipped=True, norm=5.0))
    """
    def update(updates: Any, state: ClipByGlobalNormState,
               params: Any = None) -> tuple[Any, ClipByGlobalNormState]:
        norm = global_norm(updates)
        if not norm > max_norm:  # NaN norms pass through unchanged
            return updates, ClipByGlobalNormState(False, norm)
        factor = max_norm / norm
        return tree_map(lambda g: g * factor, updates), ClipByGlobalNormState(True, norm)

    return GradientTransformation(lambda p: ClipByGlobalNormState(False, 0.0), update)


def add_decayed_weights(weight_decay: float = 0.0) -> GradientTransformation:
    """Add ``weight_decay * params`` to the updates (decoupled weight decay, as in AdamW).

    >>> add_decayed_weights(0.1).update(1.0, EmptyState(), 2.0)[0]
    1.2
    """
    def update(updates: Any, state: EmptyState, params: Any = None) -> tuple[Any, EmptyState]:
        if params is None:
            raise ValueError("add_decayed_weights needs params: update(grads, state, params)")
        return tree_map(lambda g, p: g + weight_decay * p, updates, params), state

    return GradientTransformation(lambda p: EmptyState(), update)
