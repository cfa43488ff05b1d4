"""Traces, tracers and the tokens that keep nested transformations apart.

A *trace* is one running transformation (one call of ``grad``, ``jvp``...). Each trace
gets a token from a global counter when it starts: a later (inner) transformation always
has a larger token, and a token is never reused, so two transformations can never mistake
each other's perturbations, whatever the nesting.

A *tracer* is a value seen by a trace: it wraps the value of the enclosing level (a plain
array, or a tracer of an outer trace) and whatever the trace needs beside it (a tape
position for reverse mode, a tangent for forward mode).

When a transformation ends, its trace is closed. A tracer that escaped it (stored in a
global, returned inside an object...) and is used later raises :class:`EscapedTracerError`
instead of silently giving a wrong number.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from . import budget as _budget

_f64 = np.float64

__all__ = ["Trace", "Tracer", "EscapedTracerError", "is_complex", "primal_value",
           "is_tracer"]

_tokens = itertools.count(1)


class EscapedTracerError(RuntimeError):
    """A tracer was used after the transformation that created it had finished."""


class Trace:
    """One active transformation. Subclasses implement :meth:`process`.

    ``budget`` is the :class:`~chainrule.core.budget.Budget` active when the trace started
    (``None`` outside any): the interpreters charge one unit of work to it per primitive
    they process, so a budgeted entry point (``derivative``, ``hessian``...) is bounded
    however deeply it nests, and an unbudgeted one pays only a ``None`` check.
    """

    __slots__ = ("token", "alive", "budget")

    def __init__(self) -> None:
        self.token = next(_tokens)
        self.alive = True
        self.budget = _budget.current()

    def process(self, prim: Any, args: tuple, params: dict) -> Any:  # pragma: no cover
        raise NotImplementedError

    def close(self) -> None:
        self.alive = False

    def escaped(self) -> EscapedTracerError:
        return EscapedTracerError(
            f"a value traced by {type(self).__name__} #{self.token} was used after its "
            "transformation had returned. Return the result from the differentiated "
            "function (use has_aux=True for extra outputs) instead of storing it outside."
        )

    def __enter__(self) -> Trace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Tracer:
    """Base class of the values that transformations see in place of arrays.

    The array interface (operators, ``.shape``, ``.sum()``...) is installed on this class
    by :mod:`chainrule.numpy`, the layer that owns the operations.
    """

    __slots__ = ("_trace", "value")
    __array_priority__ = 1000

    def __init__(self, trace: Trace, value: Any) -> None:
        self._trace = trace
        self.value = value

    def __repr__(self) -> str:  # works on escaped tracers too: it only describes them
        kind = type(self).__name__
        closed = "" if self._trace.alive else " (escaped)"
        x = self
        while isinstance(x, Tracer):
            x = x.value
        return f"<{kind} #{self._trace.token}{closed} of {x!r}>"


def is_complex(v: Any) -> bool:
    """Whether a value (array, scalar or tracer of one) has a complex dtype."""
    while isinstance(v, Tracer):
        v = v.value
    c = v.__class__
    if c is float or c is _f64 or c is int:
        return False
    if c is complex:
        return True
    d = getattr(v, "dtype", None)
    return d is not None and d.kind == "c"


def is_tracer(x: Any) -> bool:
    return isinstance(x, Tracer)


def primal_value(x: Any) -> Any:
    """Strip every level of tracing and return the concrete value underneath.

    Raises:
        EscapedTracerError: if a level belongs to a transformation that has returned.
    """
    while isinstance(x, Tracer):
        if not x._trace.alive:
            raise x._trace.escaped()
        x = x.value
    return x
