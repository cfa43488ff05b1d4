"""Helpers shared by the SciPy rule tables: dtypes, refused derivatives, samples."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy

from ..core import Sample, Tracer
from ..numpy._base import sample_args
from ..numpy._elementwise import equal, where

__all__ = ["keep_float", "refuse", "unary_samples", "binary_samples", "order_samples",
           "safe_denominator", "SCIPY_BATCHES"]

# SciPy's linear algebra maps over leading stack axes (batches) from version 1.15 on.
SCIPY_BATCHES = tuple(int(p) for p in scipy.__version__.split(".")[:2]) >= (1, 15)


def keep_float(fn: Callable) -> Callable:
    """SciPy's ``fn``, with float32 and float16 inputs giving float32 and float16 results.

    SciPy computes some functions (``yn``, ``polygamma``, ``multigammaln``, everything on
    float16) in float64 and returns float64; chainrule keeps the input's precision, as
    ``chainrule.numpy`` does. The value is SciPy's, rounded to that precision."""
    @functools.wraps(fn)
    def impl(*args: Any, **params: Any) -> Any:
        out = fn(*args, **params)
        kinds = [a.dtype for a in args
                 if isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind == "f"]
        if kinds:
            dt = np.result_type(*kinds)
            if dt.itemsize < 8 and out.dtype != dt:
                out = out.astype(dt)
        return out
    return impl


def refuse(function: str, arg: str, why: str) -> Callable:
    """A partial derivative that raises: ``arg`` of ``function`` cannot be differentiated."""
    def partial(ans: Any, *args: Any) -> Any:
        raise NotImplementedError(
            f"{function}: no derivative with respect to {arg} ({why}). Pass {arg} as a "
            "constant and differentiate with respect to x only.")
    return partial


def safe_denominator(x: Any, d: Any) -> Any:
    """``d`` with 1 where ``x == 0``, so that ``x / safe_denominator(x, d)`` is 0 there
    (no 0/0); left alone when ``x`` has no zeros or is symbolic."""
    zero = equal(x, 0)
    if isinstance(zero, Tracer) or not np.any(zero):
        return d
    return where(zero, 1.0, d)


def unary_samples(name: str, lo: float, hi: float) -> Callable[[], list]:
    return lambda: [sample_args(name, (), lo=lo, hi=hi),
                    sample_args(name, (2, 3), lo=lo, hi=hi)]


def binary_samples(name: str, lo: float, hi: float) -> Callable[[], list]:
    return lambda: [sample_args(name, (), (), lo=lo, hi=hi),
                    sample_args(name + "b", (2, 3), (3,), lo=lo, hi=hi)]


def order_samples(name: str, orders: tuple, lo: float, hi: float) -> Callable[[], list]:
    """Samples ``(n, x)`` with integer orders ``n`` (held fixed by the sweep)."""
    def samples() -> list:
        x = sample_args(name, (len(orders),), lo=lo, hi=hi).args[0]
        return [Sample((orders[0], sample_args(name, (), lo=lo, hi=hi).args[0])),
                Sample((np.array(orders), x))]
    return samples
