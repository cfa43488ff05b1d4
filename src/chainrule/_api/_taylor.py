"""High-order derivatives by Taylor mode: ``derivative`` and ``taylor_coefficients``."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import TaylorTrace, Tracer, primal_value, tree_flatten, tree_map, tree_unflatten
from ..core.budget import budgeted
from ..numpy._base import dtype as _dtype
from ..numpy._base import shape as _shape
from ._inputs import _as_float_leaf, _like, _seed

#: Highest order :func:`derivative` accepts (Taylor mode's work grows like ``order**3``).
MAX_DERIVATIVE_ORDER = 64

_REAL_ONLY = ("Taylor mode works on real inputs; use grad/jvp (or "
              "grad(f, holomorphic=True)) for complex ones")


def derivative(f: Callable, order: int = 1) -> Callable:
    """The ``order``-th derivative of a scalar function of one variable; on arrays, the
    ``order``-th derivative along the direction of all ones (elementwise for elementwise
    functions).

    It pushes a Taylor polynomial through ``f`` (Taylor mode, see
    :mod:`chainrule.core.taylor`): the work grows like ``order**3``, not exponentially as
    for nested ``jvp``. The returned function runs under the default
    :func:`chainrule.budget` unless one is active.

    >>> float(derivative(lambda x: x ** 3, order=2)(2.0))
    12.0
    >>> import chainrule.numpy as cnp
    >>> round(float(derivative(cnp.sin, order=20)(0.5)), 12) == round(float(np.sin(0.5)), 12)
    True
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
        raise ValueError(f"derivative: order must be a non-negative int, got {order!r}")
    if order > MAX_DERIVATIVE_ORDER:
        raise ValueError(
            f"derivative: order={order} is more than {MAX_DERIVATIVE_ORDER}; in floating "
            "point such derivatives are swamped by rounding. Use chainrule.symbolic.diff for "
            "an exact derivative of a formula.")
    if order == 0:
        return f
    n = int(order)

    @functools.wraps(f)
    @budgeted
    def df(x: Any) -> Any:
        x = _as_float_leaf(x, "derivative", "the argument", _REAL_ONLY)
        scale = float(math.factorial(n))
        return tree_map(lambda c: c * scale, taylor_coefficients(f, x, n)[n])

    return df


def taylor_coefficients(f: Callable, x: Any, order: int, direction: Any = None) -> list:
    """The Taylor coefficients ``[c_0, ..., c_order]`` of ``t -> f(x + t v)`` at ``t = 0``
    (``v``: ``direction``, all ones by default), so ``k! c_k`` is the ``k``-th directional
    derivative. Taylor mode: one pass, work growing like ``order**3``. Each ``c_k`` has
    the structure of ``f``'s output (a pytree).

    >>> [float(c) for c in taylor_coefficients(lambda x: x ** 3, 2.0, 4)]
    [8.0, 12.0, 6.0, 1.0, 0.0]
    """
    x = _as_float_leaf(x, "taylor_coefficients", "the argument", _REAL_ONLY)
    v = _seed(np.ones(_shape(x), _dtype(x))[()] if direction is None else direction, x)
    trace = TaylorTrace()
    with trace:
        outs, tree = tree_flatten(f(trace.new_input(x, v)))
        coefs = trace.coefficients(outs, order)
        values = [primal_value(o) if isinstance(o, Tracer) else o for o in outs]
    return [tree_unflatten(tree, [_like(c[k], v) for c, v in zip(coefs, values)])
            for k in range(order + 1)]
