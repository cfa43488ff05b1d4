"""Reductions along axes: sum, max, min, prod, cumsum and logsumexp.

``axis`` always reaches the rules as a tuple of non-negative ints (the public wrappers
normalize it), and ``keepdims`` as a bool.
"""

from __future__ import annotations

import numpy as np

from ..core import Sample, primal_value
from ..core.batching import per_example_axis
from ._base import defprim, dtype, sample_args, shape
from ._elementwise import equal, exp, where
from ._shape import broadcast_to, getitem, reshape, transpose


def keepdims_shape(x_shape: tuple, axis: tuple) -> tuple:
    return tuple(1 if i in axis else n for i, n in enumerate(x_shape))


def _keep(y, x, axis, keepdims):
    """Give a reduced value back the reduced axes (as length 1)."""
    if keepdims:
        return y
    return reshape(y, shape=keepdims_shape(shape(x), axis))


def _expand(g, x, axis, keepdims):
    return broadcast_to(_keep(g, x, axis, keepdims), shape=shape(x))


def _samples(name: str, lo=-2.0, hi=2.0):
    return lambda: [
        Sample(sample_args(name, (3, 4), lo=lo, hi=hi).args, {"axis": (1,), "keepdims": False}),
        Sample(sample_args(name + "a", (2, 3), lo=lo, hi=hi).args,
               {"axis": (0, 1), "keepdims": False}),
        Sample(sample_args(name + "k", (2, 3, 2), lo=lo, hi=hi).args,
               {"axis": (0, 2), "keepdims": True}),
    ]


def _batch_reduction(prim):
    """The batching rule of a reduction over ``axis`` (a tuple): the axes move up one."""
    def rule(args, dims, *, axis, keepdims):
        return prim(args[0], axis=tuple(a + 1 for a in axis), keepdims=keepdims), 0
    return rule


def _reducer(ufunc, fallback):
    """``ufunc.reduce`` on arrays (skipping ``np.sum``'s Python wrapper), else NumPy's."""
    def impl(x, *, axis, keepdims):
        if x.__class__ is np.ndarray:
            return ufunc.reduce(x, axis=axis, keepdims=keepdims)
        return fallback(x, axis=axis, keepdims=keepdims)
    return impl


sum = defprim(
    "sum", _reducer(np.add, np.sum),
    jvp=(lambda t, ans, x, *, axis, keepdims: sum(t, axis=axis, keepdims=keepdims),),
    vjp=(lambda g, ans, x, *, axis, keepdims: _expand(g, x, axis, keepdims),),
    rule="sum rule", statement="(sum u_i)' = sum u_i'", linear=True, samples=_samples("sum"),
    save_args=False, save_ans=False)
sum.batch = _batch_reduction(sum)


def _tie_weights(ans, x, axis, keepdims):
    """Where the extreme is attained, weights that share the derivative equally (constant)."""
    hit = equal(x, _keep(ans, x, axis, keepdims))  # primitives only: batchable by vmap
    count = sum(hit, axis=axis, keepdims=True)
    return (hit / count).astype(dtype(x))


def _extreme(name: str, fn):
    def jvp(t, ans, x, *, axis, keepdims):
        return sum(t * _tie_weights(ans, x, axis, keepdims), axis=axis, keepdims=keepdims)

    def vjp(g, ans, x, *, axis, keepdims):
        return _keep(g, x, axis, keepdims) * _tie_weights(ans, x, axis, keepdims)

    return defprim(
        name, lambda x, *, axis, keepdims: fn(x, axis=axis, keepdims=keepdims),
        jvp=(jvp,), vjp=(vjp,), rule=f"{name} rule",
        statement="the extreme element passes its derivative; ties share it equally",
        kinks="ties between elements (each gets an equal share)", samples=_samples(name))


max = _extreme("max", _reducer(np.maximum, np.max))
min = _extreme("min", _reducer(np.minimum, np.min))
max.batch, min.batch = _batch_reduction(max), _batch_reduction(min)


def _prod_others(ans, x, axis, keepdims):
    """For each element, the product of the other elements in its reduction group."""
    try:
        no_zeros = not np.any(np.asarray(primal_value(x)) == 0)
    except TypeError:  # values unknown (jit is compiling): the form valid everywhere
        no_zeros = False
    if no_zeros:
        return _keep(ans, x, axis, keepdims) / x
    # With zeros, build each group's "all but one" products explicitly: n x n per group.
    nd = len(shape(x))
    rest = tuple(i for i in range(nd) if i not in axis)
    perm = rest + axis
    xt = transpose(x, axes=perm)
    lead = shape(xt)[:len(rest)]
    n = int(np.prod([shape(x)[i] for i in axis]))
    x2 = reshape(xt, shape=lead + (1, n))
    eye = np.eye(n, dtype=bool)
    others = prod(where(eye, 1.0, x2), axis=(len(lead) + 1,), keepdims=False)
    others = reshape(others, shape=shape(xt))
    return transpose(others, axes=tuple(np.argsort(perm)))


prod = defprim(
    "prod", lambda x, *, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims),
    jvp=(lambda t, ans, x, *, axis, keepdims:
         sum(t * _prod_others(ans, x, axis, keepdims), axis=axis, keepdims=keepdims),),
    vjp=(lambda g, ans, x, *, axis, keepdims:
         _keep(g, x, axis, keepdims) * _prod_others(ans, x, axis, keepdims),),
    rule="product rule", statement="(prod u_i)' = sum_i u_i' prod_{j != i} u_j",
    samples=lambda: _samples("prod")() + [
        Sample((np.array([[1.5, 0.0, -2.0], [0.5, 1.2, 0.7]]),),
               {"axis": (1,), "keepdims": False})])
prod.batch = _batch_reduction(prod)


def _flip(x, axis: int):
    return getitem(x, idx=(slice(None),) * axis + (slice(None, None, -1),))


cumsum = defprim(
    "cumsum", lambda x, *, axis: np.cumsum(x, axis=axis),
    jvp=(lambda t, ans, x, *, axis: cumsum(t, axis=axis),),
    vjp=(lambda g, ans, x, *, axis: _flip(cumsum(_flip(g, axis), axis=axis), axis),),
    rule="sum rule", statement="running sums of u' ", linear=True,
    samples=lambda: [Sample(sample_args("cumsum", (3, 4)).args, {"axis": 1}),
                     Sample(sample_args("cumsum0", (5,)).args, {"axis": 0})],
                     save_args=False, save_ans=False,
    batch=lambda args, dims, *, axis: (
        cumsum(args[0], axis=per_example_axis(axis, len(shape(args[0])) - 1)), 0))


def _logsumexp_impl(x, *, axis, keepdims):
    # initial=-inf: the log-sum-exp of nothing is log(0) = -inf, as in SciPy.
    m = np.maximum.reduce(x, axis=axis, keepdims=True, initial=-np.inf) \
        if x.__class__ is np.ndarray else np.max(x, axis=axis, keepdims=True, initial=-np.inf)
    m = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):  # all -inf gives -inf, as log(0) should
        out = np.log(np.add.reduce(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _softmax_weights(ans, x, axis, keepdims):
    return exp(x - _keep(ans, x, axis, keepdims))


logsumexp = defprim(
    "logsumexp", _logsumexp_impl,
    jvp=(lambda t, ans, x, *, axis, keepdims:
         sum(t * _softmax_weights(ans, x, axis, keepdims), axis=axis, keepdims=keepdims),),
    vjp=(lambda g, ans, x, *, axis, keepdims:
         _keep(g, x, axis, keepdims) * _softmax_weights(ans, x, axis, keepdims),),
    rule="log-sum-exp rule", statement="(log sum e^u_i)' = sum softmax(u)_i u_i'",
    samples=_samples("logsumexp"))
logsumexp.batch = _batch_reduction(logsumexp)
