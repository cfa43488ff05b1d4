"""The staged graph: nodes in creation order, shared and simplified as they are built.

Each node is a primitive applied to earlier nodes, an input, or a constant. The graph is
built in topological order (a node's arguments always exist before it), so passes walk
the list forwards or backwards without sorting. Three simplifications happen here:

- **common subexpressions**: a node is hash-consed on (primitive, arguments, parameters),
  so building ``sin(x)`` twice returns the same node;
- **constant folding**: operations whose arguments are all constants never reach the
  graph (they run during tracing, like any NumPy code); identities whose result is exactly
  an argument (``x * 1``, ``x + 0``, ``x - 0``, ``x / 1``, a reshape, cast or broadcast to
  the same shape and dtype, ``-(-x)``, ``stop_gradient``) return that argument;
- **dead code**: :meth:`Graph.live` keeps only the nodes the outputs depend on.

>>> import numpy as np
>>> g = Graph()
>>> x = g.input(np.ones(3), "x")
>>> g.const(1.0) is g.const(1.0)
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import registry

__all__ = ["Node", "Graph", "freeze"]

_PY = (float, int, bool, complex)
_F64 = np.dtype(np.float64)


class Node:
    """One value of the staged program: its operation, arguments, shape and dtype.

    ``kind`` says what Python type the value had while tracing: ``"py"`` for a Python
    scalar, ``"np"`` for a NumPy scalar, ``"arr"`` for an array (``"other"`` otherwise).
    """

    __slots__ = ("op", "args", "params", "shape", "dtype", "kind", "value", "index",
                 "hint")

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d traced array")
        return self.shape[0]

    def __repr__(self) -> str:
        op = self.op if isinstance(self.op, str) else self.op.name
        return f"<traced {op} node #{self.index}: shape={self.shape}, dtype={self.dtype}>"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)


def _describe(node: Node, value: Any) -> None:
    c = value.__class__
    if c is np.ndarray:
        node.shape, node.dtype, node.kind = value.shape, value.dtype, "arr"
    elif c is np.float64:
        node.shape, node.dtype, node.kind = (), _F64, "np"
    elif c is float:
        node.shape, node.dtype, node.kind = (), _F64, "py"
    elif c in _PY:
        node.shape, node.kind = (), "py"
        node.dtype = np.dtype(np.float64 if c is float else np.result_type(value))
    elif isinstance(value, np.generic):
        node.shape, node.dtype, node.kind = (), value.dtype, "np"
    elif isinstance(value, np.ndarray):
        node.shape, node.dtype, node.kind = value.shape, value.dtype, "arr"
    else:
        node.shape, node.dtype, node.kind = np.shape(value), np.dtype(object), "other"


class _Unhashable(Exception):
    pass


def freeze(v: Any) -> Any:
    """A hashable key for a parameter value (arrays by identity: the node keeps them)."""
    c = v.__class__
    if c in _PY or c is str or v is None or v is Ellipsis:
        return (c, repr(v))
    if c is tuple or c is list:
        return (c, tuple(freeze(x) for x in v))
    if c is dict:
        return (dict, tuple((k, freeze(v[k])) for k in sorted(v, key=repr)))
    if c is slice:
        return (slice, freeze(v.start), freeze(v.stop), freeze(v.step))
    if c is np.ndarray:
        return ("array", id(v))
    if isinstance(v, np.generic):
        return ("scalar", v.dtype, v.tobytes())
    try:
        hash(v)
    except TypeError:
        raise _Unhashable from None
    return ("object", v)


def _const_key(v: Any) -> Any:
    c = v.__class__
    if c in _PY:
        return (c, repr(v))
    if isinstance(v, np.generic):
        return ("scalar", v.dtype, v.tobytes())
    if c is np.ndarray and v.size <= 64 and v.dtype.kind in "biufc":
        return ("small", v.shape, v.dtype, v.tobytes())
    return ("id", id(v))


class Graph:
    """Nodes in creation order, with the tables that share them."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.inputs: list[Node] = []
        self._cse: dict = {}
        self._consts: dict = {}
        if not _PRIMS:
            _PRIMS.update(registry())

    def _new(self, op: Any, args: tuple, params: dict, value: Any) -> Node:
        node = Node()
        node.op, node.args, node.params, node.hint = op, args, params, None
        node.value = value if op == "const" else None
        node.index = len(self.nodes)
        _describe(node, value)
        self.nodes.append(node)
        return node

    def input(self, example: Any, name: str) -> Node:
        node = self._new("input", (), {}, example)
        node.hint = name
        self.inputs.append(node)
        return node

    def const(self, value: Any) -> Node:
        key = _const_key(value)
        node = self._consts.get(key)
        if node is None:
            node = self._consts[key] = self._new("const", (), {}, value)
        return node

    def apply(self, prim: Any, args: list, params: dict, ans: Any) -> Node:
        """The node of ``prim(*args, **params)``, whose example value is ``ans``."""
        name = prim.name
        if name in _SIMPLIFIED:
            same = _identity(name, args, params, ans)
            if same is not None:
                return same
            if name == "reshape" and getattr(args[0].op, "name", None) == "reshape":
                return self.apply(prim, [args[0].args[0]], params, ans)  # one reshape
            if name == "add":
                prim, args, params = _scatter_into(prim, args, params, ans)
            if prim.name in ("add", "subtract"):
                prim, args = _absorb_negation(prim, args)
            elif name == "sum":  # sum(-x) is -sum(x), exactly: the sign moves to the
                inner = _negated(args[0])  # smaller array, where a sum can absorb it
                if inner is not None:
                    node = self.apply(prim, [inner], params, -ans)
                    return self.apply(_PRIMS["negative"], [node], {}, ans)
            elif name in ("multiply", "divide"):
                for pos in (0, 1):  # (-a) * b is -(a * b): the sign moves outwards,
                    inner = _negated(args[pos])  # where a sum can absorb it
                    if inner is not None:
                        rest = [inner, args[1]] if pos == 0 else [args[0], inner]
                        node = self.apply(prim, rest, params, -ans)
                        return self.apply(_PRIMS["negative"], [node], {}, ans)
        if len(args) == 1:
            key = (prim, args[0].index)
        elif len(args) == 2:
            key = (prim, args[0].index, args[1].index)
        else:
            key = (prim, *[a.index for a in args])
        if params:
            try:
                key = (key, freeze(params))
            except _Unhashable:
                key = None
        if key is not None:
            node = self._cse.get(key)
            if node is not None:
                return node
        node = self._new(prim, tuple(args), params, ans)
        if key is not None:
            self._cse[key] = node
        return node

    def live(self, outputs: list[Node]) -> list[Node]:
        """The nodes the outputs depend on, in order (dead code removed)."""
        needed = [False] * len(self.nodes)
        for o in outputs:
            needed[o.index] = True
        for node in reversed(self.nodes):
            if needed[node.index]:
                for a in node.args:
                    needed[a.index] = True
        return [n for n in self.nodes if needed[n.index]]


def _is_const(node: Node, number: float) -> bool:
    """Whether a node is a constant whose every element equals ``number``."""
    if node.op != "const" or node.dtype.kind not in "iufc":
        return False
    v = node.value
    if node.kind == "arr":
        return v.size <= 4096 and bool(np.all(v == number))
    return bool(v == number)


def _same_type(node: Node, ans: Any) -> bool:
    """Whether ``ans`` has the node's shape, dtype and Python type (so one can stand for
    the other)."""
    probe = Node()
    _describe(probe, ans)
    return (probe.shape == node.shape and probe.dtype == node.dtype
            and probe.kind == node.kind)


def _basic_index(idx: Any) -> bool:
    return idx.__class__ is tuple and all(
        i.__class__ in (int, slice) or i is None or i is Ellipsis for i in idx)


def _scatter_into(prim: Any, args: list, params: dict, ans: Any) -> tuple:
    """``zeros.at[i].add(v) + q`` is ``q.at[i].add(v)`` when ``q`` has the full shape and
    the result's dtype: the backward pass of ``x[i]`` then accumulates into one array
    instead of adding a fresh array of zeros per element."""
    for pos in (0, 1):
        s, q = args[pos], args[1 - pos]
        op = s.op
        if getattr(op, "name", None) == "index_add" and _is_const(s.args[0], 0) and \
                _basic_index(s.params.get("idx")) and q.op != "const" and \
                q.shape == s.shape and _same_type(q, ans):
            return op, [q, s.args[1]], s.params
    return prim, args, params


def _negated(node: Node) -> Node | None:
    op = node.op
    if op.__class__ is not str and op.name == "negative" and node.dtype.kind in "fc":
        return node.args[0]
    return None


def _absorb_negation(prim: Any, args: list) -> tuple:
    """``x + (-y)`` and ``(-y) + x`` are ``x - y``, and ``x - (-y)`` is ``x + y``: exactly
    (IEEE negation is exact), with the same broadcasting and dtype."""
    x, y = args
    inner = _negated(y)
    if inner is not None:
        return _PRIMS["subtract" if prim.name == "add" else "add"], [x, inner]
    inner = _negated(x)
    if inner is not None and prim.name == "add":
        return _PRIMS["subtract"], [y, inner]
    return prim, args


_PRIMS: dict = {}


def _whole(idx: Any) -> bool:
    """Whether an index takes every element in order (``x[:, 0:3]`` of a 3-column x: the
    caller checks that the shape is unchanged)."""
    return idx.__class__ is tuple and bool(idx) and all(
        i.__class__ is slice and i.step in (None, 1) for i in idx)


_NEUTRAL = {"add": ((0, 0), (1, 0)), "subtract": ((1, 0),), "multiply": ((0, 1), (1, 1)),
            "divide": ((1, 1),)}
_RESHAPES = {"reshape", "broadcast_to", "astype", "transpose", "stop_gradient"}
_SIMPLIFIED = {*_NEUTRAL, *_RESHAPES, "negative", "getitem", "sum"}


def _identity(name: str, args: list, params: dict, ans: Any) -> Node | None:
    """An argument that the result equals exactly, if the operation is an identity here."""
    if name in _NEUTRAL:
        for pos, number in _NEUTRAL[name]:
            other = args[1 - pos]
            if _is_const(args[pos], number) and other.op != "const" and \
                    _same_type(other, ans):
                return other
        return None
    if name in _RESHAPES:
        x = args[0]
        if name == "transpose" and x.ndim > 1 and params.get("axes") != tuple(range(x.ndim)):
            return None
        return x if _same_type(x, ans) else None
    if name == "getitem" and _whole(params.get("idx")):
        return args[0] if _same_type(args[0], ans) else None
    if name == "negative" and getattr(args[0].op, "name", None) == "negative":
        inner = args[0].args[0]
        return inner if _same_type(inner, ans) else None
    return None
