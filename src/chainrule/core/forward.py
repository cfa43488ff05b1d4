"""Forward mode: dual numbers carrying a primal value and a tangent.

Each primitive application computes the primal (by binding again, so outer traces see it)
and the output tangent as the sum of the jvp rule of every argument that carries a
tangent. Rules are written with chainrule operations, so tangents of tangents (higher
order) and forward-over-reverse work with no extra code.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .primitive import ARITH_ERRORS, Primitive, bind, numpy_call
from .trace import Trace, Tracer

__all__ = ["ForwardTrace", "ForwardTracer", "run_rule"]

_isfinite = math.isfinite  # no warning for np.float64 inf, unlike inf - inf
_f64 = np.float64

_WHAT = "differentiating (one unit of work per primitive traced)"


def run_rule(rule: Any, ct: Any, ans: Any, args: tuple, params: dict) -> Any:
    """``rule(ct, ans, *args, **params)``, redone on NumPy scalars where Python float
    arithmetic raised, overflowed or left the reals (see :data:`ARITH_ERRORS`)."""
    try:
        c = rule(ct, ans, *args, **params) if params else rule(ct, ans, *args)
    except ARITH_ERRORS:
        return numpy_call(rule, ct, ans, *args, **params)
    cls = c.__class__
    if ((cls is float or cls is _f64) and not _isfinite(c)) or cls is complex:
        return numpy_call(rule, ct, ans, *args, **params)
    return c


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
        b = self.budget
        if b is not None:
            b.charge(1, _WHAT)
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
            try:  # run_rule, inlined: this is the hot path of forward mode
                c = rule(t, ans, *primals, **params) if params else rule(t, ans, *primals)
            except ARITH_ERRORS:
                c = numpy_call(rule, t, ans, *primals, **params)
            else:
                cls = c.__class__
                if ((cls is float or cls is _f64) and not _isfinite(c)) or cls is complex:
                    c = numpy_call(rule, t, ans, *primals, **params)
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
