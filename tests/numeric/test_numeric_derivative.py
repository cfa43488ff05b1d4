"""chainrule.numeric.derivative: accuracy on the benchmark set, evaluation counts, every
status on its trap, the warning of plain calls, vectorization, orders 2 to 4, and the
forward, backward and complex-step methods."""

import math
import warnings

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule.numeric import (
    STATUSES,
    DerivativeResult,
    NumericalDerivativeWarning,
    derivative,
)
from chainrule.numeric._stencil import central, fd_weights, one_sided


def _sig(x):
    return 1.0 / (1.0 + np.exp(-x))


# The benchmark set (benchmarks/numeric_accuracy.py): f, f', f''.
FIXED = {
    "sin": (np.sin, np.cos, lambda x: -np.sin(x)),
    "exp": (np.exp, np.exp, np.exp),
    "x**x": (lambda x: x ** x, lambda x: x ** x * (np.log(x) + 1),
             lambda x: x ** x * ((np.log(x) + 1) ** 2 + 1 / x)),
    "sigmoid": (_sig, lambda x: _sig(x) * (1 - _sig(x)),
                lambda x: _sig(x) * (1 - _sig(x)) * (1 - 2 * _sig(x))),
    "log": (np.log, lambda x: 1 / x, lambda x: -1 / x ** 2),
    "runge": (lambda x: 1 / (1 + 25 * x * x), lambda x: -50 * x / (1 + 25 * x * x) ** 2,
              lambda x: 50 * (75 * x * x - 1) / (1 + 25 * x * x) ** 3),
    "cubic": (lambda x: x ** 3 - 2 * x + 1, lambda x: 3 * x * x - 2, lambda x: 6 * x),
    "tanh": (np.tanh, lambda x: 1 / np.cosh(x) ** 2,
             lambda x: -2 * np.tanh(x) / np.cosh(x) ** 2),
}
POINTS = (0.3, 0.5, 1.0, 2.0, 3.7)


class Counted:
    def __init__(self, f):
        self.f, self.n, self.points = f, 0, []

    def __call__(self, x):
        self.n += int(np.size(x))
        self.points.extend(np.ravel(x).tolist())
        return self.f(x)


@pytest.mark.parametrize("order, target", [(1, 1e-11), (2, 1e-10)])
def test_fixed_set_meets_the_targets(order, target):
    errs, evals = [], []
    for f, d1, d2 in FIXED.values():
        for x in POINTS:
            counted = Counted(f)
            r = derivative(counted, x, order=order, full_output=True)
            exact = (d1 if order == 1 else d2)(x)
            errs.append(abs(r.value - exact) / abs(exact))
            assert r.status == "ok"
            assert r.evaluations == counted.n  # the count is honest
            assert abs(r.value - exact) <= max(r.error, 1e-15 * abs(exact))  # so is the error
            evals.append(r.evaluations)
    assert max(errs) <= target
    assert np.mean(evals) <= 25  # two independent runs: see numeric/_confirm.py


def test_abs_at_zero_is_a_kink_with_both_one_sided_values():
    r = derivative(np.abs, 0.0, full_output=True)
    assert r.status == "kink"
    assert (r.left, r.right) == (-1.0, 1.0)
    assert r.value == 0.0 and r.error >= 1.0


@pytest.mark.parametrize("relu", [cnp.relu, lambda x: np.maximum(x, 0.0)])
def test_relu_at_zero_is_a_kink(relu):
    r = derivative(relu, 0.0, full_output=True)
    assert r.status == "kink"
    assert (r.left, r.right) == (0.0, 1.0)
    assert r.value == 0.5


def test_a_tie_is_a_kink():
    r = derivative(lambda x: np.maximum(x, 1.0), 1.0, full_output=True)
    assert r.status == "kink" and (r.left, r.right) == (0.0, 1.0)


def test_kink_of_the_first_derivative_at_order_two():
    r = derivative(lambda x: x * np.abs(x), 0.0, order=2, full_output=True)
    assert r.status == "kink" and (r.left, r.right) == (-2.0, 2.0)


def test_sqrt_at_zero_is_a_domain_edge_with_infinite_right_derivative():
    r = derivative(np.sqrt, 0.0, full_output=True)
    assert r.status == "domain_edge"
    assert r.value == np.inf and r.right == np.inf and np.isnan(r.left)


def test_one_sided_derivative_at_a_domain_edge():
    r = derivative(lambda x: np.where(x >= 0, np.exp(x), np.nan), 0.0, full_output=True)
    assert r.status == "domain_edge"
    assert abs(r.value - 1.0) <= max(r.error, 1e-12) and r.error < 1e-9


@pytest.mark.parametrize("x", [1e-3, 1e-8])
def test_log_near_zero_shrinks_the_step_instead_of_failing(x):
    r = derivative(np.log, x, full_output=True)
    assert r.status == "ok"
    assert abs(r.value * x - 1.0) < 1e-9
    assert r.step < x


@pytest.mark.parametrize("f, x", [(np.log, 0.0), (lambda x: 1 / x, 0.0),
                                  (lambda x: x * np.nan, 1.0), (np.log1p, -1.0)])
def test_nonfinite_values_are_reported(f, x):
    r = derivative(f, x, full_output=True)
    assert r.status == "nonfinite" and np.isnan(r.value)


def test_infinite_slope_is_nonfinite_not_a_big_number():
    r = derivative(np.cbrt, 0.0, full_output=True)
    assert r.status == "nonfinite" and r.value == np.inf


def test_pole_near_the_point_is_inaccurate_not_confident():
    r = derivative(lambda x: 1 / x, 1e-10, full_output=True)  # steps start 1e9 times too big
    assert r.status == "inaccurate" and abs(r.value + 1e20) <= r.error < 0.1e20


def test_large_x_is_not_aliased():
    r = derivative(np.sin, 1e6, full_output=True)
    assert r.status == "ok" and abs(r.value - np.cos(1e6)) < 1e-12


def test_plain_call_returns_a_float_and_warns_on_trouble():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = derivative(np.sin, 1.0)
    assert isinstance(value, float) and abs(value - math.cos(1.0)) < 1e-13
    with pytest.warns(NumericalDerivativeWarning, match=r"x=0.0: kink.*left -1, right 1"):
        assert derivative(np.abs, 0.0) == 0.0
    with pytest.warns(NumericalDerivativeWarning, match="domain edge"):
        derivative(np.sqrt, 0.0)
    with pytest.warns(NumericalDerivativeWarning, match="full_output=True"):
        derivative(np.log, -1.0)
    assert issubclass(NumericalDerivativeWarning, UserWarning)


def test_vectorized_call_matches_scalar_calls():
    x = np.array([[0.3, -1.0, 0.0], [2.0, 3.7, 1e-3]])
    r = derivative(np.abs, x, full_output=True)
    assert r.value.shape == r.error.shape == r.status.shape == r.evaluations.shape == x.shape
    assert r.status.tolist() == [["ok", "ok", "kink"], ["ok", "ok", "ok"]]
    smooth = derivative(np.sin, x, full_output=True)
    for idx in np.ndindex(x.shape):
        one = derivative(np.sin, float(x[idx]), full_output=True)
        assert smooth.value[idx] == pytest.approx(one.value, abs=1e-15)
    assert np.all(np.abs(smooth.value - np.cos(x)) < 1e-13)


def test_vectorized_plain_call_names_the_bad_points():
    with pytest.warns(NumericalDerivativeWarning, match=r"x=-1.0.*x=-0.5"):
        out = derivative(np.log, np.array([-1.0, -0.5, 1.0]))
    assert np.isnan(out[:2]).all() and out[2] == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("order", [2, 3, 4])
def test_higher_orders_on_polynomials(order):
    p = np.polynomial.Polynomial([1.0, -2.0, 0.5, 3.0, -1.0, 0.25])
    dp = p.deriv(order)
    for x in (-1.5, 0.0, 0.7, 2.0):
        r = derivative(p, x, order=order, full_output=True)
        assert r.status == "ok"
        assert abs(r.value - dp(x)) <= max(r.error, 1e-9 * max(1.0, abs(dp(x))))


@pytest.mark.parametrize("order, tol", [(1, 1e-13), (2, 1e-11), (3, 1e-9), (4, 1e-7)])
def test_orders_on_sin(order, tol):
    exact = [np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin][order - 1]
    x = np.array([0.1, 0.7, 2.5])
    r = derivative(np.sin, x, order=order, full_output=True)
    assert (r.status == "ok").all()
    assert np.all(np.abs(r.value - exact(x)) <= tol)
    assert np.all(np.abs(r.value - exact(x)) <= np.maximum(r.error, 1e-15))


def test_complex_step_is_exact_and_checked_by_real_differences():
    counted = Counted(np.exp)
    r = derivative(counted, 1.5, method="complex", full_output=True)
    assert r.status == "ok" and r.evaluations == counted.n > 1  # the check costs a few
    assert abs(r.value - np.exp(1.5)) <= 4e-16 * np.exp(1.5)
    x = np.array([0.2, 1.0, 3.0])
    assert np.allclose(derivative(cnp.sin, x, method="complex"), np.cos(x), rtol=1e-15)


@pytest.mark.parametrize("order", [2, 3, 4])
def test_complex_step_higher_orders(order):
    exact = [None, None, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin][order]
    r = derivative(np.sin, 0.9, order=order, method="complex", full_output=True)
    assert r.status == "ok" and abs(r.value - exact(0.9)) <= max(r.error, 1e-13)


def test_complex_step_refuses_non_analytic_or_real_only_functions():
    with pytest.raises(ValueError, match="not analytic"):
        derivative(np.abs, 0.5, method="complex")
    with pytest.raises(ValueError, match="not analytic"):
        derivative(lambda x: float(x), 0.5, method="complex")
    with pytest.raises(TypeError, match="complex"):
        derivative(lambda x: np.logaddexp(0.0, x), 0.5, method="complex")


@pytest.mark.parametrize("method, side", [("forward", 1), ("backward", -1)])
def test_one_sided_methods_stay_on_their_side(method, side):
    counted = Counted(np.exp)
    r = derivative(counted, 1.0, method=method, full_output=True)
    assert r.status == "ok" and abs(r.value - np.e) < 1e-10
    assert all(side * (p - 1.0) >= 0 for p in counted.points)
    r = derivative(np.sin, 0.4, order=2, method=method, full_output=True)
    assert abs(r.value + np.sin(0.4)) <= max(r.error, 1e-12)


def test_forward_method_at_the_left_edge_of_a_domain():
    r = derivative(lambda x: x ** 1.5 + x, 0.0, method="forward", full_output=True)
    assert abs(r.value - 1.0) <= max(r.error, 1e-3)


def test_explicit_step_and_tolerance():
    r = derivative(np.exp, 0.5, step=0.01, full_output=True)
    assert r.status == "ok" and abs(r.value - np.exp(0.5)) < 1e-12 and r.step <= 0.01
    tight = derivative(np.sin, 0.7, order=4, rtol=1e-14, full_output=True)
    assert tight.status == "inaccurate"


def test_bad_arguments():
    with pytest.raises(ValueError, match="order"):
        derivative(np.sin, 1.0, order=5)
    with pytest.raises(ValueError, match="method"):
        derivative(np.sin, 1.0, method="five-point")
    with pytest.raises(TypeError, match="real"):
        derivative(np.sin, 1.0 + 2j)
    with pytest.raises(ValueError, match="elementwise"):
        derivative(lambda x: np.ones(3), 1.0)
    for step in (0.0, -1.0, np.inf, np.nan, "1", 1j):
        with pytest.raises(ValueError, match="positive"):
            derivative(np.sin, 1.0, step=step)


def test_result_type():
    r = derivative(np.sin, 0.5, full_output=True)
    assert isinstance(r, DerivativeResult) and r.ok and float(r) == r.value
    assert "status='ok'" in repr(r) and r.status in STATUSES
    with pytest.raises(AttributeError):
        r.value = 0.0


def test_stencil_weights():
    assert fd_weights([-2, -1, 0, 1, 2], 1) == pytest.approx((1 / 12, -2 / 3, 0, 2 / 3, -1 / 12))
    assert central(4).weights == (1.0, -4.0, 6.0, -4.0, 1.0)
    assert one_sided(2, -1).offsets == (0, -1, -2)
    with pytest.raises(ValueError):
        fd_weights([0, 1], 2)


def test_domain_edges_at_higher_orders():
    r = derivative(np.sqrt, 0.0, order=2, full_output=True)
    assert r.status == "domain_edge" and r.value == -np.inf
    edge = derivative(lambda x: np.where(x >= 0, np.exp(x), np.nan), 0.0, order=2,
                      full_output=True)
    assert edge.status == "domain_edge" and abs(edge.value - 1.0) <= edge.error < 1e-3


def test_near_a_kink_the_step_shrinks_past_it():
    a = np.array([-2.3, 0.7, 4.1])
    r = derivative(lambda x: np.abs(x - a), a + 1e-3, full_output=True)
    assert (r.status == "ok").all() and np.allclose(r.value, 1.0, atol=1e-12)
    assert (derivative(lambda x: np.abs(x - a), a, full_output=True).status == "kink").all()


def test_jump_discontinuity_is_not_a_number():
    r = derivative(np.floor, 1.0, full_output=True)
    assert r.status == "nonfinite" and r.left == np.inf and r.right == 0.0
