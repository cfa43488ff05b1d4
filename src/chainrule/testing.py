"""``check_grads``: compare automatic derivatives with finite differences, to any order.

For a random direction ``v`` in input space and ``u`` in output space, the checker
compares the inner product ``<u, J v>`` computed three ways: from ``jvp`` (forward mode),
from ``vjp`` (reverse mode, as ``<J^T u, v>``) and from a fourth-order central difference
of ``f`` along ``v``. For ``order > 1`` it then checks the derivative functions themselves
the same way, so a wrong second-order rule is caught too. Inputs are checked in float64.

>>> import chainrule.numpy as cnp
>>> check_grads(lambda x: cnp.sin(x) * x, (0.7,), order=2)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._api import jvp, vjp
from .core import tree_flatten, tree_map, tree_unflatten

__all__ = ["check_grads", "sample_function"]


def _to64(x: Any) -> Any:
    arr = np.asarray(x)
    if np.issubdtype(arr.dtype, np.floating) and arr.dtype != np.float64:
        return arr.astype(np.float64)
    if np.issubdtype(arr.dtype, np.complexfloating) and arr.dtype != np.complex128:
        return arr.astype(np.complex128)
    return x


def _random_like(tree: Any, rng: np.random.Generator) -> Any:
    def one(x: Any) -> Any:
        v = rng.standard_normal(np.shape(x))
        if np.iscomplexobj(x):
            v = v + 1j * rng.standard_normal(np.shape(x))
        return v
    return tree_map(one, tree)


def _inner(a: Any, b: Any) -> float:
    """``Re(sum(a * b))``: the bilinear pairing for which chainrule's vjp rules are the
    transposes of its jvp rules, complex values included (JAX's convention)."""
    la, lb = tree_flatten(a)[0], tree_flatten(b)[0]
    return float(sum(np.real(np.sum(np.asarray(x) * np.asarray(y)))
                     for x, y in zip(la, lb)))


def _conj(tree: Any) -> Any:
    return tree_map(np.conjugate, tree)


def _axpy(alpha: float, v: Any, x: Any) -> Any:
    leaves_v, _ = tree_flatten(v)
    leaves_x, tree = tree_flatten(x)
    return tree_unflatten(tree, [np.asarray(xi) + alpha * vi
                                 for xi, vi in zip(leaves_x, leaves_v)])


def numerical_jvp(f: Callable, args: tuple, v: tuple, eps: float) -> Any:
    """``J v`` by the fourth-order central difference along ``v``."""
    def at(h):
        return f(*_axpy(h, v, args))
    f1, f_1, f2, f_2 = at(eps), at(-eps), at(2 * eps), at(-2 * eps)
    return tree_map(
        lambda a, b, c, d: (8 * (np.asarray(a) - np.asarray(b)) - (np.asarray(c) - np.asarray(d)))
        / (12 * eps), f1, f_1, f2, f_2)


def sample_function(prim: Any, sample: Any, dtype: Any = None) -> tuple[Callable, tuple]:
    """A primitive at one of its :class:`~chainrule.core.Sample` inputs, as a function of
    the float arguments alone (the others, such as boolean masks, stay fixed), and those
    arguments (cast to ``dtype`` if given): ready for :func:`check_grads`.

    >>> from chainrule.core import registry
    >>> where = registry()["where"]
    >>> f, xs = sample_function(where, where.samples()[0])
    >>> len(xs), check_grads(f, xs, order=1)
    (2, None)
    """
    args = sample.args
    floats = [i for i, a in enumerate(args) if np.issubdtype(np.asarray(a).dtype, np.inexact)]

    def f(*xs: Any) -> Any:
        full = list(args)
        for i, x in zip(floats, xs):
            full[i] = x
        return prim.bind(*full, **sample.params)

    xs = tuple(args[i] for i in floats)
    if dtype is not None:
        xs = tuple(np.asarray(x, dtype) for x in xs)
    return f, xs


def check_grads(f: Callable, args: Sequence, modes: Sequence[str] = ("fwd", "rev"),
                order: int = 2, *, eps: float = 1e-3, rtol: float = 1e-6,
                atol: float = 1e-7, seed: int = 0) -> None:
    """Raise ``AssertionError`` if ``f``'s derivatives disagree with finite differences.

    Args:
        f: function of float (or complex) arrays, or pytrees of them, returning a pytree of
            arrays. Complex inputs are perturbed in complex directions, and ``<u, w>`` is
            ``Re(sum(u * w))``, the pairing that makes vjp the transpose of jvp.
        args: the point to check at, as a tuple of positional arguments.
        modes: ``"fwd"`` to check ``jvp``, ``"rev"`` to check ``vjp``.
        order: check derivatives up to this order (derivatives of derivatives...).
        eps, rtol, atol: finite-difference step and tolerances on ``<u, J v>``.
    """
    prim = getattr(f, "__self__", None)  # prim.bind: the primitive's name
    name = getattr(prim, "name", None) or getattr(f, "__name__", None) or repr(f)
    _check_level(f, tuple(tree_map(_to64, tuple(args))), modes, order, 1, name,
                 (eps, rtol, atol), seed)


_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}


def _check_level(f: Callable, args: tuple, modes: Sequence[str], order: int, level: int,
                 name: str, tols: tuple, seed: int) -> None:
    """Check the ``level``-th derivative of the original function (``f`` is its
    ``level - 1``-th derivative along random directions), then the higher ones: a
    failure names the lowest order that is wrong."""
    eps, rtol, atol = tols
    rng = np.random.default_rng(seed)
    v = _random_like(args, rng)
    u = _random_like(f(*args), rng)
    scale = max(1.0, np.sqrt(_inner(u, _conj(u)) * _inner(v, _conj(v))))
    numeric = _inner(u, numerical_jvp(f, args, v, eps))
    for mode in modes:
        if mode == "fwd":
            analytic = _inner(u, jvp(f, args, v)[1])
        elif mode == "rev":
            analytic = _inner(vjp(f, *args)[1](u), v)
        else:
            raise ValueError(f"check_grads: unknown mode {mode!r} (use 'fwd' or 'rev')")
        if not np.isclose(analytic, numeric, rtol=rtol, atol=atol * scale):
            nth = _ORDINALS.get(level, f"{level}th")
            lower = " (the lower orders passed)" if level > 1 else ""
            raise AssertionError(
                f"the {nth} derivative of {name} is wrong{lower}, in {mode} mode: "
                f"<u, J v> = {analytic!r} by AD but {numeric!r} by finite differences "
                f"(difference {abs(analytic - numeric):.3g}); higher orders were not checked")
    if level < order:
        if "fwd" in modes:
            _check_level(lambda *a: jvp(f, a, v)[1], args, modes, order, level + 1, name,
                         tols, seed + 1)
        if "rev" in modes:
            _check_level(lambda *a: vjp(f, *a)[1](u), args, modes, order, level + 1, name,
                         tols, seed + 2)
