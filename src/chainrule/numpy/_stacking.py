"""Joining arrays: ``concatenate``, ``stack``, ``hstack``, ``vstack``, ``row_stack`` and
``dstack`` with NumPy's ``dtype`` and ``casting`` keywords.

Without a traced value among the inputs these are NumPy's own functions (same values,
dtypes and errors); with one, the result dtype and casting errors are NumPy's (worked out
on empty stand-ins) and the join is the differentiable ``concatenate`` primitive.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from . import _shape as S
from ._arrays import (
    _holds_tracer,
    asarray,
    astype,
    atleast_1d,
    atleast_2d,
    expand_dims,
    ravel,
    reshape,
)
from ._base import dtype as _dtype
from ._base import ndim, shape

__all__ = ["concatenate", "stack", "hstack", "vstack", "row_stack", "dstack"]


def _joined_dtype(arrays: list, dtype, casting: str):
    """The dtype NumPy gives the joined arrays, and its casting errors (from empty
    stand-ins of the same dtypes)."""
    probe = [np.empty((0,), _dtype(x)) for x in arrays]
    return np.concatenate(probe, dtype=dtype, casting=casting).dtype


def _join(arrays: list, axis: int, out, dtype, casting: str, name: str):
    if out is not None:
        raise TypeError(f"{name}: out= cannot hold a traced result; assign the result "
                        "instead")
    dt = _joined_dtype(arrays, dtype, casting)
    if dtype is not None:
        arrays = [astype(x, dt) for x in arrays]
    return S.concatenate(*arrays, axis=normalize_axis_index(axis, ndim(arrays[0])))


def concatenate(arrays: Sequence, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Join arrays along an existing axis (``axis=None`` flattens them first), with
    NumPy's ``dtype`` and ``casting``; differentiable in every traced array.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cnp.concatenate([[1.0], [2, 3]], dtype=cnp.float32)
    array([1., 2., 3.], dtype=float32)
    >>> cr.grad(lambda x: cnp.sum(cnp.concatenate([x, x * x], dtype="f8")))(2.0 * cnp.ones(1))
    array([5.])
    """
    if not _holds_tracer(arrays):
        return np.concatenate(arrays, axis, out=out, dtype=dtype, casting=casting)
    arrays = [asarray(x) for x in arrays]
    if axis is None:
        arrays, axis = [ravel(x) for x in arrays], 0
    return _join(arrays, axis, out, dtype, casting, "concatenate")


def stack(arrays: Sequence, axis=0, out=None, *, dtype=None, casting="same_kind"):
    """Join arrays of one shape along a new axis (``numpy.stack``)."""
    if not _holds_tracer(arrays):
        return np.stack(arrays, axis, out=out, dtype=dtype, casting=casting)
    arrays = [asarray(x) for x in arrays]
    if len({tuple(shape(x)) for x in arrays}) != 1:
        raise ValueError("all input arrays must have the same shape")
    axis = normalize_axis_index(axis, ndim(arrays[0]) + 1)
    return _join([expand_dims(x, axis) for x in arrays], axis, out, dtype, casting, "stack")


def hstack(tup: Sequence, *, dtype=None, casting="same_kind"):
    """Join arrays column-wise: along axis 0 for 1-D arrays, axis 1 otherwise."""
    if not _holds_tracer(tup):
        return np.hstack(tup, dtype=dtype, casting=casting)
    arrays = [atleast_1d(x) for x in tup]
    axis = 0 if arrays and ndim(arrays[0]) == 1 else 1
    return _join(arrays, axis, None, dtype, casting, "hstack")


def vstack(tup: Sequence, *, dtype=None, casting="same_kind"):
    """Join arrays row-wise (1-D arrays become rows), as ``numpy.vstack``."""
    if not _holds_tracer(tup):
        return np.vstack(tup, dtype=dtype, casting=casting)
    return _join([atleast_2d(x) for x in tup], 0, None, dtype, casting, "vstack")


def row_stack(tup: Sequence, *, dtype=None, casting="same_kind"):
    """``vstack`` under its older name (``numpy.row_stack``)."""
    return vstack(tup, dtype=dtype, casting=casting)


def dstack(tup: Sequence):
    """Join arrays along a third axis (depth), as ``numpy.dstack``."""
    if not _holds_tracer(tup):
        return np.dstack(tup)
    arrays = [asarray(x) for x in tup]
    arrays = [reshape(x, {0: (1, 1, 1), 1: (1, -1, 1), 2: tuple(shape(x)) + (1,)}.get(
        ndim(x), tuple(shape(x)))) for x in arrays]
    return _join(arrays, 2, None, None, "same_kind", "dstack")
