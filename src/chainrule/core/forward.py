"""Forward mode: dual numbers carrying a primal value and a tangent.

Each primitive application computes the primal (by binding again, so outer traces see it)
and the output tangent as the sum of the jvp rule of every argument that carries a
tangent. Rules are written with chainrule operations, so tangents of tangents (higher
order) and forward-over-reverse work with no extra code.
"""

from __future__ import annotations

from typing import Any

from .primitive import Primitive, bind
from .trace import Trace, Tracer

__all__ = ["ForwardTrace", "ForwardTracer"]


class ForwardTracer(Tracer):
    """A value with a tangent attached."""

    __slots__ = ("tangent",)

    def __init__(self, trace: Trace, value: Any, tangent: Any) -> None:
        self._trace = trace
        self.value = value
        self.tangent = tangent


class ForwardTrace(Trace):
    """One forward-mode transformation."""

    __slots__ = ()

    def new_input(self, value: Any, tangent: Any) -> ForwardTracer:
        return ForwardTracer(self, value, tangent)

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        primals = list(args)
        tangents = []
        for i, x in enumerate(args):
            if x.__class__ is ForwardTracer and x._trace is self:
                primals[i] = x.value
                tangents.append((i, x.tangent))
        ans = bind(prim, *primals, **params)
        rules = prim.jvp
        if rules is None:
            return ans
        out = None
        for i, t in tangents:
            rule = rules[i]
            if rule is None:
                continue
            c = rule(t, ans, *primals, **params) if params else rule(t, ans, *primals)
            if c is not None:
                out = c if out is None else out + c
        if out is None:
            return ans
        return ForwardTracer(self, ans, out)

    def tangent_of(self, x: Any) -> Any:
        """The tangent of an output, or ``None`` if it does not depend on the inputs."""
        if x.__class__ is ForwardTracer and x._trace is self:
            return x.tangent
        return None

    def primal_of(self, x: Any) -> Any:
        if x.__class__ is ForwardTracer and x._trace is self:
            return x.value
        return x
