"""Jacobians and Hessians: ``jacrev``, ``jacfwd``, ``jacobian``, ``hessian``, ``hvp``.

The basis vectors (rows for reverse mode, columns for forward mode) go through one
``vmap``ed pass instead of a Python loop: a Hessian of n variables costs about as much as
a few gradients whose arrays have an extra axis of length n, not n gradients."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from .. import numpy as cnp
from ..core import (
    paused_gc,
    tree_flatten,
    tree_unflatten,
)
from ..core.budget import budgeted, charge, check_time
from ..numpy._base import dtype as _dtype
from ..numpy._base import shape as _shape
from ._basic import _vjp, grad, jvp
from ._inputs import _select
from ._vmap import vmap

# ---------------------------------------------------------------------------------------
# Jacobians and Hessians.


def _flat(tree: Any) -> Any:
    leaves = [cnp.ravel(v) for v in tree_flatten(tree)[0]]
    return leaves[0] if len(leaves) == 1 else cnp.concatenate(leaves)


# Basis vectors go through vmap in blocks of at most this many (bounding the memory of the
# batched intermediates); a primitive without a batching rule runs once per vector.
_BLOCK = 512


def _basis(leaves: list, what: str) -> Iterator[list]:
    """Blocks of one-hot trees: each block is a list with one array per leaf, whose axis 0
    runs over consecutive elements of the leaves (in flattened order). Every basis vector
    is a unit of work charged to the active budget."""
    sizes = [math.prod(_shape(v)) for v in leaves]
    total = sum(sizes)
    for start in range(0, total, _BLOCK):
        stop = min(total, start + _BLOCK)
        charge(stop - start, what)
        check_time(what)
        block, offset = [], 0
        for v, n in zip(leaves, sizes):
            seed = np.zeros((stop - start, n), _dtype(v))
            rows = np.arange(max(start, offset), min(stop, offset + n))
            seed[rows - start, rows - offset] = 1
            block.append(seed.reshape((stop - start,) + tuple(_shape(v))))
            offset += n
        yield block


def _rows(fn: Callable, block: list) -> Any:
    """``fn`` (returning a vector) applied to every basis vector of a block, stacked: by
    vmap, or by a direct call for a single vector."""
    if _shape(block[0])[0] == 1:
        row = fn(*[b[0] for b in block])
        return cnp.reshape(row, (1,) + tuple(_shape(row)))
    return vmap(fn)(*block)


def _blocks(jac: Any, out_leaves: list, out_tree, in_leaves: list, in_tree) -> Any:
    """Cut an (m, n) Jacobian matrix into the out-tree-of-in-tree block structure."""
    rows, r0 = [], 0
    for o in out_leaves:
        cols, c0 = [], 0
        m = math.prod(_shape(o))
        for x in in_leaves:
            n = math.prod(_shape(x))
            block = jac[r0:r0 + m, c0:c0 + n]
            cols.append(cnp.reshape(block, tuple(_shape(o)) + tuple(_shape(x))))
            c0 += n
        rows.append(tree_unflatten(in_tree, cols))
        r0 += m
    return tree_unflatten(out_tree, rows)


def _no_complex(holomorphic: bool) -> str:
    return "" if holomorphic else (
        "pass holomorphic=True if the function is holomorphic (its Jacobian is then the "
        "complex derivative), or use grad/vjp/jvp for a real-valued function of it")


def jacrev(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
           holomorphic: bool = False) -> Callable:
    """The Jacobian by reverse mode: one backward pass per output element.

    For ``f: R^n -> R^m`` the result has shape ``out.shape + in.shape``. Complex inputs
    need ``holomorphic=True`` (as in JAX): the Jacobian is then ``df/dz``.
    """
    @functools.wraps(f)
    @budgeted
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        with paused_gc():
            out, pullback, aux = _vjp(f, args, kwargs, argnums, has_aux, "jacrev",
                                      no_complex=_no_complex(holomorphic))
            jac = _jacrev_matrix(out, pullback)
        res = _assemble(jac, out, args, argnums)
        return (res, aux) if has_aux else res

    return jac_f


def _jacrev_matrix(out: Any, pullback: Callable) -> Any:
    out_leaves, out_tree = tree_flatten(out)

    def row(*seed: Any) -> Any:
        return _flat(pullback(tree_unflatten(out_tree, list(seed))))

    blocks = [_rows(row, block)
              for block in _basis(out_leaves, "computing a Jacobian row by row")]
    if not blocks:
        return np.zeros((0, 0))
    return blocks[0] if len(blocks) == 1 else cnp.concatenate(blocks)


def _assemble(jac: Any, out: Any, args: tuple, argnums) -> Any:
    out_leaves, out_tree = tree_flatten(out)
    in_leaves, in_tree, _ = _select(args, argnums, "jacobian")
    if not out_leaves or not in_leaves:
        return tree_unflatten(out_tree, [tree_unflatten(in_tree, [np.zeros(
            tuple(_shape(o)) + tuple(_shape(x))) for x in in_leaves]) for o in out_leaves])
    return _blocks(jac, out_leaves, out_tree, in_leaves, in_tree)


def jacfwd(f: Callable, argnums: int | Sequence[int] = 0,
           holomorphic: bool = False) -> Callable:
    """The Jacobian by forward mode: one forward pass per input element (complex inputs
    need ``holomorphic=True``, as for :func:`jacrev`)."""
    @functools.wraps(f)
    @budgeted
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        leaves, tree, rebuild = _select(args, argnums, "jacfwd",
                                        _no_complex(holomorphic))

        def g(*ls):
            return f(*rebuild(list(ls)), **kwargs)

        outs: list = []

        def column(*seed: Any) -> Any:
            out, t = jvp(g, tuple(leaves), seed)
            outs.append(out)
            return _flat(t)

        cols = [_rows(column, block)
                for block in _basis(leaves, "computing a Jacobian column by column")]
        if not cols:  # no input elements: an empty Jacobian of the right shape
            out = g(*leaves)
            m = sum(math.prod(_shape(o)) for o in tree_flatten(out)[0])
            return _assemble(np.zeros((m, 0)), out, args, argnums)
        jac = cols[0] if len(cols) == 1 else cnp.concatenate(cols)
        return _assemble(cnp.transpose(jac), outs[-1], args, argnums)

    return jac_f


def jacobian(f: Callable, argnums: int | Sequence[int] = 0,
             holomorphic: bool = False) -> Callable:
    """The Jacobian, by reverse mode when outputs are fewer than inputs, else forward."""
    @functools.wraps(f)
    @budgeted
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        out, pullback, _ = _vjp(f, args, kwargs, argnums, False, "jacobian",
                                no_complex=_no_complex(holomorphic))
        m = sum(math.prod(_shape(o)) for o in tree_flatten(out)[0])
        n = sum(math.prod(_shape(x)) for x in _select(args, argnums, "jacobian")[0])
        if m <= n:
            return _assemble(_jacrev_matrix(out, pullback), out, args, argnums)
        return jacfwd(f, argnums, holomorphic)(*args, **kwargs)

    return jac_f


def hessian(f: Callable, argnums: int | Sequence[int] = 0,
            holomorphic: bool = False) -> Callable:
    """The Hessian of a scalar function: forward mode over reverse mode.

    >>> hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0])).tolist()
    [[4.0, 2.0], [2.0, 0.0]]
    """
    return jacfwd(jacrev(f, argnums, holomorphic=holomorphic), argnums, holomorphic)


def hvp(f: Callable, x: Any, v: Any) -> Any:
    """The Hessian-vector product ``H(x) v`` of a scalar ``f``, without forming ``H``."""
    return jvp(grad(f), (x,), (v,))[1]
