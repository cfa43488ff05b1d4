"""``full`` and ``full_like`` with a fill value that may be traced (differentiable in it).

>>> import chainrule as cr
>>> float(cr.grad(lambda v: full((2, 3), v).sum())(1.5))  # six copies of v
6.0
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer, primal_value
from ._arrays import asarray, astype, broadcast_to
from ._base import dtype as dtype_of
from ._base import shape as shape_of

__all__ = ["full", "full_like"]


def full(shape, fill_value, dtype=None, order="C"):
    """``numpy.full``; a traced ``fill_value`` stays traced (its copies share its
    derivative)."""
    if not isinstance(fill_value, Tracer):
        return np.full(shape, fill_value, dtype=dtype, order=order)
    v = asarray(fill_value)
    if dtype is not None:
        v = astype(v, dtype)
    s = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return broadcast_to(v, s)


def full_like(a, fill_value, dtype=None):
    """``numpy.full_like``; ``a`` gives only the shape and dtype, a traced ``fill_value``
    stays traced."""
    if not isinstance(fill_value, Tracer):
        return np.full_like(primal_value(a), fill_value, dtype=dtype)
    return full(shape_of(a), fill_value, dtype if dtype is not None else dtype_of(a))
