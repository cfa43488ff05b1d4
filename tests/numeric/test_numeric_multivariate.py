"""gradient, jacobian, hessian and hvp of chainrule.numeric against chainrule's automatic
derivatives, with their error estimates and statuses."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.numeric import NumericalDerivativeWarning, gradient, hessian, hvp, jacobian


def f(x):
    return cnp.sum(cnp.sin(x) * x[0]) + x[1] ** 3 * cnp.exp(x[2] / 3) + cnp.log1p(x[2] ** 2)


X = np.array([0.3, -1.2, 0.7])


class Counted:
    def __init__(self, f):
        self.f, self.n = f, 0

    def __call__(self, x):
        self.n += 1
        return self.f(x)


def test_gradient_matches_ad_within_its_error_estimate():
    counted = Counted(f)
    r = gradient(counted, X, full_output=True)
    exact = cr.grad(f)(X)
    assert r.ok and r.value.shape == X.shape and r.status.shape == X.shape
    assert np.all(np.abs(r.value - exact) <= r.error) and r.error.max() < 1e-11
    assert r.evaluations == counted.n
    assert np.allclose(gradient(f, X), exact, rtol=1e-12, atol=1e-13)


def test_gradient_of_a_matrix_argument_keeps_its_shape():
    A = np.array([[0.5, -1.0], [2.0, 0.1]])
    g = gradient(lambda a: cnp.sum(cnp.tanh(a) ** 2), A)
    assert g.shape == A.shape
    assert np.allclose(g, cr.grad(lambda a: cnp.sum(cnp.tanh(a) ** 2))(A), atol=1e-12)


def test_jacobian_shape_and_accuracy():
    def g(x):
        return cnp.stack([cnp.sin(x[0]) * x[1], x[0] ** 2, cnp.exp(x[1])])
    r = jacobian(g, X[:2], full_output=True)
    exact = cr.jacobian(g)(X[:2])
    assert r.value.shape == (3, 2) and r.ok
    assert np.all(np.abs(r.value - exact) <= np.maximum(r.error, 1e-15))


def test_hessian_matches_ad():
    r = hessian(f, X, full_output=True)
    exact = cr.hessian(f)(X)
    assert r.ok and r.value.shape == (3, 3)
    assert np.array_equal(r.value, r.value.T)
    assert np.all(np.abs(r.value - exact) <= np.maximum(r.error, 1e-14))
    assert r.error.max() < 1e-9


def test_hvp_matches_ad_and_the_hessian():
    v = np.array([1.0, 2.0, -0.5])
    r = hvp(f, X, v, full_output=True)
    exact = cr.hvp(f, X, v)
    assert r.ok and np.all(np.abs(r.value - exact) <= r.error) and r.error.max() < 1e-9
    assert np.allclose(r.value, hessian(f, X) @ v, atol=1e-9)
    assert np.array_equal(hvp(f, X, np.zeros(3)), np.zeros(3))


def test_kinks_are_reported_per_entry():
    r = gradient(lambda x: cnp.sum(cnp.abs(x)), np.array([0.0, 1.0]), full_output=True)
    assert r.status.tolist() == ["kink", "ok"]
    assert (r.left[0], r.right[0]) == (-1.0, 1.0)
    with pytest.warns(NumericalDerivativeWarning, match=r"x\[0\]: kink"):
        gradient(lambda x: cnp.sum(cnp.abs(x)), np.array([0.0, 1.0]))
    h = hessian(lambda x: x[0] * cnp.abs(x[0]) + x[1] ** 2, np.array([0.0, 1.0]),
                full_output=True)
    assert h.status[0, 0] == "kink" and h.status[1, 1] == "ok"


def test_domain_edge_in_a_coordinate():
    r = gradient(lambda x: cnp.sqrt(x[0]) + x[1], np.array([0.0, 2.0]), full_output=True)
    assert r.status.tolist() == ["domain_edge", "ok"] and r.value[0] == np.inf


def test_bad_arguments():
    with pytest.raises(TypeError, match="scalar output"):
        gradient(lambda x: x * 2, np.ones(2))
    with pytest.raises(TypeError, match="scalar output"):
        hessian(lambda x: x * 2, np.ones(2))
    with pytest.raises(ValueError, match="entries"):
        hvp(f, X, np.ones(2))
    with pytest.raises(TypeError, match="real"):
        gradient(f, np.ones(3, complex))
