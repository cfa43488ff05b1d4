"""Straight-line NumPy source from a staged graph.

**Why the generated code can contain no user text.** The source is assembled from four
kinds of pieces only: the templates of :mod:`chainrule.compile._templates` (fixed strings
in chainrule), names, literals, and punctuation. Every name is either generated here
(``sin_3``, ``const_2``, ``power_impl``), a registry primitive's name, or a name of the
user's arguments that matched ``[A-Za-z][A-Za-z0-9_]{0,39}`` and is not a Python keyword
(otherwise it becomes ``arg0``...); :func:`ident` checks each one. Constant operands
(numbers and arrays alike) are never written as text: they travel in the namespace the
source is executed in, under a generated name (``const_1``), as do parameters that are
not plain structure. Structural parameters (``axis=(0,)``, ``keepdims=False``, an index
``x[1:3, 0]``) are written only when their exact type is ``bool``, ``int`` (or a NumPy
integer, written as ``repr(int(v))``), ``None``, or a slice or tuple of those, with
``repr``, which for these types prints only digits, ``-``, ``True``/``False``/``None`` and
punctuation. The source is compiled with :func:`compile` and run
in a fresh dictionary holding that namespace and nothing else.

>>> ident("x_1"), ident("__import__('os')") is None
('x_1', True)
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any

import numpy as np

from ._graph import Node
from ._templates import INPLACE, SCALAR, TEMPLATES

__all__ = ["emit", "ident", "literal"]

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")
_FIELD = re.compile(r"\{(\w+)\}")
_RESERVED = {"np", "math", "float"}


def ident(name: Any) -> str | None:
    """``name`` if it is safe to write as a Python identifier in generated code, else None."""
    if name.__class__ is str and _NAME.fullmatch(name) and not keyword.iskeyword(name) \
            and name not in _RESERVED:
        return name
    return None


def literal(v: Any) -> str | None:
    """Python source for ``v`` if its exact type makes that safe, else None."""
    c = v.__class__
    if v is None or c is bool:
        return repr(v)
    if c is int or isinstance(v, np.integer):  # a NumPy integer is written as its int
        text = repr(int(v))
        return f"({text})" if text.startswith("-") else text
    if c is slice:
        parts = [literal(p) for p in (v.start, v.stop, v.step)]
        return None if None in parts else f"slice({', '.join(parts)})"
    if c is tuple and len(v) <= 16:
        parts = [literal(p) for p in v]
        if None in parts:
            return None
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    return None


def _index_text(idx: Any, value) -> str:
    """The text between the brackets of ``x[...]``: literal parts, or closure names."""
    if idx.__class__ is not tuple:
        return value(idx)
    if not idx:
        return "()"
    parts = []
    for p in idx:
        if p.__class__ is slice and literal(p) is not None:
            a, b, c = ("" if q is None else literal(q) for q in (p.start, p.stop, p.step))
            parts.append(f"{a}:{b}" + (f":{c}" if c else ""))
        elif p is Ellipsis:
            parts.append("...")
        else:
            parts.append(value(p))
    return ", ".join(parts) + ("," if len(idx) == 1 and idx[0] is Ellipsis else "")


class _Names:
    """Unique names: temporaries numbered in order of computation (``sin_3``), other
    names plain when free (``sin_impl``), else numbered by their own counter."""

    def __init__(self, taken: set) -> None:
        self.taken = set(taken) | _RESERVED
        self.count = 0
        self.counts: dict = {}

    def fresh(self, base: str, temp: bool = False) -> str:
        base = ident(base) or "t"
        if not temp and base not in self.taken and not base.startswith("const"):
            self.taken.add(base)
            return base
        while True:
            if temp:
                self.count += 1
                k = self.count
            else:
                k = self.counts[base] = self.counts.get(base, 0) + 1
            name = f"{base}_{k}"
            if name not in self.taken:
                self.taken.add(name)
                return name


_F64 = np.dtype(np.float64)


def _fast_ok(nodes: list[Node]) -> bool:
    """Whether float64 scalars may be computed with ``math`` (a float64-only program,
    where Python floats and NumPy float64 scalars promote alike)."""
    useful = False
    for n in nodes:
        d = n.dtype
        if d is not _F64 and (d.kind in "cOV" or (d.kind == "f" and d != _F64)):
            return False
        if not useful and not isinstance(n.op, str):
            form = _scalar_form(n)
            useful = (form is not None and form != TEMPLATES.get(n.op.name)) or \
                n.kind == "py" or _listable(n)
    return useful


def _scalar_form(n: Node) -> str | None:
    if isinstance(n.op, str) or n.shape != () or n.dtype != _F64:
        return None
    if any(a.shape != () or a.dtype.kind not in "biuf" for a in n.args):
        return None
    return SCALAR.get(n.op.name)


def _listable(n: Node) -> bool:
    """``x[i]`` of a float64 vector, read from ``x.tolist()`` in the ``math`` variant."""
    if getattr(n.op, "name", None) != "getitem":
        return False
    idx, x = n.params.get("idx"), n.args[0]
    return (idx.__class__ is tuple and len(idx) == 1 and idx[0].__class__ is int
            and x.ndim == 1 and x.dtype == _F64 and x.kind == "arr")


def _basic(idx: Any) -> bool:
    return idx.__class__ is tuple and all(
        i.__class__ in (int, slice) or i is None or i is Ellipsis for i in idx)


class _Emitter:
    """One variant of the source: ``fast`` uses ``math`` on float64 scalars."""

    def __init__(self, nodes: list[Node], outputs: list[Node], inputs: list[Node],
                 names: dict, namespace: dict, fast: bool) -> None:
        self.nodes, self.outputs, self.fast = nodes, outputs, fast
        self.ns = namespace
        self.names = _Names(set(names.values()) | set(namespace))
        self.name = {n.index: names[n.index] for n in inputs}
        self.lines: list[str] = []
        self.lists: dict = {}
        self.ids: dict = {}
        self.last, self.fresh = _lifetimes(nodes, outputs)

    def value(self, v: Any, base: str = "const", param: bool = True) -> str:
        """A parameter as a literal where that is safe, else (and every operand
        constant) as a name in the namespace."""
        text = literal(v) if param else None
        if text is not None:
            return text
        key = self.ids.get((id(v), base))  # the same object twice gets one name
        if key is None:
            key = self.ids[id(v), base] = self.names.fresh(base)
            self.ns[key] = v
        return key

    def arg(self, n: Node) -> str:
        name = self.name.get(n.index)
        if name is None:  # a constant: float64 scalars are Python floats for ``math``
            v = n.value
            if self.fast and n.shape == () and n.dtype == _F64 and v.__class__ is not float:
                v = float(v)
            name = self.name[n.index] = self.value(v, param=False)
        return name

    def run(self) -> None:
        for n in self.nodes:
            if n.op == "const" or n.op == "input":
                continue
            name = self.names.fresh(n.op.name, temp=True)
            if n.op.name == "index_add" and self._scatter(n, name):
                continue
            self.lines.append(f"{name} = {self.expr(n)}")
            self.name[n.index] = name

    def expr(self, n: Node) -> str:
        prim, args = n.op, [self.arg(a) for a in n.args]
        if self.fast:
            form = _scalar_form(n)
            if form is not None:
                return form.format(*args)
            if _listable(n):
                return f"{self._list(n.args[0])}[{literal(n.params['idx'][0])}]"
        if all(a.kind == "py" for a in n.args if a.op != "const"):
            return self._impl(n, args)  # Python scalars: the engine's own fast paths
        inplace = self._inplace(n, args)
        if inplace is not None:
            return inplace
        template = TEMPLATES.get(prim.name)
        fields = set(_FIELD.findall(template or "")) - {str(i) for i in range(len(args))}
        if template is None or fields != set(n.params):
            return self._impl(n, args)
        params = {k: (_index_text(v, self.value) if k == "idx" else self.value(v))
                  for k, v in n.params.items()}
        return template.format(*args, **params)

    def _impl(self, n: Node, args: list) -> str:
        fn = self.value(n.op.impl, base=f"{n.op.name}_impl")
        if not all(ident(k) for k in n.params):
            fn = self.value(_Bound(n.op.impl, n.params), base=f"{n.op.name}_impl")
            return f"{fn}({', '.join(args)})"
        params = "".join(f", {k}={self.value(v)}" for k, v in n.params.items())
        return f"{fn}({', '.join(args)}{params})"

    def _owned(self, a: Node, n: Node) -> bool:
        """Whether ``n`` may overwrite the array of its argument ``a``."""
        return (self.fresh[a.index] and self.last.get(a.index) == n.index and
                a.shape == n.shape and a.dtype == n.dtype)

    def _inplace(self, n: Node, args: list) -> str | None:
        """``np.ufunc(a, b, out=a)`` when ``a`` is a temporary array used last here."""
        ufunc = INPLACE.get(n.op.name)
        if ufunc is None or n.kind != "arr" or not n.shape:
            return None
        for i, a in enumerate(n.args):
            if self._owned(a, n):
                return f"np.{ufunc}({', '.join(args)}, out={args[i]})"
        return None

    def _scatter(self, n: Node, name: str) -> bool:
        """``x[idx] += v``: in place when ``x`` is a temporary used last here, else on a
        copy of ``x``."""
        x, v = n.args
        idx = n.params.get("idx")
        if not (_basic(idx) and x.kind == "arr" and x.shape == n.shape and
                x.dtype == n.dtype):
            return False
        copy = "" if self._owned(x, n) else ".copy()"
        self.lines.append(f"{name} = {self.arg(x)}{copy}")
        self.lines.append(f"{name}[{_index_text(idx, self.value)}] += {self.arg(v)}")
        self.name[n.index] = name
        return True

    def _list(self, x: Node) -> str:
        name = self.lists.get(x.index)
        if name is None:
            name = self.lists[x.index] = self.names.fresh(f"{self.arg(x)}_list")
            self.lines.append(f"{name} = {self.arg(x)}.tolist()")
        return name

    def result(self, n: Node) -> str:
        if n.op == "const":
            text = self.value(n.value, param=False)
            return f"{text}.copy()" if n.kind == "arr" else text  # never the closure's own
        text = self.arg(n)
        if self.fast and n.shape == () and n.dtype == _F64 and n.op != "input":
            return f"np.float64({text})" if n.kind == "np" else f"float({text})"
        return text


class _Bound:
    """``impl`` with parameters whose names cannot be written as keywords."""

    def __init__(self, impl: Any, params: dict) -> None:
        self.impl, self.params = impl, params

    def __call__(self, *args: Any) -> Any:
        return self.impl(*args, **self.params)


_CREATES = {*INPLACE, "matmul", "index_add"}


def _lifetimes(nodes: list[Node], outputs: list[Node]) -> tuple[dict, dict]:
    """For each temporary array, the index of the last node that may read it (through
    views too); and which nodes hold a fresh array of their own."""
    fresh = {}
    roots: dict = {}
    last: dict = {}
    for n in nodes:
        if isinstance(n.op, str):
            roots[n.index] = ()
            fresh[n.index] = False
            continue
        for a in n.args:
            for r in roots[a.index]:
                last[r] = n.index
        creates = n.kind == "arr" and n.op.name in _CREATES
        fresh[n.index] = creates
        roots[n.index] = (n.index,) if creates else \
            tuple({r for a in n.args for r in roots[a.index]})
    for o in outputs:
        for r in roots[o.index]:
            last[r] = len(nodes) + 10**9
    return last, fresh


class _Fallback:
    """The NumPy variant, emitted and compiled the first time ``math`` refuses."""

    def __init__(self, name: str, make_source: Any, ns: dict) -> None:
        self.name, self.make_source, self.ns, self.src = name, make_source, ns, None

    def text(self) -> str:
        if self.src is None:
            self.src = self.make_source()
        return self.src

    def __call__(self, *args: Any) -> Any:
        exec(compile(self.text(), f"<chainrule.jit {self.name}>", "exec"), self.ns)  # safe: ours
        return self.ns[self.name](*args)  # the name now holds the compiled function


def emit(nodes: list[Node], outputs: list[Node], inputs: list[Node], names: dict,
         fname: str) -> tuple[str, dict, _Fallback | None]:
    """Source defining ``fname(*inputs)`` that returns the outputs as a tuple, the
    namespace to execute it in, and the NumPy fallback of a ``math`` variant (or None).
    ``names`` maps input node indices to their (validated) names."""
    ns: dict = {"np": np, "math": math}
    params = ", ".join(names[n.index] for n in inputs)

    def numpy_source(name: str) -> str:
        exact = _Emitter(nodes, outputs, inputs, names, ns, fast=False)
        exact.run()
        return _function(name, params, exact, outputs)

    if not _fast_ok(nodes):
        return numpy_source(fname), ns, None
    fast = _Emitter(nodes, outputs, inputs, names, ns, fast=True)
    slow = fast.names.fresh(f"{fname}_numpy")
    fallback = ns[slow] = _Fallback(slow, lambda: numpy_source(slow), ns)
    fast.run()
    return _function(fname, params, fast, outputs, fallback=f"{slow}({params})"), ns, fallback


def _function(fname: str, params: str, em: _Emitter, outputs: list[Node],
              fallback: str = "") -> str:
    results = [em.result(o) for o in outputs]
    ret = "return (" + ", ".join(results) + ("," if len(results) == 1 else "") + ")"
    body = em.lines + [ret]
    if fallback:
        body = (["try:"] + [f"    {line}" for line in body] +
                ["except (ArithmeticError, ValueError):  # math refused: NumPy's answer",
                 f"    return {fallback}"])
    return f"def {fname}({params}):\n" + "".join(f"    {line}\n" for line in body)
