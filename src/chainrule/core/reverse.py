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

    __slots__ = ("prim", "args", "params", "parents", "ct")

    def __init__(self, trace: Trace, value: Any, prim: Primitive | None = None,
                 args: tuple = (), params: dict | None = None,
                 parents: tuple = ()) -> None:
        self._trace = trace
        self.value = value
        self.prim = prim
        self.args = args
        self.params = params
        self.parents = parents
        self.ct = None


class ReverseTrace(Trace):
    """One reverse-mode transformation: a tape and the rules to run it backwards."""

    __slots__ = ("tape",)

    def __init__(self) -> None:
        super().__init__()
        self.tape: list[ReverseTracer] = []

    def new_input(self, value: Any) -> ReverseTracer:
        return ReverseTracer(self, value)

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        vals = list(args)
        parents = []
        for i, x in enumerate(args):
            if x.__class__ is ReverseTracer and x._trace is self:
                vals[i] = x.value
                parents.append((i, x))
        ans = bind(prim, *vals, **params)
        if prim.vjp is None:
            return ans
        node = ReverseTracer(self, ans, prim, tuple(vals), params, tuple(parents))
        self.tape.append(node)
        return node

    def backward(self, outputs: Sequence[Any], cotangents: Sequence[Any],
                 inputs: Sequence[ReverseTracer]) -> list[Any]:
        """Cotangents of ``inputs`` given cotangents of ``outputs``.

        Returns ``None`` for an input that the outputs do not depend on. The tape is left
        intact, so ``backward`` can run again with other cotangents (``jacrev`` does).
        """
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
            rules = node.prim.vjp
            for i, parent in node.parents:
                rule = rules[i]
                if rule is None:
                    continue
                c = rule(g, node.value, *node.args, **node.params)
                if c is not None:
                    parent.ct = c if parent.ct is None else parent.ct + c
        result = [x.ct for x in inputs]
        for x in inputs:
            x.ct = None
        return result
