"""Regression tests for the engine items of issue 9: remainders, primitives without rules,
standard deviations and norms at their kinks, Python floats at domain edges, and bounded
high-order derivatives and Jacobians."""

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import Primitive, register, registry
from chainrule.testing import check_grads

# ---------------------------------------------------------------------------------------
# Remainders.


@pytest.mark.parametrize("fn, q", [(cnp.remainder, np.floor), (cnp.fmod, np.trunc),
                                   (lambda x, y: x % y, np.floor)])
@pytest.mark.parametrize("x, y", [(5.5, 2.0), (-5.5, 2.0), (5.5, -2.0), (7.25, 0.5)])
def test_remainder_derivatives(fn, q, x, y):
    dx, dy = cr.grad(fn, argnums=(0, 1))(x, y)
    assert dx == 1.0 and dy == -q(x / y)
    _, t = cr.jvp(fn, (x, y), (0.0, 1.0))
    assert t == -q(x / y)
    check_grads(fn, (np.array([x]), np.array([y])), order=2)


def test_divmod_on_tracers():
    def f(x):
        q, r = divmod(x, 2.0)
        return q + r

    assert cr.grad(f)(5.5) == 1.0  # the quotient is piecewise constant
    q, r = cnp.divmod(np.array([5.5, -1.5]), 2.0)
    np.testing.assert_array_equal(q, [2.0, -1.0])
    np.testing.assert_array_equal(r, [1.5, 0.5])


# ---------------------------------------------------------------------------------------
# Primitives without rules: each has a reason, and the list is known.

BOOL = "boolean output"
STEP = "piecewise constant"
WITHOUT_RULES = {
    "equal": BOOL, "not_equal": BOOL, "greater": BOOL, "greater_equal": BOOL, "less": BOOL,
    "less_equal": BOOL, "isfinite": BOOL, "isnan": BOOL, "isinf": BOOL,
    "sign": STEP, "floor": STEP, "ceil": STEP, "round": STEP, "trunc": STEP,
    "floor_divide": STEP, "stop_gradient": "constant by definition",
    "gammasgn": "piecewise constant",  # chainrule.scipy.special
}


def test_every_primitive_without_rules_is_known_and_says_why():
    """A primitive registered without rules has a zero derivative in every mode. That is
    right only where the function is piecewise constant or not real-valued; a new one must
    be added here on purpose (``remainder`` once slipped in this way, with derivative 0)."""
    pytest.importorskip("chainrule.scipy")  # its primitives count too, in any test order
    without = {p.name: p.no_rules for p in registry().values() if not p.differentiable}
    assert set(without) == set(WITHOUT_RULES)
    for name, why in WITHOUT_RULES.items():
        assert why in without[name], (name, without[name])


def test_register_refuses_a_primitive_without_rules_or_reason():
    with pytest.raises(ValueError, match="no_rules"):
        register(Primitive("silently_constant_example", np.sin))


def test_every_elementwise_numpy_ufunc_with_a_derivative_has_rules():
    """The NumPy ufuncs the namespace exposes that are differentiable almost everywhere."""
    smooth_ae = ["remainder", "fmod", "absolute", "maximum", "minimum", "power", "hypot",
                 "arctan2", "cbrt", "relu"]
    for name in smooth_ae:
        assert registry()[name].differentiable, name


# ---------------------------------------------------------------------------------------
# Standard deviation and norms at their kinks.


def test_std_of_one_element_has_derivative_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(cr.grad(cnp.std)(np.array([3.0])), [0.0])
        np.testing.assert_array_equal(cr.grad(cnp.std)(np.array([2.0, 2.0, 2.0])), [0, 0, 0])
        np.testing.assert_array_equal(cr.hessian(cnp.std)(np.array([3.0])), [[0.0]])
        g = cr.grad(lambda x: cnp.sum(cnp.std(x, axis=1)))(np.array([[1.0, 1.0], [0.0, 2.0]]))
    np.testing.assert_allclose(g, [[0.0, 0.0], [-0.5, 0.5]])
    assert cnp.std(np.array([3.0])) == 0.0 and cnp.std([1.0, 3.0]) == 1.0


def test_norm_at_zero_follows_abs():
    for x in (np.zeros(1), np.zeros(3)):
        np.testing.assert_array_equal(cr.grad(cnp.linalg.norm)(x), np.zeros_like(x))
    np.testing.assert_array_equal(cr.grad(lambda m: cnp.linalg.norm(m, "fro"))(np.zeros((2, 2))),
                                  np.zeros((2, 2)))
    assert cr.grad(lambda x: cnp.linalg.norm(cnp.reshape(x, (1,))))(0.0) == \
        cr.grad(cnp.abs)(0.0) == 0.0
    np.testing.assert_allclose(cr.grad(cnp.linalg.norm)(np.array([3.0, 4.0])), [0.6, 0.8])
    for p in (1, 1.5, 3, np.inf):  # every p-norm, p >= 1, has its kink at the origin
        np.testing.assert_array_equal(
            cr.grad(lambda x, p=p: cnp.linalg.norm(x, p))(np.zeros(2)), [0.0, 0.0])
        assert cnp.linalg.norm(np.array([3.0, -4.0]), p) == pytest.approx(
            np.linalg.norm([3.0, -4.0], p))


# ---------------------------------------------------------------------------------------
# Python floats at domain edges: NumPy's values (and warnings), never a Python exception.


@pytest.mark.parametrize("fn, x, want", [
    (cnp.log, 0.0, np.inf), (cnp.sqrt, 0.0, np.inf), (cnp.arcsin, 1.0, np.inf),
    (cnp.arccos, 1.0, -np.inf), (cnp.log1p, -1.0, np.inf),
    (lambda x: x ** 3, 1e200, np.inf)])
def test_reported_domain_edges(fn, x, want):
    for rep in (float, np.float64, np.array):
        with pytest.warns(RuntimeWarning):
            assert cr.grad(fn)(rep(x)) == want
    with np.errstate(all="ignore"):
        assert cr.grad(fn)(x) == want
    with np.errstate(all="raise"), pytest.raises(FloatingPointError):
        cr.grad(fn)(x)


def test_division_by_zero_in_forward_mode():
    with np.errstate(divide="ignore"):
        out, t = cr.jvp(lambda x: x / 0.0, (1.0,), (1.0,))
    assert out == np.inf and t == np.inf


def test_negative_base_to_a_fractional_power_is_nan_not_complex():
    with np.errstate(invalid="ignore"):
        g = cr.grad(lambda x: x ** 0.5)(-4.0)
        h = cr.derivative(lambda x: x ** 2.5, order=2)(-4.0)
    assert np.isnan(g) and np.isnan(h) and not isinstance(g, complex)


def test_power_with_zero_exponent_has_slope_zero_everywhere():
    for rep in (float, np.array):
        x, y = rep(0.0), rep(0.0)
        np.testing.assert_array_equal(cr.grad(cnp.power)(x, y), 0.0)
        np.testing.assert_array_equal(cr.grad(cnp.power)(rep(np.inf), y), 0.0)


def test_relu_of_nan_is_nan_for_floats_as_for_arrays():
    assert np.isnan(cnp.relu(float("nan"))) and np.isnan(cnp.relu(np.array(np.nan)))


# ---------------------------------------------------------------------------------------
# Bounded work.


def test_derivative_of_absurd_order_fails_at_once():
    # refused when the derivative function is made, before any work (nothing is called)
    with pytest.raises(ValueError, match="order"):
        cr.derivative(cnp.sin, order=10**8)
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError):
            cr.derivative(cnp.sin, order=bad)


def test_high_order_derivative_stops_at_the_budget():
    def f(x):
        return cnp.sin(cnp.cos(cnp.sin(cnp.cos(x))))

    with cr.budget(nodes=300), pytest.raises(cr.BudgetExceeded, match="nodes"):
        cr.derivative(f, order=12)(0.3)
    # Taylor mode: order 40 costs little; every order is bounded by the default budget.
    assert np.isfinite(cr.derivative(f, order=40)(0.3))
    a = np.array([[3.0, 1.0], [0.5, 2.0]])
    with cr.budget(nodes=100_000), pytest.raises(cr.BudgetExceeded):
        # solve with both arguments varying has no recurrence of its own yet: its rules
        # branch, and the budget stops it
        cr.derivative(lambda s: cnp.sum(cnp.linalg.solve(a * s, cnp.ones(2) * s)), 30)(1.0)
    assert float(cr.derivative(f, order=3)(0.3)) == pytest.approx(
        float(cr.derivative(cr.derivative(cr.derivative(f)))(0.3)))


def test_derivative_runs_under_the_default_budget():
    from chainrule.core.budget import current
    seen = []

    def f(x):
        seen.append(current())
        return x * x

    assert cr.derivative(f, order=2)(1.0) == 2.0
    assert seen[0] is not None
    assert cr.derivative(f, order=0) is f


@pytest.mark.parametrize("transform", [cr.jacfwd, cr.jacrev, cr.jacobian, cr.hessian])
def test_jacobians_of_many_variables_stop_at_the_budget(transform):
    with cr.budget(nodes=500), pytest.raises(cr.BudgetExceeded):
        transform(lambda x: cnp.sum(x * x) * x)(np.ones(2000))


def test_budget_counts_traced_work_only_when_active():
    from chainrule.core import ReverseTrace
    assert ReverseTrace().budget is None
    with cr.budget() as b:
        cr.grad(lambda x: cnp.sin(x) * x)(0.3)
        assert b.used >= 2


# ---------------------------------------------------------------------------------------
# Found while attacking the engine.


def test_sigmoid_and_softplus_of_complex_numbers_are_the_formulas():
    z = np.array([1 + 1j, -2 + 0.5j])
    np.testing.assert_allclose(cnp.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14)
    np.testing.assert_allclose(cnp.softplus(z), np.log(1 + np.exp(z)), rtol=1e-14)


def test_hypot_at_the_origin_follows_abs():
    assert cr.grad(cnp.hypot, argnums=(0, 1))(0.0, 0.0) == (0.0, 0.0)
    assert cr.grad(lambda x: cnp.hypot(x, 0.0))(0.0) == cr.grad(cnp.abs)(0.0)
    np.testing.assert_allclose(cr.grad(cnp.hypot, argnums=(0, 1))(3.0, 4.0), (0.6, 0.8))


def test_empty_arrays():
    e = np.zeros(0)
    with np.errstate(all="ignore"):  # the mean of nothing is 0/0, as in NumPy
        np.testing.assert_array_equal(cr.grad(cnp.mean)(e), e)
        np.testing.assert_array_equal(cr.grad(cnp.std)(e), e)
    assert cnp.logsumexp(e) == -np.inf and cnp.softmax(e).shape == (0,)
    np.testing.assert_array_equal(cr.grad(lambda x: cnp.sum(cnp.softmax(x)))(e), e)
    for transform in (cr.jacfwd, cr.jacrev, cr.jacobian):
        assert transform(lambda x: 2 * x)(e).shape == (0, 0)
    assert cr.hessian(lambda x: cnp.sum(x * x))(e).shape == (0, 0)
    assert cr.jacfwd(lambda x: cnp.sum(x) + np.ones(2))(e).shape == (2, 0)


def test_grad_of_a_function_that_returns_no_number():
    for out in (None, "a", [1.0, 2.0]):
        with pytest.raises(TypeError, match="scalar output"):
            cr.grad(lambda x, out=out: out)(1.0)


def test_vjp_with_a_cotangent_of_the_wrong_shape():
    _, pullback = cr.vjp(cnp.sin, np.ones(2))
    with pytest.raises(ValueError, match=r"cotangent of shape \(3,\)"):
        pullback(np.ones(3))


def test_float32_stays_float32_when_a_rule_is_redone_on_numpy_scalars():
    x = np.array([1.0, 2.0], np.float32)
    with np.errstate(divide="ignore"):
        g = cr.grad(lambda x: cnp.sum(x / 0.0))(x)
        _, t = cr.jvp(lambda x: x / 0.0, (x,), (x,))
    assert g.dtype == np.float32 and t.dtype == np.float32


def test_complex_tangents_and_cotangents_are_refused_clearly():
    with pytest.raises(TypeError, match="complex tangent"):
        cr.jvp(cnp.sin, (1.0,), (1j,))
    with pytest.raises(TypeError, match="complex tangent"):
        cr.jvp(cnp.sin, (np.ones(2),), (np.ones(2) * 1j,))
    with pytest.raises(TypeError, match="complex tangent"):
        cr.vjp(cnp.sin, 1.0)[1](1j)


@pytest.mark.parametrize("x", [0.0, np.float64(0.0)])
def test_an_infinite_scalar_rule_result_raises_no_spurious_warning(x):
    """The check for a rule result that overflowed must not itself compute inf - inf
    (NumPy warns 'invalid value in scalar subtract' for np.float64)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(divide="ignore"):
            assert cr.grad(lambda t: cnp.sqrt(t * 2.0) * 3.0)(x) == np.inf
            assert cr.jvp(lambda t: cnp.sqrt(t) * 3.0, (x,), (1.0,))[1] == np.inf
