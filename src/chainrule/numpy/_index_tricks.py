"""``r_`` and ``c_``: NumPy's index tricks that build arrays by concatenation.

``cnp.r_[a, 0, 1:4, b]`` joins its items along the first axis, ``cnp.c_[...]`` along the
last one (1-D items become columns). Slices become ``arange`` (or ``linspace`` with an
imaginary step), scalars one-element arrays, and a leading string directive (``'1'``,
``'0,2'``, ``'-1,2,0'``) sets the axis, the minimum number of dimensions and where 1-D
items go, all as NumPy does. Without a traced item the result is NumPy's own; traced
items stay traced (the join is the differentiable ``concatenate``).

>>> import chainrule as cr, chainrule.numpy as cnp
>>> cnp.r_[1.0, 0:3, [5.0]]
array([1., 0., 1., 2., 5.])
>>> cnp.c_[[1.0, 2.0], [3.0, 4.0]]
array([[1., 3.],
       [2., 4.]])
>>> float(cr.grad(lambda x: cnp.sum(cnp.r_[x, 2 * x, 0:2] ** 2))(1.5))
15.0
"""

from __future__ import annotations

import numpy as np

from ..core import Tracer
from ._arrays import _holds_tracer, asarray, astype, reshape, transpose
from ._base import dtype, ndim, shape
from ._stacking import concatenate

__all__ = ["r_", "c_"]


def _ndmin(a, ndmin: int):
    """``a`` with ones prepended to its shape up to ``ndmin`` axes (``array(a, ndmin=)``)."""
    nd = ndim(a)
    return a if nd >= ndmin else reshape(a, (1,) * (ndmin - nd) + tuple(shape(a)))


def _directive(item: str, axis: int, ndmin: int, trans1d: int) -> tuple:
    if item in ("r", "c"):
        raise NotImplementedError(
            f"r_/c_: the {item!r} directive builds a numpy.matrix, which chainrule does not "
            "support; build an array (e.g. with cnp.atleast_2d) instead")
    parts = item.split(",")
    try:
        nums = [int(x) for x in parts]
    except ValueError as e:
        raise ValueError(f"unknown special directive {item!r}") from e
    if len(parts) == 1:
        return nums[0], ndmin, trans1d
    if len(parts) > 3:
        raise ValueError(f"unknown special directive {item!r}")
    return nums[0], nums[1], nums[2] if len(parts) == 3 else trans1d


def _from_slice(item: slice, ndmin: int, trans1d: int):
    start = 0 if item.start is None else item.start
    step = 1 if item.step is None else item.step
    if isinstance(step, (complex, np.complexfloating)):
        out = np.linspace(start, item.stop, num=int(abs(step)))
    else:
        out = np.arange(start, item.stop, step)
    if ndmin > 1:
        out = np.array(out, copy=None, ndmin=ndmin)
        if trans1d != -1:
            out = out.swapaxes(-1, trans1d)
    return out


def _from_array(item, ndmin: int, trans1d: int):
    item = asarray(item)
    nd = ndim(item)
    out = _ndmin(item, ndmin)
    if trans1d != -1 and nd < ndmin:
        k2 = ndmin - nd
        k1 = trans1d + k2 + 1 if trans1d < 0 else trans1d
        order = list(range(ndmin))
        out = transpose(out, order[:k1] + order[k2:] + order[k1:k2])
    return out


class _Concatenator:
    """``cnp.r_`` / ``cnp.c_``: index with items to join them (see the module text)."""

    def __init__(self, name: str, axis: int, ndmin: int, trans1d: int):
        self._name, self._np = name, getattr(np, name)
        self._defaults = (axis, ndmin, trans1d)

    def __repr__(self) -> str:
        return f"chainrule.numpy.{self._name}"

    def __len__(self) -> int:
        return 0

    def __getitem__(self, key):
        if isinstance(key, str):
            raise NotImplementedError(
                f"{self._name}: a string alone builds a numpy.matrix, which chainrule does "
                "not support; give the items to join")
        key = key if isinstance(key, tuple) else (key,)
        if not _holds_tracer([k for k in key if not isinstance(k, (slice, str))]):
            return self._np[key]
        return self._traced(key)

    def _traced(self, key: tuple):
        axis, ndmin, trans1d = self._defaults
        objs, kinds = [], []
        for k, item in enumerate(key):
            if isinstance(item, str):
                if k != 0:
                    raise ValueError("special directives must be the first entry.")
                axis, ndmin, trans1d = _directive(item, axis, ndmin, trans1d)
                continue
            scalar = type(item) in np.ScalarType
            if isinstance(item, slice):
                obj = _from_slice(item, ndmin, trans1d)
            else:
                obj = item if scalar else _from_array(item, ndmin, trans1d)
            objs.append(obj)
            kinds.append(item if scalar else dtype(obj))  # Python scalars are weak
        final = np.result_type(*kinds)
        objs = [_ndmin(astype(o, final) if isinstance(o, Tracer) else
                       np.asarray(o, dtype=final), ndmin) for o in objs]
        return concatenate(objs, axis=axis)


r_ = _Concatenator("r_", axis=0, ndmin=1, trans1d=-1)
c_ = _Concatenator("c_", axis=-1, ndmin=2, trans1d=0)
