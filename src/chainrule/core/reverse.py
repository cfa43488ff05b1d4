"""Reverse mode: record a tape while the function runs, then walk it backwards.

Each primitive application adds a :class:`Node` to the tape: the primitive, the values its
vjp rules need, and its parent nodes. The tracer the user's code sees holds the value and
a link to its node. A node saves only what its rules use — a primitive whose vjp needs
just the shapes of its arguments (``add``, ``sum``, ``reshape``...) or just its output
(``exp``, ``tanh``...) says so in its record (``save_args``, ``save_ans``) — so an
intermediate array that no rule needs is freed as soon as the user's code drops it, as in
hand-written backpropagation. The tape is the list of nodes in creation order, so walking
it backwards is a valid topological order and no graph sort is needed.

The vjp rules run on the unwrapped values. If those are tracers of an outer
transformation, the backward pass is itself traced, which is how derivatives of any order
(and reverse-over-forward, forward-over-reverse) come out of the same rules.
"""

from __future__ import annotations

import contextlib
import gc
import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from .forward import _WHAT
from .primitive import ARITH_ERRORS, Primitive, bind, numpy_call
from .trace import Trace, Tracer, is_complex

__all__ = ["Node", "ReverseTrace", "ReverseTracer", "Saved", "is_complex", "paused_gc",
           "set_complex_embedding"]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a tape is recorded or walked.

    A tape creates a few tracked objects per operation and frees none until the backward
    pass, so the collector would scan the growing tape again and again (about a fifth of
    the time of a scalar-heavy gradient). Reference counting still frees everything else.
    """
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Saved:
    """What a node keeps of an array argument whose value its rules do not need."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape: tuple, dtype: Any) -> None:
        self.shape = shape
        self.dtype = dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)


# A tape node is a small list, [primitive, saved args, params, parents, saved output,
# cotangent] (a list allocates several times faster than an object, on the hottest path).
# ``parents`` holds, per argument, the argument's node or None if it is not traced.
PRIM, ARGS, PARAMS, PARENTS, ANS, CT = range(6)
Node = list


class ReverseTracer(Tracer):
    """A value seen by a reverse-mode transformation, linked to its tape node."""

    __slots__ = ("node",)

    def __init__(self, trace: Trace, value: Any, node: list) -> None:
        self._trace = trace
        self.value = value
        self.node = node


_KEEP_BYTES = 1 << 14
_isfinite = math.isfinite  # no warning for np.float64 inf, unlike inf - inf
_f64 = np.float64
_ndarray = np.ndarray


def _complex_of(v: Any) -> np.dtype:
    while isinstance(v, Tracer):
        v = v.value
    d = getattr(v, "dtype", None)
    return np.result_type(d if d is not None else np.float64, np.complex64)


# The primitive that converts a real value to complex (``astype``), installed by the
# NumPy layer, which owns the operations its vjp rule needs.
_embedding: list = [None]


def set_complex_embedding(prim: Primitive) -> None:
    """Install the primitive used for real-to-complex conversions on a tape: called
    with ``dtype=`` a complex dtype, its vjp rule must return the real part of the
    cotangent, in the argument's dtype."""
    _embedding[0] = prim


def _forget(vals: tuple) -> tuple:
    return tuple(Saved(v.shape, v.dtype) if v.__class__ is np.ndarray else v for v in vals)


class ReverseTrace(Trace):
    """One reverse-mode transformation: a tape and the rules to run it backwards."""

    __slots__ = ("tape",)

    def __init__(self) -> None:
        super().__init__()
        self.tape: list[list] | None = []

    def detach(self) -> list[list]:
        """Close the trace and hand over its tape."""
        self.close()
        tape, self.tape = self.tape, None
        return tape

    def new_input(self, value: Any) -> ReverseTracer:
        return ReverseTracer(self, value, [None, (), None, (), None, None])

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        b = self.budget
        if b is not None:
            b.charge(1, _WHAT)
        # Unwrap our tracers; note whether an outer trace must see the call too. One and
        # two arguments are unrolled: they are nearly every call.
        n = len(args)
        if n == 1:  # the only argument is necessarily one of ours
            x = args[0]
            v = x.value
            vals = (v,)
            parents = (x.node,)
            outer = isinstance(v, Tracer)
        elif n == 2:
            a, b = args
            pa = pb = None
            if a.__class__ is ReverseTracer and a._trace is self:
                pa, a = a.node, a.value
            if b.__class__ is ReverseTracer and b._trace is self:
                pb, b = b.node, b.value
            vals = (a, b)
            parents = (pa, pb)
            outer = isinstance(a, Tracer) or isinstance(b, Tracer)
        else:
            vals, parents, outer = self._unwrap(args)
        if outer:
            ans = bind(prim, *vals, **params)
        else:
            try:
                ans = prim.impl(*vals, **params) if params else prim.impl(*vals)
            except ARITH_ERRORS:
                ans = numpy_call(prim.impl, *vals, **params)
        if prim.vjp is None:
            return ans
        if ans.__class__ is not float and is_complex(ans):
            parents = self._embed_reals(vals, parents)
        saved = vals
        if not prim.save_args and ans.__class__ is not float:  # a float came from scalars
            for v in vals:  # small arrays cost less to keep than to replace
                if v.__class__ is _ndarray and v.nbytes > _KEEP_BYTES:
                    saved = _forget(vals)
                    break
        node = [prim, saved, params, parents, ans if prim.save_ans else None, None]
        self.tape.append(node)
        return ReverseTracer(self, ans, node)

    def _embed_reals(self, vals: tuple, parents: tuple) -> tuple:
        """Put an explicit real-to-complex conversion between each real traced argument
        and a complex output: its vjp rule takes the real part of the cotangent (the
        transpose of the embedding of the reals in the complex numbers), so a real input
        always gets a real gradient."""
        out = list(parents)
        for i, p in enumerate(parents):
            if p is not None and not is_complex(vals[i]):
                v = vals[i]
                node = [_embedding[0], _forget((v,)), {"dtype": _complex_of(v)}, (p,),
                        None, None]
                self.tape.append(node)
                out[i] = node
        return tuple(out)

    def _unwrap(self, args: tuple) -> tuple:
        vals, parents, outer = [], [], False
        for x in args:
            if x.__class__ is ReverseTracer and x._trace is self:
                parents.append(x.node)
                x = x.value
            else:
                parents.append(None)
            vals.append(x)
            outer = outer or isinstance(x, Tracer)
        return tuple(vals), tuple(parents), outer

    def backward(self, tape: list[list], outputs: Sequence[Any], cotangents: Sequence[Any],
                 inputs: Sequence[ReverseTracer], retain: bool = True) -> list[Any]:
        """Cotangents of ``inputs`` given cotangents of ``outputs``, walking ``tape``.

        Returns ``None`` for an input that the outputs do not depend on. With ``retain``
        the tape is left intact, so ``backward`` can run again with other cotangents
        (``jacrev`` does); without it, each node's saved values are released as soon as
        the node is done, and the tape is emptied.
        """
        leaves = self._seed(tape, outputs, cotangents, inputs)
        for node in reversed(tape):
            g = node[CT]
            if g is None:
                continue
            prim, args, params, parents, ans, _ = node
            node[CT] = None
            if not retain:
                node[ARGS] = node[ANS] = None
            rules = prim.vjp
            for i, parent in enumerate(parents):
                if parent is None:
                    continue
                rule = rules[i]
                if rule is None:
                    continue
                try:
                    c = rule(g, ans, *args, **params) if params else rule(g, ans, *args)
                except ARITH_ERRORS:
                    c = numpy_call(rule, g, ans, *args, **params)
                else:
                    cls = c.__class__
                    if ((cls is float or cls is _f64) and not _isfinite(c)) or cls is complex:
                        c = numpy_call(rule, g, ans, *args, **params)
                if c is not None:
                    parent[CT] = c if parent[CT] is None else parent[CT] + c
        result = [leaf[CT] for leaf in leaves]
        for leaf in leaves:
            leaf[CT] = None
        if not retain:
            tape.clear()
        return result

    def _seed(self, tape: list[list], outputs: Sequence[Any], cotangents: Sequence[Any],
              inputs: Sequence[ReverseTracer]) -> list[list]:
        """Charge the walk to the budget, clear the inputs' cotangents and seed the
        outputs'; return the inputs' nodes."""
        if self.budget is not None:
            self.budget.charge(len(tape), _WHAT)
        leaves = [x.node for x in inputs]
        for leaf in leaves:
            leaf[CT] = None
        for out, ct in zip(outputs, cotangents):
            if out.__class__ is ReverseTracer and out._trace is self:
                node = out.node
                node[CT] = ct if node[CT] is None else node[CT] + ct
        return leaves
