"""NumPy-signature functions for reductions, shapes and array construction.

These normalize NumPy's flexible arguments (``axis=None``, negative axes, ``-1`` in
shapes...) and then bind a primitive, or compose several. Nothing here has a rule of its
own.
"""

from __future__ import annotations

import builtins
import functools
import math
from typing import Any

import numpy as np
from numpy.lib.array_utils import normalize_axis_index, normalize_axis_tuple

from ..core import Tracer, primal_value
from . import _reductions as R
from . import _shape as S
from ._base import dtype as _dtype
from ._base import ndim, shape
from ._complex import abs2
from ._elementwise import equal, greater, less, sqrt, where

__all__ = [
    "sum", "mean", "prod", "max", "min", "amax", "amin", "var", "std", "cumsum",
    "reshape", "ravel", "squeeze", "expand_dims", "transpose", "swapaxes", "moveaxis",
    "broadcast_to", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack",
    "split", "flip",
    "take", "repeat", "tile", "diagonal", "diag", "trace", "clip", "astype", "array",
    "asarray", "zeros_like", "ones_like", "full_like", "argmax", "argmin", "atleast_1d",
    "atleast_2d",
]


def takes_arraylikes(n: int = 1):
    """Decorator: the first ``n`` positional arguments may be lists or tuples (holding
    numbers, arrays or tracers), as in NumPy; they are made arrays before the call."""
    def wrap(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if builtins.any(isinstance(a, (list, tuple)) for a in args[:n]):
                args = tuple(asarray(a) if i < n and isinstance(a, (list, tuple)) else a
                             for i, a in enumerate(args))
            return fn(*args, **kwargs)
        return wrapper
    return wrap


def _axes(axis: Any, nd: int) -> tuple:
    if axis is None:
        return tuple(range(nd))
    if axis.__class__ is int and -nd <= axis < nd:
        return (axis % nd,)
    return tuple(sorted(normalize_axis_tuple(axis, nd)))


def _cast(a, dtype):
    return a if dtype is None else astype(a, dtype)


@takes_arraylikes()
def sum(a, axis=None, dtype=None, keepdims=False):
    """Sum of array elements over the given axes (``numpy.sum``)."""
    return R.sum(_cast(a, dtype), axis=_axes(axis, ndim(a)), keepdims=bool(keepdims))


def _count(a, axis) -> int:
    s = shape(a)
    return math.prod(s[i] for i in _axes(axis, len(s)))


@takes_arraylikes()
def mean(a, axis=None, dtype=None, keepdims=False):
    """Arithmetic mean over the given axes (``numpy.mean``)."""
    a = _cast(asarray(a), dtype)
    if np.issubdtype(_dtype(a), np.integer):
        a = astype(a, np.float64)
    return sum(a, axis=axis, keepdims=keepdims) / _count(a, axis)


@takes_arraylikes()
def var(a, axis=None, dtype=None, ddof=0, keepdims=False):
    """Variance, ``mean(|a - mean(a)|**2)`` with ``ddof`` as in NumPy."""
    a = _cast(asarray(a), dtype)
    d = a - mean(a, axis=axis, keepdims=True)
    return sum(abs2(d), axis=axis, keepdims=keepdims) / (_count(a, axis) - ddof)


@takes_arraylikes()
def std(a, axis=None, dtype=None, ddof=0, keepdims=False):
    """Standard deviation, ``sqrt(var(a))``.

    Where all the values are equal (one value, or a constant array) the standard
    deviation has a kink, and its derivative is taken as 0, as ``abs'(0) = 0`` (PyTorch's
    convention): no NaN.
    """
    return sqrt_kinked(var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims))


def sqrt_kinked(v):
    """``sqrt(v)`` for ``v >= 0`` that is a norm or a standard deviation: at ``v = 0``,
    where ``sqrt`` has an infinite slope, the derivative is taken as 0 (the convention of
    ``abs'(0) = 0``, since ``sqrt(x**2) = |x|``), at every order."""
    zero = equal(v, 0)
    if isinstance(zero, Tracer) or not np.any(zero):  # (a Tracer: a symbolic expression)
        return sqrt(v)
    return sqrt(where(zero, 1.0, v)) * ~zero


@takes_arraylikes()
def prod(a, axis=None, dtype=None, keepdims=False):
    """Product of array elements over the given axes."""
    return R.prod(_cast(a, dtype), axis=_axes(axis, ndim(a)), keepdims=bool(keepdims))


@takes_arraylikes()
def max(a, axis=None, keepdims=False):
    """Maximum over the given axes; tied maxima share the derivative equally."""
    return R.max(a, axis=_axes(axis, ndim(a)), keepdims=bool(keepdims))


@takes_arraylikes()
def min(a, axis=None, keepdims=False):
    """Minimum over the given axes; tied minima share the derivative equally."""
    return R.min(a, axis=_axes(axis, ndim(a)), keepdims=bool(keepdims))


amax, amin = max, min


@takes_arraylikes()
def cumsum(a, axis=None, dtype=None):
    """Cumulative sum; with ``axis=None`` the array is flattened first."""
    a = _cast(a, dtype)
    if axis is None:
        return R.cumsum(ravel(a), axis=0)
    return R.cumsum(a, axis=normalize_axis_index(axis, ndim(a)))


def _resolve_shape(newshape: Any, size: int) -> tuple:
    newshape = (newshape,) if isinstance(newshape, (int, np.integer)) else tuple(newshape)
    if -1 in newshape:
        known = math.prod(n for n in newshape if n != -1)
        newshape = tuple(size // known if n == -1 and known else n for n in newshape)
    if math.prod(newshape) != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {newshape}")
    return tuple(int(n) for n in newshape)


@takes_arraylikes()
def reshape(a, shape=None, order="C", *, newshape=None):
    """Give an array a new shape without changing its data (C order only)."""
    if order != "C":
        raise NotImplementedError("chainrule.numpy.reshape supports order='C' only")
    target = shape if shape is not None else newshape
    s = _shape_of(a)
    target = _resolve_shape(target, math.prod(s))
    return a if target == s else S.reshape(a, shape=target)


def _shape_of(a) -> tuple:
    return shape(a)


@takes_arraylikes()
def ravel(a):
    """The elements as a 1-D array."""
    return reshape(a, (-1,))


@takes_arraylikes()
def squeeze(a, axis=None):
    s = shape(a)
    axes = tuple(i for i, n in enumerate(s) if n == 1) if axis is None else _axes(axis, len(s))
    for i in axes:
        if s[i] != 1:
            raise ValueError(f"cannot squeeze axis {i} of length {s[i]}")
    return reshape(a, tuple(n for i, n in enumerate(s) if i not in axes))


@takes_arraylikes()
def expand_dims(a, axis):
    s = list(shape(a))
    for i in _axes(axis, len(s) + (1 if isinstance(axis, (int, np.integer)) else len(axis))):
        s.insert(i, 1)
    return reshape(a, tuple(s))


@takes_arraylikes()
def transpose(a, axes=None):
    nd = ndim(a)
    axes = tuple(reversed(range(nd))) if axes is None else normalize_axis_tuple(axes, nd)
    return a if axes == tuple(range(nd)) else S.transpose(a, axes=tuple(axes))


@takes_arraylikes()
def swapaxes(a, axis1, axis2):
    perm = list(range(ndim(a)))
    i, j = normalize_axis_index(axis1, len(perm)), normalize_axis_index(axis2, len(perm))
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, perm)


@takes_arraylikes()
def moveaxis(a, source, destination):
    nd = ndim(a)
    src = normalize_axis_tuple(source, nd)
    dst = normalize_axis_tuple(destination, nd)
    order = [n for n in range(nd) if n not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return transpose(a, order)


@takes_arraylikes()
def broadcast_to(a, shape):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return a if _shape_of(a) == shape else S.broadcast_to(a, shape=shape)


@takes_arraylikes()
def atleast_1d(a):
    return reshape(a, (1,)) if ndim(a) == 0 else a


@takes_arraylikes()
def atleast_2d(a):
    return reshape(a, (1,) + tuple(shape(a))) if ndim(a) < 2 else a


def _index(a, axis: int, idx: Any) -> Any:
    return S.getitem(a, idx=(slice(None),) * axis + (idx,))


def split(a, indices_or_sections, axis=0) -> list:
    """Split into sub-arrays along ``axis`` (sections must divide evenly)."""
    a = asarray(a)
    axis = normalize_axis_index(axis, ndim(a))
    n = shape(a)[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        if n % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
        step = n // indices_or_sections
        bounds = list(range(0, n + 1, step))
    else:
        bounds = [0, *indices_or_sections, n]
    return [_index(a, axis, slice(lo, hi)) for lo, hi in zip(bounds[:-1], bounds[1:])]


def flip(m, axis=None):
    m = asarray(m)
    nd = ndim(m)
    axes = _axes(axis, nd)
    return S.getitem(m, idx=tuple(slice(None, None, -1) if i in axes else slice(None)
                                  for i in range(nd)))


def take(a, indices, axis=None):
    a = asarray(a)
    if axis is None:
        return S.getitem(ravel(a), idx=(np.asarray(indices),))
    return _index(a, normalize_axis_index(axis, ndim(a)), np.asarray(indices))


def repeat(a, repeats, axis=None):
    a = asarray(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis_index(axis, ndim(a))
    return _index(a, axis, np.repeat(np.arange(shape(a)[axis]), repeats))


def tile(A, reps):
    A = asarray(A)
    reps = (reps,) if isinstance(reps, int) else tuple(reps)
    nd = builtins.max(ndim(A), len(reps))
    A = reshape(A, (1,) * (nd - ndim(A)) + tuple(shape(A)))
    reps = (1,) * (nd - len(reps)) + reps
    for axis, r in enumerate(reps):
        if r != 1:
            A = _index(A, axis, np.tile(np.arange(shape(A)[axis]), r))
    return A


def diagonal(a, offset=0, axis1=0, axis2=1):
    """The diagonal of the two given axes, placed last (as NumPy does)."""
    a = asarray(a)
    nd = ndim(a)
    a = moveaxis(a, (axis1, axis2), (nd - 2, nd - 1))
    n1, n2 = shape(a)[-2:]
    rows = np.arange(builtins.max(0, -offset), n1)
    rows = rows[rows + offset < n2]
    return S.getitem(a, idx=(Ellipsis, rows, rows + offset))


def diag(v, k=0):
    """Extract a diagonal of a 2-D array, or build a 2-D array from a 1-D diagonal."""
    v = asarray(v)
    if ndim(v) == 2:
        return diagonal(v, offset=k)
    if ndim(v) != 1:
        raise ValueError("diag expects a 1-D or 2-D array")
    n = shape(v)[0] + abs(k)
    i = np.arange(shape(v)[0])
    rows, cols = (i, i + k) if k >= 0 else (i - k, i)
    return S.index_set(np.zeros((n, n), _dtype(v)), v, idx=(rows, cols))


def trace(a, offset=0, axis1=0, axis2=1):
    return sum(diagonal(a, offset, axis1, axis2), axis=-1)


def clip(a, a_min=None, a_max=None, *, min=None, max=None):
    """Limit values to ``[a_min, a_max]``; the derivative is 1 inside and 0 outside.

    ``min`` and ``max`` are the NumPy 2.1 (and ``ndarray.clip``) spellings of the bounds.
    """
    a = asarray(a)
    a_min = min if a_min is None else a_min
    a_max = max if a_max is None else a_max
    if a_min is not None:
        a = where(less(a, a_min), a_min, a)
    if a_max is not None:
        a = where(greater(a, a_max), a_max, a)
    return a


@takes_arraylikes()
def astype(a, dtype):
    """Cast to ``dtype``; casting to a type that is neither float nor complex drops the
    derivative, and complex to real keeps the real part."""
    dtype = np.dtype(dtype)
    if _dtype(a) == dtype:
        return a
    if not np.issubdtype(dtype, np.inexact):
        return np.asarray(primal_value(a)).astype(dtype)
    return S.astype(a, dtype=dtype)


def asarray(a, dtype=None):
    """Like ``numpy.asarray``; tracers, and lists holding tracers, stay traced."""
    if isinstance(a, Tracer):
        return _cast(a, dtype)
    if isinstance(a, (list, tuple)) and _holds_tracer(a):
        return _cast(stack([asarray(x) for x in a]), dtype)
    return np.asarray(a, dtype=dtype)


def array(a, dtype=None, copy=True):
    if isinstance(a, Tracer) or (isinstance(a, (list, tuple)) and _holds_tracer(a)):
        return asarray(a, dtype)
    return np.array(a, dtype=dtype, copy=copy)


def as_array_args(args: tuple) -> tuple:
    """The positional arguments of a primitive with every list or tuple made an array
    (traced if it holds tracers): primitives and their rules then see arrays only."""
    return tuple(asarray(a) if isinstance(a, (list, tuple)) else a for a in args)


def _holds_tracer(seq) -> bool:
    return builtins.any(isinstance(x, Tracer) or
                        (isinstance(x, (list, tuple)) and _holds_tracer(x)) for x in seq)


def zeros_like(a, dtype=None):
    return np.zeros_like(primal_value(a), dtype=dtype)


def ones_like(a, dtype=None):
    return np.ones_like(primal_value(a), dtype=dtype)


def full_like(a, fill_value, dtype=None):
    return np.full_like(primal_value(a), fill_value, dtype=dtype)


@takes_arraylikes()
def argmax(a, axis=None, keepdims=False):
    return np.argmax(primal_value(a), axis=axis, keepdims=keepdims)


@takes_arraylikes()
def argmin(a, axis=None, keepdims=False):
    return np.argmin(primal_value(a), axis=axis, keepdims=keepdims)


# The joining functions live in _stacking, which uses the helpers above; they are imported
# last so that ``from ._arrays import concatenate`` (and asarray's ``stack``) keep working.
from ._stacking import concatenate, dstack, hstack, row_stack, stack, vstack  # noqa: E402
