"""NumPy functions with no derivative that accept traced values: predicates, indices and
counts, rounding, and questions about shape and dtype.

Each one computes on the values underneath the tracers and returns what NumPy returns.
Nothing is lost: their results are booleans, integers, shapes, or piecewise-constant
numbers (``rint``, ``fix``, ``around``), whose derivative is zero wherever it exists —
autograd treats the same functions the same way.

>>> import chainrule as cr, chainrule.numpy as cnp
>>> def f(x):
...     k = cnp.count_nonzero(x > 0)          # an integer, read from the values
...     return cnp.sum(x) * k
>>> float(cr.grad(f)(np.array([1.0, -2.0, 3.0]))[0])
2.0
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from ..core import primal_value
from ._base import shape as shape_of

__all__ = [
    "all", "any", "array_equiv", "isneginf", "isposinf", "isscalar", "logical_and",
    "logical_not", "logical_or", "logical_xor", "argwhere", "count_nonzero", "flatnonzero",
    "nonzero", "searchsorted", "around", "fix", "rint", "ndim", "shape", "size",
    "result_type", "empty_like",
]


def _on_values(fn: Callable) -> Callable:
    """``fn`` applied to the values under any tracers among its arguments."""
    @functools.wraps(fn)
    def wrapped(*args, **kwargs):
        args = [primal_value(a) for a in args]
        kwargs = {k: primal_value(v) for k, v in kwargs.items()}
        return fn(*args, **kwargs)
    wrapped.__doc__ = (f"``numpy.{fn.__name__}`` on the values of traced arguments (no "
                       "derivative: see :mod:`chainrule.numpy._passthrough`).")
    return wrapped


all, any, array_equiv = _on_values(np.all), _on_values(np.any), _on_values(np.array_equiv)
isneginf, isposinf = _on_values(np.isneginf), _on_values(np.isposinf)
logical_and, logical_or = _on_values(np.logical_and), _on_values(np.logical_or)
logical_not, logical_xor = _on_values(np.logical_not), _on_values(np.logical_xor)
argwhere, nonzero = _on_values(np.argwhere), _on_values(np.nonzero)
count_nonzero, flatnonzero = _on_values(np.count_nonzero), _on_values(np.flatnonzero)
searchsorted = _on_values(np.searchsorted)
around, fix, rint = _on_values(np.around), _on_values(np.fix), _on_values(np.rint)
result_type, empty_like = _on_values(np.result_type), _on_values(np.empty_like)


def isscalar(element) -> bool:
    """``numpy.isscalar``: a traced value counts as what it stands for (a tracer of a
    Python float or NumPy scalar is a scalar; of an array, not)."""
    return np.isscalar(primal_value(element))


def ndim(a) -> int:
    """``numpy.ndim``, traced values included."""
    return len(shape_of(a))


def shape(a) -> tuple:
    """``numpy.shape``, traced values included."""
    s = shape_of(a)
    return tuple(s) if not isinstance(s, tuple) else s


def size(a, axis=None) -> int:
    """``numpy.size``, traced values included."""
    return np.size(np.empty(shape(a), dtype=bool), axis)

