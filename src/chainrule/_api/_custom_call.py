"""The mechanism behind :mod:`._custom`: one application of a custom function, its
arguments packed into one flat array, and the primitive each decorated function owns."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import numpy as cnp
from ..core import Primitive, Tracer, bind, tree_flatten, tree_unflatten
from ..numpy._base import dtype as _dtype
from ..numpy._base import shape as _shape


def _describe(tree: Any) -> str:
    """A pytree structure in words: its leaves shown as ``*``."""
    return repr(tree_unflatten(tree, ["*"] * tree.num_leaves)).replace("'*'", "*")


def _top_trace(leaves: list) -> Any:
    top = None
    for x in leaves:
        if isinstance(x, Tracer) and (top is None or x._trace.token > top.token):
            top = x._trace
    return top


def _zeros_of(shape: tuple, dt: Any) -> np.ndarray:
    return np.zeros(shape, dt if np.dtype(dt).kind in "fc" else np.float64)


def _zeros(x: Any) -> np.ndarray:
    return _zeros_of(_shape(x), _dtype(x))


# ---------------------------------------------------------------------------------------
# Packing: many leaves as one flat array, and back.


def _pack(leaves: Sequence) -> Any:
    """One array holding every leaf (a single leaf is returned as it is)."""
    if len(leaves) == 1:
        return leaves[0]
    if any(isinstance(v, Tracer) for v in leaves):
        return cnp.concatenate([cnp.ravel(v) for v in leaves])
    return np.concatenate([np.ravel(v) for v in leaves])


def _unpack(x: Any, shapes: Sequence[tuple], dtypes: Sequence) -> list:
    """The leaves that :func:`_pack` put in ``x``, with their shapes and dtypes."""
    if len(shapes) == 1:
        return [x]
    traced = isinstance(x, Tracer)
    out, start = [], 0
    for shape, dt in zip(shapes, dtypes):
        size = int(np.prod(shape, dtype=np.int64))
        piece = x[start:start + size].reshape(shape)
        start += size
        if _dtype(piece) != dt:
            if _dtype(piece).kind == "c" and np.dtype(dt).kind != "c":
                piece = cnp.real(piece) if traced else np.real(piece)
            piece = piece.astype(dt)
        out.append(piece)
    return out


class _Call:
    """One application of a custom function: how its arguments were packed, the shape of
    its output (known once evaluated) and, for ``custom_vjp``, the residuals."""

    __slots__ = ("args", "nondiff", "in_tree", "leaves", "traced", "leaf_shapes",
                 "leaf_dtypes", "shapes", "dtypes", "out_tree", "out_shapes", "out_dtypes",
                 "token", "x", "res")

    def __init__(self, fn: _Custom, args: tuple, leaves: list, in_tree: Any,
                 token: int) -> None:
        self.nondiff = tuple(args[i] for i in fn.nondiff_argnums)
        self.in_tree, self.token = in_tree, token
        self.traced = [i for i, v in enumerate(leaves) if isinstance(v, Tracer)]
        self.leaf_shapes = [_shape(v) for v in leaves]
        self.leaf_dtypes = [_dtype(v) for v in leaves]
        # the untraced leaves (constants); the traced ones come from the packed array
        self.leaves = [None if isinstance(v, Tracer) else v for v in leaves]
        self.shapes = [self.leaf_shapes[i] for i in self.traced]
        self.dtypes = [self.leaf_dtypes[i] for i in self.traced]
        self.args = tuple(None if i not in fn.nondiff_argnums else a
                          for i, a in enumerate(args))
        self.out_tree = self.x = self.res = None

    def __hash__(self) -> int:
        return id(self)

    def primals(self, x: Any) -> tuple:
        """The primal arguments (without the ``nondiff_argnums``) with ``x`` unpacked into
        the traced leaves."""
        leaves = list(self.leaves)
        for i, v in zip(self.traced, _unpack(x, self.shapes, self.dtypes)):
            leaves[i] = v
        return tree_unflatten(self.in_tree, leaves)

    def tangents(self, t: Any) -> tuple:
        """Tangents like the primals: ``t`` unpacked, zeros for the untraced leaves."""
        leaves = [_zeros_of(s, dt) for s, dt in zip(self.leaf_shapes, self.leaf_dtypes)]
        for i, v in zip(self.traced, _unpack(t, self.shapes, self.dtypes)):
            leaves[i] = v
        return tree_unflatten(self.in_tree, leaves)

    def full_args(self, primals: tuple, nums: tuple) -> tuple:
        """All the positional arguments, the ``nondiff_argnums`` put back in place."""
        out, it = [], iter(primals)
        for i in range(len(self.args)):
            out.append(self.args[i] if i in nums else next(it))
        return tuple(out)

    def record_output(self, out: Any) -> list:
        """The output's leaves; the first output seen fixes the structure, shapes and
        dtypes (of one example, under ``vmap``) that packed outputs are cut into."""
        leaves, tree = tree_flatten(out)
        if self.out_tree is None:
            self.out_tree = tree
            self.out_shapes = [_shape(v) for v in leaves]
            self.out_dtypes = [_dtype(v) for v in leaves]
        return leaves

    def check_closure(self, leaves: list, fname: str) -> None:
        """Refuse an output traced by the transformation that processes this call (or an
        inner one): the function took a differentiated value from a closure."""
        for v in leaves:
            if isinstance(v, Tracer) and v._trace.token >= self.token:
                raise TypeError(
                    f"{fname} returned a value that depends on a variable being "
                    "differentiated which it takes from its surroundings (a closure) "
                    "instead of as an argument; its custom rule cannot account for it. "
                    "Pass that variable as an argument.")

    def output(self, packed: Any) -> Any:
        return tree_unflatten(self.out_tree,
                              _unpack(packed, self.out_shapes, self.out_dtypes))


# ---------------------------------------------------------------------------------------
# The decorators.


_MAYBE_TRACED = (Tracer, tuple, list, dict)


def _plain_arity(sig: inspect.Signature | None) -> int:
    """The number of parameters if they are all plain positional ones, else -1."""
    if sig is None:
        return -1
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    params = list(sig.parameters.values())
    return len(params) if all(p.kind in kinds for p in params) else -1


class _Custom:
    """What :class:`custom_jvp` and :class:`custom_vjp` share: resolving the arguments,
    packing them, binding the function's primitive and unpacking its output."""

    kind = ""

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()) -> None:
        if not callable(fun):
            raise TypeError(f"{self.kind} expects a function, got {type(fun).__name__}")
        functools.update_wrapper(self, fun)
        self.fun = fun
        nums = tuple(nondiff_argnums)
        if any(not isinstance(i, int) or i < 0 for i in nums) or len(set(nums)) < len(nums):
            raise ValueError(f"{self.kind}: nondiff_argnums must be distinct non-negative "
                             f"ints, got {nondiff_argnums!r}")
        self.nondiff_argnums = tuple(sorted(nums))
        self.name = getattr(fun, "__name__", "function")
        try:
            self._signature: inspect.Signature | None = inspect.signature(fun)
        except (TypeError, ValueError):
            self._signature = None
        self._arity = _plain_arity(self._signature)
        # a name that reads well in jit's generated source and is no registered primitive's
        label = f"{self.kind}_{self.name}" if self.name.isidentifier() else self.kind
        self.prim = Primitive(label, self._impl, jvp=[self._jvp_rule],
                              vjp=[self._vjp_rule], save_ans=False, rule="custom rule",
                              statement=f"the rule given with {self.kind}",
                              batch=self._batch_rule)

    def __repr__(self) -> str:
        return f"<{self.kind} function {self.name}>"

    def _resolve(self, args: tuple, kwargs: dict) -> tuple:
        """Positional arguments, keyword arguments and defaults put in place (as JAX)."""
        if not kwargs and len(args) == self._arity:  # every parameter given positionally
            return args
        if self._signature is None:
            if kwargs:
                raise TypeError(f"{self.kind} function {self.name}: pass its arguments "
                                "positionally (its signature cannot be read)")
            return args
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self.name}(): {e}") from None
        bound.apply_defaults()
        if bound.kwargs:
            raise TypeError(f"{self.kind} function {self.name}: keyword-only arguments "
                            f"({', '.join(bound.kwargs)}) are not supported; make them "
                            "positional")
        return bound.args

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._check_defined()
        args = self._resolve(args, kwargs)
        if not any(isinstance(a, _MAYBE_TRACED) for a in args):
            return self.fun(*args)  # plain values (the fast path of plain evaluation)
        nums = self.nondiff_argnums
        for i in nums:
            if i >= len(args):
                raise ValueError(f"{self.kind} function {self.name}: nondiff_argnums names "
                                 f"argument {i}, but it was called with {len(args)}")
            if any(isinstance(v, Tracer) for v in tree_flatten(args[i])[0]):
                raise TypeError(
                    f"{self.kind} function {self.name}: argument {i} is in nondiff_argnums "
                    "but holds a traced value; differentiable values must be ordinary "
                    "arguments (nondiff_argnums is for functions, flags and sizes)")
        primals = tuple(a for i, a in enumerate(args) if i not in nums)
        leaves, tree = tree_flatten(primals)
        top = _top_trace(leaves)
        if top is None or top.token == 0:  # plain values, or a symbolic expression
            return self.fun(*args)
        self._check_trace(top)
        call = _Call(self, args, leaves, tree, top.token)
        packed = bind(self.prim, _pack([leaves[i] for i in call.traced]), call=call)
        return call.output(packed)

    def _check_defined(self) -> None:  # pragma: no cover (overridden)
        raise NotImplementedError

    def _check_trace(self, top: Any) -> None:
        pass

    def _impl(self, x: Any, *, call: _Call) -> Any:
        leaves = call.record_output(self._evaluate(call, x))
        call.check_closure(leaves, f"{self.kind} function {self.name}")
        return _pack(leaves)

    def _apply(self, call: _Call, x: Any) -> Any:
        """The function itself on the packed ``x``, its output packed (for ``vmap``)."""
        out = self.fun(*call.full_args(call.primals(x), self.nondiff_argnums))
        return _pack(call.record_output(out))

    def _batch_rule(self, args: tuple, dims: tuple, *, call: _Call) -> tuple:
        """``vmap``'s rule: the same kind of custom function on the batch, whose function
        and rules are the originals under ``vmap``, so the custom rule still applies."""
        from ._vmap import vmap

        return self._batched(call, vmap)(args[0]), 0

    def _check_output_tree(self, out: Any, call: _Call, what: str) -> list:
        leaves, tree = tree_flatten(out)
        if tree != call.out_tree:
            raise TypeError(f"{what} of {self.kind} function {self.name} has the structure "
                            f"{_describe(tree)}, but the function returns "
                            f"{_describe(call.out_tree)}")
        return leaves


def _fit(v: Any, shape: tuple, dt: Any, what: str) -> Any:
    """A tangent or cotangent leaf checked against the value's shape (``None``: zeros)."""
    if v is None:
        return _zeros_of(shape, dt)
    if _shape(v) != tuple(shape):
        raise ValueError(f"{what} has shape {_shape(v)} where the value has shape "
                         f"{tuple(shape)}")
    return v
