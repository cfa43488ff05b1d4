"""Batching: the interpreter behind ``vmap``.

A :class:`BatchTracer` stands for a whole batch of values, one per example. It holds them
stacked along a leading batch axis (axis 0, always), and shows the code it runs through
the shape and dtype of *one* example, so that a function written for one example runs
unchanged on the batch.

Each primitive applied to batch tracers is handed to its batching rule,
``prim.batch(args, dims, **params) -> (out, out_dim)``, which computes every example's
result at once: ``dims[i]`` is 0 where ``args[i]`` carries the batch axis in front and
``None`` where it is the same for every example. Primitives without a rule of their own:

- elementwise ones broadcast (:func:`elementwise_batch`): the batch axis goes in front,
  singleton axes are inserted after it so that ranks line up with unbatched operands;
- the rest run once per example and stack the results (:func:`sequential_batch`):
  correct, but a Python loop over the batch (tests/test_vmap_registry.py lists them).

Code that needs the *values* of one example (``if x > 0``, ``argsort``, ``float(x)``)
cannot run on a batch: it raises :class:`BatchedValueError`, and ``vmap`` then runs the
function once per example instead (see :func:`chainrule._api._vmap.vmap`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .primitive import _REGISTRY, Primitive, bind
from .trace import Trace, Tracer

__all__ = ["BatchTrace", "BatchTracer", "BatchedValueError", "elementwise_batch",
           "sequential_batch", "batch_size", "move_axis", "with_batch", "pad_rank",
           "shape_of", "stacked_batch", "per_example_axis", "all_batched"]

_WHAT = "batching (one unit of work per primitive traced)"


class BatchedValueError(TypeError):
    """The code being batched asked for the value of one example of a batched array."""

    def __init__(self, message: str, token: int) -> None:
        super().__init__(message)
        self.token = token


def shape_of(x: Any) -> tuple:
    """Shape of an array, tracer or Python scalar."""
    s = getattr(x, "shape", None)
    return () if s is None else tuple(s)


def _op(name: str) -> Primitive:
    return _REGISTRY[name]


class _OneExample:
    """What a batch tracer shows as its value: the shape and dtype of one example, and an
    error wherever the numbers themselves are asked for."""

    __slots__ = ("shape", "dtype", "token")

    def __init__(self, shape: tuple, dtype: Any, token: int) -> None:
        self.shape, self.dtype, self.token = shape, dtype, token

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise BatchedValueError(
            "vmap: this code needs the values of a batched array (a Python if/while on "
            "it, float(), argsort, argmax, a NumPy function that is not in "
            "chainrule.numpy...), which differ from example to example", self.token)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse()

    def __repr__(self) -> str:
        return f"<one example of a batch: shape {self.shape}, dtype {self.dtype}>"


for _name in ("__array__", "__bool__", "__float__", "__int__", "__index__", "__complex__",
              "__len__", "__iter__", "__getitem__", "__eq__", "__ne__", "__lt__", "__le__",
              "__gt__", "__ge__", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__",
              "__rmul__", "__truediv__", "__rtruediv__", "__pow__", "__rpow__", "__neg__",
              "__abs__", "__matmul__", "__rmatmul__", "__and__", "__or__", "__invert__"):
    setattr(_OneExample, _name, _OneExample._refuse)
_OneExample.__hash__ = None  # type: ignore[assignment]


class BatchTracer(Tracer):
    """A batch of values, stacked along axis 0 of ``val``; it looks like one example."""

    __slots__ = ("val",)

    def __init__(self, trace: BatchTrace, val: Any) -> None:
        self._trace = trace
        self.val = val

    @property  # type: ignore[override]
    def value(self) -> _OneExample:
        v = self.val
        return _OneExample(shape_of(v)[1:], v.dtype, self._trace.token)

    @property
    def shape(self) -> tuple:
        return shape_of(self.val)[1:]

    @property
    def ndim(self) -> int:
        return len(shape_of(self.val)) - 1

    @property
    def size(self) -> int:
        return int(np.prod(shape_of(self.val)[1:]))

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        return self.value.__array__()

    def __float__(self) -> float:
        return self.value.__float__()

    def __complex__(self) -> complex:
        return self.value.__complex__()

    def __repr__(self) -> str:
        closed = "" if self._trace.alive else " (escaped)"
        return (f"<BatchTracer #{self._trace.token}{closed}: {self._trace.size} examples "
                f"of shape {self.shape}>")


class BatchTrace(Trace):
    """One ``vmap``: a batch of ``size`` examples.

    >>> import chainrule.numpy as cnp
    >>> with BatchTrace(3) as t:
    ...     x = t.new_input(np.arange(6.0).reshape(3, 2))
    ...     y = cnp.sum(x * x)          # code for one example: x has shape (2,)
    ...     print(x.shape, t.unbatched(y).tolist())
    (2,) [1.0, 13.0, 41.0]
    """

    __slots__ = ("size",)

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def new_input(self, val: Any) -> BatchTracer:
        """A batch tracer for ``val``, whose axis 0 is the batch axis."""
        if shape_of(val)[:1] != (self.size,):
            raise ValueError(f"a batch of {self.size} needs axis 0 of that length, "
                             f"not shape {shape_of(val)}")
        if not isinstance(val, (Tracer, np.ndarray)):
            val = np.asarray(val)
        return BatchTracer(self, val)

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        b = self.budget
        if b is not None:
            b.charge(1, _WHAT)
        vals, dims = [], []
        for x in args:
            if x.__class__ is BatchTracer and x._trace is self:
                vals.append(x.val)
                dims.append(0)
            else:
                vals.append(x)
                dims.append(None)
        rule = prim.batch
        if rule is not None:
            out, dim = rule(tuple(vals), tuple(dims), **params)
        elif prim.elementwise:
            out, dim = elementwise_batch(prim, tuple(vals), tuple(dims), params)
        else:
            out, dim = sequential_batch(prim, tuple(vals), tuple(dims), params)
        if dim is None:
            return out
        if dim != 0:
            out = move_axis(out, dim, 0)
        if not isinstance(out, (Tracer, np.ndarray)):
            out = np.asarray(out)
        return BatchTracer(self, out)

    def unbatched(self, x: Any) -> Any:
        """The stacked values of an output (axis 0 the batch), or ``None`` if ``x`` is
        the same for every example."""
        if x.__class__ is BatchTracer and x._trace is self:
            return x.val
        return None


# ---------------------------------------------------------------------------------------
# Helpers for batching rules. Batched arguments carry the batch axis in front.


def batch_size(args: Sequence, dims: Sequence) -> int:
    for a, d in zip(args, dims):
        if d is not None:
            return shape_of(a)[d]
    raise ValueError("no batched argument")


def move_axis(x: Any, src: int, dst: int) -> Any:
    """``numpy.moveaxis(x, src, dst)`` for one axis, as a traced transpose."""
    nd = len(shape_of(x))
    src, dst = src % nd, dst % nd
    if src == dst:
        return x
    perm = [i for i in range(nd) if i != src]
    perm.insert(dst, src)
    return bind(_op("transpose"), x, axes=tuple(perm))


def with_batch(x: Any, size: int) -> Any:
    """An unbatched value repeated ``size`` times along a new axis 0."""
    return bind(_op("broadcast_to"), x, shape=(size,) + shape_of(x))


def pad_rank(x: Any, rank: int) -> Any:
    """A batched value with singleton axes after the batch axis, so that one example has
    ``rank`` axes (NumPy's broadcasting then lines it up with unbatched operands)."""
    s = shape_of(x)
    missing = rank - (len(s) - 1)
    if missing <= 0:
        return x
    return bind(_op("reshape"), x, shape=s[:1] + (1,) * missing + s[1:])


def per_example_axis(axis: int, ndim: int) -> int:
    """An axis of one example (``ndim`` axes, may be negative) in the batched array."""
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim)
    return axis % ndim + 1


def elementwise_batch(prim: Primitive, args: tuple, dims: tuple, params: dict) -> tuple:
    """The batching rule of an elementwise primitive: broadcasting does all the work."""
    rank = max(len(shape_of(a)) - (d is not None) for a, d in zip(args, dims))
    args = tuple(pad_rank(a, rank) if d is not None else a for a, d in zip(args, dims))
    return bind(prim, *args, **params), 0


def stacked_batch(prim: Primitive, core_ranks: Sequence[int]) -> Callable:
    """The batching rule of a primitive that already maps over leading "stack" axes, like
    NumPy's linear algebra: argument ``i`` has ``core_ranks[i]`` core axes, and a batched
    argument's example gets singleton stack axes to line up with the others."""
    def rule(args: tuple, dims: tuple, **params: Any) -> tuple:
        stack = max(len(shape_of(a)) - (d is not None) - r
                    for a, d, r in zip(args, dims, core_ranks))
        args = tuple(pad_rank(a, stack + r) if d is not None else a
                     for a, d, r in zip(args, dims, core_ranks))
        return bind(prim, *args, **params), 0
    return rule


def sequential_batch(prim: Primitive, args: tuple, dims: tuple, params: dict) -> tuple:
    """The fallback rule: apply ``prim`` to each example in turn and stack the results."""
    size = batch_size(args, dims)
    if size == 0:
        raise ValueError(f"vmap: {prim.name} has no batching rule and runs once per "
                         "example, which cannot tell the shape of its result over an empty "
                         "batch (size 0)")
    getitem, reshape = _op("getitem"), _op("reshape")
    outs = []
    for i in range(size):
        one = [bind(getitem, a, idx=(i,)) if d is not None else a
               for a, d in zip(args, dims)]
        out = bind(prim, *one, **params)
        outs.append(bind(reshape, out, shape=(1,) + shape_of(out)))
    return bind(_op("concatenate"), *outs, axis=0), 0


def all_batched(prim: Primitive, vector_arg: int | None = None) -> Callable:
    """The batching rule of a primitive that maps over leading stack axes when *every*
    argument has them (SciPy's batched linear algebra): unbatched arguments are repeated
    over the batch (a broadcast view). ``vector_arg`` names a right-hand side that may be
    one vector per example; it becomes a one-column matrix so that it cannot be mistaken
    for a stack of vectors."""
    def rule(args: tuple, dims: tuple, **params: Any) -> tuple:
        size = batch_size(args, dims)
        args = [a if d is not None else with_batch(a, size) for a, d in zip(args, dims)]
        vector = vector_arg is not None and len(shape_of(args[vector_arg])) == 2
        if vector:
            b = args[vector_arg]
            args[vector_arg] = bind(_op("reshape"), b, shape=shape_of(b) + (1,))
        out = bind(prim, *args, **params)
        if vector:
            out = bind(_op("reshape"), out, shape=shape_of(out)[:-1])
        return out, 0
    return rule
