"""minimize: convergence of every method, the worked examples, diagnostics, Newton."""

import math

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule.optim import History, exponential_decay, minimize


def quadratic(p):
    return 2.0 * (p["a"] - 1.0) ** 2 + cnp.sum((p["b"] + 2.0) ** 2)


def rosen(p):
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


QUAD_SETTINGS = {"gd": 0.1, "sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "rmsprop": 0.01,
                 "adagrad": 0.5, "adam": 0.05, "adamw": 0.05, "newton": None}


@pytest.mark.parametrize("method", sorted(QUAD_SETTINGS))
def test_every_method_converges_on_a_quadratic_pytree(method):
    x0 = {"a": 4.0, "b": np.array([0.0, 3.0])}
    opts = {"weight_decay": 0.0} if method == "adamw" else {}
    res = minimize(quadratic, x0, method=method, learning_rate=QUAD_SETTINGS[method],
                   maxiter=1500, gtol=1e-6, **opts)
    assert res.x["a"] == pytest.approx(1.0, abs=1e-3)
    np.testing.assert_allclose(res.x["b"], [-2.0, -2.0], atol=1e-3)
    assert res.fun < 1e-5 and res.fun == pytest.approx(float(quadratic(res.x)))
    assert res.history.loss[-1] < res.history.loss[0]


ROSEN = [  # method, learning rate, steps, tolerance on the distance to (1, 1)
    ("gd", 1.9e-3, 3000, 0.1),
    ("rmsprop", exponential_decay(0.01, 300, 0.5), 3000, 0.06),
    ("adagrad", 1.0, 3000, 0.08),
    ("momentum", 1.5e-3, 2500, 1e-4),
    ("nesterov", 1e-3, 3200, 1e-4),
    ("adam", 0.05, 2000, 1e-3),
    ("adamw", 0.05, 2000, 1e-3),
    ("newton", None, 100, 1e-8),
]


@pytest.mark.parametrize("method,lr,steps,tol", ROSEN, ids=[r[0] for r in ROSEN])
def test_every_method_solves_rosenbrock(method, lr, steps, tol):
    opts = {"weight_decay": 0.0} if method == "adamw" else {}
    res = minimize(rosen, np.array([-1.2, 1.0]), method=method, learning_rate=lr,
                   maxiter=steps, gtol=1e-6, **opts)
    assert np.linalg.norm(res.x - 1.0) < tol, (res.x, res.message)
    assert res.history.loss[-1] < 1e-2 * res.history.loss[0]


def test_gradient_descent_on_x_squared_from_4():
    res = minimize(lambda x: x ** 2, 4.0, method="gd", learning_rate=0.1, maxiter=3)
    assert res.history.params == pytest.approx([4.0, 3.2, 2.56, 2.048])
    assert res.nit == 3 and not res.success and "maxiter" in res.message


def test_gradient_descent_on_a_shifted_parabola():
    res = minimize(lambda x: x ** 2 - 4 * x + 5, 0.0, method="gd", learning_rate=0.1)
    assert res.history.params[1:4] == pytest.approx([0.4, 0.72, 0.976])
    assert res.success and "gtol" in res.message
    assert res.x == pytest.approx(2.0, abs=1e-8) and res.fun == pytest.approx(1.0)


def test_first_step_in_two_dimensions():
    res = minimize(lambda v: v[0] ** 2 + 2 * v[1] ** 2, np.array([4.0, 3.0]), method="gd",
                   learning_rate=0.1, maxiter=1)
    np.testing.assert_allclose(res.history.params[1], [3.2, 1.8])


def test_learning_rate_one_on_x_squared_oscillates_and_says_so():
    res = minimize(lambda x: x ** 2, 10.0, method="gd", learning_rate=1.0)
    assert res.history.params[:5] == [10.0, -10.0, 10.0, -10.0, 10.0]
    assert not res.success
    assert "oscillat" in res.message and "2/L = 1" in res.message
    assert "L ~ 2" in res.message and res.nit < 100


def test_divergence_is_detected_with_a_curvature_hint():
    res = minimize(lambda v: cnp.sum(v ** 2), np.array([1.0, -2.0]), method="gd",
                   learning_rate=1.5)
    assert not res.success and res.message.startswith("diverged")
    assert "2/L = 1" in res.message and "1/L = 0.5" in res.message
    assert res.nit <= 12 and np.all(np.isfinite(res.history.loss))


def test_non_finite_loss_is_divergence():
    res = minimize(lambda x: cnp.exp(x ** 2), 3.0, method="gd", learning_rate=1.0)
    assert not res.success and res.message.startswith("diverged")
    assert math.isfinite(res.fun) and res.x == 3.0


def test_history_has_one_entry_per_iterate_including_the_start():
    res = minimize(lambda x: x ** 2, 4.0, method="gd", learning_rate=0.1, maxiter=5,
                   clip_norm=5.0)
    h = res.history
    assert isinstance(h, History) and len(h) == res.nit + 1 == 6
    d = h.as_dict()
    assert set(d) == {"params", "loss", "grad_norm", "learning_rate", "clipped"}
    assert d["loss"][0] == 16.0 and d["grad_norm"][0] == 8.0
    assert h.clipped.tolist() == [True, True, True, False, False, False]
    assert h.params[1] == pytest.approx(4.0 - 0.1 * 5.0)


def test_xtol_stops_on_small_steps():
    res = minimize(lambda x: x ** 2, 4.0, method="gd", learning_rate=0.1, xtol=1e-3)
    assert res.success and "xtol" in res.message
    assert abs(res.history.params[-1] - res.history.params[-2]) <= 1e-3


def test_bad_arguments():
    with pytest.raises(ValueError, match="method must be one of"):
        minimize(lambda x: x ** 2, 1.0, method="bfgs")
    with pytest.raises(ValueError, match="not both"):
        minimize(lambda x: x ** 2, 1.0, learning_rate=0.1, schedule=lambda n: 0.1)


def test_newton_solves_a_quadratic_in_one_step():
    res = minimize(lambda w: w ** 2 - 4 * w + 4, 0.0, method="newton")
    assert res.history.params[1] == pytest.approx(2.0, abs=1e-12)
    assert res.nit == 1 and res.success and res.history.learning_rate[0] == 1.0


def test_newton_moves_away_from_a_saddle():
    f = lambda v: v[0] ** 2 - v[1] ** 2
    res = minimize(f, np.array([1.0, 0.1]), method="newton", maxiter=3)
    xs = np.array(res.history.params)
    assert np.all(np.abs(xs[1:, 1]) > np.abs(xs[:-1, 1]))  # |y| grows: away from (0, 0)
    assert np.all(np.linalg.norm(xs[1:], axis=1) > 1e-3)  # never lands on the saddle
    assert np.all(np.diff(res.history.loss) < 0)


def test_newton_is_safe_on_a_non_convex_function():
    f = lambda x: x ** 4 - 2 * x ** 2 + 0.5 * x  # concave near 0; plain Newton goes uphill
    res = minimize(f, 0.1, method="newton")
    assert res.success and np.all(np.diff(res.history.loss) <= 0)
    assert 12 * res.x ** 2 - 4 > 0  # a minimum, not the local maximum near 0.12
    assert 4 * res.x ** 3 - 4 * res.x + 0.5 == pytest.approx(0.0, abs=1e-8)


def test_lbfgs_converges_on_rosenbrock_with_few_evaluations():
    calls = []

    def rosen(p):
        calls.append(1)
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2

    res = minimize(rosen, np.array([-1.2, 1.0]), method="lbfgs", maxiter=200, gtol=1e-10)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-8)
    assert len(calls) < 3 * (res.nit + 1)  # the line search's evaluation is reused


def test_lbfgs_on_a_pytree_quadratic():
    f = lambda p: cnp.sum((p["a"] - 3.0) ** 2) + 2 * (p["b"] + 1.0) ** 2
    res = minimize(f, {"a": np.zeros(4), "b": 0.0}, method="lbfgs")
    assert res.success
    np.testing.assert_allclose(res.x["a"], 3.0, atol=1e-7)
    assert abs(res.x["b"] + 1.0) < 1e-7


def test_newton_with_a_given_hessian_matches_the_exact_one():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    f = lambda x: 0.5 * x @ A @ x - x[0] + cnp.sum(x ** 4) / 12
    hess = lambda x: A + np.diag(x ** 2)
    given = minimize(f, np.array([1.0, -1.0]), method="newton", hess=hess)
    exact = minimize(f, np.array([1.0, -1.0]), method="newton")
    assert given.success and exact.success
    np.testing.assert_allclose(given.x, exact.x, atol=1e-10)
    assert given.nit == exact.nit
