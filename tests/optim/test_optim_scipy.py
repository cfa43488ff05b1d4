"""SciPy interop: scipy.optimize.minimize with chainrule derivatives."""

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule.optim import minimize, ravel_pytree, scipy_objective

optimize = pytest.importorskip("scipy.optimize")


def f(p):
    return (1 - p["x"]) ** 2 + 100 * (p["y"][0] - p["x"] ** 2) ** 2 + cnp.sum(p["y"] ** 2)


X0 = {"x": -1.2, "y": np.array([1.0, 0.5])}


@pytest.mark.parametrize("scipy_method", ["trust-exact", "trust-ncg"])
def test_scipy_matches_newton(scipy_method):
    fun, jac, hess, hessp, unravel = scipy_objective(f, X0)
    x0_flat = ravel_pytree(X0)[0]
    kw = {"hess": hess} if scipy_method == "trust-exact" else {"hessp": hessp}
    ref = optimize.minimize(fun, x0_flat, jac=jac, method=scipy_method, tol=1e-10, **kw)
    ours = minimize(f, X0, method="newton", gtol=1e-10)
    assert ref.success and ours.success
    got = unravel(ref.x)
    assert got["x"] == pytest.approx(ours.x["x"], abs=1e-6)
    np.testing.assert_allclose(got["y"], ours.x["y"], atol=1e-6)
    assert ref.fun == pytest.approx(ours.fun, abs=1e-10)


def test_objective_pieces_agree_with_finite_differences():
    fun, jac, hess, hessp, _ = scipy_objective(f, X0)
    v = np.array([0.3, -0.2, 0.7])
    assert optimize.check_grad(fun, jac, v) < 1e-5
    p = np.array([1.0, 2.0, -1.0])
    np.testing.assert_allclose(hessp(v, p), hess(v) @ p, rtol=1e-12)
    assert hess(v).shape == (3, 3) and jac(v).dtype == np.float64
