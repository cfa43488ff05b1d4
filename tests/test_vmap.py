"""vmap: JAX's semantics (in_axes, out_axes, pytrees, nesting, errors) and composition with
the derivative transformations in every order, checked against Python loops."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule._api import (
    grad,
    hessian,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    value_and_grad,
    vjp,
    vmap,
)
from chainrule.core import EscapedTracerError

RNG = np.random.default_rng(12)
X = RNG.uniform(0.5, 1.5, size=(4, 3))


def loop(f, *xs):
    return np.stack([np.asarray(f(*x)) for x in zip(*xs)])


# ---------------------------------------------------------------------------------------
# Semantics.


def test_matches_loop_on_a_composite_function():
    def f(x, y):
        return cnp.tanh(x @ y.T).sum() + cnp.linalg.norm(x) * cnp.max(y)
    ys = RNG.normal(size=(4, 2, 3))
    np.testing.assert_allclose(vmap(f)(X, ys), loop(f, X, ys))


def test_in_axes_none_and_negative_axes():
    w = RNG.normal(size=(3, 2))
    got = vmap(lambda x, w: x @ w, in_axes=(-1, None))(X.T, w)
    np.testing.assert_allclose(got, X @ w)
    got = vmap(lambda x: cnp.sum(x), in_axes=1)(X)
    np.testing.assert_allclose(got, X.sum(0))


def test_out_axes_moves_the_batch_axis():
    got = vmap(lambda x: cnp.outer(x, x), out_axes=-1)(X)
    np.testing.assert_allclose(got, np.einsum("bi,bj->ijb", X, X))
    got = vmap(lambda x: (x * 2, cnp.sum(x)), out_axes=(1, 0))(X)
    np.testing.assert_allclose(got[0], (X * 2).T)
    np.testing.assert_allclose(got[1], X.sum(1))


def test_pytrees_of_inputs_and_outputs_with_prefix_in_axes():
    params = {"w": RNG.normal(size=3), "b": 0.5}
    data = (X, RNG.normal(size=4))

    def f(p, d):
        x, y = d
        return {"err": cnp.dot(p["w"], x) + p["b"] - y, "x": [x]}

    out = vmap(f, in_axes=({"w": None, "b": None}, (0, 0)))(params, data)
    np.testing.assert_allclose(out["err"], X @ params["w"] + 0.5 - data[1])
    np.testing.assert_allclose(out["x"][0], X)
    out2 = vmap(f, in_axes=(None, 0))(params, data)
    np.testing.assert_allclose(out2["err"], out["err"])


def test_python_scalars_closures_and_unbatched_outputs():
    c = RNG.normal(size=3)
    got = vmap(lambda x, s: x * s + c, in_axes=(0, None))(X, 2.0)
    np.testing.assert_allclose(got, X * 2 + c)
    got = vmap(lambda x: c)(X)  # an output that ignores the batch is repeated
    np.testing.assert_allclose(got, np.tile(c, (4, 1)))
    np.testing.assert_allclose(vmap(lambda: c, axis_size=2)(), np.tile(c, (2, 1)))


def test_keyword_arguments_are_batched_along_axis_0():
    got = vmap(lambda x, *, y: x - y)(X, y=X[:, :1])
    np.testing.assert_allclose(got, X - X[:, :1])


def test_nesting():
    a, b = RNG.normal(size=5), RNG.normal(size=6)
    got = vmap(vmap(lambda x, y: x * y, in_axes=(None, 0)), in_axes=(0, None))(a, b)
    np.testing.assert_allclose(got, np.outer(a, b))
    m = RNG.normal(size=(2, 3, 4))
    got = vmap(vmap(lambda v: cnp.sum(v ** 2)), in_axes=2)(m)  # outer over the last axis
    np.testing.assert_allclose(got, (m ** 2).sum(1).T)


def test_code_that_needs_values_runs_once_per_example():
    got = vmap(cnp.sort)(X)
    np.testing.assert_allclose(got, np.sort(X, axis=1))
    got = vmap(lambda x: x[cnp.argmax(x)] if float(cnp.sum(x)) > 3 else -1.0)(X)
    np.testing.assert_allclose(got, [x.max() if x.sum() > 3 else -1.0 for x in X])


def test_errors_name_the_argument_and_sizes():
    with pytest.raises(ValueError, match=r"inconsistent sizes(.|\n)*argument 0 \(x\): size 4 "
                       r"along axis 0(.|\n)*argument 1 \(y\): size 3 along axis 0"):
        vmap(lambda x, y: x + y)(X, np.ones(3))
    with pytest.raises(ValueError, match=r"argument 0 \(x\) along axis 2, but it has shape "
                                         r"\(4, 3\)"):
        vmap(lambda x: x, in_axes=2)(X)
    with pytest.raises(ValueError, match=r"along axis 0, but it has shape \(\)"):
        vmap(lambda x: x)(1.0)
    with pytest.raises(ValueError, match="in_axes has 2 entries but the function got 1"):
        vmap(lambda x: x, in_axes=(0, 0))(X)
    with pytest.raises(ValueError, match="pass axis_size"):
        vmap(lambda x: x, in_axes=None)(X)
    with pytest.raises(ValueError, match="out_axes is None for an output that differs"):
        vmap(lambda x: x, out_axes=None)(X)
    with pytest.raises(ValueError, match="out_axes=3 is out of range"):
        vmap(lambda x: x, out_axes=3)(X)
    with pytest.raises(TypeError, match="each entry must be an int"):
        vmap(lambda x: x, in_axes="0")
    with pytest.raises(ValueError, match="does not match the structure"):
        vmap(lambda d: d, in_axes=({"a": 0},))({"b": X})


def test_empty_batches():
    np.testing.assert_array_equal(vmap(lambda x: cnp.sin(x) @ x)(np.ones((0, 3))), np.ones(0))
    with pytest.raises(ValueError, match="empty batch"):
        vmap(cnp.sort)(np.ones((0, 3)))


def test_escaped_batch_tracer_raises():
    kept = []
    vmap(lambda x: kept.append(x) or x)(X)
    with pytest.raises(EscapedTracerError):
        kept[0] + 1.0


# ---------------------------------------------------------------------------------------
# Composition with derivatives, in every order.


def f_scalar(x):
    return cnp.sum(cnp.sin(x) * x ** 2) + cnp.prod(x[:2])


def f_vector(x):
    return cnp.tanh(x) * cnp.sum(x)


def test_vmap_of_grad_and_grad_of_vmap():
    expected = loop(grad(f_scalar), X)
    np.testing.assert_allclose(vmap(grad(f_scalar))(X), expected)
    np.testing.assert_allclose(grad(lambda xs: cnp.sum(vmap(f_scalar)(xs)))(X), expected)
    v, g = vmap(value_and_grad(f_scalar))(X)
    np.testing.assert_allclose(v, loop(f_scalar, X))
    np.testing.assert_allclose(g, expected)


def test_vmap_of_jvp_and_jvp_of_vmap():
    ts = RNG.normal(size=X.shape)
    expected = loop(lambda x, t: jvp(f_vector, (x,), (t,))[1], X, ts)
    got = vmap(lambda x, t: jvp(f_vector, (x,), (t,))[1])(X, ts)
    np.testing.assert_allclose(got, expected)
    np.testing.assert_allclose(jvp(vmap(f_vector), (X,), (ts,))[1], expected)


def test_vmap_of_vjp_and_vjp_of_vmap():
    cts = RNG.normal(size=X.shape)
    expected = loop(lambda x, c: vjp(f_vector, x)[1](c)[0], X, cts)
    np.testing.assert_allclose(vmap(lambda x, c: vjp(f_vector, x)[1](c)[0])(X, cts), expected)
    np.testing.assert_allclose(vjp(vmap(f_vector), X)[1](cts)[0], expected)


@pytest.mark.parametrize("jac", [jacfwd, jacrev, jacobian])
def test_vmap_of_jacobians_and_jacobians_of_vmap(jac):
    expected = loop(jac(f_vector), X)
    np.testing.assert_allclose(vmap(jac(f_vector))(X), expected)
    full = jac(vmap(f_vector))(X)  # (4, 3, 4, 3), block diagonal in the batch
    np.testing.assert_allclose(np.einsum("aiaj->aij", full), expected)


def test_hessians_under_vmap_and_of_vmap():
    expected = loop(hessian(f_scalar), X)
    np.testing.assert_allclose(vmap(hessian(f_scalar))(X), expected)
    np.testing.assert_allclose(vmap(jacrev(jacrev(f_scalar)))(X), expected)
    np.testing.assert_allclose(vmap(jacfwd(jacfwd(f_scalar)))(X), expected)
    h = hessian(lambda xs: cnp.sum(vmap(f_scalar)(xs)))(X)
    np.testing.assert_allclose(np.einsum("aiaj->aij", h), expected)


def test_grad_of_vmap_of_grad():
    def total(x):
        return cnp.sum(vmap(grad(f_scalar))(x) ** 2)
    expected = loop(grad(lambda x: cnp.sum(grad(f_scalar)(x) ** 2)), X)
    np.testing.assert_allclose(grad(total)(X), expected)


# ---------------------------------------------------------------------------------------
# Per-example gradients, and Jacobians built by vmap.


def _mlp_loss(params, x, y):
    w1, b1, w2 = params
    h = cnp.tanh(x @ w1 + b1)
    return (h @ w2 - y) ** 2


def test_per_example_gradients():
    params = (RNG.normal(size=(3, 5)), RNG.normal(size=5), RNG.normal(size=5))
    ys = RNG.normal(size=4)
    got = vmap(grad(_mlp_loss), in_axes=(None, 0, 0))(params, X, ys)
    for k, g in enumerate(got):
        np.testing.assert_allclose(g, loop(lambda x, y: grad(_mlp_loss)(params, x, y)[k], X, ys))
    assert [g.shape for g in got] == [(4, 3, 5), (4, 5), (4, 5)]


def test_jacobians_agree_with_the_basis_loop():
    """Jacobians by vmap over the basis equal those column by column (jvp per column)."""
    x = RNG.normal(size=6)
    cols = np.stack([jvp(f_vector, (x,), (e,))[1] for e in np.eye(6)], axis=1)
    rows = np.stack([vjp(f_vector, x)[1](e)[0] for e in np.eye(6)])
    np.testing.assert_allclose(jacfwd(f_vector)(x), cols, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(jacrev(f_vector)(x), rows, rtol=1e-13, atol=1e-15)


def test_jacobian_with_more_vectors_than_one_block(monkeypatch):
    from chainrule._api import _jacobians
    monkeypatch.setattr(_jacobians, "_BLOCK", 4)
    x = RNG.normal(size=10)
    np.testing.assert_allclose(jacfwd(f_vector)(x), jacrev(f_vector)(x), rtol=1e-12)
    h = hessian(f_scalar)(x)
    np.testing.assert_allclose(h, h.T, rtol=1e-12)
