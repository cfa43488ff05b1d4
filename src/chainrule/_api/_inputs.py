"""Inputs of the transformations: which arguments are differentiated, checks that they
are real floating point, and tangents and cotangents shaped like the values they belong to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import numpy as cnp
from ..core import (
    Tracer,
    primal_value,
    tree_flatten,
    tree_unflatten,
)
from ..numpy._base import dtype as _dtype
from ..numpy._base import shape as _shape

# ---------------------------------------------------------------------------------------
# Inputs: validation and conversion.


def _as_float_leaf(x: Any, fname: str, where: str, no_complex: str = "") -> Any:
    """Check that a leaf can be differentiated and return it in working form.

    ``no_complex`` is empty where complex inputs are welcome; otherwise it says why they
    are refused (and what to do instead)."""
    if x.__class__ is float:
        return x
    given = x
    if not isinstance(x, (Tracer, np.ndarray, np.generic)):
        x = np.asarray(x)
    kind = _dtype(x).kind
    if kind == "c" and no_complex:
        raise TypeError(f"{fname}: {where} is complex ({_brief(given)}); {no_complex}")
    if kind not in "fc":
        raise TypeError(
            f"{fname} needs floating-point inputs, but {where} has dtype {_dtype(x)} "
            f"({_brief(given)}). Pass floats instead, e.g. 3.0 rather than 3, or "
            "np.asarray(x, dtype=float).")
    if x.__class__ is np.float64:  # work with Python floats: they are much faster
        return float(x)
    if x.__class__ is complex:  # Python complex arithmetic raises where NumPy's gives inf
        return np.complex128(x)
    return x


def _brief(x: Any) -> str:
    text = repr(primal_value(x))
    return text if len(text) < 40 else text[:37] + "..."


def _select(args: tuple, argnums: int | Sequence[int], fname: str,
            no_complex: str = "") -> tuple:
    """The differentiated part of ``args`` as a tree, and a function to put it back
    (``no_complex``: see :func:`_as_float_leaf`)."""
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)
    for n in nums:
        if not -len(args) <= n < len(args):
            raise ValueError(f"{fname}: argnums={argnums} but the function got "
                             f"{len(args)} positional argument(s)")
    nums = tuple(n % len(args) for n in nums)
    if len(set(nums)) != len(nums):
        raise ValueError(f"{fname}: argnums={argnums} names an argument twice")
    chosen = args[nums[0]] if single else tuple(args[n] for n in nums)
    leaves, tree = tree_flatten(chosen)
    where = [f"argument {n}" for n in nums]
    leaves = [_as_float_leaf(v, fname, where[0] if single else "an argument", no_complex)
              for v in leaves]

    def rebuild(new_leaves: list) -> tuple:
        sub = tree_unflatten(tree, new_leaves)
        out = list(args)
        for k, n in enumerate(nums):
            out[n] = sub if single else sub[k]
        return tuple(out)

    return leaves, tree, rebuild


def _seed(ct: Any, x: Any) -> Any:
    """A cotangent or tangent handed to an interpreter for the value ``x``: like ``x``,
    and a Python float for a Python float (the interpreters' fast path)."""
    if x.__class__ is float and ct.__class__ in _REAL_SCALARS:
        return float(ct)
    return _like(ct, x)


_REAL_SCALARS = {float, int, np.float64}


def _like(ct: Any, x: Any) -> Any:
    """Shape and dtype a cotangent (or tangent) like the input ``x`` it belongs to."""
    if ct is not None and not isinstance(ct, Tracer) and np.iscomplexobj(ct) and \
            not np.iscomplexobj(primal_value(x)):
        raise TypeError(f"a complex tangent or cotangent ({_brief(ct)}) was given for a real "
                        "value: chainrule differentiates real functions; pass real numbers")
    if ct is None:
        ct = np.zeros(_shape(x), _dtype(x))
    elif ct.__class__ is np.ndarray and x.__class__ is np.ndarray and \
            ct.dtype == x.dtype and ct.shape == x.shape:
        return ct
    if isinstance(ct, Tracer):
        return ct if _shape(ct) == _shape(x) else cnp.broadcast_to(ct, _shape(x))
    arr = np.asarray(ct, dtype=_dtype(x))
    if arr.shape != _shape(x):
        arr = np.broadcast_to(arr, _shape(x)).copy()
    if x.__class__ is float or isinstance(x, np.generic):
        return arr[()]
    return arr
