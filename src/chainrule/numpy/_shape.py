"""Primitives that move, select and combine array elements (all linear)."""

from __future__ import annotations

import math

import numpy as np

from ..core import Sample, primal_value
from ..core.batching import batch_size, move_axis, pad_rank, per_example_axis, with_batch
from ._base import PRIMS, PerArg, broadcast_like, defprim, sample_args, unbroadcast
from ._base import dtype as dtype_of
from ._base import shape as shape_of


def _is_advanced(idx: tuple) -> bool:
    return any(isinstance(i, (np.ndarray, list)) for i in idx)


def normalize_index(idx) -> tuple:
    """A static index as a tuple; tracers inside it are replaced by their values."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    return tuple(np.asarray(primal_value(i)) if isinstance(i, list) else primal_value(i)
                 for i in idx)


def _positions(shape: tuple, idx: tuple) -> np.ndarray:
    """The flat positions in an array of ``shape`` that ``x[idx]`` reads, shaped like it."""
    return np.arange(math.prod(shape)).reshape(shape)[idx]


def surviving_writes(shape: tuple, idx: tuple) -> np.ndarray | None:
    """For ``out[idx] = v``: a mask shaped like ``out[idx]``, True for each write that is
    not overwritten by a later one at the same position (NumPy: the last one wins), or
    ``None`` if ``idx`` names no position twice. NumPy itself is asked, on a probe array,
    so the answer follows its order of writes for every kind of index."""
    if not _is_advanced(idx):
        return None  # basic indexing (ints, slices) never repeats a position
    pos = _positions(shape, idx)
    probe = np.full(shape, -1)
    probe[idx] = np.arange(pos.size).reshape(pos.shape)
    kept = probe[probe >= 0]
    if kept.size == pos.size:
        return None
    mask = np.zeros(pos.size, bool)
    mask[kept] = True
    return mask.reshape(pos.shape)


def update_rounds(shape: tuple, idx: tuple) -> tuple | None:
    """Split the updates of ``x.at[idx]`` into rounds that name each position at most
    once: round ``r`` holds the ``r``-th update of every position, in order. Returns the
    shape of ``x[idx]`` and a list of ``(flat positions, update numbers)``, or ``None``
    when no position repeats (one round)."""
    if not _is_advanced(idx):
        return None
    pos = _positions(shape, idx)
    flat = pos.ravel()
    order = np.argsort(flat, kind="stable")
    ranked = flat[order]
    starts = np.r_[True, ranked[1:] != ranked[:-1]]
    first = np.maximum.accumulate(np.where(starts, np.arange(flat.size), 0))
    rank = np.empty(flat.size, np.intp)
    rank[order] = np.arange(flat.size) - first
    top = int(rank.max(initial=0))
    if top == 0:
        return None
    steps = []
    for r in range(top + 1):
        which = np.flatnonzero(rank == r)
        steps.append((flat[which], which))
    return pos.shape, steps


def _reshape_impl(x, *, shape):
    return np.reshape(x, shape)


reshape = defprim(
    "reshape", _reshape_impl,
    jvp=(lambda t, ans, x, *, shape: reshape(t, shape=shape),),
    vjp=(lambda g, ans, x, *, shape: reshape(g, shape=shape_of(x)),),
    rule="linearity", statement="reshaping commutes with differentiation", linear=True,
    samples=lambda: [Sample(sample_args("reshape", (2, 3)).args, {"shape": (3, 2)}),
                     Sample(sample_args("reshape1", (4,)).args, {"shape": (2, 1, 2)})],
                     save_args=False, save_ans=False,
    batch=lambda args, dims, *, shape: (
        reshape(args[0], shape=shape_of(args[0])[:1] + tuple(np.atleast_1d(shape))), 0))


def _batched_perm(axes, nd: int) -> tuple:
    axes = tuple(reversed(range(nd))) if axes is None else axes
    return (0,) + tuple(a % nd + 1 for a in axes)


def _inverse_perm(axes: tuple) -> tuple:
    return tuple(np.argsort(axes))


transpose = defprim(
    "transpose", lambda x, *, axes: np.transpose(x, axes),
    jvp=(lambda t, ans, x, *, axes: transpose(t, axes=axes),),
    vjp=(lambda g, ans, x, *, axes: transpose(g, axes=_inverse_perm(axes)),),
    rule="linearity", statement="transposing commutes with differentiation", linear=True,
    samples=lambda: [Sample(sample_args("transpose", (2, 3, 4)).args, {"axes": (2, 0, 1)})],
    save_args=False, save_ans=False, batch=lambda args, dims, *, axes: (
        transpose(args[0], axes=_batched_perm(axes, len(shape_of(args[0])) - 1)), 0))

broadcast_to = defprim(
    "broadcast_to", lambda x, *, shape: np.broadcast_to(x, shape),
    jvp=(lambda t, ans, x, *, shape: broadcast_to(t, shape=shape),),
    vjp=(lambda g, ans, x, *, shape: unbroadcast(g, x),),
    rule="linearity", statement="copies of u each carry u'", linear=True,
    samples=lambda: [Sample(sample_args("bcast", (3,)).args, {"shape": (2, 3)}),
                     Sample(sample_args("bcast1", (2, 1)).args, {"shape": (2, 3)})],
                     save_args=False, save_ans=False,
    batch=lambda args, dims, *, shape: (broadcast_to(
        pad_rank(args[0], len(shape)), shape=shape_of(args[0])[:1] + tuple(shape)), 0))


def _batch_position(idx: tuple) -> int:
    """Where the batch axis lands in ``x[(slice(None),) + idx]``: in front, unless the
    advanced indices are separated (by a slice, ``None`` or ``...``), when NumPy puts
    their broadcast axes first."""
    if not _is_advanced(idx):
        return 0
    adv = [i for i, e in enumerate(idx)
           if isinstance(e, (np.ndarray, list, int, np.integer)) and not isinstance(e, bool)]
    if adv == list(range(adv[0], adv[-1] + 1)):
        return 0
    return max(1 if np.asarray(idx[i]).dtype == bool else np.ndim(idx[i]) for i in adv)


def _scatter_batch(prim, args: tuple, dims: tuple, idx: tuple) -> tuple:
    """``x.at[idx].add/set(v)`` for a batch: the index gets a leading full slice, and a
    batched ``v`` is laid out like the batched ``x[idx]``."""
    x, v = args
    size = batch_size(args, dims)
    if dims[0] is None:
        x = with_batch(x, size)
    k = _batch_position(idx)
    if dims[1] is not None or k:
        target = np.broadcast_to(np.empty((), np.int8), shape_of(x)[1:])[idx].shape
        if dims[1] is None:
            v = with_batch(v, size)
        v = broadcast_to(pad_rank(v, len(target)), shape=(size,) + target)
        v = move_axis(v, 0, k)
    return prim(x, v, idx=(slice(None),) + idx), 0


def _getitem_vjp(g, ans, x, *, idx):
    return index_add(np.zeros(shape_of(x), dtype_of(g)), g, idx=idx)


getitem = defprim(
    "getitem", lambda x, *, idx: x[idx],
    jvp=(lambda t, ans, x, *, idx: getitem(t, idx=idx),), vjp=(_getitem_vjp,),
    rule="linearity", statement="a selected element carries its own derivative", linear=True,
    samples=lambda: [
        Sample(sample_args("getitem", (4, 3)).args, {"idx": (slice(1, 3), 0)}),
        Sample(sample_args("getitem1", (5,)).args, {"idx": (np.array([0, 2, 2, 4]),)}),
        Sample(sample_args("getitem2", (3, 4)).args,
               {"idx": (np.array([[True, False, True, True]] * 3),)})],
               save_args=False, save_ans=False,
    batch=lambda args, dims, *, idx: (
        getitem(args[0], idx=(slice(None),) + idx), _batch_position(idx)))


def _index_add_impl(x, v, *, idx):
    out = np.array(x, dtype=np.result_type(x, v), copy=True)
    if _is_advanced(idx):
        np.add.at(out, idx, v)
    else:
        out[idx] += v
    return out


index_add = defprim(
    "index_add", _index_add_impl,
    jvp=(lambda t, ans, x, v, *, idx: broadcast_like(t, ans),
         lambda t, ans, x, v, *, idx: index_add(np.zeros(shape_of(ans), dtype_of(t)), t, idx=idx)),
    vjp=(lambda g, ans, x, v, *, idx: g,
         lambda g, ans, x, v, *, idx: unbroadcast(getitem(g, idx=idx), v)),
    rule="linearity", statement="(x.at[i].add(v))' = x'.at[i].add(v')", linear=True,
    samples=lambda: [
        Sample(sample_args("iadd", (5,), (4,)).args, {"idx": (np.array([0, 2, 2, 4]),)}),
        Sample(sample_args("iadd1", (3, 4), (4,)).args, {"idx": (slice(0, 2),)})],
        save_args=False, save_ans=False, batch=lambda args, dims, *, idx: _scatter_batch(
            index_add, args, dims, idx))


def _index_set_impl(x, v, *, idx):
    out = np.array(x, dtype=np.result_type(x, v), copy=True)
    out[idx] = v
    return out


def _index_set_vjp_v(g, ans, x, v, *, idx):
    # Only a write that survives reaches the output: an overwritten duplicate gets zero.
    got = getitem(g, idx=idx)
    kept = surviving_writes(shape_of(x), idx)
    return unbroadcast(got if kept is None else got * kept, v)


index_set = defprim(
    "index_set", _index_set_impl,
    jvp=(lambda t, ans, x, v, *, idx: index_set(broadcast_like(t, ans), 0.0, idx=idx),
         lambda t, ans, x, v, *, idx: index_set(np.zeros(shape_of(ans), dtype_of(t)), t, idx=idx)),
    vjp=(lambda g, ans, x, v, *, idx: index_set(g, 0.0, idx=idx), _index_set_vjp_v),
    rule="linearity", statement="(x.at[i].set(v))' = x'.at[i].set(v')", linear=True,
    samples=lambda: [
        Sample(sample_args("iset", (5,), (2,)).args, {"idx": (np.array([0, 3]),)}),
        Sample(sample_args("iset1", (3, 4), ()).args, {"idx": (1, slice(None))}),
        Sample(sample_args("iset2", (5,), (4,)).args, {"idx": (np.array([3, 0, 3, 0]),)}),
        Sample(sample_args("iset3", (3, 4), (3,)).args,
               {"idx": (np.array([[0], [2], [0]]), np.array([1, 1, 3]))})],
        save_args=False, save_ans=False, batch=lambda args, dims, *, idx: _scatter_batch(
            index_set, args, dims, idx))


def _piece(i: int, xs: tuple, axis: int) -> tuple:
    start = sum(shape_of(x)[axis] for x in xs[:i])
    stop = start + shape_of(xs[i])[axis]
    return (slice(None),) * axis + (slice(start, stop),)


def _concat_batch(args: tuple, dims: tuple, *, axis: int) -> tuple:
    size = batch_size(args, dims)
    nd = len(shape_of(args[dims.index(0)])) - 1
    xs = [x if d is not None else with_batch(x, size) for x, d in zip(args, dims)]
    return concatenate(*xs, axis=per_example_axis(axis, nd)), 0


def _concat_jvp(i, t, ans, *xs, axis):
    return index_add(np.zeros(shape_of(ans), dtype_of(t)), t, idx=_piece(i, xs, axis))


def _concat_vjp(i, g, ans, *xs, axis):
    return getitem(g, idx=_piece(i, xs, axis))


concatenate = defprim(
    "concatenate", lambda *xs, axis: np.concatenate(xs, axis=axis),
    jvp=PerArg(_concat_jvp), vjp=PerArg(_concat_vjp),
    rule="linearity", statement="each block carries its own derivative", linear=True,
    samples=lambda: [Sample(sample_args("concat", (2, 3), (1, 3), (2, 3)).args, {"axis": 0}),
                     Sample(sample_args("concat1", (2, 1), (2, 2)).args, {"axis": 1})],
                     save_args=False, save_ans=False, batch=_concat_batch)

def _cast_to(v, dt: np.dtype):
    """``v`` in ``dt``; a complex value cast to a real dtype keeps its real part (the
    transpose of the embedding of the reals), without NumPy's ComplexWarning."""
    if dt.kind != "c" and dtype_of(v).kind == "c":
        v = PRIMS["real"](v)
    return v if dtype_of(v) == dt else astype(v, dtype=dt)


def _astype(x: np.ndarray, dt: np.dtype) -> np.ndarray:
    return (x.real if dt.kind != "c" and x.dtype.kind == "c" else x).astype(dt)


astype = defprim(
    "astype", lambda x, *, dtype: _astype(np.asarray(x), np.dtype(dtype)),
    jvp=(lambda t, ans, x, *, dtype: _cast_to(t, np.dtype(dtype)),),
    vjp=(lambda g, ans, x, *, dtype: _cast_to(g, dtype_of(x)),),
    rule="linearity", statement="changing precision commutes with differentiation",
    linear=True,
    samples=lambda: [Sample(sample_args("astype", (3,)).args, {"dtype": np.float64})],
    save_args=False, save_ans=False,
    batch=lambda args, dims, *, dtype: (astype(args[0], dtype=dtype), 0))
