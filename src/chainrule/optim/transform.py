"""Gradient transformations in the optax style: pure ``(init, update)`` pairs.

A :class:`GradientTransformation` turns gradients into updates. ``init(params)`` builds its
state; ``update(updates, state, params)`` returns ``(new_updates, new_state)`` and never
changes its arguments. Transformations compose with :func:`chain`; the named optimizers in
:mod:`chainrule.optim.alias` are short chains of the pieces here and in
:mod:`chainrule.optim.moments`. States are small ``NamedTuple`` records named
``<Name>State`` (:mod:`chainrule.optim.states`).

Every hyperparameter is checked when the transformation is built
(:mod:`chainrule.optim.validate`), and every ``update`` checks that the updates have the
tree structure of the params (and of the state built by ``init``): leaves are never paired
by position across different keys.

>>> import numpy as np
>>> from chainrule.optim import scale_by_adam
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
from ._trees import check_same_shapes, check_same_structure
from .states import (
    ClipByGlobalNormState,
    EmptyState,
    ScaleByAdamState,
    ScaleByLearningRateState,
    ScaleByRmsState,
    ScaleByRssState,
    TraceState,
)
from .validate import (
    InvalidParameterError,
    check_bool,
    check_learning_rate,
    check_nonnegative,
    check_positive,
    check_real,
    check_schedule_value,
)

__all__ = [
    "GradientTransformation", "Schedule", "identity", "chain", "apply_updates", "global_norm",
    "scale", "scale_by_learning_rate", "clip", "clip_by_global_norm", "add_decayed_weights",
    "EmptyState", "ScaleByLearningRateState", "ScaleByAdamState", "ScaleByRmsState",
    "ScaleByRssState", "TraceState", "ClipByGlobalNormState", "check_updates",
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


def check_updates(where: str, updates: Any, params: Any = None, state_tree: Any = None) -> None:
    """Raise ``ValueError`` unless ``updates`` has the structure of ``params`` (when given)
    and of ``state_tree`` (a tree the state keeps, built by ``init`` from the params)."""
    if params is not None:
        check_same_structure(params, updates, where, "params", "updates")
    if state_tree is not None:
        check_same_structure(state_tree, updates, where, "the params given to init",
                             "updates")


def float_like(params: Any, value: float) -> Any:
    """A tree like ``params`` filled with ``value``: float leaves keep their dtype (float32
    stays float32), other leaves become float64."""
    def leaf(p: Any) -> np.ndarray:
        a = np.asarray(p)
        return np.full(a.shape, value, dtype=a.dtype if a.dtype.kind == "f" else np.float64)
    return tree_map(leaf, params)


def as_schedule(learning_rate: float | Schedule, where: str) -> Schedule:
    """A schedule from a learning rate: a constant must be finite and > 0; a schedule's
    values are checked (finite, >= 0) at every step."""
    if callable(learning_rate):
        def checked(count: int) -> float:
            return check_schedule_value(learning_rate(count), count, where)
        return checked
    rate = check_learning_rate(learning_rate, where=where)
    return lambda count: rate


def _stateless(fn: Callable[[Any], Any], where: str) -> GradientTransformation:
    def update(updates: Any, state: Any, params: Any = None) -> tuple[Any, Any]:
        check_updates(where, updates, params)
        return fn(updates), state
    return GradientTransformation(lambda params: EmptyState(), update)


def identity() -> GradientTransformation:
    """Leave the updates unchanged.

    >>> identity().update(2.0, EmptyState())[0]
    2.0
    """
    return _stateless(lambda u: u, "identity")


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply transformations one after another; the state is a tuple of their states.

    >>> t = chain(scale(2.0), scale(3.0))
    >>> t.update(1.0, t.init(0.0))[0]
    6.0
    """
    for i, t in enumerate(transforms):
        if not (callable(getattr(t, "init", None)) and callable(getattr(t, "update", None))):
            raise InvalidParameterError(f"chain: argument {i} is not a "
                                        f"GradientTransformation (with init and update), "
                                        f"got {t!r}")

    def init(params: Any) -> tuple:
        return tuple(t.init(params) for t in transforms)

    def update(updates: Any, state: tuple, params: Any = None) -> tuple[Any, tuple]:
        if not isinstance(state, tuple) or len(state) != len(transforms):
            raise ValueError(f"chain: the state must be the tuple of {len(transforms)} states "
                             "that this chain's init returns")
        new_states = []
        for t, s in zip(transforms, state):
            updates, s = t.update(updates, s, params)
            new_states.append(s)
        return updates, tuple(new_states)

    return GradientTransformation(init, update)


def _add_leaf(p: Any, u: Any) -> Any:
    if type(p) is float:
        return float(p + u)
    dtype = getattr(p, "dtype", None)
    if dtype is not None and dtype.kind == "f":
        out = np.asarray(p + u, dtype=dtype)
        return out if isinstance(p, np.ndarray) else dtype.type(out)
    return p + u


def apply_updates(params: Any, updates: Any) -> Any:
    """``params + updates`` leafwise, keeping each leaf's type and dtype (float32 stays
    float32). The two trees must have the same structure, and no update may change the
    shape of its parameter; otherwise a ``ValueError`` names the differing keys or paths.

    >>> apply_updates({"a": 1.0}, {"a": -0.25})
    {'a': 0.75}
    >>> apply_updates({"a": 0.0, "b": 0.0}, {"b": 1.0, "c": 5.0})
    Traceback (most recent call last):
    ...
    ValueError: apply_updates: updates do not have the structure of params: at the top \
level, key 'a' is missing and key 'c' is not in params
    """
    check_same_structure(params, updates, "apply_updates", "params", "updates")
    check_same_shapes(params, updates, "apply_updates")
    return tree_map(_add_leaf, params, updates)


def global_norm(tree: Any) -> float:
    """The Euclidean norm of all leaves of ``tree`` taken together, computed without
    overflow or underflow (the leaves are scaled by the largest magnitude first).

    >>> global_norm((3.0, np.array([4.0])))
    5.0
    >>> f"{global_norm((3e-200, 4e-200)):.6g} {global_norm((3e200, 4e200)):.6g}"
    '5e-200 5e+200'
    """
    leaves = [np.abs(np.asarray(v, dtype=np.float64)) for v in tree_flatten(tree)[0]]
    maxima = [float(np.max(a)) for a in leaves if a.size]
    if any(math.isnan(m) for m in maxima):
        return math.nan
    big = max(maxima, default=0.0)
    if big == 0.0 or math.isinf(big):
        return big
    return big * math.sqrt(sum(float(np.sum(np.square(a / big))) for a in leaves))


def scale(step_size: float) -> GradientTransformation:
    """Multiply the updates by a constant (finite; it may be negative).

    >>> scale(-0.5).update(4.0, EmptyState())[0]
    -2.0
    """
    step_size = check_real(step_size, "step_size", "scale")
    return _stateless(lambda u: tree_map(lambda g: step_size * g, u), "scale")


def scale_by_learning_rate(learning_rate: float | Schedule,
                           flip_sign: bool = True) -> GradientTransformation:
    """Multiply by ``-learning_rate`` (the sign flip turns a gradient into a descent step).

    ``learning_rate`` is a finite number > 0 or a schedule, called with the update count
    (0 first), whose values must be finite and >= 0.

    >>> t = scale_by_learning_rate(lambda n: 0.1 / (n + 1))
    >>> u, s = t.update(1.0, t.init(0.0))
    >>> u, s.count, s.learning_rate
    (-0.1, 1, 0.1)
    """
    rate = as_schedule(learning_rate, "scale_by_learning_rate")
    sign = -1.0 if check_bool(flip_sign, "flip_sign", "scale_by_learning_rate") else 1.0

    def update(updates: Any, state: ScaleByLearningRateState,
               params: Any = None) -> tuple[Any, ScaleByLearningRateState]:
        check_updates("scale_by_learning_rate", updates, params)
        lr = rate(state.count)
        out = tree_map(lambda g: sign * lr * g, updates)
        return out, ScaleByLearningRateState(state.count + 1, lr)

    return GradientTransformation(lambda p: ScaleByLearningRateState(0, math.nan), update)


def clip(max_delta: float) -> GradientTransformation:
    """Clip every element of the updates to ``[-max_delta, max_delta]`` (``max_delta > 0``).

    >>> clip(1.0).update(np.array([-3.0, 0.5]), EmptyState())[0].tolist()
    [-1.0, 0.5]
    """
    max_delta = check_positive(max_delta, "max_delta", "clip")
    return _stateless(lambda u: tree_map(lambda g: np.clip(g, -max_delta, max_delta), u),
                      "clip")


def clip_by_global_norm(max_norm: float) -> GradientTransformation:
    """Rescale the updates so that their global norm is at most ``max_norm`` (> 0); the
    state records whether this update was clipped and the norm before clipping.

    >>> t = clip_by_global_norm(1.0)
    >>> u, s = t.update(np.array([3.0, 4.0]), t.init(None))
    >>> u.tolist(), s
    ([0.6000000000000001, 0.8], ClipByGlobalNormState(clipped=True, norm=5.0))
    """
    max_norm = check_positive(max_norm, "max_norm", "clip_by_global_norm")

    def update(updates: Any, state: ClipByGlobalNormState,
               params: Any = None) -> tuple[Any, ClipByGlobalNormState]:
        check_updates("clip_by_global_norm", updates, params)
        norm = global_norm(updates)
        if not norm > max_norm:  # NaN norms pass through unchanged
            return updates, ClipByGlobalNormState(False, norm)
        factor = max_norm / norm
        return tree_map(lambda g: g * factor, updates), ClipByGlobalNormState(True, norm)

    return GradientTransformation(lambda p: ClipByGlobalNormState(False, 0.0), update)


def add_decayed_weights(weight_decay: float = 0.0) -> GradientTransformation:
    """Add ``weight_decay * params`` to the updates (decoupled weight decay, as in AdamW;
    ``weight_decay >= 0``).

    >>> add_decayed_weights(0.1).update(1.0, EmptyState(), 2.0)[0]
    1.2
    """
    weight_decay = check_nonnegative(weight_decay, "weight_decay", "add_decayed_weights")

    def update(updates: Any, state: EmptyState, params: Any = None) -> tuple[Any, EmptyState]:
        if params is None:
            raise ValueError("add_decayed_weights needs params: update(grads, state, params)")
        check_updates("add_decayed_weights", updates, params)
        return tree_map(lambda g, p: g + weight_decay * p, updates, params), state

    return GradientTransformation(lambda p: EmptyState(), update)

