"""The differentiation engine: primitives, bind, traces and the interpreters."""

from .batching import BatchedValueError, BatchTrace, BatchTracer
from .forward import ForwardTrace, ForwardTracer
from .primitive import Primitive, Sample, bind, register, registry
from .reverse import Node, ReverseTrace, ReverseTracer, Saved, paused_gc
from .taylor import TaylorTrace, TaylorTracer, taylor_term
from .trace import EscapedTracerError, Trace, Tracer, is_complex, is_tracer, primal_value
from .tree import TreeDef, tree_flatten, tree_leaves, tree_map, tree_unflatten

__all__ = [
    "BatchedValueError", "BatchTrace", "BatchTracer",
    "EscapedTracerError", "ForwardTrace", "ForwardTracer", "Primitive", "ReverseTrace",
    "Node", "ReverseTracer", "Sample", "Saved", "paused_gc", "Trace", "Tracer", "bind",
    "is_complex", "is_tracer", "primal_value",
    "register", "registry", "TaylorTrace", "TaylorTracer", "taylor_term", "TreeDef",
    "tree_flatten", "tree_leaves", "tree_map", "tree_unflatten",
]
