"""Adding a primitive: the whole extension surface of chainrule.

A new operation is one record: its NumPy computation, its derivative rules written with
``chainrule.numpy`` operations (so they can be differentiated again), and sample inputs.
Once registered, it works in forward and reverse mode, at any order, and
``tests/test_registry.py`` checks it like every built-in primitive.

Elementwise functions need only their derivative, as a function of ``(ans, x)``:

>>> import numpy as np
>>> import chainrule as cr
>>> import chainrule.numpy as cnp
>>> from chainrule.extend import Sample, elementwise
>>> logcosh = elementwise(
...     "logcosh_example", lambda x: np.logaddexp(x, -x) - np.log(2.0),
...     lambda ans, x: cnp.tanh(x),
...     rule="log-cosh rule", statement="(log cosh u)' = tanh(u) u'",
...     samples=lambda: [Sample((0.3,)), Sample((np.linspace(-2, 2, 5),))])
>>> round(float(cr.grad(logcosh)(0.5)), 6) == round(float(np.tanh(0.5)), 6)
True
>>> cr.testing.check_grads(logcosh, (0.7,), order=3)

Anything else declares per-argument rules: ``jvp[i](t, ans, *args, **params)`` returns
the output tangent contributed by argument ``i``; ``vjp[i](g, ans, *args, **params)``
returns the cotangent of argument ``i``, shaped like it (use :func:`unbroadcast`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .core import Primitive, Sample, bind, register, registry
from .numpy._base import binary, broadcast_like, defprim, unary, unbroadcast

__all__ = [
    "Primitive", "Sample", "bind", "register", "registry", "defprimitive", "elementwise",
    "unbroadcast", "broadcast_like", "formula_arity",
]

_FORMULA_ARITY: dict[str, int] = {}  # registered here -> number of array arguments


def formula_arity(name: str) -> int | None:
    """How many arguments the primitive ``name`` registered here takes, so that formulas
    can call it by name (``parse("logcosh(x)")``); None if it was not registered here."""
    return _FORMULA_ARITY.get(name)


def defprimitive(name: str, impl: Callable, jvp=None, vjp=None, **facts: Any) -> Primitive:
    """Create and register a primitive; call it like a function.

    Args:
        name: unique name.
        impl: the computation on NumPy arrays.
        jvp, vjp: sequences of per-argument rules (``None`` for an argument with zero
            derivative), or both ``None`` for a function whose derivative is zero wherever
            it exists; then say why with ``no_rules="piecewise constant"`` (or "boolean
            output"...): every transformation will treat its derivative as zero.
        facts: ``rule``, ``statement``, ``domain``, ``kinks``, ``samples``,
            ``elementwise``, ``no_rules`` and so on, as documented on
            :class:`chainrule.core.Primitive`.
    """
    prim = defprim(name, impl, jvp, vjp, **facts)
    rules = jvp if jvp is not None else vjp
    if rules is not None and hasattr(rules, "__len__"):
        _FORMULA_ARITY[name] = len(rules)
    return prim


def elementwise(name: str, ufunc: Callable, *partials: Callable, **facts: Any) -> Primitive:
    """Register an elementwise function of one or two arrays from its partial derivatives.

    Each partial is a function of ``(ans, *args)`` written with chainrule operations.
    """
    if len(partials) == 1:
        prim = unary(name, ufunc, partials[0], **facts)
    elif len(partials) == 2:
        prim = binary(name, ufunc, partials[0], partials[1], **facts)
    else:
        raise ValueError("elementwise() takes one partial per argument, for 1 or 2 arguments")
    _FORMULA_ARITY[name] = len(partials)
    return prim
