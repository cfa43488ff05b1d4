"""Helpers shared by the rule tables: shapes, broadcasting, and record builders.

``unbroadcast`` is the one place where broadcasting is undone in reverse mode.
``unary`` and ``binary`` build the records of elementwise primitives from their partial
derivatives, so that jvp and vjp cannot disagree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import Primitive, Sample, bind, primal_value, register

__all__ = [
    "shape", "ndim", "dtype", "unbroadcast", "broadcast_like", "unary", "binary",
    "sample_args", "defprim", "SCALARS", "PerArg", "PRIMS", "fast_unary", "fast_binary",
]

SCALARS = (float, int)
_FAST_ERRORS = (ValueError, OverflowError, ZeroDivisionError)


def shape(x: Any) -> tuple:
    """Shape of an array, tracer or Python scalar (``()`` for scalars)."""
    if x.__class__ is float:
        return ()
    s = getattr(x, "shape", None)
    if s is None:
        return np.shape(x) if isinstance(x, (list, tuple)) else ()
    return s


def ndim(x: Any) -> int:
    return len(shape(x))


def dtype(x: Any) -> np.dtype:
    """The NumPy dtype of a value; Python floats count as float64."""
    x = primal_value(x)
    d = getattr(x, "dtype", None)
    return d if d is not None else np.result_type(x)


def unbroadcast(g: Any, target: Any) -> Any:
    """Sum ``g`` over the axes that broadcasting added to or stretched in ``target``."""
    if g.__class__ is float:  # a scalar cotangent belongs to a scalar
        return g
    ts = shape(target)
    gs = shape(g)
    if gs == ts:
        return g
    lead = len(gs) - len(ts)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(ts) if n == 1 and gs[lead + i] != 1)
    if axes:
        g = bind(PRIMS["sum"], g, axis=axes, keepdims=False)
    if shape(g) != ts:
        g = bind(PRIMS["reshape"], g, shape=ts)
    return g


def broadcast_like(t: Any, ans: Any) -> Any:
    """Broadcast a tangent to the shape of the output it belongs to."""
    s = shape(ans)
    if shape(t) == s:
        return t
    return bind(PRIMS["broadcast_to"], t, shape=s)


# Primitives by name, for helpers that need an op defined in another table.
PRIMS: dict[str, Primitive] = {}


def defprim(name: str, impl: Callable, jvp=None, vjp=None, **facts: Any) -> Primitive:
    """Create, register and return a primitive (see :class:`chainrule.core.Primitive`)."""
    prim = register(Primitive(name, impl, jvp, vjp, **facts))
    PRIMS[name] = prim
    return prim


class PerArg:
    """Rules for a variadic primitive: ``rules[i]`` is ``fn`` with ``i`` bound first."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable) -> None:
        self.fn = fn

    def __getitem__(self, i: int) -> Callable:
        return functools.partial(self.fn, i)


# The fast paths compute on Python floats with ``math`` and ``operator``, but never with
# other semantics than NumPy's: where they raise, the ufunc computes instead. ``math``
# functions raise wherever NumPy would warn (overflow, domain errors), so their results
# are kept; Python's + - * / overflow or make nan silently, so a non-finite result of a
# binary fast path is recomputed by the ufunc, which gives NumPy's warning (np.errstate).
# tests/test_engine_adversarial.py checks values and warnings against 0-d arrays.

def fast_unary(ufunc: Callable, fast: Callable | None) -> Callable:
    """``ufunc``, computed by ``fast`` for a Python float unless that raises."""
    if fast is None:
        return ufunc

    def impl(x):
        if x.__class__ is float:
            try:
                return fast(x)
            except _FAST_ERRORS:
                pass
        return ufunc(x)

    impl.__name__ = getattr(ufunc, "__name__", "impl")
    return impl


def fast_binary(ufunc: Callable, fast: Callable | None) -> Callable:
    """``ufunc``, computed by ``fast`` for Python scalars when that gives a finite value."""
    if fast is None:
        return ufunc

    def impl(x, y):
        cx, cy = x.__class__, y.__class__
        if (cx is float and (cy is float or cy is int)) or (cy is float and cx is int):
            try:
                r = fast(x, y)
            except _FAST_ERRORS:
                pass
            else:
                if r - r == 0.0:
                    return r
        return ufunc(x, y)

    impl.__name__ = getattr(ufunc, "__name__", "impl")
    return impl


def unary(name: str, ufunc: Callable, deriv: Callable, *, fast: Callable | None = None,
          **facts: Any) -> Primitive:
    """An elementwise function of one argument with derivative ``deriv(ans, x)``."""
    def jvp(t, ans, x):
        return t * deriv(ans, x)

    def vjp(g, ans, x):
        return g * deriv(ans, x)

    return defprim(name, fast_unary(ufunc, fast), (jvp,), (vjp,),
                   partials=(deriv,), elementwise=True, **facts)


def binary(name: str, ufunc: Callable, dx: Callable, dy: Callable, *,
           fast: Callable | None = None, **facts: Any) -> Primitive:
    """An elementwise function of two arguments with partials ``dx(ans, x, y)``, ``dy``."""
    def jvp_x(t, ans, x, y):
        return broadcast_like(t * dx(ans, x, y), ans)

    def jvp_y(t, ans, x, y):
        return broadcast_like(t * dy(ans, x, y), ans)

    def vjp_x(g, ans, x, y):
        return unbroadcast(g * dx(ans, x, y), x)

    def vjp_y(g, ans, x, y):
        return unbroadcast(g * dy(ans, x, y), y)

    return defprim(name, fast_binary(ufunc, fast), (jvp_x, jvp_y), (vjp_x, vjp_y),
                   partials=(dx, dy), elementwise=True, **facts)


def sample_args(seed: str, *shapes: tuple, lo: float = -2.0, hi: float = 2.0,
                **params: Any) -> Sample:
    """A reproducible :class:`Sample` of uniform random float64 arrays."""
    rng = np.random.default_rng(_seed(seed))
    args = tuple(rng.uniform(lo, hi, size=s) for s in shapes)
    return Sample(args, params)


def _seed(text: str) -> int:
    return sum((i + 1) * ord(c) for i, c in enumerate(text)) % (2**31)

