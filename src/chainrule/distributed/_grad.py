"""Data-parallel derivatives of a loss that is a sum or a mean over examples.

The user writes the loss of one chunk, ``loss_fn(params, X_chunk, y_chunk)``, with
``chainrule.numpy``. For a step, the parameters are broadcast once to the workers; each
worker computes the loss and its gradient (or a Hessian-vector product, or a Hessian) of
the chunks it holds with chainrule; the partial results are added up a tree of tasks,
and the driver receives one loss and one gradient:

    mean:  L(p) = sum_i n_i L_i(p) / n        sum:  L(p) = sum_i L_i(p)

(``n_i`` the rows of chunk ``i``, ``n`` all rows), plus ``penalty(p)`` computed once on
the driver. A penalty written *inside* a mean loss is also right (each chunk's copy is
weighted by ``n_i / n``), but inside a sum loss it would count once per chunk: pass it
as ``penalty=`` instead.

>>> import numpy as np, dask.array as da, chainrule.numpy as cnp
>>> X = da.from_array(np.arange(6.0).reshape(3, 2), chunks=(2, 2))
>>> y = da.from_array(np.array([1.0, 2.0, 3.0]), chunks=2)
>>> vg = value_and_grad(lambda w, Xb, yb: cnp.mean((Xb @ w - yb) ** 2), X, y)
>>> loss, g = vg(np.zeros(2))
>>> round(loss, 6), g.round(6).tolist()
(4.666667, [-10.666667, -14.666667])
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from .._api import hessian as _hessian
from .._api import hvp as _hvp
from .._api import value_and_grad as _value_and_grad
from ..core import is_tracer, tree_flatten, tree_map
from ..optim.interop import ravel_pytree
from ..optim.validate import check_callable, check_choice
from ._chunks import align, chunk_starts, map_chunks
from ._scheduler import broadcast

__all__ = ["Objective", "objective", "value_and_grad", "hvp", "hessian", "MAX_HESSIAN"]

#: The most parameters :meth:`Objective.hessian` forms a full Hessian for (each worker
#: holds P x P numbers per chunk); above it use ``hvp`` or L-BFGS.
MAX_HESSIAN = 2000


def _floats(tree: Any) -> Any:
    return tree_map(lambda a: np.asarray(a, dtype=np.float64) if np.ndim(a) else
                    float(a), tree)


def _vg_chunk(loss_fn: Callable, weighted: bool, params: Any, *blocks: Any) -> tuple:
    loss, g = _value_and_grad(loss_fn)(params, *blocks)
    w = float(len(blocks[0])) if weighted else 1.0
    return w * float(loss), tree_map(lambda a: w * np.asarray(a, dtype=np.float64), g)


def _value_chunk(loss_fn: Callable, weighted: bool, params: Any, *blocks: Any) -> float:
    w = float(len(blocks[0])) if weighted else 1.0
    return w * float(loss_fn(params, *blocks))


def _hvp_chunk(loss_fn: Callable, weighted: bool, shared: tuple, *blocks: Any) -> Any:
    params, v = shared
    w = float(len(blocks[0])) if weighted else 1.0
    hv = _hvp(lambda p: loss_fn(p, *blocks), params, v)
    return tree_map(lambda a: w * np.asarray(a, dtype=np.float64), hv)


def _hessian_chunk(loss_fn: Callable, weighted: bool, params: Any, *blocks: Any) -> Any:
    flat, unravel = ravel_pytree(params)
    w = float(len(blocks[0])) if weighted else 1.0
    h = _hessian(lambda t: loss_fn(unravel(t), *blocks))(flat)
    return w * np.asarray(h, dtype=np.float64).reshape(flat.size, flat.size)


class Objective:
    """``f(params)``: a loss summed or averaged over the row chunks of Dask arrays.

    Args:
        loss_fn: ``loss_fn(params, X_chunk, y_chunk)`` (or ``(params, X_chunk)`` without
            ``y``), a scalar written with ``chainrule.numpy``; ``params`` is any pytree.
        X, y: Dask arrays sharing their row chunks (see :mod:`._chunks` for how they are
            aligned); ``y`` may be ``None``.
        reduction: ``"mean"`` (``loss_fn`` is a mean over its rows) or ``"sum"``.
        penalty: ``penalty(params)``, added once on the driver (e.g. an L2 term).
        check: look for NaN/infinity in every chunk on the first pass (later passes look
            only when a chunk's result is not finite).

    Methods: ``f(params)``, ``f.value_and_grad(params)``, ``f.grad(params)``,
    ``f.hvp(params, v)`` and ``f.hessian(params)`` (a matrix over the flattened
    parameters, in the order of :func:`chainrule.optim.ravel_pytree`); ``f.passes``
    counts the passes over the data. :func:`chainrule.optim.minimize` recognizes it
    (by its ``data_parallel`` attribute) and uses these methods.
    """

    data_parallel = True

    def __init__(self, loss_fn: Callable, X: Any, y: Any = None, *, reduction: str = "mean",
                 penalty: Callable | None = None, check: bool = True) -> None:
        self.loss_fn = check_callable(loss_fn, "loss_fn", "chainrule.distributed")
        self.reduction = check_choice(reduction, "reduction", "chainrule.distributed",
                                      ("mean", "sum"))
        self.penalty = None if penalty is None else \
            check_callable(penalty, "penalty", "chainrule.distributed")
        X, y = align(X, y)
        if X.shape[0] == 0:
            raise ValueError(f"chainrule.distributed: X has 0 rows (shape {X.shape}); a "
                             "minimum of 1 is required")
        self.X, self.y, self.n_samples = X, y, int(X.shape[0])
        xb = list(X.to_delayed().ravel())
        self._blocks = list(zip(xb, y.to_delayed().ravel())) if y is not None else \
            [(b,) for b in xb]
        self._starts = chunk_starts(X)
        self._check = bool(check)
        self.passes = 0

    def _step(self, chunk_fn: Callable, shared: Any) -> Any:
        """The delayed graph of one pass: ``shared`` (the parameters) as one task, a task
        per chunk reading it, and the tree of partial sums."""
        kernel = functools.partial(chunk_fn, self.loss_fn, self.reduction == "mean")
        return map_chunks(kernel, broadcast(shared), self._blocks, self._starts,
                          self._check)

    def _map(self, chunk_fn: Callable, shared: Any) -> Any:
        out = self._step(chunk_fn, shared).compute()
        self._check, self.passes = False, self.passes + 1
        return out

    def _scale(self) -> float:
        return 1.0 / self.n_samples if self.reduction == "mean" else 1.0

    @staticmethod
    def _refuse_tracers(params: Any) -> Any:
        if any(is_tracer(a) for a in tree_flatten(params)[0]):
            raise TypeError("a distributed Objective cannot be traced by chainrule.grad "
                            "and friends: call its .value_and_grad, .hvp or .hessian")
        return _floats(params)

    def __call__(self, params: Any) -> float:
        params = self._refuse_tracers(params)
        total = float(self._map(_value_chunk, params)) * self._scale()
        return total + (float(self.penalty(params)) if self.penalty else 0.0)

    def value_and_grad(self, params: Any) -> tuple[float, Any]:
        """``(f(params), grad f(params))``, one pass over the data."""
        params = self._refuse_tracers(params)
        loss, g = self._map(_vg_chunk, params)
        s = self._scale()
        loss, g = float(loss) * s, tree_map(lambda a: a * s, g)
        if self.penalty is not None:
            pl, pg = _value_and_grad(self.penalty)(params)
            loss, g = loss + float(pl), tree_map(lambda a, b: a + np.asarray(b), g, pg)
        return loss, _floats(g)

    def grad(self, params: Any) -> Any:
        """``grad f(params)``."""
        return self.value_and_grad(params)[1]

    def hvp(self, params: Any, v: Any) -> Any:
        """The Hessian-vector product ``H(params) v`` (``v`` shaped like ``params``)."""
        params, v = self._refuse_tracers(params), _floats(v)
        hv = tree_map(lambda a: a * self._scale(), self._map(_hvp_chunk, (params, v)))
        if self.penalty is not None:
            hv = tree_map(lambda a, b: a + np.asarray(b), hv, _hvp(self.penalty, params, v))
        return _floats(hv)

    def hessian(self, params: Any) -> np.ndarray:
        """The full Hessian over the flattened parameters (at most ``MAX_HESSIAN``)."""
        params = self._refuse_tracers(params)
        flat, unravel = ravel_pytree(params)
        if flat.size > MAX_HESSIAN:
            raise ValueError(f"Objective.hessian: {flat.size} parameters is more than "
                             f"MAX_HESSIAN = {MAX_HESSIAN}; use .hvp or method='lbfgs'")
        h = self._map(_hessian_chunk, params) * self._scale()
        if self.penalty is not None:
            h = h + np.asarray(_hessian(lambda t: self.penalty(unravel(t)))(flat)).reshape(
                flat.size, flat.size)
        return h


def objective(loss_fn: Callable, X: Any, y: Any = None, **options: Any) -> Objective:
    """An :class:`Objective` (the options are its keyword arguments)."""
    return Objective(loss_fn, X, y, **options)


def value_and_grad(loss_fn: Callable, X: Any, y: Any = None, **options: Any) -> Callable:
    """``params -> (loss, gradient)`` over all the chunks of ``X`` and ``y`` (see
    :class:`Objective` for the options)."""
    return Objective(loss_fn, X, y, **options).value_and_grad


def hvp(loss_fn: Callable, X: Any, y: Any = None, **options: Any) -> Callable:
    """``(params, v) -> H v`` over all the chunks (see :class:`Objective`)."""
    return Objective(loss_fn, X, y, **options).hvp


def hessian(loss_fn: Callable, X: Any, y: Any = None, **options: Any) -> Callable:
    """``params -> H``, the Hessian over the flattened parameters (see
    :class:`Objective`; at most ``MAX_HESSIAN`` parameters)."""
    return Objective(loss_fn, X, y, **options).hessian
