"""``jit``: trace a function once per input signature and run generated NumPy source.

The signature of a call is the structure of its arguments (pytrees, keyword names), the
shape and dtype (or Python type) of every array leaf, and the values of the static
arguments. A new signature traces the function with :class:`~._stage.JitTrace`, prunes
and emits the graph (:mod:`._graph`, :mod:`._emit`), compiles the source, and caches it;
later calls with that signature only flatten the arguments and call the compiled code.

**Under other transformations.** Called with tracers of ``grad``, ``jvp``, ``vmap``... (as
in ``grad(jit(f))``), or when ``f`` reaches a tracer of an enclosing transformation
through a closure, the function runs uncompiled, through those tracers, so every
transformation sees every primitive and its rules: the result is exactly the
uncompiled one. ``jit(grad(f))`` is the fast composition: there the backward pass is
traced too and compiled with the rest.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import linecache
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core import Tracer, tree_flatten, tree_unflatten
from ._emit import emit, ident
from ._stage import ForeignTracer, JitTrace

__all__ = ["jit", "Jitted"]

_PY_SCALARS = (float, int, bool, complex)
_counter = itertools.count(1)


class _Inline(Exception):
    pass


def _leaf_signature(x: Any, where: str) -> Any:
    c = x.__class__
    if c is np.ndarray:
        return (x.shape, x.dtype)
    if c in _PY_SCALARS:
        return c
    if isinstance(x, np.generic):
        return (c,)
    if isinstance(x, Tracer):
        raise _Inline
    raise TypeError(
        f"jit: {where} holds a {c.__name__} ({x!r:.40}), which is not an array or a "
        "number. Mark that argument static (static_argnums=... or static_argnames=...) "
        "to compile one version per value.")


class _Compiled:
    __slots__ = ("fn", "out_tree", "main", "fallback", "single")

    def __init__(self, fn: Callable, out_tree: Any, main: str, fallback: Any) -> None:
        self.fn, self.out_tree, self.main, self.fallback = fn, out_tree, main, fallback
        self.single = out_tree.kind == "leaf"

    @property
    def source(self) -> str:
        if self.fallback is None:
            return self.main
        return self.main + "\n\n" + self.fallback.text()


class Jitted:
    """A function compiled per input signature; call it like the original.

    Attributes:
        trace_count: how many times the function has been traced (once per signature).
    """

    def __init__(self, f: Callable, static_argnums: int | Sequence[int] = (),
                 static_argnames: str | Sequence[str] = ()) -> None:
        if not callable(f):
            raise TypeError(f"jit expects a function, got {type(f).__name__}")
        functools.update_wrapper(self, f, updated=())  # not f.__dict__: f may be a Jitted
        self.f = f
        self.static_argnums = _as_tuple(static_argnums, int, "static_argnums")
        self.static_argnames = frozenset(_as_tuple(static_argnames, str, "static_argnames"))
        self.params = _positional_names(f)
        self.static_argnames |= {self.params[i] for i in self.static_argnums  # by keyword
                                 if 0 <= i < len(self.params)}
        self.trace_count = 0
        self._cache: dict = {}
        self._flat: dict = {}  # positional arrays and floats only: signature -> entry
        self._simple = not (self.static_argnums or self.static_argnames)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        flat = None
        if self._simple and not kwargs:  # the common case, without flattening pytrees
            flat = []
            for a in args:
                c = a.__class__
                if c is np.ndarray:
                    flat.append((a.shape, a.dtype))
                elif c is float:
                    flat.append(c)
                else:
                    flat = None
                    break
            if flat is not None:
                flat = tuple(flat)
                entry = self._flat.get(flat)
                if entry is not None:
                    out = entry.fn(*args)
                    return out[0] if entry.single else \
                        tree_unflatten(entry.out_tree, list(out))
        try:
            key, leaves, dyn = self._key(args, kwargs)
        except _Inline:
            return self.f(*args, **kwargs)
        entry = self._cache.get(key)
        if entry is None:
            try:
                entry = self._compile(key, leaves, dyn, args, kwargs)
            except ForeignTracer:
                return self.f(*args, **kwargs)
        if flat is not None:
            self._flat[flat] = entry
        return tree_unflatten(entry.out_tree, list(entry.fn(*leaves)))

    def source(self, *args: Any, **kwargs: Any) -> str:
        """The generated NumPy source for arguments like these (compiling it if needed)."""
        try:
            key, leaves, dyn = self._key(args, kwargs)
        except _Inline:
            raise TypeError("jit(f).source needs arrays or numbers, not traced values") \
                from None
        entry = self._cache.get(key)
        if entry is None:
            entry = self._compile(key, leaves, dyn, args, kwargs)
        return entry.source

    def _static(self, args: tuple) -> tuple:
        n = len(args)
        nums = set()
        for i in self.static_argnums:
            if n <= i < len(self.params):
                continue  # passed by keyword (a static name too), or left to its default
            if not -n <= i < n:
                raise ValueError(f"jit: static_argnums has {i}, but the call has {n} "
                                 "positional argument(s)")
            nums.add(i % n)
        for i, name in enumerate(self.params[:n]):
            if name in self.static_argnames:
                nums.add(i)
        return tuple(sorted(nums))

    def _key(self, args: tuple, kwargs: dict) -> tuple:
        nums = self._static(args) if (self.static_argnums or self.static_argnames) else ()
        statics = tuple((i, args[i]) for i in nums) + tuple(
            (k, kwargs[k]) for k in sorted(kwargs) if k in self.static_argnames)
        for where, v in statics:
            try:
                hash(v)
            except TypeError:
                raise TypeError(
                    f"jit: the static argument {where!r} is a {type(v).__name__}, which is "
                    "not hashable, so compiled versions cannot be looked up by its value. "
                    "Pass a tuple instead of a list (or a frozen object), or make it a "
                    "dynamic argument.") from None
        dyn_args = tuple(a for i, a in enumerate(args) if i not in nums)
        dyn_kwargs = {k: v for k, v in kwargs.items() if k not in self.static_argnames}
        leaves, tree = tree_flatten((dyn_args, dyn_kwargs))
        sig = tuple(_leaf_signature(x, "an argument") for x in leaves)
        return (tree, sig, nums, statics), leaves, (dyn_args, dyn_kwargs, nums)

    def _compile(self, key: tuple, leaves: list, dyn: tuple, args: tuple,
                 kwargs: dict) -> _Compiled:
        dyn_args, dyn_kwargs, nums = dyn
        names = _leaf_names(self.params, [i for i in range(len(args)) if i not in nums],
                            dyn_args, dyn_kwargs)
        trace = JitTrace()
        try:
            inputs = [trace.new_input(x, n) for x, n in zip(leaves, names)]
            tree = tree_flatten((dyn_args, dyn_kwargs))[1]
            new_args, new_kwargs = tree_unflatten(tree, inputs)
            it = iter(new_args)
            call_args = [args[i] if i in nums else next(it) for i in range(len(args))]
            call_kwargs = {k: kwargs[k] if k in self.static_argnames else new_kwargs[k]
                           for k in kwargs}
            self.trace_count += 1
            out = self.f(*call_args, **call_kwargs)
            out_leaves, out_tree = tree_flatten(out)
            out_nodes = [trace.output(o) for o in out_leaves]
        finally:
            trace.close()
        graph = trace.graph
        by_index = {n.index: name for n, name in zip(graph.inputs, names)}
        fname = ident(getattr(self.f, "__name__", None))
        if fname is None or fname in names:
            fname = "compiled" if "compiled" not in names else "compiled_fn"
        src, ns, fallback = emit(graph.live(out_nodes), out_nodes, graph.inputs, by_index,
                                 fname)
        filename = f"<chainrule.jit {fname} #{next(_counter)}>"
        exec(compile(src, filename, "exec"), ns)  # safe: our own source, fresh dict (_emit)
        linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
        entry = _Compiled(ns[fname], out_tree, src, fallback)
        self._cache[key] = entry
        return entry


def _as_tuple(v: Any, kind: type, what: str) -> tuple:
    t = (v,) if isinstance(v, kind) else tuple(v)
    for x in t:
        if not isinstance(x, kind):
            raise TypeError(f"jit: {what} must hold {kind.__name__}s, got {x!r}")
    return t


def _positional_names(f: Callable) -> list:
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        return []
    return [p.name for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _leaf_names(params: list, positions: list, dyn_args: tuple, dyn_kwargs: dict) -> list:
    """A unique, safe name per input leaf: the parameter's name when it is a valid
    identifier (``arg0``... otherwise), followed by the leaf's path in a pytree (dict keys
    that are valid identifiers, else positions): ``params_W1``, ``layers_0_1``."""
    out: list = []
    groups = [(params[i] if i < len(params) else None, a, f"arg{i}")
              for i, a in zip(positions, dyn_args)]
    groups += [(k, dyn_kwargs[k], "kwarg") for k in sorted(dyn_kwargs)]
    taken: set = set()
    for name, value, fallback in groups:
        base = ident(name) or fallback
        for path in _paths(value):
            cand = "_".join([base, *path])
            if cand in taken or ident(cand) is None:
                cand = f"x{len(taken)}"
            taken.add(cand)
            out.append(cand)
    return out


def _paths(tree: Any) -> list:
    """For each leaf of ``tree`` (in flattening order), the parts of its name."""
    if tree is None:
        return []
    if isinstance(tree, dict):
        return [[ident(str(k)) if isinstance(k, str) and ident(k) else str(i), *p]
                for i, k in enumerate(sorted(tree)) for p in _paths(tree[k])]
    if isinstance(tree, (tuple, list)):
        return [[str(i), *p] for i, c in enumerate(tree) for p in _paths(c)]
    return [[]]


def jit(f: Callable | None = None, *, static_argnums: int | Sequence[int] = (),
        static_argnames: str | Sequence[str] = ()) -> Any:
    """Compile ``f`` to straight-line NumPy source, once per input signature.

    Args:
        f: a function of arrays, numbers and pytrees of them, written with
            ``chainrule.numpy``; it may apply ``grad``, ``value_and_grad``, ``hessian``,
            ``jvp``... inside, and those are compiled too.
        static_argnums: positions of arguments that are not arrays (sizes, flags,
            options): each value gets a version of its own, so they must be hashable.
        static_argnames: the same, by keyword name.

    ``jit(f).source(*args)`` returns the generated source. Python control flow on traced
    values (``if x > 0``) raises :class:`TracedValueError`; use ``cnp.where`` or a static
    argument.

    >>> import chainrule.numpy as cnp
    >>> f = jit(lambda x: cnp.sin(x) * cnp.sin(x))
    >>> print(f.source(np.ones(3)))
    def compiled(x):
        sin_1 = np.sin(x)
        multiply_2 = np.multiply(sin_1, sin_1, out=sin_1)
        return (multiply_2,)
    <BLANKLINE>
    >>> float(f(0.5)) == float(cnp.sin(0.5) ** 2)
    True
    """
    if f is None:
        return functools.partial(jit, static_argnums=static_argnums,
                                 static_argnames=static_argnames)
    return Jitted(f, static_argnums, static_argnames)
