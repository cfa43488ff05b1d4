"""Every primitive's samples through ``jit``: values, gradients (the backward pass compiled)
and forward-mode derivatives equal the uncompiled function's."""

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule import grad, jvp
from chainrule.compile import TracedValueError, jit
from chainrule.core import registry
from chainrule.testing import sample_function

try:
    import chainrule.scipy  # noqa: F401
except ImportError:
    pass

PRIMS = sorted(registry().values(), key=lambda p: p.name)
DIFFERENTIABLE = [p for p in PRIMS if p.differentiable]

# Rules that choose their formula by looking at the values (a sign convention read off
# the largest component; a special case at t == 0): under jit they raise TracedValueError,
# the honest answer, instead of compiling the branch the example took.
REFUSED = {"eig_vectors", "stdtr"}  # eig_vectors: at complex eigenvectors
# Rules that take a limit at x == 0 only when the values are concrete: compiled, the
# derivative at exactly 0 is the general formula's nan.
NAN_AT_ZERO = {"i1", "j1"}


def _close(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, b.shape, a.dtype, b.dtype)
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, equal_nan=True)


def _real_loss(f):
    def loss(*xs):
        out = f(*xs)
        return cnp.sum(cnp.real(out) if np.iscomplexobj(out) else out)
    return loss


@pytest.mark.parametrize("prim", PRIMS, ids=lambda p: p.name)
def test_values_match(prim):
    for sample in prim.samples() if prim.samples else []:
        f, xs = sample_function(prim, sample)
        _close(jit(f)(*xs), f(*xs))


@pytest.mark.parametrize("prim", DIFFERENTIABLE, ids=lambda p: p.name)
def test_compiled_gradient_matches(prim):
    for sample in prim.samples():
        f, xs = sample_function(prim, sample)
        if not xs or any(np.iscomplexobj(x) for x in xs):
            continue
        if prim.name in NAN_AT_ZERO and any(np.any(np.asarray(x) == 0) for x in xs):
            continue
        loss = _real_loss(f)
        nums = tuple(range(len(xs)))
        want = grad(loss, argnums=nums)(*xs)
        _check(prim, jit(grad(loss, argnums=nums)), xs, want)
        tangents = tuple(np.ones_like(x) for x in xs)
        _check(prim, jit(lambda *xs: jvp(f, xs, tangents)[1]), xs,
               (jvp(f, xs, tangents)[1],), single=True)


def _check(prim, compiled, xs, want, single=False):
    try:
        got = compiled(*xs)
    except TracedValueError as e:
        assert prim.name in REFUSED and "test_jit_registry.py" in str(e)
        return
    for g, w in zip((got,) if single else got, want):
        _close(g, w)
