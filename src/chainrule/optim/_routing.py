"""Where an objective's derivatives come from: chainrule's transformations for a Python
function, or the objective's own methods for a data-parallel
:class:`chainrule.distributed.Objective` (whose data live in Dask arrays). Dask is
imported only when the data are Dask arrays, so the core never needs it.

>>> vg = objective_vg(lambda x: x ** 2)
>>> [float(v) for v in vg(3.0)]
[9.0, 6.0]
>>> bind_args(lambda x, a: (x - a) ** 2, (2.0,))(5.0)
9.0
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._api import hessian, value_and_grad
from .interop import ravel_pytree

__all__ = ["is_distributed", "has_dask", "bind_args", "objective_vg", "flat_vg",
           "flat_hessian"]


def is_distributed(f: Any) -> bool:
    """Whether ``f`` is a data-parallel objective that brings its own derivatives (it
    says so with a true ``data_parallel`` attribute)."""
    return getattr(f, "data_parallel", False) is True


def has_dask(arrays: Any) -> bool:
    """Whether any of ``arrays`` is a Dask array (Dask itself is not imported)."""
    return any(type(a).__module__.startswith("dask.") and hasattr(a, "chunks")
               for a in arrays)


def bind_args(f: Callable, args: tuple) -> Callable:
    """``f`` with its data arguments bound: ``x -> f(x, *args)``; with Dask arrays among
    ``args`` (``(X,)`` or ``(X, y)``), the data-parallel mean over their row chunks."""
    if not args:
        return f
    if has_dask(args):
        from ..distributed import objective

        return objective(f, *args)
    return lambda x: f(x, *args)


def objective_vg(f: Callable) -> Callable:
    """``x -> (f(x), grad f(x))``."""
    return f.value_and_grad if is_distributed(f) else value_and_grad(f)


def flat_vg(f: Callable, unravel: Callable) -> Callable:
    """``v -> (f, flat gradient)`` over the flattened parameters ``v``."""
    if not is_distributed(f):
        return value_and_grad(lambda v: f(unravel(v)))

    def vg(v: Any) -> tuple:
        loss, g = f.value_and_grad(unravel(v))
        return loss, ravel_pytree(g)[0]

    return vg


def flat_hessian(f: Callable, unravel: Callable) -> Callable:
    """``v -> H`` over the flattened parameters ``v``."""
    if is_distributed(f):
        return lambda v: f.hessian(unravel(v))
    return hessian(lambda v: f(unravel(v)))
