"""Symbolic expressions: a staged graph of chainrule primitives.

An :class:`Expr` is a tracer of the *staging* trace, which is the outermost of all traces
(token 0) and never closes. Binding a primitive on expressions builds a node instead of
computing a number, so Python operators and ``chainrule.numpy`` functions applied to
:class:`Symbol` objects build the same graph as the formula parser. Differentiation then
runs the primitives' own jvp rules on these nodes.

Nodes are hash-consed: building the same node twice returns the same object, so a shared
subexpression is stored once and ``is`` is structural equality. Construction does only
light, always-valid simplification (constants folded, ``0`` and ``1`` dropped); the full
canonical form is :func:`chainrule.symbolic.simplify`.

>>> from chainrule.symbolic import symbols
>>> import chainrule.numpy as cnp
>>> x, y = symbols("x y")
>>> (x * cnp.sin(x)) is (x * cnp.sin(x))
True
"""

from __future__ import annotations

import contextvars
import math
import weakref
import zlib
from fractions import Fraction
from numbers import Number
from typing import Any

import numpy as np

from ..core import Primitive, Trace, Tracer, registry
from ..core.budget import _ACTIVE

__all__ = ["Expr", "Symbol", "Const", "symbols", "const", "make", "is_const", "STAGE",
           "walk_postorder"]

from ._numbers import Exact  # noqa: F401 (re-exported: exact number types)


class StageTrace(Trace):
    """The trace that builds expression nodes; outermost, and always open."""

    __slots__ = ()

    def __init__(self) -> None:
        self.token = 0
        self.alive = True

    def process(self, prim: Primitive, args: tuple, params: dict) -> Expr:
        return make(prim, tuple(_lift(a) for a in args), params)

    def close(self) -> None:  # the staging trace never closes
        pass


STAGE = StageTrace()


_REPR_TREE = 100_000  # larger trees are shown with their shared parts named
_LATEX_TREE = 2_000  # larger trees are shown as text in notebooks


class Expr(Tracer):
    """A node of the expression graph: a primitive applied to expressions, a symbol or a
    constant. Compare with ``is``; use ``str(e)`` or :func:`latex` to print."""

    __slots__ = ("op", "args", "params", "_key", "_hash", "cache", "tree_size", "shash",
                 "__weakref__")
    shape = ()
    ndim = 0
    size = 1
    dtype = np.dtype(np.float64)

    def __hash__(self) -> int:
        return self._hash

    def __repr__(self) -> str:
        from .printing import to_str, to_str_shared
        if self.tree_size > _REPR_TREE:  # would be huge as one line: name shared parts
            return to_str_shared(self)
        return to_str(self)

    __str__ = __repr__

    def _repr_latex_(self) -> str | None:
        """Typeset in a notebook (as text beyond a size where LaTeX would not help)."""
        from .printing import latex
        return None if self.tree_size > _LATEX_TREE else f"${latex(self)}$"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __bool__(self) -> bool:
        raise TypeError(f"the truth value of the symbolic expression {self} is unknown; "
                        "substitute numbers first (expr.subs(...) or evaluate(...))")

    @property
    def is_symbol(self) -> bool:
        return self.op == "sym"

    @property
    def is_const(self) -> bool:
        return self.op == "const"

    @property
    def name(self) -> str:
        if self.op == "sym":
            return self.args[0]
        return self.op.name if isinstance(self.op, Primitive) else str(self.value)

    def free_symbols(self) -> set:
        """The symbols this expression depends on."""
        out, seen, stack = set(), set(), [self]
        while stack:
            e = stack.pop()
            if id(e) in seen:
                continue
            seen.add(id(e))
            if e.op == "sym":
                out.add(e)
            elif isinstance(e.op, Primitive):
                stack.extend(e.args)
        return out

    def subs(self, mapping: dict) -> Expr:
        from .calculus import subs
        return subs(self, mapping)


_TABLE: dict = {}  # structural key -> weak reference to the one node with that structure
_OP_HASH: dict = {}


def _forget(key: tuple) -> None:
    ref = _TABLE.get(key)
    if ref is not None and ref() is None:
        del _TABLE[key]


def _intern(op: Any, args: tuple, params: tuple, value: Any = None) -> Expr:
    if op == "const":
        key = ("const", type(value), value)
    elif op == "sym":
        key = ("sym", args[0])
    else:
        key = (id(op), params, *map(id, args))
    ref = _TABLE.get(key)
    if ref is not None:
        found = ref()
        if found is not None:
            return found
    e = Expr.__new__(Expr)
    e._trace = STAGE
    e.value = value
    e.op = op
    e.args = args
    e.params = params
    e._key = key
    e._hash = hash(key)
    e.cache = None
    active = _ACTIVE.get()
    if active is not None:  # charge the running entry point's budget (core/budget.py)
        active.used += 1
        if active.used > active.nodes or not active.used & 1023:
            active.charge(0, "building expressions")  # raises past the node limit
            active.check_time("building expressions")
    if isinstance(op, str):  # size and a hash that is the same in every process
        e.tree_size = 1
        e.shash = zlib.crc32(f"{op}:{args[0] if args else repr(value)}".encode())
    else:
        h = _OP_HASH.get((key[0], params))
        if h is None:
            h = _OP_HASH[key[0], params] = zlib.crc32(f"{op.name}{params}".encode())
        size = 1
        for a in args:
            h = ((h * 1000003) ^ a.shash) & 0xFFFFFFFFFFFF
            size += a.tree_size
        e.tree_size = min(size, 10**12)
        e.shash = h
    _TABLE[key] = weakref.ref(e, lambda _, key=key: _forget(key))
    return e


def Symbol(name: str) -> Expr:  # noqa: N802 (reads like a class, as in SymPy)
    """A symbol, unique by name."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"a symbol name must be an identifier, got {name!r}")
    return _intern("sym", (name,), ())


def symbols(names: str) -> tuple:
    """Several symbols from a space- or comma-separated string: ``symbols("x y")``."""
    return tuple(Symbol(n) for n in names.replace(",", " ").split())


def _normalize_number(v: Any) -> Any:
    """Exact where possible: ints and dyadic floats (0.5, 2.0) become int or Fraction."""
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, Fraction):
        return int(v) if v.denominator == 1 else v
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isfinite(v) and abs(v) < 2**53 and (v * 1024).is_integer():
            f = Fraction(v)
            return int(f) if f.denominator == 1 else f
        return v
    if isinstance(v, int):
        return v
    raise TypeError(f"cannot use {v!r} of type {type(v).__name__} in a symbolic expression")


def Const(v: Any) -> Expr:  # noqa: N802
    """A numeric constant; exact (int or Fraction) when the value allows."""
    return _intern("const", (), (), _normalize_number(v))


const = Const


def as_expr(x: Any) -> Expr:
    if isinstance(x, Expr):
        return x
    if isinstance(x, np.ndarray):
        if x.ndim == 0:
            return Const(x[()])
        raise TypeError("symbolic expressions are scalars; got an array of shape "
                        f"{x.shape}")
    if isinstance(x, Number) or isinstance(x, np.generic):
        return Const(x)
    raise TypeError(f"cannot use {x!r} in a symbolic expression")


IN_RULES = contextvars.ContextVar("chainrule_symbolic_in_rules", default=False)


def _lift(x: Any) -> Expr:
    """``as_expr(x)``, except that while rules run (``IN_RULES``) a float rounding a known
    constant becomes that exact constant (:mod:`._exact_floats`)."""
    if isinstance(x, Expr):
        return x
    if isinstance(x, float) and IN_RULES.get():
        from ._exact_floats import exact
        e = exact(x)
        if e is not None:
            return e
    return as_expr(x)


def is_const(e: Expr, value: Any = None) -> bool:
    return e.op == "const" and (value is None or e.value == value)


# ---------------------------------------------------------------------------------------
# Light simplification at construction: constant folding and identity elements.

_P = registry()


def make(prim: Primitive, args: tuple, params: dict) -> Expr:
    """The node ``prim(*args, **params)``, lightly simplified and hash-consed.

    Every new node is charged to the active budget (:mod:`chainrule.core.budget`).
    """
    same = _light(prim, args, params)
    if same is not None:
        return same
    return _intern(prim, args, tuple(sorted(params.items())) if params else ())


def walk_postorder(e: Expr) -> list:
    """The nodes of ``e``, each once, every node after its arguments."""
    order, seen, stack = [], set(), [(e, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        if isinstance(node.op, Primitive):
            stack.extend((a, False) for a in reversed(node.args))
    return order


from ._make import light as _light  # noqa: E402 (it builds nodes with the functions above)
