"""The stopping rules of ``minimize``: scale-aware convergence, honest success, and the
attacks a careless criterion falls for (tiny and huge scales, saddles, starts outside the
domain)."""

import math

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule.optim import minimize

SCALES = [1e-200, 1e-100, 1e-8, 1.0, 1e8, 1e100, 1e200]


@pytest.mark.parametrize("method", ["lbfgs", "newton"])
@pytest.mark.parametrize("c", SCALES)
def test_the_answer_does_not_depend_on_the_scale_of_f(method, c):
    res = minimize(lambda x: c * (x - 3.0) ** 2, 1.0, method=method)
    assert res.success, res.message
    assert res.x == pytest.approx(3.0, abs=1e-7) and res.nit >= 1


@pytest.mark.parametrize("method", ["lbfgs", "newton"])
def test_a_two_dimensional_problem_at_tiny_scale(method):
    f = lambda v: 1e-200 * ((v[0] - 3.0) ** 2 + 10 * (v[1] + 1.0) ** 2 + v[0] * v[1])
    res = minimize(f, np.zeros(2), method=method)
    ref = minimize(lambda v: 1e200 * f(v), np.zeros(2), method=method)
    assert res.success and ref.success
    np.testing.assert_allclose(res.x, ref.x, atol=1e-7)


@pytest.mark.parametrize("method", ["gd", "momentum", "adam", "lbfgs", "newton"])
def test_a_tiny_function_is_never_converged_at_the_start(method):
    res = minimize(lambda x: 1e-200 * (x - 3.0) ** 2, 1.0, method=method, maxiter=50)
    assert res.nit > 0
    assert not (res.success and res.x == 1.0)
    if not res.success:
        assert "gtol * min(1, |grad f(x0)|)" in res.message


def test_plain_gradient_descent_at_tiny_scale_gets_an_honest_hint():
    res = minimize(lambda x: 1e-200 * (x - 3.0) ** 2, 1.0, method="gd", maxiter=20)
    assert not res.success and "far below 1/L" in res.message
    assert "oscillation" not in res.message


def test_ordinary_problems_stop_where_an_absolute_gtol_stops_them():
    # |grad f(x0)| >= 1: the criterion is |g| <= gtol, exactly as before
    res = minimize(lambda x: x ** 2 - 4 * x + 5, 0.0, method="gd", learning_rate=0.1)
    x, k = 0.0, 0
    while abs(2 * x - 4) > 1e-8:
        x, k = x - 0.1 * (2 * x - 4), k + 1
    assert res.success and res.nit == k and res.x == x


CORPUS = [
    (lambda x: (x - 1.0) ** 2, 4.0),
    (lambda x: 1e-9 * (x ** 2 + 1.0), 0.5),
    (lambda v: cnp.sum((v - 1.0) ** 4), np.array([2.0, -1.0])),
    (lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2, np.array([-1.2, 1.0])),
    (lambda x: cnp.log(1 + cnp.exp(x)) - 0.3 * x, 5.0),
]


@pytest.mark.parametrize("method", ["gd", "adam", "lbfgs", "newton"])
@pytest.mark.parametrize("case", range(len(CORPUS)))
def test_success_is_reported_only_when_the_criterion_holds(method, case):
    f, x0 = CORPUS[case]
    res = minimize(f, x0, method=method, maxiter=300, learning_rate=None)
    g = res.history.grad_norm
    met = g[-1] <= 1e-8 * min(1.0, g[0])
    assert res.success == met or "saddle" in res.message, res.message
    if res.success:
        assert "converged" in res.message


def test_newton_at_a_saddle_or_maximum_is_not_a_success():
    res = minimize(lambda v: v[0] ** 2 - v[1] ** 2, np.zeros(2), method="newton")
    assert not res.success and "saddle point or a maximum" in res.message
    res = minimize(lambda x: -(x ** 2), 0.0, method="newton")
    assert not res.success and "negative eigenvalue -2" in res.message
    ok = minimize(lambda x: x ** 4, 0.0, method="newton")  # a degenerate minimum is fine
    assert ok.success


def test_newton_leaves_an_indefinite_region_downhill():
    f = lambda v: v[0] ** 4 - 2 * v[0] ** 2 + v[1] ** 2  # minima at (+-1, 0)
    res = minimize(f, np.array([0.05, 1.0]), method="newton")
    assert res.success and abs(res.x[0]) == pytest.approx(1.0) and np.all(
        np.diff(res.history.loss) <= 0)


def test_a_start_outside_the_domain_is_named():
    res = minimize(lambda x: cnp.log(x), np.array(-1.0))
    assert not res.success and "outside f's domain" in res.message and res.nit == 0


def test_a_start_where_f_overflows_is_not_called_outside_the_domain():
    res = minimize(lambda x: x ** 2, 1e308)
    assert not res.success and res.nit == 0
    assert "overflows" in res.message and "domain" not in res.message


def test_an_infinite_gradient_stops_the_run():
    with np.errstate(divide="ignore"):
        res = minimize(lambda x: cnp.sqrt(x) + x, np.array(0.0))
    assert not res.success and "gradient norm is inf" in res.message


def test_maxiter_zero_only_evaluates_the_start():
    res = minimize(lambda x: x ** 2, 1.0, maxiter=0)
    assert res.nit == 0 and not res.success and len(res.history) == 1
    assert minimize(lambda x: x ** 2, 0.0, maxiter=0).success  # a stationary start


def test_the_opt_in_step_and_function_change_criteria():
    res = minimize(lambda x: (x - 1.0) ** 2, 4.0, learning_rate=0.1, xtol=1e-3)
    assert res.success and "xtol" in res.message and abs(res.history.params[-1]
                                                          - res.history.params[-2]) <= 1e-3
    res = minimize(lambda x: (x - 1.0) ** 2 + 1.0, 4.0, learning_rate=0.1, ftol=1e-6)
    loss = res.history.loss
    assert res.success and "ftol" in res.message
    assert abs(loss[-2] - loss[-1]) <= 1e-6 * max(abs(loss[-2]), abs(loss[-1]))


def test_an_exception_in_f_propagates_unchanged():
    calls = []

    def f(x):
        calls.append(x)
        if len(calls) > 3:
            raise KeyError("boom")
        return x ** 2

    with pytest.raises(KeyError, match="boom"):
        minimize(f, 1.0)


def test_the_history_has_what_a_trace_table_needs():
    res = minimize(lambda x: (x - 1.0) ** 2, 3.0, learning_rate=0.25, maxiter=3)
    rows = list(res.history)
    assert [r["params"] for r in rows] == [3.0, 2.0, 1.5, 1.25]
    assert [r["loss"] for r in rows] == [4.0, 1.0, 0.25, 0.0625]
    assert [r["grad_norm"] for r in rows] == [4.0, 2.0, 1.0, 0.5]
    assert [r["learning_rate"] for r in rows][:3] == [0.25] * 3
    assert math.isnan(rows[-1]["learning_rate"])  # no step was taken from the last point
    steps = minimize(lambda x: (x - 1.0) ** 2, 3.0, method="lbfgs").history.learning_rate
    assert steps[0] > 0  # the line search's step length stands in for the rate


def test_a_hessian_of_the_wrong_shape_is_named():
    with pytest.raises(ValueError, match=r"must be a 2 x 2 matrix.*got shape \(3, 3\)"):
        minimize(lambda v: (v ** 2).sum(), np.ones(2), method="newton",
                 hess=lambda v: np.eye(3))
    res = minimize(lambda v: (v ** 2).sum(), np.ones(2), method="newton",
                   hess=lambda v: np.full((2, 2), np.nan))
    assert not res.success and "Hessian is not finite" in res.message
