"""The staging trace of ``jit``: run the function once on example values, record a graph.

A :class:`JitTracer` carries two things: the concrete example value (so every primitive's
``impl`` runs during tracing and each node learns its shape and dtype from the result),
and, as its ``value``, the graph :class:`Node` it stands for. Code that looks *through*
tracers (``primal_value``, ``bool(x)`` on any tracer, ``np.asarray``...) therefore reaches
a node, never the example: a node knows its shape and dtype and refuses to become a
number, so a Python ``if`` on a traced value cannot silently bake the example's branch into
the compiled code. It raises :class:`TracedValueError`, naming the user's line.

>>> import numpy as np
>>> from chainrule.compile._stage import JitTrace
>>> trace = JitTrace()
>>> x = trace.new_input(np.ones(3), "x")
>>> y = (x * 2.0).sum()
>>> y.shape, y.example
((), np.float64(6.0))
>>> bool(y > 1)
Traceback (most recent call last):
  ...
chainrule.compile._stage.TracedValueError: bool() needs the value ...
"""

from __future__ import annotations

import linecache
import os
import sys
from typing import Any

import numpy as np

from ..core import Trace, Tracer
from ..core.primitive import ARITH_ERRORS, Primitive, numpy_call
from ._graph import Graph, Node

__all__ = ["JitTrace", "JitTracer", "TracedValueError", "ForeignTracer", "user_site"]

_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_WHAT = "compiling (one unit of work per primitive staged)"


class TracedValueError(TypeError):
    """Python needed the value of an array traced by ``jit`` (control flow on it)."""


class ForeignTracer(Exception):
    """A tracer of another transformation reached the staging trace (a closure over an
    outer ``grad``'s value, say); ``jit`` then runs the function without compiling."""


def user_site() -> str:
    """``file:line: `code``` of the innermost frame outside chainrule (the user's line)."""
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(_PKG):
        f = f.f_back
    if f is None:
        return "an unknown line"
    text = linecache.getline(f.f_code.co_filename, f.f_lineno).strip()
    return f"{f.f_code.co_filename}:{f.f_lineno}" + (f": `{text}`" if text else "")


def refuse(what: str) -> TracedValueError:
    return TracedValueError(
        f"{what} needs the value of an array traced by jit, which is not known while the "
        f"function is compiled (at {user_site()}). Python control flow cannot depend on "
        "traced values: choose between values with cnp.where(condition, a, b), or mark the "
        "argument static (jit(f, static_argnums=...) or static_argnames=...) to compile "
        "one version per value.")


def _refusing(what: str):
    def method(self, *args: Any, **kwargs: Any) -> Any:
        raise refuse(what)
    method.__name__ = what
    return method


# The node is what code sees when it looks through tracers: it refuses conversions.
for _name, _what in [("__bool__", "bool()"), ("__float__", "float()"), ("__int__", "int()"),
                     ("__index__", "using it as an index"), ("__complex__", "complex()"),
                     ("__array__", "np.asarray()"), ("__iter__", "iterating"),
                     ("tolist", ".tolist()"), ("item", ".item()")]:
    setattr(Node, _name, _refusing(_what))
for _name in ["eq", "ne", "lt", "le", "gt", "ge", "add", "radd", "sub", "rsub", "mul",
              "rmul", "truediv", "rtruediv", "pow", "rpow", "neg", "abs", "mod", "floordiv"]:
    setattr(Node, f"__{_name}__", _refusing("computing on the concrete value"))
Node.__hash__ = object.__hash__  # type: ignore[method-assign]

# NumPy functions that read only the shape and dtype, run on an abstract node.
_METADATA = {np.zeros_like: np.zeros, np.ones_like: np.ones, np.empty_like: np.zeros}


def _array_function(self: Node, func: Any, types: Any, args: tuple, kwargs: dict) -> Any:
    if func in _METADATA and args and args[0] is self:
        dt = kwargs.get("dtype") or (args[1] if len(args) > 1 else None) or self.dtype
        return _METADATA[func](self.shape, dt)
    if func is np.full_like and args and args[0] is self:
        dt = kwargs.get("dtype") or self.dtype
        return np.full(self.shape, args[1] if len(args) > 1 else kwargs["fill_value"], dt)
    if func in (np.shape, np.ndim, np.size, np.iscomplexobj, np.isrealobj, np.result_type):
        return func(*[np.empty(0, a.dtype) if isinstance(a, Node) else a for a in args])
    raise refuse(f"np.{func.__name__}()")


Node.__array_function__ = _array_function  # type: ignore[attr-defined]
Node.__array_ufunc__ = _refusing("a NumPy ufunc on the concrete value")  # type: ignore


class JitTracer(Tracer):
    """A value seen by ``jit`` while it traces: a graph node and an example value."""

    __slots__ = ("example",)

    def __init__(self, trace: Trace, node: Node, example: Any) -> None:
        self._trace = trace
        self.value = node
        self.example = example

    def _live(self) -> None:
        if not self._trace.alive:
            raise self._trace.escaped()


def _refusing_tracer(what: str):
    def method(self: JitTracer, *args: Any, **kwargs: Any) -> Any:
        self._live()
        raise refuse(what)
    method.__name__ = what
    return method


for _name, _what in [("__bool__", "bool()"), ("__float__", "float()"), ("__int__", "int()"),
                     ("__index__", "using it as an index"), ("__complex__", "complex()"),
                     ("__array__", "np.asarray()"), ("tolist", ".tolist()"),
                     ("item", ".item()")]:
    setattr(JitTracer, _name, _refusing_tracer(_what))


class JitTrace(Trace):
    """The staging transformation: every primitive applied to its tracers becomes a node."""

    __slots__ = ("graph",)

    def __init__(self) -> None:
        super().__init__()
        self.graph = Graph()

    def new_input(self, example: Any, name: str) -> JitTracer:
        return JitTracer(self, self.graph.input(example, name), example)

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        b = self.budget
        if b is not None:
            b.charge(1, _WHAT)
        graph = self.graph
        nodes, examples = [], []
        for a in args:
            if a.__class__ is JitTracer and a._trace is self:
                nodes.append(a.value)
                examples.append(a.example)
            elif isinstance(a, Tracer):
                raise ForeignTracer(prim.name)
            else:
                nodes.append(graph.const(a))
                examples.append(a)
        try:
            ans = prim.impl(*examples, **params) if params else prim.impl(*examples)
        except ARITH_ERRORS:
            ans = numpy_call(prim.impl, *examples, **params)
        return JitTracer(self, graph.apply(prim, nodes, params, ans), ans)

    def output(self, x: Any) -> Node:
        """The node of an output leaf (a constant node for a value that is not traced)."""
        if x.__class__ is JitTracer and x._trace is self:
            return x.value
        if isinstance(x, Tracer):
            if not x._trace.alive:
                raise x._trace.escaped()
            raise ForeignTracer("output")
        return self.graph.const(x)
