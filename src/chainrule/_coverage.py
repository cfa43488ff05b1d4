"""The README's coverage table, generated from chainrule's own namespaces.

For every public function of ``chainrule.numpy``, ``chainrule.numpy.linalg``,
``chainrule.numpy.fft`` and the ``chainrule.scipy`` namespaces (those that exist, and those
of SciPy only where SciPy is installed), the generator asks chainrule itself whether the
function has a derivative: it calls the function on fixed inputs under reverse mode and
pulls a fixed cotangent back. A primitive is probed on its registry samples, any other
function on small float arrays, integers and (where real inputs give no derivative)
complex arrays chosen from its signature, or on the inputs given in :data:`CALLS`. A
function *has a derivative* when some input gets a nonzero, finite gradient; it is *held
fixed* in an argument that refuses differentiation with ``NotImplementedError`` (orders,
shape parameters, counts). Nothing here keeps a list of functions, so the table cannot go
stale: ``tests/test_coverage_table.py`` compares it with README.md.

Regenerate the README's region with::

    python -m chainrule._coverage --write README.md

>>> info = probe(__import__("chainrule.numpy", fromlist=["sin"]).sin)
>>> info.differentiable, info.held_fixed
(True, False)
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import inspect
import itertools
import sys
import textwrap
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["NAMESPACES", "CALLS", "Probe", "probe", "namespace_functions", "survey", "table",
           "unprobed", "replace_region", "write_readme", "main", "START", "END"]

START = "<!-- coverage:start -->"
END = "<!-- coverage:end -->"

# (module, needs SciPy): listed in this order when the module exists.
NAMESPACES = (
    ("chainrule.numpy", False),
    ("chainrule.numpy.linalg", False),
    ("chainrule.numpy.fft", False),
    ("chainrule.scipy.special", True),
    ("chainrule.scipy.stats", True),
    ("chainrule.scipy.linalg", True),
    ("chainrule.scipy.signal", True),
    ("chainrule.scipy.integrate", True),
)

# A simplex point with distinct entries (also valid probabilities), a point above 1, a
# symmetric positive definite matrix with distinct eigenvalues, an integer and a complex
# vector: inputs most functions take.
def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)  # probes get copies (see _fresh); these stay as written
    return a


_V = _frozen(np.array([0.1, 0.2, 0.3, 0.4]))
_U = _frozen(_V + 1.0)
_M = _frozen(np.array([[4.0, 1.0, 0.5, 0.2], [1.0, 3.0, 0.4, 0.1],
                       [0.5, 0.4, 2.0, 0.3], [0.2, 0.1, 0.3, 1.5]]))
_C = _frozen(_V + 1j * _V[::-1])
_POOL = (_V, _M, 1, _U, _C)


def _decay(y: Any, t: Any) -> Any:
    return -0.5 * y + 0.1 * t


def _at_set(at: Callable, a: Any, v: Any) -> Any:
    return at(a)[1].set(v[0])


# Functions whose signature does not tell how to call them: name -> (args, call). ``call``
# is None for ``f(*args)``; float arrays among ``args`` are the differentiable inputs.
CALLS: dict[str, tuple[tuple, Callable | None]] = {
    "chainrule.numpy.at": ((_V, _U), _at_set),
    "chainrule.numpy.einsum": (("ij,jk->ik", _M, _M), None),
    "chainrule.numpy.cross": ((_V[:3], _U[:3]), None),
    "chainrule.numpy.select": ((_V,), lambda f, x: f([x > 0.25], [2.0 * x])),
    "chainrule.numpy.broadcast_to": ((_V, (3, 4)), None),
    "chainrule.numpy.reshape": ((_M, (2, 8)), None),
    "chainrule.numpy.astype": ((_V, np.float32), None),
    "chainrule.numpy.dsplit": ((_M.reshape(2, 2, 4), 2), None),
    "chainrule.numpy.where": ((_V > 0.25, _V, _U), None),
    "chainrule.numpy.pad": ((_V, 1), None),
    "chainrule.numpy.result_type": ((_V,), lambda f, x: np.zeros(2, f(x, np.float32))),
    "chainrule.scipy.integrate.odeint": ((_V[:2], np.linspace(0.0, 1.0, 3)),
                                         lambda f, y0, t: f(_decay, y0, t)),
    "chainrule.scipy.linalg.solve_banded": (((1, 1), _frozen(np.array(
        [[0.0, 1.0, 0.5, 0.2], [4.0, 3.0, 2.0, 1.5], [1.0, 0.4, 0.3, 0.0]])), _V), None),
    "chainrule.scipy.linalg.cho_solve": ((np.linalg.cholesky(_M), _V),
                                         lambda f, c, b: f((c, True), b)),
}


@dataclass(frozen=True)
class Probe:
    """What the probe found: a derivative in some argument; arguments held fixed; a
    derivative found only on complex inputs; whether any candidate input was accepted."""

    differentiable: bool
    held_fixed: bool
    complex_only: bool = False
    probed: bool = True


def _cotangent(out: Any) -> Any:
    """A fixed cotangent with distinct entries, shaped like each output leaf."""
    from .core import tree_map

    def leaf(o: Any) -> Any:
        a = np.asarray(o)
        w = 1.0 + 0.37 * np.arange(a.size, dtype=float).reshape(a.shape)
        if a.dtype.kind == "c":
            return (w * (1.0 + 0.5j)).astype(a.dtype)
        return w.astype(a.dtype) if a.dtype.kind == "f" else w

    return tree_map(leaf, out)


def _finite_output(out: Any) -> bool:
    from .core import tree_leaves
    for leaf in tree_leaves(out):
        a = np.asarray(leaf)
        if a.dtype.kind in "fc" and not np.all(np.isfinite(a)):
            return False
        if a.dtype == object:
            return False
    return True


def _numeric_positions(args: tuple) -> list[int]:
    """Arguments to differentiate: numbers and numeric arrays, never booleans. Integers are
    probed as floats, to learn whether the function refuses them (held fixed)."""
    out = []
    for i, a in enumerate(args):
        numeric = isinstance(a, (np.ndarray, np.number, int, float, complex))
        if numeric and not isinstance(a, bool) and np.asarray(a).dtype.kind in "iufc":
            out.append(i)
    return out


def _gradient_in(fn: Callable, args: tuple, i: int, call: Callable | None) -> str:
    """'yes' (nonzero finite gradient in ``args[i]``), 'no', or 'refused'."""
    from ._api import vjp

    args = _fresh(args)

    def g(x):
        full = args[:i] + (x,) + args[i + 1:]
        return call(fn, *full) if call else fn(*full)

    x0 = args[i]
    if np.asarray(x0).dtype.kind in "iu":
        x0 = np.asarray(x0, dtype=float)
    try:
        out, pullback = vjp(g, x0)
        (ct,) = pullback(_cotangent(out))
    except NotImplementedError:
        return "refused"
    except Exception:  # noqa: BLE001 (any failure means: no derivative on this input)
        return "no"
    ct = np.asarray(ct)
    return "yes" if np.all(np.isfinite(ct)) and np.any(ct != 0) else "no"


def _fresh(args: tuple) -> tuple:
    """Copies of the array arguments: a probe may write into one (``np.ceil(x, out)``)."""
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _runs(fn: Callable, args: tuple, call: Callable | None) -> bool:
    args = _fresh(args)
    try:
        return _finite_output(call(fn, *args) if call else fn(*args))
    except Exception:  # noqa: BLE001 (a candidate the function does not take)
        return False


def _candidates(fn: Any, name: str) -> list[tuple[tuple, Callable | None]]:
    from .core import Primitive
    if name in CALLS:
        return [CALLS[name]]
    if isinstance(fn, Primitive):
        samples = fn.samples() if fn.samples else []
        own = [(tuple(np.asarray(a) if isinstance(a, float) else a for a in s.args),
                _with_params(s.params)) for s in samples]
        return own + (_pool_combos(len(samples[0].args)) if samples else _any_arity())
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return [((_V,), None)]
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    n = sum(1 for p in params if p.kind in kinds and p.default is inspect.Parameter.empty)
    return _pool_combos(n) if n else _any_arity()


def _any_arity() -> list[tuple[tuple, None]]:
    """For a function whose signature gives no required argument: one, then two."""
    return _pool_combos(1) + _pool_combos(2)


def _with_params(params: dict) -> Callable | None:
    return (lambda f, *args: f(*args, **params)) if params else None


def _pool_combos(n: int) -> list[tuple[tuple, None]]:
    combos = list(itertools.product(_POOL, repeat=min(n, 3)))
    combos.sort(key=_is_complex)  # real inputs first: complex ones only where they fail
    return [(args, None) for args in combos]


def _is_complex(args: tuple) -> bool:
    return any(np.iscomplexobj(a) for a in args if isinstance(a, np.ndarray))


def probe(fn: Any, name: str = "") -> Probe:
    """Whether ``fn`` has a derivative (see the module docstring for how it is decided)."""
    tried = False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for args, call in _candidates(fn, name):
            if not _runs(fn, args, call):
                continue
            tried = True
            found = [_gradient_in(fn, args, i, call) for i in _numeric_positions(args)]
            if "yes" in found:
                return Probe(True, "refused" in found, _is_complex(args))
    return Probe(False, False, probed=tried or not _candidates(fn, name))


def _public(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return sorted(set(names))


def _is_function(obj: Any) -> bool:
    return callable(obj) and not isinstance(obj, (type, types.ModuleType))


def namespace_functions(module: types.ModuleType) -> dict[str, Any]:
    """Public functions of ``module`` by name; members that are groups of functions (a
    submodule of it, or an object such as a distribution) give ``group.function``."""
    out: dict[str, Any] = {}
    for name in _public(module):
        obj = getattr(module, name)
        if isinstance(obj, types.ModuleType):
            separate = obj.__name__ in dict(NAMESPACES)
            if obj.__name__.startswith(module.__name__ + ".") and not separate:
                sub = {n: getattr(obj, n) for n in _public(obj)}
                out.update({f"{name}.{n}": f for n, f in sub.items() if _is_function(f)})
        elif _is_function(obj):
            out[name] = obj
        elif type(obj).__module__.startswith("chainrule"):
            members = [n for n in dir(obj) if not n.startswith("_")]
            out.update({f"{name}.{n}": getattr(obj, n) for n in members
                        if _is_function(getattr(obj, n))})
    return out


def _import(name: str, needs_scipy: bool) -> types.ModuleType | None:
    if needs_scipy and importlib.util.find_spec("scipy") is None:
        return None
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name + ".").startswith(exc.name + "."):
            return None  # the namespace does not exist (yet)
        raise


def survey() -> dict[str, dict[str, Probe]]:
    """``{namespace: {function: Probe}}`` for every namespace that can be imported."""
    result: dict[str, dict[str, Probe]] = {}
    for name, needs_scipy in NAMESPACES:
        module = _import(name, needs_scipy)
        fns = namespace_functions(module) if module is not None else {}
        if fns:  # a namespace with no public function yet is left out
            result[name] = {n: probe(f, f"{name}.{n}") for n, f in fns.items()}
    return result


def _wrap(label: str, names: list[str]) -> str:
    text = f"{label}: " + (", ".join(names) if names else "none") + "."
    return textwrap.fill(text, width=100, break_on_hyphens=False, break_long_words=False)


def table(found: dict[str, dict[str, Probe]] | None = None) -> str:
    """The Markdown that goes between the README's coverage markers."""
    found = survey() if found is None else found
    lines = ["| namespace | functions | with derivatives | without |", "|---|--:|--:|--:|"]
    for ns, probes in found.items():
        n_diff = sum(p.differentiable for p in probes.values())
        lines.append(f"| `{ns}` | {len(probes)} | {n_diff} | {len(probes) - n_diff} |")
    for ns, probes in found.items():
        diff = [n + ("\\*" if p.held_fixed else "") + ("†" if p.complex_only else "")
                for n, p in probes.items() if p.differentiable]
        lines += ["", f"**`{ns}`**", "", _wrap("With derivatives", diff)]
        without = [n for n, p in probes.items() if p.probed and not p.differentiable]
        blind = [n for n, p in probes.items() if not p.probed]
        if without:
            lines += ["", _wrap("No derivative", without)]
        if blind:
            lines += ["", _wrap("Not probed (add to chainrule._coverage.CALLS)", blind)]
    every = [p for probes in found.values() for p in probes.values()]
    if any(p.held_fixed for p in every):
        lines += ["", textwrap.fill(
            "\\* held fixed in some arguments (orders, shape parameters, counts): "
            "differentiating with respect to them raises `NotImplementedError`.", width=100)]
    if any(p.complex_only for p in every):
        lines += ["", "† a derivative for complex inputs only (constant or piecewise constant "
                  "on reals)."]
    return "\n".join(lines)


def unprobed(found: dict[str, dict[str, Probe]]) -> list[str]:
    """Functions the probe could not call: add them to :data:`CALLS`."""
    return [f"{ns}.{n}" for ns, probes in found.items() for n, p in probes.items()
            if not p.probed]


def replace_region(text: str, body: str) -> str:
    """``text`` with the part between the coverage markers replaced by ``body``."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"expected one {START} followed by one {END}")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    return f"{head}{START}\n{body}\n{END}{tail}"


def write_readme(path: str) -> bool:
    """Rewrite the coverage region of the file at ``path``; True if it changed."""
    with open(path, encoding="utf-8") as fh:
        old = fh.read()
    new = replace_region(old, table())
    if new != old:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(new)
    return new != old


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chainrule._coverage",
                                     description="Print or write the README coverage table.")
    parser.add_argument("--write", metavar="README", help="rewrite the marked region")
    ns = parser.parse_args(argv)
    if ns.write:
        changed = write_readme(ns.write)
        print(f"{ns.write}: {'updated' if changed else 'already up to date'}")
    else:
        print(table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
