"""Floats that derivative rules write for exact constants, read back as those constants.

Rules are written with chainrule's operations for arrays, so the constant in
``erf'(u) = 2/sqrt(pi) e^(-u^2)`` or ``log2'(u) = 1/(u ln 2)`` is a float in the rule's
code. While the symbolic layer runs rules (inside :func:`rule_constants`), a float equal
to one of a few constants as floating point computes them (``math.pi``,
``2 / math.sqrt(math.pi)``, ``math.log(2)``, ``math.log(10)``, ``math.pi / 180``, their
reciprocals and negatives) becomes that exact constant, so ``diff(erf(x))`` reads
``2*exp(-x**2)/sqrt(pi)``. Floats written in a formula or in user code are never changed.

>>> from chainrule.symbolic import parse, diff
>>> diff(parse("log2(x)"), "x")
1/(x*log(2))
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

from ..core import registry
from .expr import IN_RULES, Const, Expr, make

__all__ = ["exact", "rule_constants"]

_TABLE: dict[float, Expr] = {}


@contextlib.contextmanager
def rule_constants() -> Iterator[None]:
    """Within this block, floats that rules produce for known constants become exact."""
    token = IN_RULES.set(True)
    try:
        yield
    finally:
        IN_RULES.reset(token)


def _mk(name: str, *args: Expr) -> Expr:
    return make(registry()[name], args, {})


def _constants() -> list:
    """(exact constant, the ways a rule may compute it in floating point)."""
    from ._make import pi_node
    pi, p, s = pi_node(), math.pi, math.sqrt(math.pi)
    root_pi = _mk("sqrt", pi)
    return [
        (pi, (p,)), (root_pi, (s, p ** 0.5)),
        (_mk("divide", Const(2), root_pi), (2 / s, 2 * p ** -0.5, 2 * (1 / s))),
        (_mk("divide", root_pi, Const(2)), (s / 2, 0.5 * s, p ** 0.5 / 2)),
        (_mk("sqrt", _mk("multiply", Const(2), pi)), (math.sqrt(2 * p),)),
        (_mk("log", Const(2)), (math.log(2),)), (_mk("log", Const(10)), (math.log(10),)),
        (_mk("divide", pi, Const(180)), (p / 180,)),
    ]


def exact(v: float) -> Expr | None:
    """The exact constant that the float ``v`` rounds, if it is one of the table's (or the
    reciprocal or negative of one)."""
    if not _TABLE:
        for node, floats in _constants():
            for f in floats:
                _TABLE.setdefault(f, node)
                _TABLE.setdefault(1 / f, _mk("divide", Const(1), node))
    node = _TABLE.get(abs(v))
    if node is None:
        return None
    return node if v > 0 else _mk("negative", node)
