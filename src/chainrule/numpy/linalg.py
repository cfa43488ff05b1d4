"""``chainrule.numpy.linalg``: differentiable versions of ``numpy.linalg`` functions."""

from __future__ import annotations

import numpy as np

from ..core import Tracer, primal_value
from . import _arrays as A
from ._base import ndim
from ._complex import abs2
from ._decomp import EighResult, eigh, eigvalsh
from ._eig import EigResult, eig, eigvals
from ._elementwise import absolute, equal, power, where
from ._linalg import cholesky, det, inv, logabsdet, solve
from ._lstsq import lstsq
from ._qr import pinv, qr
from ._svd import SVDResult, matrix_power, svd, svd_norm

__all__ = ["norm", "inv", "det", "slogdet", "solve", "cholesky"]
__all__ += ["eigh", "eigvalsh", "EighResult", "svd", "SVDResult", "matrix_power", "pinv",
            "qr"]
__all__ += ["lstsq"]
__all__ += ["eig", "eigvals", "EigResult"]


def slogdet(a):
    """``(sign, log|det a|)``; the sign is piecewise constant, so only the log is traced."""
    a = A.asarray(a)
    sign = np.linalg.slogdet(primal_value(a))[0]
    return sign, logabsdet(a)


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return A.sqrt_kinked(A.sum(abs2(x), axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return A.max(absolute(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return A.min(absolute(x), axis=axis, keepdims=keepdims)
    if ord == 0:
        return np.sum(primal_value(x) != 0, axis=axis, keepdims=keepdims).astype(float)
    if ord == 1:
        return A.sum(absolute(x), axis=axis, keepdims=keepdims)
    total = A.sum(power(absolute(x), ord), axis=axis, keepdims=keepdims)
    return _root(total, 1.0 / ord) if ord >= 1 else power(total, 1.0 / ord)


def _root(total, e):
    """``total ** e`` for a p-norm (p >= 1): 0 where ``total`` is 0, with derivative 0
    there (the kink of a norm at the origin, as ``abs'(0) = 0``)."""
    zero = equal(total, 0)
    if isinstance(zero, Tracer) or not np.any(zero):
        return power(total, e)
    return power(where(zero, 1.0, total), e) * ~np.asarray(zero)


def _matrix_norm(x, ord, axis, keepdims):
    r, c = axis
    if ord in (None, "fro"):
        return A.sqrt_kinked(A.sum(abs2(x), axis=axis, keepdims=keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        sum_axis, pick_axis = (r, c) if ord in (1, -1) else (c, r)
        sums = A.sum(absolute(x), axis=sum_axis, keepdims=True)
        pick = A.max if ord in (1, np.inf) else A.min
        out = pick(sums, axis=pick_axis, keepdims=True)
        return out if keepdims else A.squeeze(out, axis=(r, c))
    if ord in (2, -2, "nuc"):
        return svd_norm(x, ord, axis, keepdims)
    raise ValueError(f"Invalid norm order {ord!r} for matrices: use None, 'fro', 'nuc', "
                     "1, -1, 2, -2, inf or -inf")


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as ``numpy.linalg.norm``.

    The gradient of the 2-norm is ``x / norm(x)``; at ``x = 0``, a kink, it is taken as 0
    (as ``abs'(0) = 0``; the norm of a one-element vector is its absolute value).
    """
    x = A.asarray(x)
    nd = ndim(x)
    if axis is None:
        if ord is None:
            return _vector_norm(A.ravel(x) if not keepdims else x,
                                None, None if not keepdims else tuple(range(nd)), keepdims)
        axis = tuple(range(nd))
    axis = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axis = tuple(a % nd for a in axis)
    if len(axis) == 1:
        return _vector_norm(x, ord, axis, keepdims)
    if len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    raise ValueError("norm: axis must name one or two axes")
