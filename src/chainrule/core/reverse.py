"""Reverse mode: record a tape while the function runs, then walk it backwards.

Every tracer of a :class:`ReverseTrace` is also its tape node: it remembers the primitive
that made it, the unwrapped arguments, and which arguments were traced. The tape is the
list of nodes in creation order, so walking it backwards is a valid topological order and
no graph sort is needed.

The vjp rules run on the unwrapped values. If those are tracers of an outer
transformation, the backward pass is itself traced, which is how derivatives of any order
(and reverse-over-forward, forward-over-reverse) come out of the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .primitive import Primitive, bind
from .trace import Trace, Tracer

__all__ = ["ReverseTrace", "ReverseTracer"]


class ReverseTracer(Tracer):
    """A value on the tape: the node for one primitive application (or an input)."""

    __slots__ = ("rec", "ct")

    def __init__(self, trace: Trace, value: Any, rec: tuple | None = None) -> None:
        self._trace = trace
        self.value = value
        self.rec = rec  # (primitive, unwrapped args, params, [(index, parent node)])
        self.ct = None


class ReverseTrace(Trace):
    """One reverse-mode transformation: a tape and the rules to run it backwards."""

    __slots__ = ("tape", "released")

    def __init__(self) -> None:
        super().__init__()
        self.tape: list[ReverseTracer] = []
        self.released = False

    def new_input(self, value: Any) -> ReverseTracer:
        return ReverseTracer(self, value)

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        # Unwrap our tracers; note whether an outer trace must see the call too.
        # One and two arguments are unrolled: they are nearly every call.
        n = len(args)
        if n == 1:  # the only argument is necessarily one of ours
            x = args[0]
            vals = [x.value]
            parents = [(0, x)]
            outer = isinstance(vals[0], Tracer)
        elif n == 2:
            a, b = args
            parents = []
            if a.__class__ is ReverseTracer and a._trace is self:
                parents.append((0, a))
                a = a.value
            if b.__class__ is ReverseTracer and b._trace is self:
                parents.append((1, b))
                b = b.value
            vals = [a, b]
            outer = isinstance(a, Tracer) or isinstance(b, Tracer)
        else:
            vals, parents, outer = self._unwrap(args)
        if outer:
            ans = bind(prim, *vals, **params)
        else:
            ans = prim.impl(*vals, **params) if params else prim.impl(*vals)
        if prim.vjp is None:
            return ans
        node = ReverseTracer(self, ans, (prim, vals, params, parents))
        self.tape.append(node)
        return node

    def _unwrap(self, args: tuple) -> tuple:
        vals = list(args)
        parents = []
        outer = False
        for i, x in enumerate(args):
            if x.__class__ is ReverseTracer and x._trace is self:
                parents.append((i, x))
                x = vals[i] = x.value
            outer = outer or isinstance(x, Tracer)
        return vals, parents, outer

    def backward(self, outputs: Sequence[Any], cotangents: Sequence[Any],
                 inputs: Sequence[ReverseTracer], retain: bool = True) -> list[Any]:
        """Cotangents of ``inputs`` given cotangents of ``outputs``.

        Returns ``None`` for an input that the outputs do not depend on. With ``retain``
        the tape is left intact, so ``backward`` can run again with other cotangents
        (``jacrev`` does); without it, each node's saved values are released as soon as
        the node is done, and the tape is emptied.
        """
        if not self.tape and not retain and self.released:
            raise RuntimeError("this tape was already used for a backward pass and "
                               "released; use vjp() to pull back several cotangents")
        for x in inputs:
            x.ct = None
        for out, ct in zip(outputs, cotangents):
            if out.__class__ is ReverseTracer and out._trace is self:
                out.ct = ct if out.ct is None else out.ct + ct
        for node in reversed(self.tape):
            g = node.ct
            if g is None:
                continue
            node.ct = None
            prim, args, params, parents = node.rec
            ans = node.value
            if not retain:
                node.rec = node.value = None
            rules = prim.vjp
            for i, parent in parents:
                rule = rules[i]
                if rule is None:
                    continue
                if params:
                    c = rule(g, ans, *args, **params)
                else:
                    c = rule(g, ans, *args)
                if c is not None:
                    parent.ct = c if parent.ct is None else parent.ct + c
        result = [x.ct for x in inputs]
        for x in inputs:
            x.ct = None
        if not retain:
            self.tape = []
            self.released = True
        return result
