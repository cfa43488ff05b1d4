"""Transformations that keep running statistics of the gradient: Adam's moments,
RMSprop's and Adagrad's squares, and momentum.

Every state tree is built by ``init`` like the params (float32 stays float32), and every
``update`` checks that the gradients have that structure. Divisions by a zero second
moment give a zero update rather than NaN.

>>> t = scale_by_adam()
>>> t.update({"b": 1.0}, t.init({"a": 0.0}))
Traceback (most recent call last):
...
ValueError: scale_by_adam: updates do not have the structure of the params given to init: \
at the top level, key 'a' is missing and key 'b' is not in the params given to init
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import tree_map
from .states import ScaleByAdamState, ScaleByRmsState, ScaleByRssState, TraceState
from .transform import GradientTransformation, check_updates, float_like
from .validate import check_bool, check_fraction, check_nonnegative

__all__ = ["scale_by_adam", "scale_by_rms", "scale_by_rss", "trace"]


def _ratio(num: Any, den: Any) -> Any:
    """``num / den`` where ``den > 0``, else 0 (the numerator is 0 there too)."""
    den = np.asarray(den)
    safe = np.where(den > 0, den, 1)
    out = np.where(den > 0, num / safe, 0 * num)
    return out.astype(np.result_type(num, den), copy=False)


def scale_by_adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
                  eps_root: float = 0.0) -> GradientTransformation:
    """Adam's direction ``m_hat / (sqrt(v_hat + eps_root) + eps)``, bias-corrected.
    ``b1``, ``b2`` lie in [0, 1); ``eps``, ``eps_root`` >= 0.

    >>> t = scale_by_adam()
    >>> round(float(t.update(0.5, t.init(0.0))[0]), 6)  # the first step is sign(g)
    1.0
    """
    b1 = check_fraction(b1, "b1", "scale_by_adam")
    b2 = check_fraction(b2, "b2", "scale_by_adam")
    eps = check_nonnegative(eps, "eps", "scale_by_adam")
    eps_root = check_nonnegative(eps_root, "eps_root", "scale_by_adam")

    def update(updates: Any, state: ScaleByAdamState,
               params: Any = None) -> tuple[Any, ScaleByAdamState]:
        check_updates("scale_by_adam", updates, params, state.mu)
        mu = tree_map(lambda m, g: b1 * m + (1 - b1) * g, state.mu, updates)
        nu = tree_map(lambda v, g: b2 * v + (1 - b2) * np.square(g), state.nu, updates)
        count = state.count + 1
        c1, c2 = 1 - b1 ** count, 1 - b2 ** count
        out = tree_map(lambda m, v: _ratio(m / c1, np.sqrt(v / c2 + eps_root) + eps), mu, nu)
        return out, ScaleByAdamState(count, mu, nu)

    return GradientTransformation(
        lambda p: ScaleByAdamState(0, float_like(p, 0.0), float_like(p, 0.0)), update)


def scale_by_rms(decay: float = 0.9, eps: float = 1e-8,
                 initial_scale: float = 0.0) -> GradientTransformation:
    """RMSprop's direction ``g / sqrt(nu + eps)`` with ``nu`` the moving average of ``g**2``
    (``eps`` inside the square root, as in optax). ``decay`` in [0, 1); ``eps``,
    ``initial_scale`` >= 0.

    >>> t = scale_by_rms(decay=0.9, eps=0.0)
    >>> round(float(t.update(2.0, t.init(0.0))[0]), 6)  # 2 / sqrt(0.1 * 4)
    3.162278
    """
    decay = check_fraction(decay, "decay", "scale_by_rms")
    eps = check_nonnegative(eps, "eps", "scale_by_rms")
    initial_scale = check_nonnegative(initial_scale, "initial_scale", "scale_by_rms")

    def update(updates: Any, state: ScaleByRmsState,
               params: Any = None) -> tuple[Any, ScaleByRmsState]:
        check_updates("scale_by_rms", updates, params, state.nu)
        nu = tree_map(lambda v, g: decay * v + (1 - decay) * np.square(g), state.nu, updates)
        out = tree_map(lambda g, v: _ratio(g, np.sqrt(v + eps)), updates, nu)
        return out, ScaleByRmsState(nu)

    return GradientTransformation(lambda p: ScaleByRmsState(float_like(p, initial_scale)),
                                  update)


def scale_by_rss(initial_accumulator_value: float = 0.1,
                 eps: float = 1e-8) -> GradientTransformation:
    """Adagrad's direction ``g / sqrt(sum of g**2 + eps)``; the sum starts at
    ``initial_accumulator_value`` (0.1, optax's default; >= 0), ``eps >= 0``.

    >>> t = scale_by_rss(initial_accumulator_value=0.0, eps=0.0)
    >>> float(t.update(3.0, t.init(0.0))[0])
    1.0
    """
    initial = check_nonnegative(initial_accumulator_value, "initial_accumulator_value",
                                "scale_by_rss")
    eps = check_nonnegative(eps, "eps", "scale_by_rss")

    def update(updates: Any, state: ScaleByRssState,
               params: Any = None) -> tuple[Any, ScaleByRssState]:
        check_updates("scale_by_rss", updates, params, state.sum_of_squares)
        acc = tree_map(lambda s, g: s + np.square(g), state.sum_of_squares, updates)
        out = tree_map(lambda g, s: _ratio(g, np.sqrt(s + eps) * (s > 0)), updates, acc)
        return out, ScaleByRssState(acc)

    return GradientTransformation(lambda p: ScaleByRssState(float_like(p, initial)), update)


def trace(decay: float, nesterov: bool = False) -> GradientTransformation:
    """Momentum: ``t = g + decay * t``; the update is ``t`` (or ``g + decay * t`` with
    Nesterov). ``decay`` in [0, 1).

    >>> t = trace(0.5)
    >>> u, s = t.update(1.0, t.init(0.0))
    >>> float(t.update(1.0, s)[0])
    1.5
    """
    decay = check_fraction(decay, "decay", "trace")
    nesterov = check_bool(nesterov, "nesterov", "trace")

    def update(updates: Any, state: TraceState,
               params: Any = None) -> tuple[Any, TraceState]:
        check_updates("trace", updates, params, state.trace)
        new = tree_map(lambda g, t: g + decay * t, updates, state.trace)
        out = tree_map(lambda g, t: g + decay * t, updates, new) if nesterov else new
        return out, TraceState(new)

    return GradientTransformation(lambda p: TraceState(float_like(p, 0.0)), update)
