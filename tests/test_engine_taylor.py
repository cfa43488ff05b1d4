"""Taylor mode (``derivative``, ``taylor_coefficients``) against nested forward mode, for
every differentiable primitive of the registry, and mixed with the other transformations."""

import math

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import registry
from chainrule.testing import sample_function

try:  # SciPy's primitives join the sweep whatever the order the test files run in
    import chainrule.scipy  # noqa: F401
except ImportError:
    pass

DIFFERENTIABLE = sorted((p for p in registry().values() if p.differentiable),
                        key=lambda p: p.name)


def _nested(f, order: int):
    """The ``order``-th derivative by nested jvp: the slow, independent reference."""
    d = f
    for _ in range(order):
        d = (lambda g: lambda s: cr.jvp(g, (s,), (np.ones_like(s)[()],))[1])(d)
    return d


def _along(f, xs: tuple, vs: tuple):
    return lambda s: f(*[x + s * v for x, v in zip(xs, vs)])


# Orders checked: 4, fewer where nested forward mode is the costly part (odeint solves a
# system that grows with each level of nesting).
ORDERS = {"odeint": 2}


def _coefficients(g, order: int) -> tuple:
    """Taylor coefficients up to ``order``, or up to the order a primitive supports: one
    that refuses a higher derivative (NotImplementedError) must refuse it in both modes."""
    try:
        return cr.taylor_coefficients(g, 0.0, order), order
    except NotImplementedError:
        for k in range(order, 0, -1):
            try:
                return cr.taylor_coefficients(g, 0.0, k - 1), k - 1
            except NotImplementedError:
                with pytest.raises(NotImplementedError):
                    _nested(g, k - 1)(0.0)
        raise


@pytest.mark.parametrize("prim", DIFFERENTIABLE, ids=lambda p: p.name)
def test_taylor_mode_matches_nested_forward_mode(prim):
    rng = np.random.default_rng(7)
    for sample in prim.samples():
        f, xs = sample_function(prim, sample)
        vs = tuple(rng.standard_normal(np.shape(x)) * 0.3 for x in xs)
        g = _along(f, xs, vs)
        coefs, top = _coefficients(g, ORDERS.get(prim.name, 4))
        if top < ORDERS.get(prim.name, 4):
            with pytest.raises(NotImplementedError):
                _nested(g, top + 1)(0.0)
        np.testing.assert_allclose(coefs[0], f(*xs), rtol=1e-12, atol=1e-12)
        for k in range(1, top + 1):
            want = _nested(g, k)(0.0)
            np.testing.assert_allclose(coefs[k] * math.factorial(k), want, rtol=1e-9,
                                       atol=1e-9, err_msg=f"{prim.name}, order {k}")


@pytest.mark.parametrize("f, x, want", [
    (cnp.exp, 1.0, lambda n: np.e),
    (cnp.sin, 0.5, lambda n: np.sin(0.5 + n * np.pi / 2)),
    (lambda x: 1 / (1 - x), 0.5, lambda n: math.factorial(n) * 2.0 ** (n + 1)),
    (cnp.log, 2.0, lambda n: (-1) ** (n - 1) * math.factorial(n - 1) / 2.0 ** n),
    (lambda x: x ** 5, 2.0, lambda n: [0, 80, 160, 240, 240, 120][n] if n <= 5 else 0),
])
@pytest.mark.parametrize("order", [1, 2, 5, 12, 25])
def test_high_orders_are_exact_formulas(f, x, want, order):
    np.testing.assert_allclose(cr.derivative(f, order)(x), want(order), rtol=1e-9, atol=1e-9)


def test_reported_order_14_is_fast():
    def f(x):
        return cnp.sin(cnp.cos(cnp.sin(cnp.cos(x))))

    # (nested forward mode took about 100 s for order 14; Taylor mode takes milliseconds:
    # tests assert no times, the suite's own duration shows it)
    d14 = cr.derivative(f, order=14)(0.3)
    # Taylor mode over Taylor mode, and nested forward mode where it is still cheap.
    np.testing.assert_allclose(cr.derivative(cr.derivative(f, 7), 7)(0.3), d14, rtol=1e-9)
    np.testing.assert_allclose(cr.derivative(f, 8)(0.3), _nested(f, 8)(0.3), rtol=1e-9)


def test_elementwise_on_arrays_and_float32():
    x = np.array([0.1, 0.5, 2.0])
    np.testing.assert_allclose(cr.derivative(cnp.tanh, 3)(x), _nested(cnp.tanh, 3)(x))
    x32 = x.astype(np.float32)
    assert cr.derivative(cnp.tanh, 3)(x32).dtype == np.float32


def test_mixed_with_other_transformations():
    def f(x):
        return cnp.exp(cnp.sin(x)) * x

    x = 0.7
    d3 = _nested(f, 3)(x)
    np.testing.assert_allclose(cr.derivative(cr.derivative(f, 1), 2)(x), d3, rtol=1e-12)
    np.testing.assert_allclose(cr.derivative(cr.grad(f), 2)(x), d3, rtol=1e-12)
    np.testing.assert_allclose(cr.grad(cr.derivative(f, 2))(x), d3, rtol=1e-12)
    np.testing.assert_allclose(cr.jvp(cr.derivative(f, 2), (x,), (1.0,))[1], d3, rtol=1e-12)
    np.testing.assert_allclose(cr.hessian(lambda v: cr.derivative(f, 1)(v[0]))(np.array([x])),
                               [[d3]], rtol=1e-12)


def test_constant_and_piecewise_functions():
    assert cr.derivative(lambda x: 3.0, 4)(1.0) == 0.0
    assert cr.derivative(cnp.floor, 2)(1.5) == 0.0
    assert cr.derivative(cnp.abs, 1)(-2.0) == -1.0
    assert cr.derivative(cnp.relu, 2)(2.0) == 0.0


def test_taylor_coefficients_along_a_direction():
    coefs = cr.taylor_coefficients(lambda v: cnp.sum(v ** 2), np.array([1.0, 2.0]), 3,
                                   direction=np.array([1.0, -1.0]))
    np.testing.assert_allclose(coefs, [5.0, -2.0, 2.0, 0.0])


def test_pytree_outputs():
    d = cr.derivative(lambda x: (x, {"sq": x * x, "cube": x ** 3}), order=2)(1.5)
    assert d[0] == 0.0 and d[1]["sq"] == 2.0 and d[1]["cube"] == pytest.approx(9.0)
    coefs = cr.taylor_coefficients(lambda x: [cnp.exp(x), 2.0], 0.0, 2)
    assert coefs[2][0] == pytest.approx(0.5) and coefs[1][1] == 0.0
