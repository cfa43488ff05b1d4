"""``vmap``: run a function written for one example on a whole batch at once."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from ..core import tree_flatten, tree_unflatten
from ..core.batching import BatchedValueError, BatchTrace, move_axis, shape_of, with_batch
from ..core.primitive import _REGISTRY, bind
from ..core.trace import Tracer

__all__ = ["vmap"]


def vmap(f: Callable, in_axes: Any = 0, out_axes: Any = 0, *,
         axis_size: int | None = None) -> Callable:
    """Vectorize ``f`` over a batch axis of its arguments (JAX's ``vmap``).

    ``vmap(f)(xs)`` equals ``stack([f(x) for x in xs])``, computed by batching rules that
    treat the whole batch at once (one matrix product instead of a loop of vector ones).

    Args:
        f: a function of one example; arguments and outputs may be pytrees.
        in_axes: which axis of each argument is the batch: an int (every leaf), ``None``
            (the argument is the same for every example), or a tuple with one entry per
            positional argument, each an int, ``None`` or a pytree matching a prefix of
            that argument. Negative axes count from the end. Keyword arguments are
            batched along axis 0, as in JAX.
        out_axes: where the batch axis goes in each output (an int, or a pytree prefix
            of the output; ``None`` for an output that is the same for every example).
        axis_size: the batch size, needed only when no argument is batched.

    Composes with every transformation, in any order: ``vmap(grad(loss), in_axes=(None,
    0, 0))(w, xs, ys)`` gives per-example gradients. Primitives without a batching rule
    of their own run once per example, and code that needs the numbers of one example (a
    Python ``if`` on a batched value, ``argsort``...) makes ``vmap`` call ``f`` once per
    example; both give the same results as a loop, at a loop's speed.

    >>> import chainrule.numpy as cnp
    >>> vmap(lambda x, y: x @ y)(np.ones((4, 3)), np.arange(12.0).reshape(4, 3)).tolist()
    [3.0, 12.0, 21.0, 30.0]
    >>> vmap(cnp.dot, in_axes=(0, None))(np.eye(2), np.array([5.0, 7.0])).tolist()
    [5.0, 7.0]
    """
    _check_axes_spec(in_axes, "in_axes")
    _check_axes_spec(out_axes, "out_axes")

    @functools.wraps(f)
    def batched_f(*args: Any, **kwargs: Any) -> Any:
        leaves, axes, rebuild, names = _inputs(f, in_axes, args, kwargs)
        size = _size(leaves, axes, names, axis_size)
        trace = BatchTrace(size)
        with trace:
            moved = [trace.new_input(_to_front(x, a)) if a is not None else x
                     for x, a in zip(leaves, axes)]
            new_args, new_kwargs = rebuild(moved)
            try:
                out = f(*new_args, **new_kwargs)
            except BatchedValueError as e:
                if e.token != trace.token:
                    raise
                return _one_by_one(f, leaves, axes, rebuild, size, out_axes)
            return _outputs(out, out_axes, size, trace.unbatched)

    return batched_f


def _check_axes_spec(spec: Any, what: str) -> None:
    for leaf in tree_flatten(spec)[0]:
        if not isinstance(leaf, (int, np.integer)) or isinstance(leaf, bool):
            raise TypeError(f"vmap: {what} holds {leaf!r}; each entry must be an int "
                            "(an axis) or None (not batched)")


def _arg_names(f: Callable, n: int) -> list[str]:
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [f"argument {i}" + (f" ({names[i]})" if i < len(names) else "") for i in range(n)]


def _inputs(f: Callable, in_axes: Any, args: tuple, kwargs: dict) -> tuple:
    """Leaves of the positional and keyword arguments, the batch axis of each, a function
    putting new leaves back in place, and a description of each leaf for errors."""
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    if isinstance(in_axes, tuple) and len(in_axes) != len(args):
        raise ValueError(f"vmap: in_axes has {len(in_axes)} entries but the function got "
                         f"{len(args)} positional argument(s); give one entry per argument")
    per_arg = in_axes if isinstance(in_axes, tuple) else (in_axes,) * len(args)
    leaves, axes, names = [], [], []
    for i, (arg, spec) in enumerate(zip(args, per_arg)):
        sub = tree_flatten(arg)[0]
        leaves += sub
        axes += _broadcast_prefix(spec, arg, f"argument {i}")
        names += [(i, k if len(sub) > 1 else None) for k in range(len(sub))]
    kw_leaves, kw_tree = tree_flatten(kwargs)
    leaves += kw_leaves
    axes += [0] * len(kw_leaves)
    names += [(None, None)] * len(kw_leaves)
    _, arg_tree = tree_flatten(args)
    n = len(leaves) - len(kw_leaves)

    def rebuild(new: list) -> tuple:
        return tree_unflatten(arg_tree, new[:n]), tree_unflatten(kw_tree, new[n:])

    return leaves, axes, rebuild, functools.partial(_describe, f, len(args), names)


def _describe(f: Callable, n: int, names: list, j: int) -> str:
    """Leaf ``j`` in words, for an error message ("argument 1 (y)")."""
    i, k = names[j]
    if i is None:
        return "a keyword argument"
    label = _arg_names(f, n)[i]
    return label if k is None else f"{label}, leaf {k}"


def _broadcast_prefix(spec: Any, tree: Any, label: str) -> list:
    """The axis of every leaf of ``tree``, from ``spec``, a pytree prefix of it."""
    if spec is None or isinstance(spec, (int, np.integer)):
        return [spec] * len(tree_flatten(tree)[0])
    if isinstance(spec, dict) and isinstance(tree, dict) and set(spec) == set(tree):
        return [a for k in sorted(tree) for a in _broadcast_prefix(spec[k], tree[k], label)]
    if isinstance(spec, (tuple, list)) and isinstance(tree, (tuple, list)) \
            and len(spec) == len(tree):
        return [a for s, t in zip(spec, tree) for a in _broadcast_prefix(s, t, label)]
    raise ValueError(f"vmap: in_axes for {label} is {spec!r}, which does not match the "
                     f"structure of the argument ({type(tree).__name__}); give an int, "
                     "None, or a tree of the same structure")


def _size(leaves: list, axes: list, describe: Callable, axis_size: int | None) -> int:
    sizes = []
    for j, (x, a) in enumerate(zip(leaves, axes)):
        if a is None:
            continue
        s = shape_of(x) if isinstance(x, Tracer) or hasattr(x, "shape") else np.shape(x)
        if not -len(s) <= a < len(s):
            name = describe(j)
            raise ValueError(
                f"vmap was asked to map {name} along axis {a}, but it has shape {s}"
                f" ({len(s)} axes): in_axes must name an existing axis, or None")
        sizes.append((s[a], j, a))
    if not sizes:
        if axis_size is None:
            raise ValueError("vmap: no argument is batched (every in_axes entry is None, "
                             "or there are no arguments); pass axis_size=n")
        return int(axis_size)
    if len({s for s, _, _ in sizes}) > 1 or (axis_size is not None and
                                           sizes[0][0] != axis_size):
        lines = "\n".join(f"  {describe(j)}: size {s} along axis {a}" for s, j, a in sizes)
        extra = f"\n  axis_size: {axis_size}" if axis_size is not None else ""
        raise ValueError(f"vmap got inconsistent sizes for the mapped axes:\n{lines}{extra}")
    return sizes[0][0]


def _to_front(x: Any, axis: int) -> Any:
    if not isinstance(x, (Tracer, np.ndarray)):
        x = np.asarray(x)
    return move_axis(x, axis, 0)


def _outputs(out: Any, out_axes: Any, size: int, unbatched: Callable) -> Any:
    leaves, tree = tree_flatten(out)
    axes = _out_prefix(out_axes, out)
    res = []
    for o, a in zip(leaves, axes):
        v = unbatched(o)
        if a is None:
            if v is not None:
                raise ValueError("vmap: out_axes is None for an output that differs from "
                                 "example to example; give it an axis")
            res.append(o)
            continue
        if v is None:
            v = with_batch(o, size)
        nd = len(shape_of(v))
        if not -nd <= a < nd:
            raise ValueError(f"vmap: out_axes={a} is out of range for an output with "
                             f"{nd - 1} axes per example")
        res.append(move_axis(v, 0, a))
    return tree_unflatten(tree, res)


def _out_prefix(spec: Any, tree: Any) -> list:
    try:
        return _broadcast_prefix(spec, tree, "the output")
    except ValueError:
        raise ValueError(f"vmap: out_axes {spec!r} does not match the structure of the "
                         "output; give an int, None, or a tree of the same structure") from None


def _one_by_one(f: Callable, leaves: list, axes: list, rebuild: Callable, size: int,
                out_axes: Any) -> Any:
    """``f`` applied to each example in turn, results stacked: for code that needs the
    values of one example."""
    if size == 0:
        raise ValueError("vmap: this function needs the values of one example (so it runs "
                         "once per example), which cannot tell the shape of its result "
                         "over an empty batch (size 0)")
    getitem = _REGISTRY["getitem"]
    outs = []
    for i in range(size):
        one = [x if a is None else bind(getitem, _to_front(x, a), idx=(i,))
               for x, a in zip(leaves, axes)]
        args, kwargs = rebuild(one)
        outs.append(f(*args, **kwargs))
    first, tree = tree_flatten(outs[0])
    axes_out = _out_prefix(out_axes, outs[0])
    columns = zip(*[tree_flatten(o)[0] for o in outs]) if outs else []
    res = [_stack(list(col), a) for col, a in zip(columns, axes_out)]
    return tree_unflatten(tree, res)


def _stack(values: list, axis: int | None) -> Any:
    if axis is None:
        return values[0]
    reshape = _REGISTRY["reshape"]
    parts = [bind(reshape, v, shape=(1,) + shape_of(v)) for v in values]
    return move_axis(bind(_REGISTRY["concatenate"], *parts, axis=0), 0, axis)
