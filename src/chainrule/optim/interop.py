"""Flat vectors for pytrees, and SciPy interop.

:func:`ravel_pytree` turns any pytree of floats into one float64 vector and back;
:func:`scipy_objective` uses it to hand a chainrule function to
``scipy.optimize.minimize`` with exact gradients, Hessians and Hessian-vector products.
SciPy itself is never imported here: the functions work with any caller.

>>> import numpy as np
>>> flat, unravel = ravel_pytree({"b": 1.0, "w": np.array([2.0, 3.0])})
>>> flat.tolist(), unravel(flat + 1)["w"].tolist()
([1.0, 2.0, 3.0], [3.0, 4.0])
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import numpy as cnp
from .._api import grad, hessian, hvp
from ..core import Tracer, tree_flatten, tree_unflatten

__all__ = ["ravel_pytree", "scipy_objective"]


def _leaf_shape(v: Any) -> tuple:
    return tuple(np.shape(v)) if not isinstance(v, Tracer) else tuple(v.shape)


def _float_dtype(v: Any) -> Any:
    """The dtype a leaf comes back with: its own if floating (float32 stays float32),
    else float64."""
    dtype = getattr(v, "dtype", None)
    return dtype if dtype is not None and np.dtype(dtype).kind == "f" else np.float64


def ravel_pytree(tree: Any) -> tuple[np.ndarray, Callable[[Any], Any]]:
    """One float64 vector holding every leaf of ``tree``, and the function that rebuilds
    the tree from such a vector (it also accepts chainrule tracers, so it can sit inside
    a differentiated function). Rebuilt leaves keep a floating dtype (float32 stays
    float32); Python numbers come back as floats.

    >>> flat, unravel = ravel_pytree((1.5, np.zeros((2, 2))))
    >>> flat.shape, type(unravel(flat)[0]).__name__, unravel(flat)[1].shape
    ((5,), 'float', (2, 2))
    """
    leaves, treedef = tree_flatten(tree)
    shapes = [_leaf_shape(v) for v in leaves]
    is_float = [type(v) in (float, int) for v in leaves]
    dtypes = [_float_dtype(v) for v in leaves]
    generic = [isinstance(v, np.generic) for v in leaves]
    sizes = [math.prod(s) for s in shapes]
    parts = [np.asarray(v, dtype=np.float64).ravel() for v in leaves]
    flat = np.concatenate(parts) if parts else np.zeros(0)

    def unravel(vec: Any) -> Any:
        out, start = [], 0
        for shape, size, scalar, dtype, gen in zip(shapes, sizes, is_float, dtypes, generic):
            piece = vec[start:start + size]
            start += size
            if isinstance(vec, Tracer):
                out.append(cnp.reshape(piece, shape))
            elif scalar:
                out.append(float(np.asarray(piece).reshape(())))
            else:
                leaf = np.asarray(piece, dtype=dtype).reshape(shape)
                out.append(leaf[()] if gen else leaf)
        return tree_unflatten(treedef, out)

    return flat, unravel


def scipy_objective(f: Callable[[Any], Any], x0: Any) -> tuple:
    """``(fun, jac, hess, hessp, unravel)`` over a flat float64 vector, for
    ``scipy.optimize.minimize(fun, x0_flat, jac=jac, hess=hess, method="trust-exact")``
    (or ``hessp=hessp`` with ``"trust-ncg"``/``"Newton-CG"``). ``x0_flat`` is
    ``ravel_pytree(x0)[0]``; ``unravel(res.x)`` gives the answer as a pytree like ``x0``.

    >>> fun, jac, hess, hessp, unravel = scipy_objective(lambda p: (p["w"] ** 2).sum(),
    ...                                                  {"w": np.array([1.0, 2.0])})
    >>> fun(np.array([1.0, 2.0])), jac(np.array([1.0, 2.0])).tolist()
    (5.0, [2.0, 4.0])
    >>> hess(np.zeros(2)).tolist(), hessp(np.zeros(2), np.array([1.0, 0.0])).tolist()
    ([[2.0, 0.0], [0.0, 2.0]], [2.0, 0.0])
    """
    _, unravel = ravel_pytree(x0)

    def flat_f(vec: Any) -> Any:
        return f(unravel(vec))

    def fun(vec: np.ndarray) -> float:
        return float(flat_f(np.asarray(vec, dtype=np.float64)))

    def jac(vec: np.ndarray) -> np.ndarray:
        return np.asarray(grad(flat_f)(np.asarray(vec, dtype=np.float64)), dtype=np.float64)

    def hess(vec: np.ndarray) -> np.ndarray:
        h = hessian(flat_f)(np.asarray(vec, dtype=np.float64))
        return np.atleast_2d(np.asarray(h, dtype=np.float64))

    def hessp(vec: np.ndarray, p: np.ndarray) -> np.ndarray:
        vec = np.asarray(vec, dtype=np.float64)
        return np.asarray(hvp(flat_f, vec, np.asarray(p, dtype=np.float64)), dtype=np.float64)

    return fun, jac, hess, hessp, unravel
