"""More of NumPy, mostly as compositions of chainrule's primitives: shapes and layout,
elementwise helpers, ``convolve`` (the sorting-based functions are in ``_sorting``).

>>> import chainrule.numpy as cnp
>>> from chainrule import grad
>>> grad(lambda x: cnp.sum(cnp.tril(x)))(cnp.ones((2, 2)))
array([[1., 0.],
       [1., 1.]])
"""

from __future__ import annotations

import builtins

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from ..core import primal_value
from . import _shape as S
from ._arrays import (
    asarray,
    astype,
    concatenate,
    flip,
    moveaxis,
    ravel,
    reshape,
    split,
    stack,
    take,
    transpose,
    vstack,
)
from ._base import binary, ndim, sample_args, shape
from ._base import dtype as _dtype
from ._elementwise import absolute, equal, exp, exp2, isnan, maximum, minimum, sin, where
from ._linalg import matmul

__all__ = [
    "tril", "triu", "roll", "diff",
    "cumprod", "pad", "kron", "cross", "append", "column_stack", "row_stack", "flipud",
    "fliplr", "rot90", "atleast_3d", "rollaxis", "fabs", "logaddexp", "logaddexp2",
    "fmax", "fmin", "sinc", "rad2deg", "deg2rad", "degrees", "radians", "nan_to_num",
    "select", "array_split", "hsplit", "vsplit",
    "dsplit", "convolve",
]


def _flat_axis(a, axis):
    a = asarray(a)
    if axis is None:
        return ravel(a), 0
    return a, normalize_axis_index(axis, ndim(a))



def _tri_mask(a, k: int, lower: bool):
    n, m = (tuple(shape(a)) * 2)[-2:]  # a 1-D array: the rows of a square, as in NumPy
    return np.tri(n, m, k, dtype=bool) if lower else ~np.tri(n, m, k - 1, dtype=bool)


def tril(m, k=0):
    """Lower triangle (``numpy.tril``): elements above the ``k``-th diagonal set to 0."""
    m = asarray(m)
    return where(_tri_mask(m, k, True), m, np.zeros((), _dtype(m)))


def triu(m, k=0):
    """Upper triangle (``numpy.triu``): elements below the ``k``-th diagonal set to 0.

    >>> triu(np.ones((2, 2)))
    array([[1., 1.],
           [0., 1.]])
    """
    m = asarray(m)
    return where(_tri_mask(m, k, False), m, np.zeros((), _dtype(m)))


def roll(a, shift, axis=None):
    """Roll elements along an axis (``numpy.roll``); ``axis=None`` rolls the flat array."""
    a = asarray(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), shape(a))
    shifts, axes = np.broadcast_arrays(np.asarray(shift), np.asarray(axis))
    for s, ax in zip(shifts.ravel(), axes.ravel()):
        ax = normalize_axis_index(int(ax), ndim(a))
        a = take(a, np.roll(np.arange(shape(a)[ax]), int(s)), axis=ax)
    return a


def diff(a, n=1, axis=-1, prepend=np._NoValue, append=np._NoValue):
    """The ``n``-th discrete difference along ``axis`` (``numpy.diff``)."""
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n}")
    a = asarray(a)
    if n == 0:
        return a
    axis = normalize_axis_index(axis, ndim(a))
    parts = [a]
    for extra, where_ in ((prepend, 0), (append, 1)):
        if extra is not np._NoValue:
            extra = asarray(extra)
            if ndim(extra) == 0:
                s = list(shape(a))
                s[axis] = 1
                extra = S.broadcast_to(extra, shape=tuple(s))
            parts.insert(len(parts) * where_, extra)
    if len(parts) > 1:
        a = concatenate(parts, axis=axis)
    if np.dtype(_dtype(a)) == np.bool_:
        return np.diff(primal_value(a), n=n, axis=axis)
    for _ in range(n):
        m = shape(a)[axis]
        a = take(a, np.arange(1, m), axis) - take(a, np.arange(m - 1), axis)
    return a


def cumprod(a, axis=None, dtype=None):
    """Cumulative product (``numpy.cumprod``), multiplied in NumPy's order; exact at
    zeros, where ``exp(cumsum(log(a)))`` would fail."""
    a, axis = _flat_axis(a, axis)
    kind, size = np.dtype(_dtype(a)).kind, np.dtype(_dtype(a)).itemsize
    if dtype is None and kind in "biu" and size < np.dtype(np.int_).itemsize:
        dtype = np.uint if kind == "u" else np.int_  # NumPy's accumulator for small ints
    if dtype is not None:
        a = astype(a, dtype)
    n = shape(a)[axis]
    if n == 0:
        return a
    prods = [take(a, 0, axis)]
    for i in range(1, n):
        prods.append(prods[-1] * take(a, i, axis))
    return S.concatenate(*[S.reshape(p, shape=_keep(shape(a), axis)) for p in prods],
                         axis=axis)


def _keep(s: tuple, axis: int) -> tuple:
    return s[:axis] + (1,) + s[axis + 1:]


def pad(array, pad_width, mode="constant", **kwargs):
    """``numpy.pad`` for ``mode`` in constant (``constant_values``), edge, reflect,
    symmetric and wrap; differentiable in ``array`` (the padding is a constant)."""
    a = asarray(array)
    nd = ndim(a)
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (nd, 2))
    if mode == "constant":
        values = np.broadcast_to(np.asarray(kwargs.get("constant_values", 0)), (nd, 2))
        for ax in range(nd):
            s = list(shape(a))
            blocks = []
            for side, w in enumerate(widths[ax]):
                s[ax] = int(w)
                blocks.append(np.full(tuple(s), values[ax][side], dtype=_dtype(a)))
            a = concatenate([blocks[0], a, blocks[1]], axis=ax)
        return a
    if mode not in ("edge", "reflect", "symmetric", "wrap") or kwargs:
        raise NotImplementedError(f"chainrule.numpy.pad: mode {mode!r} with {kwargs}")
    for ax in range(nd):
        src = np.pad(np.arange(shape(a)[ax]), tuple(widths[ax]), mode=mode)
        a = take(a, src, axis=ax)
    return a


def kron(a, b):
    """Kronecker product (``numpy.kron``): blocks ``a[i, j] * b``."""
    a, b = asarray(a), asarray(b)
    nd = builtins.max(ndim(a), ndim(b))
    sa = (1,) * (nd - ndim(a)) + tuple(shape(a))
    sb = (1,) * (nd - ndim(b)) + tuple(shape(b))
    a = reshape(a, tuple(x for n in sa for x in (n, 1)))
    b = reshape(b, tuple(x for n in sb for x in (1, n)))
    return reshape(a * b, tuple(m * n for m, n in zip(sa, sb)))


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (``numpy.cross``), along the given axes."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a = _last(asarray(a), axisa)
    b = _last(asarray(b), axisb)
    if shape(a)[-1] != 3 or shape(b)[-1] != 3:
        raise NotImplementedError("chainrule.numpy.cross supports 3-vectors only")
    a0, a1, a2 = (take(a, i, -1) for i in range(3))
    b0, b1, b2 = (take(b, i, -1) for i in range(3))
    c = [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0]
    out = stack(c, axis=-1)
    return _last(out, axisc, inverse=True)


def _last(a, ax, inverse=False):
    ax = normalize_axis_index(ax, ndim(a))
    return moveaxis(a, -1, ax) if inverse else moveaxis(a, ax, -1)


def append(arr, values, axis=None):
    """``numpy.append``: ``values`` joined after ``arr`` (flattened if ``axis=None``)."""
    arr, values = asarray(arr), asarray(values)
    if axis is None:
        arr, values, axis = ravel(arr), ravel(values), 0
    return concatenate([arr, values], axis=axis)


def column_stack(tup):
    """Stack 1-D arrays as columns (``numpy.column_stack``)."""
    cols = [asarray(x) for x in tup]
    cols = [reshape(x, (-1, 1)) if ndim(x) < 2 else x for x in cols]
    return concatenate(cols, axis=1)


def row_stack(tup):
    """Alias of ``vstack`` (``numpy.row_stack``)."""
    return vstack(tup)


def flipud(m):
    """Reverse the rows (axis 0)."""
    if ndim(m) < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(m, 0)


def fliplr(m):
    """Reverse the columns (axis 1)."""
    if ndim(m) < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(m, 1)


def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``axes`` (``numpy.rot90``)."""
    m = asarray(m)
    nd = ndim(m)
    ax0, ax1 = (normalize_axis_index(x, nd) for x in axes)
    if ax0 == ax1 or len(axes) != 2:
        raise ValueError("rot90 needs two different axes")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, ax0), ax1)
    perm = list(range(nd))
    perm[ax0], perm[ax1] = perm[ax1], perm[ax0]
    if k == 1:
        return transpose(flip(m, ax1), perm)
    return flip(transpose(m, perm), ax1)


def atleast_3d(a):
    """View with at least three dimensions, as NumPy adds them."""
    a = asarray(a)
    s = tuple(shape(a))
    new = {0: (1, 1, 1), 1: (1,) + s + (1,), 2: s + (1,)}.get(len(s), s)
    return reshape(a, new)


def rollaxis(a, axis, start=0):
    """Roll ``axis`` backwards until it lies before ``start`` (``numpy.rollaxis``)."""
    nd = ndim(a)
    axis = normalize_axis_index(axis, nd)
    if start < 0:
        start += nd
    if not 0 <= start < nd + 1:
        raise np.exceptions.AxisError(f"start={start} out of range for {nd} dimensions")
    if axis < start:
        start -= 1
    if axis == start:
        return a
    order = [i for i in range(nd) if i != axis]
    order.insert(start, axis)
    return transpose(a, order)


def _float(x):
    x = asarray(x)
    if not np.issubdtype(_dtype(x), np.inexact):
        return astype(x, np.result_type(_dtype(x), 1.0))
    return x


def fabs(x):
    """Absolute value as a float (``numpy.fabs``); ``abs'(0) = 0``."""
    return absolute(_float(x))


def _pair_samples(name: str):
    return lambda: [sample_args(name, (), ()), sample_args(name, (3,), (3,)),
                    sample_args(name + "b", (2, 3), (3,))]


logaddexp = binary(
    "logaddexp", np.logaddexp, lambda ans, x, y: exp(x - ans), lambda ans, x, y: exp(y - ans),
    rule="log-sum-exp rule", statement="d logaddexp(x, y) = (e^x dx + e^y dy) / (e^x + e^y)",
    samples=_pair_samples("logaddexp"))
logaddexp.__doc__ = """``log(exp(x1) + exp(x2))`` without overflow (``numpy.logaddexp``); at
``x1 == x2`` each partial is 1/2 (to rounding)."""

logaddexp2 = binary(
    "logaddexp2", np.logaddexp2, lambda ans, x, y: exp2(x - ans),
    lambda ans, x, y: exp2(y - ans), rule="log-sum-exp rule",
    statement="d logaddexp2(x, y) = (2^x dx + 2^y dy) / (2^x + 2^y)",
    samples=_pair_samples("logaddexp2"))


def fmax(x1, x2):
    """Elementwise maximum that ignores NaN (``numpy.fmax``); ties share equally."""
    return where(isnan(x2), x1, where(isnan(x1), x2, maximum(x1, x2)))


def fmin(x1, x2):
    """Elementwise minimum that ignores NaN (``numpy.fmin``); ties share equally."""
    return where(isnan(x2), x1, where(isnan(x1), x2, minimum(x1, x2)))


def sinc(x):
    """``sin(pi x) / (pi x)``, 1 at 0 (``numpy.sinc``); at 0 its derivatives are those
    of the Taylor polynomial ``1 - y**2/6 + y**4/120`` (``y = pi x``), exact to order 5.
    """
    x = _float(x)
    zero = equal(x, 0)
    y = np.pi * where(zero, np.asarray(1.0e-20, _dtype(x)), x)
    t = np.pi * x
    t2 = t * t
    return where(zero, 1 - t2 / 6 + t2 * t2 / 120, sin(y) / y)


def _angle_scale(x, num: float, den: float):
    x = _float(x)
    t = np.dtype(_dtype(x)).type
    return x * (t(num) / t(den))  # NumPy's constant, computed in the input's precision


def rad2deg(x):
    """Radians to degrees (``numpy.rad2deg``)."""
    return _angle_scale(x, 180.0, np.pi)


def deg2rad(x):
    """Degrees to radians (``numpy.deg2rad``).

    >>> float(deg2rad(180.0)) == np.pi
    True
    """
    return _angle_scale(x, np.pi, 180.0)


degrees, radians = rad2deg, deg2rad


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """NaN and infinities replaced by numbers (``numpy.nan_to_num``); the derivative is
    1 at finite elements and 0 at replaced ones."""
    x = asarray(x)
    dt = np.dtype(_dtype(x))
    if not np.issubdtype(dt, np.floating):
        return x
    big = np.finfo(dt).max
    posinf = big if posinf is None else posinf
    neginf = -big if neginf is None else neginf
    v = primal_value(x)
    x = where(np.isnan(v), np.asarray(nan, dt), x)
    x = where(np.isposinf(v), np.asarray(posinf, dt), x)
    return where(np.isneginf(v), np.asarray(neginf, dt), x)


def select(condlist, choicelist, default=0):
    """``numpy.select``: from the first condition that holds, its choice."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(choicelist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    choices = [asarray(c) for c in choicelist]
    dt = np.result_type(*[_dtype(c) for c in choices], primal_value(default))
    shp = np.broadcast_shapes(*[np.shape(primal_value(c)) for c in condlist],
                              *[shape(c) for c in choices])
    out = np.full(shp, default, dtype=dt)
    for cond, choice in zip(reversed(condlist), reversed(choices)):
        out = where(np.asarray(primal_value(cond), bool), astype(choice, dt), out)
    return out



def array_split(ary, indices_or_sections, axis=0):
    """``numpy.array_split``: like ``split``, but sections need not divide evenly."""
    ary = asarray(ary)
    if isinstance(indices_or_sections, (int, np.integer)):
        n = shape(ary)[normalize_axis_index(axis, ndim(ary))]
        if indices_or_sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        each, extras = divmod(n, int(indices_or_sections))
        sizes = [each + 1] * extras + [each] * (int(indices_or_sections) - extras)
        indices_or_sections = list(np.cumsum(sizes)[:-1])
    return split(ary, indices_or_sections, axis=axis)


def hsplit(ary, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D arrays), as ``numpy.hsplit``."""
    if ndim(ary) == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, axis=1 if ndim(ary) > 1 else 0)


def vsplit(ary, indices_or_sections):
    """Split along axis 0 of an array of 2 or more dimensions (``numpy.vsplit``)."""
    if ndim(ary) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, axis=0)


def dsplit(ary, indices_or_sections):
    """Split along axis 2 of an array of 3 or more dimensions (``numpy.dsplit``)."""
    if ndim(ary) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, axis=2)



def convolve(a, v, mode="full"):
    """Discrete linear convolution of two 1-D arrays (``numpy.convolve``), as a gather of
    shifted windows and a matrix product: NumPy's values to rounding, differentiable in
    both arrays.

    >>> convolve(np.array([1.0, 2.0]), np.array([1.0, 1.0, 1.0]))
    array([1., 3., 3., 2.])
    """
    a, v = asarray(a), asarray(v)
    if ndim(a) != 1 or ndim(v) != 1:
        raise ValueError("convolve takes 1-D arrays")
    if shape(a)[0] < shape(v)[0]:
        a, v = v, a
    n, m = shape(a)[0], shape(v)[0]
    if m == 0:
        raise ValueError("v cannot be empty")
    starts = {"full": (0, n + m - 1), "same": ((m - 1) // 2, n), "valid": (m - 1, n - m + 1)}
    if mode not in starts:
        raise ValueError(f"mode must be 'full', 'same' or 'valid', not {mode!r}")
    first, count = starts[mode]
    zeros = np.zeros(m - 1, dtype=_dtype(a))
    padded = concatenate([zeros, a, zeros])
    windows = S.getitem(padded, idx=(np.arange(first, first + count)[:, None] + np.arange(m),))
    return matmul(windows, flip(v))
