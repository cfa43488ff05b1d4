"""How products of sines and cosines are spelled: ``sec``, ``csc`` and ``cot``.

The canonical form has no secant, cosecant or cotangent: ``sec(x)`` is parsed as
``1/cos(x)``. Printing spells them back where a product has them, as textbooks do:
``1/cos(u)**k`` is ``sec(u)**k``, ``1/sin(u)**k`` is ``csc(u)**k`` and
``cos(u)**k/sin(u)**k`` is ``cot(u)**k`` (``k`` a positive integer), so that
``tan(x)/cos(x)`` prints ``sec(x)*tan(x)`` and reads back as the same expression. Each
spelling has at most the operations of the quotient it replaces, so the size that the
textbook form minimises (:mod:`._opcount`) counts them the same way.

>>> from chainrule.symbolic import parse, simplify
>>> [simplify(parse(f)) for f in ("tan(x)/cos(x)", "-cos(x)/sin(x)**2", "1/cos(x)**2")]
[sec(x)*tan(x), -csc(x)*cot(x), sec(x)**2]
"""

from __future__ import annotations

from ..core import Primitive

__all__ = ["spell_trig", "NAMES"]

NAMES = ("sec", "csc", "cot")


def _is(e, name: str) -> bool:
    return isinstance(e.op, Primitive) and e.op.name == name


def _int(x) -> bool:
    return x.__class__ is int


def spell_trig(pairs: list) -> tuple[list, list]:
    """``(pairs left, spelled)`` for the factors ``[(base, exponent)]`` of a product
    (a negative exponent is a denominator): ``spelled`` lists ``(name, u, k)`` for
    ``cot(u)**k``, ``sec(u)**k`` and ``csc(u)**k`` taken out, in that order."""
    if not any(_int(x) and x < 0 and (_is(b, "sin") or _is(b, "cos")) for b, x in pairs):
        return pairs, []
    exps = {}
    for i, (b, x) in enumerate(pairs):
        if _int(x) and (_is(b, "sin") or _is(b, "cos")):
            exps[(b.op.name, b.args[0])] = i
    left = list(pairs)
    cot, sec, csc = [], [], []
    for (name, u), i in exps.items():
        j = exps.get(("cos", u))
        if name != "sin" or j is None or left[i][1] >= 0 or left[j][1] <= 0:
            continue
        k = min(-left[i][1], left[j][1])
        left[i] = (left[i][0], left[i][1] + k)
        left[j] = (left[j][0], left[j][1] - k)
        cot.append(("cot", u, k))
    for i, (b, x) in enumerate(left):
        if _int(x) and x < 0 and (_is(b, "sin") or _is(b, "cos")):
            (sec if _is(b, "cos") else csc).append(("sec" if _is(b, "cos") else "csc",
                                                    b.args[0], -x))
            left[i] = (b, 0)
    return [(b, x) for b, x in left if not (_int(x) and x == 0)], sec + csc + cot
