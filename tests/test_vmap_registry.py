"""vmap over every primitive of the registry, against a Python loop over the examples.

Each primitive is batched from its samples: in each argument position alone and in all at
once, with the batch axis in front and last; then vmap is composed with grad, jvp and vjp
(both orders) and compared with the same loop. Primitives without samples (those without
derivative rules) get inputs made here.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule.numpy as cnp
import chainrule.scipy  # noqa: F401  (registers its primitives)
from chainrule._api import _vmap, grad, jvp, vjp, vmap
from chainrule.core import Sample, bind, registry
from chainrule.scipy._common import SCIPY_BATCHES

B = 3
PRIMS = registry()

# The primitives that batch by running once per example (no rule of their own, not
# elementwise): a list kept honest by test_sequential_fallback_is_listed.
SEQUENTIAL = {"lstsq_x", "lstsq_residuals", "lstsq_s", "odeint", "solve_banded",
              "signal_convolve"}
if not SCIPY_BATCHES:  # SciPy < 1.15 has no batched linear algebra
    SEQUENTIAL |= {"expm", "sqrtm", "solve_sylvester", "solve_triangular", "scipy_cholesky",
                   "cho_solve"}


# Primitives whose derivative rules look at the values of their arguments (eig: the phase
# of each eigenvector), so that vmap of their derivatives runs the function once per
# example (correct, sequential).
NEED_VALUES = {"eig_vectors"}


def _arity(prim) -> int:
    for n in (1, 2, 3):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                prim.impl(*([0.5] * n))
            return n
        except TypeError:
            continue
    raise AssertionError(prim.name)


def samples_of(prim) -> list:
    if prim.samples is not None:
        return prim.samples()
    assert prim.elementwise, f"{prim.name} has no samples and is not elementwise"
    rng = np.random.default_rng(len(prim.name))
    return [Sample(tuple(rng.uniform(0.2, 2.0, size=(2, 3)) for _ in range(_arity(prim))))]


def _examples(a, k: int, seed: int = 0):
    """Example ``k`` of a batch made from sample argument ``a``."""
    a = np.asarray(a)
    if a.dtype == bool:
        return np.roll(a, k + seed)
    if a.dtype.kind in "iu":
        return a + (k % 2)
    wiggle = 0.01 * k * np.cos(np.arange(a.size) * (seed + 1) + k).reshape(a.shape)
    return a * (1 + 0.02 * k) + wiggle


def _batch(a, axis: int, size: int = B, seed: int = 0):
    return np.stack([_examples(a, k, seed) for k in range(size)], axis=axis)


def _cases():
    for name, prim in sorted(PRIMS.items()):
        for s, sample in enumerate(samples_of(prim)):
            yield pytest.param(name, s, id=f"{name}-{s}")


def _run(prim, args, params):
    return bind(prim, *args, **params)


def _check_batched(prim, sample, which: tuple, axis_last: bool, size: int = B,
                   seed: int = 0):
    args = sample.args
    in_axes, batched = [], []
    for i, a in enumerate(args):
        if i in which:
            ax = np.ndim(a) if axis_last else 0
            in_axes.append(ax)
            batched.append(_batch(a, ax, size, seed))
        else:
            in_axes.append(None)
            batched.append(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = np.stack([np.asarray(_run(prim, [
            _examples(a, k, seed) if i in which else a for i, a in enumerate(args)],
            sample.params)) for k in range(size)])
        got = vmap(lambda *xs: _run(prim, xs, sample.params), in_axes=tuple(in_axes))(*batched)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12, equal_nan=True,
                               err_msg=f"{prim.name} batched in {which}, axis_last={axis_last}")


def _positions(sample) -> list:
    arrays = [i for i, a in enumerate(sample.args) if a is not None]
    out = [(i,) for i in arrays]
    if len(arrays) > 1:
        out.append(tuple(arrays))
    return out


@pytest.fixture
def no_whole_function_loop(monkeypatch):
    """Fail if vmap falls back to calling the function once per example."""
    def refuse(*args, **kwargs):
        raise AssertionError("vmap ran the function once per example")
    monkeypatch.setattr(_vmap, "_one_by_one", refuse)


@pytest.mark.parametrize("name, s", list(_cases()))
def test_vmap_matches_loop(name, s, no_whole_function_loop):
    prim = PRIMS[name]
    sample = samples_of(prim)[s]
    for which in _positions(sample):
        _check_batched(prim, sample, which, axis_last=False)
        _check_batched(prim, sample, which, axis_last=True)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vmap_matches_loop_more_batches(seed, no_whole_function_loop):
    """The sweep again with other batch sizes (1, 2, 5...) and perturbations."""
    for name, prim in sorted(PRIMS.items()):
        for sample in samples_of(prim):
            for which in _positions(sample):
                _check_batched(prim, sample, which, seed % 2 == 0, size=[1, 2, 5][seed - 1],
                               seed=seed)


def _scalar_elementwise():
    return sorted(n for n, p in PRIMS.items() if p.elementwise and len(samples_of(p)[0].args) > 1
                  and all(np.ndim(a) == 0 for a in samples_of(p)[0].args))


@pytest.mark.parametrize("name", _scalar_elementwise())
def test_elementwise_batched_scalar_beside_unbatched_array(name, no_whole_function_loop):
    """A batched scalar argument broadcasts against an unbatched vector argument."""
    prim = PRIMS[name]
    sample = samples_of(prim)[0]
    args = list(sample.args)
    args[1:] = [np.full(2, a) for a in args[1:]]
    _check_batched(prim, Sample(tuple(args), sample.params), (0,), axis_last=False)


def test_sequential_fallback_is_listed():
    fallback = {n for n, p in PRIMS.items() if p.batch is None and not p.elementwise}
    assert fallback == SEQUENTIAL


# ---------------------------------------------------------------------------------------
# Composition with the derivative transformations, for each differentiable primitive.


def _differentiable():
    for name, prim in sorted(PRIMS.items()):
        if prim.differentiable and prim.samples is not None:
            yield pytest.param(name, id=name)


def _real_case(prim):
    """A sample whose first float argument gives a real output, or None."""
    for sample in prim.samples():
        args = sample.args
        idx = [i for i, a in enumerate(args) if a is not None
               and np.asarray(a).dtype.kind == "f"]
        if not idx:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = np.asarray(_run(prim, args, sample.params))
        if out.dtype.kind == "f":
            return sample, idx[0]
    return None


@pytest.mark.parametrize("name", list(_differentiable()))
def test_vmap_composes_with_grad_jvp_vjp(name, request):
    if name not in NEED_VALUES:
        request.getfixturevalue("no_whole_function_loop")
    prim = PRIMS[name]
    case = _real_case(prim)
    if case is None:
        pytest.skip("no real sample with a float argument")
    sample, i = case
    args = sample.args
    rng = np.random.default_rng(0)
    w = rng.uniform(-1, 1, size=np.shape(_run(prim, args, sample.params)))

    def f(x):
        full = list(args)
        full[i] = x
        return cnp.sum(_run(prim, full, sample.params) * w)

    def g(x):
        full = list(args)
        full[i] = x
        return _run(prim, full, sample.params)

    xs = _batch(args[i], 0)
    ts = np.cos(np.arange(xs.size)).reshape(xs.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loop_grad = np.stack([grad(f)(x) for x in xs])
        loop_jvp = np.stack([jvp(g, (x,), (t,))[1] for x, t in zip(xs, ts)])
        np.testing.assert_allclose(vmap(grad(f))(xs), loop_grad, rtol=1e-8, atol=1e-10)
        total = grad(lambda xs: cnp.sum(vmap(f)(xs)))(xs)
        np.testing.assert_allclose(total, loop_grad, rtol=1e-8, atol=1e-10)
        got = vmap(lambda x, t: jvp(g, (x,), (t,))[1])(xs, ts)
        np.testing.assert_allclose(got, loop_jvp, rtol=1e-8, atol=1e-10)
        got = jvp(vmap(g), (xs,), (ts,))[1]
        np.testing.assert_allclose(got, loop_jvp, rtol=1e-8, atol=1e-10)
        ct = np.stack([w] * B)
        got = vmap(lambda x, c: vjp(g, x)[1](c)[0])(xs, ct)
        np.testing.assert_allclose(got, loop_grad, rtol=1e-8, atol=1e-10)
