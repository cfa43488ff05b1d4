"""Sorting-based functions: ``sort``, ``argsort``, ``partition``, ``median``, ``quantile``.

They gather the elements by a permutation computed on the values, so the derivative of
each output goes to the input element it was read from. Tied values are ordered as
NumPy's stable sort orders them, and the derivative follows that order (JAX's
convention); it is not shared.

>>> import chainrule.numpy as cnp
>>> from chainrule import grad
>>> grad(lambda x: cnp.sort(x)[0])(cnp.array([3.0, 1.0, 2.0]))
array([0., 1., 0.])
"""

from __future__ import annotations

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from ..core import primal_value
from . import _shape as S
from ._arrays import asarray, mean, moveaxis, ravel, reshape, take, transpose
from ._base import dtype as _dtype
from ._base import ndim, shape
from ._elementwise import where
from ._extra import _flat_axis, _float

__all__ = ["sort", "argsort", "partition", "argpartition", "median", "quantile",
           "percentile"]

def _gather(a, perm, axis: int):
    """``numpy.take_along_axis(a, perm, axis)`` for ``perm`` shaped like ``a``."""
    grid = list(np.indices(perm.shape, sparse=True))
    grid[axis] = perm
    return S.getitem(a, idx=tuple(grid))



def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """A sorted copy (``numpy.sort``); the derivative follows the sorting permutation.

    >>> sort(np.array([2.0, 1.0]))
    array([1., 2.])
    """
    if order is not None:
        raise NotImplementedError("chainrule.numpy.sort: order= (structured arrays) is "
                                  "not supported; sort a float array")
    a, axis = _flat_axis(a, axis)
    if ndim(a) == 0:
        raise np.exceptions.AxisError("sort of a 0-d array needs axis=None")
    perm = np.argsort(primal_value(a), axis=axis, kind="stable")
    return _gather(a, perm, axis)


def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    """``numpy.argsort`` of the values (indices have no derivative)."""
    return np.argsort(primal_value(asarray(a)), axis=axis, kind=kind, order=order,
                      stable=stable)


def argpartition(a, kth, axis=-1, kind="introselect", order=None):
    """``numpy.argpartition`` of the values (indices have no derivative)."""
    return np.argpartition(primal_value(asarray(a)), kth, axis=axis, kind=kind, order=order)


def partition(a, kth, axis=-1, kind="introselect", order=None):
    """``numpy.partition``: the same values in the same places, differentiable.

    >>> partition(np.array([3.0, 1.0, 2.0]), 0)[0]
    np.float64(1.0)
    """
    a, axis = _flat_axis(a, axis)
    out = np.partition(primal_value(a), kth, axis=axis)
    # the i-th smallest input goes where the i-th smallest output is
    src = np.argsort(primal_value(a), axis=axis, kind="stable")
    dst = np.argsort(out, axis=axis, kind="stable")
    perm = np.empty_like(src)
    np.put_along_axis(perm, dst, src, axis=axis)
    return _gather(a, perm, axis)



def _nan_rows(a, axis, keepdims):
    return np.isnan(primal_value(a)).any(axis=axis, keepdims=keepdims)


def median(a, axis=None, keepdims=False):
    """Median along ``axis`` (``numpy.median``): the middle element, or the mean of the
    two middle elements, of the sorted values; NaN where a NaN is present."""
    return quantile(a, 0.5, axis=axis, keepdims=keepdims, _median=True)


def quantile(a, q, axis=None, keepdims=False, *, method="linear", _median=False):
    """``numpy.quantile`` with its default ``method='linear'``: the sorted values
    interpolated at position ``q * (n - 1)``, differentiable in ``a``."""
    if method != "linear":
        raise NotImplementedError("chainrule.numpy.quantile supports method='linear'")
    a = _float(a)
    weak_q = type(q) in (int, float)  # NumPy: a Python number q keeps float32 float32
    q = np.asarray(primal_value(q))
    if np.any((q < 0) | (q > 1)):
        raise ValueError("Quantiles must be in the range [0, 1]")
    full = tuple(shape(a))
    if axis is None:
        flat, ax, kept = ravel(a), 0, (1,) * len(full)
    else:
        axes = normalize_axis_tuple(axis, len(full))
        kept = tuple(1 if i in axes else k for i, k in enumerate(full))
        flat, ax = a, axes[0]
        if len(axes) > 1:  # as NumPy: the axes moved last and merged into one
            rest = [i for i in range(len(full)) if i not in axes]
            flat = reshape(transpose(a, rest + list(axes)), tuple(full[i] for i in rest) + (-1,))
            ax = len(rest)
    s = sort(flat, axis=ax)
    n = shape(s)[ax]
    if _median:
        half = n // 2
        picked = take(s, [half - 1, half] if n % 2 == 0 else [half], ax)
        out = mean(picked, axis=ax)
    else:
        virtual = (n - 1) * q
        lo = np.clip(np.floor(virtual).astype(np.intp), 0, n - 1)
        hi = np.clip(lo + 1, 0, n - 1)
        gamma = np.asarray(virtual - lo, dtype=np.result_type(virtual, np.float64))
        av = _moveto0(take(s, lo.ravel(), ax), ax, q.shape)
        bv = _moveto0(take(s, hi.ravel(), ax), ax, q.shape)
        g = float(gamma) if weak_q else gamma.reshape(q.shape + (1,) * (ndim(av) - q.ndim))
        dba = bv - av
        out = where(np.greater_equal(g, 0.5), bv - dba * (1 - g), av + dba * g)
    nan = _nan_rows(flat, ax, False)
    if np.any(nan):
        out = where(nan, np.asarray(np.nan, _dtype(out)), out)
    if keepdims:
        out = reshape(out, tuple(q.shape) + kept if not _median else kept)
    return out


def _moveto0(x, ax: int, qshape: tuple):
    x = moveaxis(x, ax, 0)
    return reshape(x, tuple(qshape) + tuple(shape(x)[1:]))


def percentile(a, q, axis=None, keepdims=False, *, method="linear"):
    """``numpy.percentile``: :func:`quantile` at ``q / 100``."""
    q100 = np.true_divide(primal_value(q), 100)
    if type(q) in (int, float):
        q100 = float(q100)  # NumPy's weak promotion of a Python number q
    return quantile(a, q100, axis=axis, keepdims=keepdims, method=method)

