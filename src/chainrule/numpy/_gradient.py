"""``gradient``: NumPy's finite-difference derivative of sampled values, differentiable.

``numpy.gradient`` is linear in the samples: central differences inside, one-sided ones
(first or second order) at the ends. Here it is composed from slices and arithmetic, so
it differentiates in the samples and in the spacings alike.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from ..core import Tracer
from ._arrays import _holds_tracer, _index, asarray, astype, reshape
from ._base import dtype, ndim, shape
from ._stacking import concatenate

__all__ = ["gradient"]


def _traced(x) -> bool:
    return isinstance(x, Tracer) or (isinstance(x, (list, tuple)) and _holds_tracer(x))


def _spacing(d, n: int):
    """One axis' spacing: a scalar, or the differences of 1-D coordinates (a plain
    uniform grid becomes its scalar step, as NumPy does; traced coordinates never do, so
    that their derivative sees every point)."""
    traced = _traced(d)
    d = asarray(d) if traced else np.asanyarray(d)
    if ndim(d) == 0:
        return d
    if ndim(d) != 1:
        raise ValueError("distances must be either scalars or 1d")
    if shape(d)[0] != n:
        raise ValueError("when 1d, distances must match the length of the corresponding "
                         "dimension")
    if traced:
        return d[1:] - d[:-1]
    if np.issubdtype(d.dtype, np.integer):
        d = d.astype(np.float64)
    diffx = np.diff(d)
    return diffx[0] if (diffx == diffx[0]).all() else diffx


def _spacings(varargs: tuple, axes: tuple, fshape: tuple) -> list:
    if not varargs:
        return [1.0] * len(axes)
    if len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        return [varargs[0]] * len(axes)
    if len(varargs) != len(axes):
        raise TypeError("invalid number of arguments")
    return [_spacing(d, fshape[ax]) for d, ax in zip(varargs, axes)]


def _coefficients(dx, ax: int, nd: int):
    """Second-order weights of ``f[i-1], f[i], f[i+1]`` from the steps ``dx1``, ``dx2``
    around each point, shaped to broadcast along axis ``ax``."""
    dx1, dx2 = dx[:-1], dx[1:]
    a = -dx2 / (dx1 * (dx1 + dx2))
    b = (dx2 - dx1) / (dx1 * dx2)
    c = dx1 / (dx2 * (dx1 + dx2))
    s = [1] * nd
    s[ax] = -1
    return [reshape(w, tuple(s)) for w in (a, b, c)]


def _edges2(f, ax: int, dx):
    """Second-order one-sided differences at both ends (``edge_order=2``)."""
    def at(i):
        return _index(f, ax, slice(i, i + 1 if i != -1 else None))
    if ndim(dx) == 0:
        wa, wb, wc = -1.5 / dx, 2. / dx, -0.5 / dx
        za, zb, zc = 0.5 / dx, -2. / dx, 1.5 / dx
    else:
        d1, d2 = dx[0], dx[1]
        wa, wb, wc = (-(2. * d1 + d2) / (d1 * (d1 + d2)), (d1 + d2) / (d1 * d2),
                      -d1 / (d2 * (d1 + d2)))
        d1, d2 = dx[-2], dx[-1]
        za, zb, zc = (d2 / (d1 * (d1 + d2)), -(d2 + d1) / (d1 * d2),
                      (2. * d2 + d1) / (d2 * (d1 + d2)))
    first = wa * at(0) + wb * at(1) + wc * at(2)
    last = za * at(-3) + zb * at(-2) + zc * at(-1)
    return first, last


def _along(f, ax: int, dx, edge_order: int):
    if shape(f)[ax] < edge_order + 1:
        raise ValueError("Shape of array too small to calculate a numerical gradient, "
                         "at least (edge_order + 1) elements are required.")
    def sl(lo, hi=None):
        return _index(f, ax, slice(lo, hi))
    if ndim(dx) == 0:
        mid = (sl(2) - sl(None, -2)) / (2. * dx)
    else:
        a, b, c = _coefficients(dx, ax, ndim(f))
        mid = a * sl(None, -2) + b * sl(1, -1) + c * sl(2)
    if edge_order == 1:
        d0, dn = (dx, dx) if ndim(dx) == 0 else (dx[0], dx[-1])
        first, last = (sl(1, 2) - sl(0, 1)) / d0, (sl(-1) - sl(-2, -1)) / dn
    else:
        first, last = _edges2(f, ax, dx)
    return concatenate([first, mid, last], axis=ax)


def gradient(f, *varargs, axis=None, edge_order=1):
    """The gradient of sampled values by finite differences, as ``numpy.gradient``.

    Central differences inside and one-sided differences of order ``edge_order`` (1 or
    2) at the ends; spacings as in NumPy: none (1), one scalar for every axis, or one
    scalar or 1-D coordinate array per axis. The result is linear in ``f``, so it is
    differentiable in ``f`` and in the spacings (traced coordinates always use NumPy's
    non-uniform formula, equal to the uniform one up to rounding).

    Returns:
        One array per axis (a tuple), or the array alone for a single axis; float
        samples keep their dtype, others give float64.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cnp.gradient(cnp.array([1.0, 4.0, 9.0, 16.0]))
    array([3., 4., 6., 7.])
    >>> cr.grad(lambda f: cnp.gradient(f, 0.5)[0])(cnp.array([1.0, 4.0, 9.0]))
    array([-2.,  2.,  0.])
    """
    if not (_traced(f) or any(_traced(d) for d in varargs)):
        return np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
    f = asarray(f)
    nd = ndim(f)
    axes = tuple(range(nd)) if axis is None else normalize_axis_tuple(axis, nd)
    spacings = _spacings(varargs, axes, shape(f))
    if edge_order > 2:
        raise ValueError("'edge_order' greater than 2 not supported")
    otype = dtype(f) if np.issubdtype(dtype(f), np.inexact) else np.dtype(np.float64)
    f = astype(f, otype)
    outs = [astype(_along(f, ax, dx, edge_order), otype) for ax, dx in zip(axes, spacings)]
    return outs[0] if len(axes) == 1 else tuple(outs)
