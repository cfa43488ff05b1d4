"""The primitive record and ``bind``, the one door every operation goes through.

A :class:`Primitive` holds everything chainrule knows about one operation, in one place:
how to compute it, its forward (jvp) and reverse (vjp) rules, how to explain it in a
derivation, where it is not smooth, and inputs to test it on. Rules are written with
chainrule's own operations, so they can be differentiated again (higher order) and run on
any value an interpreter uses.

Rule signatures (one function per differentiable argument; ``None`` means "this argument
has a zero derivative")::

    jvp[i](tangent_i, ans, *args, **params) -> contribution to the output tangent
    vjp[i](cotangent, ans, *args, **params) -> cotangent of args[i], shaped like args[i]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .trace import Tracer, is_complex

__all__ = ["Primitive", "Sample", "bind", "registry", "register", "ARITH_ERRORS",
           "numpy_call", "set_sequence_converter"]

Rule = Callable[..., Any] | None


@dataclass(frozen=True)
class Sample:
    """Inputs on which a primitive is smooth, used by the registry-wide gradient sweep."""

    args: tuple
    params: dict = field(default_factory=dict)


@dataclass(eq=False)
class Primitive:
    """One operation and everything known about it.

    Attributes:
        name: NumPy-style name, unique in the registry.
        impl: the concrete computation on NumPy arrays and Python scalars.
        jvp: per-argument forward rules, or ``None`` if the primitive is not differentiable.
        vjp: per-argument reverse rules, or ``None`` if the primitive is not differentiable.
        rule: name of the differentiation rule, as a derivation would cite it.
        statement: the rule in one line of math, for step-by-step explanations.
        domain: where the function is defined, in words ("x > 0"); empty if everywhere.
        kinks: where it is continuous but not differentiable, and the convention used.
        samples: a function returning :class:`Sample` inputs for tests.
        linear: True if the primitive is linear in all its arguments (simplifier fact).
        partials: for elementwise primitives, ``d ans / d args[i]`` as functions of
            ``(ans, *args)``; the jvp and vjp rules are built from them.
        save_args: False if the vjp rules use only the shapes and dtypes of the array
            arguments; reverse mode then keeps just those, not the arrays.
        save_ans: False if the vjp rules never use the output (they receive ``None``).
        elementwise: True if the primitive maps arrays element by element (with
            broadcasting), so it accepts Python floats, NumPy scalars and 0-d arrays alike.
        no_rules: for a primitive without rules, why its derivative is zero wherever it
            exists ("piecewise constant", "boolean output"...); required in that case.
        real_only: True if the rules hold for real arguments only (decompositions of
            symmetric matrices, functions whose rules need an order...); differentiating
            at a complex argument then raises TypeError instead of giving a wrong number.
            Every other primitive's rules are checked at complex samples by
            tests/test_complex.py.
        batch: the batching rule for ``vmap``, ``batch(args, dims, **params) -> (out,
            out_dim)``: ``dims[i]`` is 0 where ``args[i]`` carries the batch axis in front
            and ``None`` where it is unbatched; ``out_dim`` is 0 or ``None`` likewise.
            Without one, an elementwise primitive batches by broadcasting and any other
            runs once per example (see :mod:`chainrule.core.batching`).
    """

    name: str
    impl: Callable[..., Any]
    jvp: Sequence[Rule] | None = None
    vjp: Sequence[Rule] | None = None
    rule: str = ""
    statement: str = ""
    domain: str = ""
    kinks: str = ""
    samples: Callable[[], list] | None = None
    linear: bool = False
    partials: Sequence[Rule] | None = None
    save_args: bool = True
    save_ans: bool = True
    elementwise: bool = False
    no_rules: str = ""
    real_only: bool = False
    batch: Callable[..., Any] | None = None

    @property
    def differentiable(self) -> bool:
        return self.jvp is not None

    def __repr__(self) -> str:
        return f"Primitive({self.name!r})"


_REGISTRY: dict[str, Primitive] = {}


def register(prim: Primitive) -> Primitive:
    """Add a primitive to the registry that tests, docs and explanations read."""
    if prim.name in _REGISTRY:
        raise ValueError(f"a primitive named {prim.name!r} is already registered")
    if (prim.jvp is None) != (prim.vjp is None):
        raise ValueError(f"primitive {prim.name!r} needs both jvp and vjp rules, or neither")
    if prim.jvp is None and not prim.no_rules:
        raise ValueError(
            f"primitive {prim.name!r} has no derivative rules, so every transformation "
            "treats its derivative as zero. Give jvp/vjp rules, or say why zero is right "
            "with no_rules='piecewise constant' (or 'boolean output', ...)")
    if prim.real_only and prim.jvp is not None:
        prim.jvp, prim.vjp = _RealOnly(prim, prim.jvp), _RealOnly(prim, prim.vjp)
    _REGISTRY[prim.name] = prim
    return prim


class _RealOnly:
    """The rules of a ``real_only`` primitive, each refusing complex arguments."""

    __slots__ = ("prim", "rules")

    def __init__(self, prim: Primitive, rules: Sequence[Rule]) -> None:
        self.prim, self.rules = prim, rules

    def __getitem__(self, i: int) -> Rule:
        rule = self.rules[i]
        if rule is None:
            return None
        name = self.prim.name

        def checked(ct: Any, ans: Any, *args: Any, **params: Any) -> Any:
            if any(is_complex(a) for a in args):
                raise TypeError(f"{name}: its derivative rules hold for real arguments "
                                "only, and this one is complex")
            return rule(ct, ans, *args, **params)
        return checked


def registry() -> dict[str, Primitive]:
    """All registered primitives by name (a copy)."""
    return dict(_REGISTRY)


# Python float arithmetic is a fast path, never a different semantics: where it would
# raise (1.0 / 0.0, 1e200 ** 2) or leave the reals ((-1.0) ** 0.5), the computation is
# redone on NumPy float64 scalars, which give NumPy's inf/nan and floating-point warnings.
ARITH_ERRORS = (ZeroDivisionError, OverflowError)


def numpy_call(fn: Callable, *args: Any, **params: Any) -> Any:
    """``fn(*args, **params)`` with every Python float (and int) argument made a NumPy
    scalar. Python scalars are "weak" in NumPy's promotion (NEP 50): beside float32
    arrays they act as float32, so they become scalars of the arguments' float type."""
    kinds = [a.dtype for a in args
             if isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind == "f"]
    dt = np.result_type(*kinds) if kinds else np.dtype(np.float64)
    return fn(*[_numpy_scalar(a, dt) for a in args], **params)


def _numpy_scalar(a: Any, dt: np.dtype) -> Any:
    cls = a.__class__
    if cls is float:
        return dt.type(a)
    if cls is int and -(2**63) <= a < 2**63:
        return np.int64(a)
    return a


_to_arrays: Callable[[tuple], tuple] | None = None


def set_sequence_converter(fn: Callable[[tuple], tuple]) -> None:
    """Install the function that turns list/tuple arguments of ``bind`` into arrays (the
    NumPy layer does, so that lists holding tracers stay traced)."""
    global _to_arrays
    _to_arrays = fn


def bind(prim: Primitive, *args: Any, **params: Any) -> Any:
    """Apply ``prim`` to ``args``, handing the call to the innermost active trace.

    With no tracer among the arguments this is plain evaluation. Otherwise the trace with
    the largest token (the most recently started transformation) processes the call; it
    unwraps its own tracers and binds again, so outer traces see the call in turn. Lists
    and tuples among the arguments are array-likes: they are made arrays first.
    """
    top = None
    for x in args:
        if isinstance(x, Tracer):
            t = x._trace
            if top is None or t.token > top.token:
                top = t
        elif x.__class__ is list or x.__class__ is tuple:
            if _to_arrays is not None:
                return bind(prim, *_to_arrays(args), **params)
    if top is None:
        try:
            return prim.impl(*args, **params)
        except ARITH_ERRORS:
            return numpy_call(prim.impl, *args, **params)
    if not top.alive:
        raise top.escaped()
    return top.process(prim, args, params)


# ``prim(*args)`` and ``prim.bind(*args)`` are ``bind(prim, *args)``, without an extra call.
Primitive.bind = Primitive.__call__ = bind  # type: ignore[method-assign]
