"""Complex numbers: every primitive's rules at complex points, the gradient convention
(JAX's and autograd's), holomorphic derivatives, and the errors that keep it honest."""

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import Sample, registry
from chainrule.testing import check_grads, sample_function

try:  # SciPy's namespaces register primitives on import: sweep them too
    import chainrule.scipy  # noqa: F401
except ImportError:
    pass

DIFFERENTIABLE = sorted((p for p in registry().values() if p.differentiable and p.samples),
                        key=lambda p: p.name)


def _complexify(sample: Sample, rng: np.random.Generator) -> Sample:
    """The sample with an imaginary part added to every float argument."""
    args = []
    for a in sample.args:
        arr = np.asarray(a)
        if arr.dtype.kind == "f":
            z = arr + 0.5j * rng.uniform(-1, 1, arr.shape)
            a = z if isinstance(a, np.ndarray) else complex(z)
        args.append(a)
    return Sample(tuple(args), sample.params)


def _numpy_takes(prim, sample: Sample) -> bool:
    """Whether the primitive computes a finite value at this complex sample (NumPy and
    SciPy refuse complex input for many functions: nothing to differentiate there)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            out = prim.impl(*sample.args, **sample.params)
    except (TypeError, ValueError, RuntimeWarning):
        return False
    return bool(np.all(np.isfinite(out)))


@pytest.mark.parametrize("prim", DIFFERENTIABLE, ids=lambda p: p.name)
def test_rules_at_complex_points(prim):
    """Forward and reverse, orders 1 and 2, against finite differences in complex
    directions: a rule that is right on the reals but not holomorphic (or not written for
    the complex case) fails here, unless the primitive says real_only and refuses."""
    rng = np.random.default_rng(len(prim.name))
    for sample in prim.samples():
        cs = _complexify(sample, rng)
        if not _numpy_takes(prim, cs):
            continue
        f, xs = sample_function(prim, cs)
        if prim.real_only:
            with pytest.raises(TypeError, match="real arguments only"):
                cr.vjp(f, *xs)[1](np.ones_like(np.asarray(f(*xs))))
            continue
        check_grads(f, xs, order=2, rtol=1e-5, atol=1e-6)


def test_the_sweep_reaches_the_complex_functions():
    reached = {p.name for p in DIFFERENTIABLE
               if any(_numpy_takes(p, _complexify(s, np.random.default_rng(0)))
                      for s in p.samples())}
    assert {"exp", "log", "sin", "matmul", "absolute", "real", "imag", "conjugate",
            "solve", "det", "inv", "sum", "getitem", "power"} <= reached


# ---------------------------------------------------------------------------------------
# The convention: grad of a real-valued f(z) is df/dx - i df/dy (JAX, autograd).


def _wirtinger(f, z, h=1e-6):
    """``df/dx - i df/dy`` by central differences, elementwise over an array ``z``."""
    z = np.asarray(z, complex)
    out = np.zeros_like(z)
    for k in range(z.size):
        e = np.zeros_like(z)
        e.flat[k] = 1
        dx = (f(z + h * e) - f(z - h * e)) / (2 * h)
        dy = (f(z + 1j * h * e) - f(z - 1j * h * e)) / (2 * h)
        out.flat[k] = dx - 1j * dy
    return out


REAL_VALUED = {
    "abs2": lambda z: cnp.sum(cnp.abs(z) ** 2),
    "real_sq": lambda z: cnp.sum(cnp.real(z * z)),
    "imag_exp": lambda z: cnp.sum(cnp.imag(cnp.exp(z))),
    "angle": lambda z: cnp.sum(cnp.angle(z)),
    "var": lambda z: cnp.var(z),
    "std": lambda z: cnp.std(z),
    "norm": lambda z: cnp.linalg.norm(z),
    "vdot": lambda z: cnp.real(cnp.vdot(z, np.arange(4.0) - 1.5j)),
    "conj_prod": lambda z: cnp.real(cnp.sum(cnp.conj(z) * z * z)),
    "sign": lambda z: cnp.sum(cnp.real(cnp.sign(z)) + 2 * cnp.imag(cnp.sign(z))),
    "logabsdet": lambda z: cnp.linalg.slogdet(cnp.reshape(z, (2, 2)) + 3 * cnp.eye(2))[1],
    "real_attr": lambda z: cnp.sum(z.real * z.imag + z.conj().real),
}


@pytest.mark.parametrize("name", sorted(REAL_VALUED))
def test_gradient_convention_matches_finite_differences(name):
    f = REAL_VALUED[name]
    z = np.array([0.7 - 1.1j, -0.4 + 0.3j, 1.5 + 0.9j, -0.2 - 0.8j])
    g = cr.grad(f)(z)
    assert g.dtype == np.complex128
    np.testing.assert_allclose(g, _wirtinger(lambda w: float(f(w)), z), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", sorted(set(REAL_VALUED) - {"sign", "real_attr"}))
def test_gradient_convention_matches_autograd(name):
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    ours = REAL_VALUED[name]
    theirs = {
        "abs2": lambda z: anp.sum(anp.abs(z) ** 2),
        "real_sq": lambda z: anp.sum(anp.real(z * z)),
        "imag_exp": lambda z: anp.sum(anp.imag(anp.exp(z))),
        "angle": lambda z: anp.sum(anp.angle(z)),
        "var": lambda z: anp.var(z),
        "std": lambda z: anp.std(z),
        "norm": lambda z: anp.linalg.norm(z),
        # autograd has no vdot rule: its definition, sum(conj(a) b)
        "vdot": lambda z: anp.real(anp.sum(anp.conj(z) * (np.arange(4.0) - 1.5j))),
        "conj_prod": lambda z: anp.real(anp.sum(anp.conj(z) * z * z)),
        "logabsdet": lambda z: anp.linalg.slogdet(anp.reshape(z, (2, 2)) + 3 * anp.eye(2))[1],
    }[name]
    z = np.array([0.7 - 1.1j, -0.4 + 0.3j, 1.5 + 0.9j, -0.2 - 0.8j])
    np.testing.assert_allclose(cr.grad(ours)(z), autograd.grad(theirs)(z), rtol=1e-10)
    np.testing.assert_allclose(ours(z), theirs(z), rtol=1e-12)


def test_real_input_through_complex_values_gets_a_real_gradient():
    # |sum exp(i x)| is real and depends on real x through complex intermediates
    f = lambda x: cnp.abs(cnp.sum(cnp.exp(1j * x)))  # noqa: E731
    x = np.array([0.1, 0.5, 0.9])
    g = cr.grad(f)(x)
    assert g.dtype == np.float64
    h = 1e-6
    fd = [(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(g, fd, rtol=1e-7, atol=1e-9)
    assert isinstance(cr.grad(lambda t: cnp.real(t * (1 + 0.2j)))(1.0), float)
    check_grads(f, (x,), order=2)  # the projection composes with higher orders


def test_second_order_through_complex_values():
    f = lambda x: cnp.abs(cnp.exp(1j * x * x) + x)  # noqa: E731
    d2 = cr.grad(cr.grad(f))(0.7)
    h = 1e-4
    fd = (f(0.7 + h) - 2 * f(0.7) + f(0.7 - h)) / h ** 2
    assert abs(d2 - fd) < 1e-5
    z = np.array([0.3 + 0.2j, -0.5 + 0.1j])
    check_grads(lambda w: cnp.abs(cnp.sin(w) * w), (z,), order=2)


# ---------------------------------------------------------------------------------------
# Holomorphic derivatives.


def test_holomorphic_grad_is_the_complex_derivative():
    z = 1.0 + 2.0j
    assert cr.holomorphic_grad(lambda w: w ** 3)(z) == pytest.approx(3 * z ** 2)
    d = cr.grad(lambda w: cnp.sin(w) * cnp.exp(w), holomorphic=True)(z)
    assert d == pytest.approx(np.cos(z) * np.exp(z) + np.sin(z) * np.exp(z))
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jd = jax.grad(lambda w: jax.numpy.sin(w) * jax.numpy.exp(w), holomorphic=True)(z)
    assert d == pytest.approx(complex(jd), rel=1e-12)


def test_holomorphic_jacobians_and_hessian():
    z = np.array([1.0 + 2.0j, 3.0 - 1.0j])
    expected = np.diag(2 * z)
    np.testing.assert_allclose(cr.jacfwd(lambda w: w ** 2, holomorphic=True)(z), expected)
    np.testing.assert_allclose(cr.jacrev(lambda w: w ** 2, holomorphic=True)(z), expected)
    np.testing.assert_allclose(cr.jacobian(lambda w: w ** 2, holomorphic=True)(z), expected)
    np.testing.assert_allclose(cr.hessian(lambda w: cnp.sum(w ** 3), holomorphic=True)(z),
                               np.diag(6 * z))


def test_jvp_and_vjp_take_complex_values():
    out, t = cr.jvp(lambda z: z * z, (1 + 1j,), (1j,))
    assert out == 2j and t == -2 + 2j
    out, pullback = cr.vjp(lambda z: cnp.exp(z), np.array([0.5j]))
    np.testing.assert_allclose(pullback(np.array([1.0 + 0j]))[0], np.exp([0.5j]))


# ---------------------------------------------------------------------------------------
# Errors.


def test_grad_of_a_complex_output_is_a_type_error():
    with pytest.raises(TypeError, match="complex-valued function.*holomorphic=True"):
        cr.grad(lambda x: x * (1 + 0.2j))(1.0)


def test_holomorphic_needs_complex_inputs_and_output():
    with pytest.raises(TypeError, match="needs complex inputs"):
        cr.grad(lambda z: z * z, holomorphic=True)(1.0)
    with pytest.raises(TypeError, match="needs a complex output"):
        cr.grad(lambda z: cnp.abs(z), holomorphic=True)(1.0 + 1j)


def test_jacobians_need_holomorphic_for_complex_inputs():
    for jac in (cr.jacfwd, cr.jacrev, cr.jacobian, cr.hessian):
        with pytest.raises(TypeError, match="holomorphic=True"):
            jac(lambda z: z * z)(np.array([1.0 + 1j]))


def test_taylor_mode_refuses_complex_inputs():
    with pytest.raises(TypeError, match="Taylor mode works on real inputs"):
        cr.derivative(cnp.sin, order=3)(1.0 + 1j)


def test_real_only_rules_refuse_complex_matrices():
    a = np.array([[2.0, 0.5j], [-0.5j, 3.0]])
    with pytest.raises(TypeError, match="real"):
        cr.grad(lambda m: cnp.sum(cnp.linalg.eigvalsh(m)))(a)
    with pytest.raises(TypeError, match="real arguments only"):
        cr.grad(lambda m: cnp.real(cnp.sum(cnp.linalg.cholesky(m))))(a)


def test_a_complex_tangent_for_a_real_input_is_refused():
    with pytest.raises(TypeError, match="complex tangent"):
        cr.jvp(cnp.sin, (1.0,), (1j,))


# ---------------------------------------------------------------------------------------
# The functions themselves: NumPy's values.


def test_values_match_numpy():
    z = np.array([0.7 - 1.1j, -0.4 + 0.3j, 0.0 + 0.0j])
    for ours, theirs in [(cnp.real, np.real), (cnp.imag, np.imag), (cnp.conj, np.conj),
                         (cnp.angle, np.angle), (cnp.sign, np.sign), (cnp.abs, np.abs),
                         (cnp.iscomplex, np.iscomplex), (cnp.isreal, np.isreal)]:
        np.testing.assert_array_equal(ours(z), theirs(z))
    assert cnp.iscomplexobj(z) and not cnp.isrealobj(z) and cnp.isrealobj(1.0)
    np.testing.assert_array_equal(cnp.angle(z, deg=True), np.angle(z, deg=True))
    close = np.array([1.0 + 1e-20j, 2.0])
    assert cnp.real_if_close(close).dtype == np.float64
    assert cnp.real_if_close(z).dtype == np.complex128
    assert cnp.var(z) == pytest.approx(np.var(z)) and cnp.vdot(z, z) == np.vdot(z, z)
    assert cnp.astype(z, np.float64).tolist() == z.real.tolist()


def test_sign_of_a_traced_complex_value_is_differentiable():
    f = lambda z: cnp.real(cnp.sum(cnp.conj(cnp.sign(z)) * z))  # noqa: E731  (= sum |z|)
    z = np.array([0.6 + 0.8j, -1.0 + 0.0j])
    np.testing.assert_allclose(cr.grad(f)(z), cr.grad(lambda w: cnp.sum(cnp.abs(w)))(z))


def test_integer_casts_read_traced_values():
    def f(x):
        return x * np.array([1.0, 10.0, 100.0])[cnp.int64(x)] + int(x)
    assert cr.grad(f)(2.7) == 100.0
    assert cr.value_and_grad(f)(1.5) == (16.0, 10.0)
    assert np.zeros(2, cnp.int32).dtype == np.int32
    assert cnp.int64(np.float64(3.9)) == 3


def test_numeric_gradcheck_takes_complex_functions():
    from chainrule.numeric import gradcheck
    z = np.array([1 + 2j, 0.3 - 1j])
    assert gradcheck(lambda w: cnp.sin(w) * cnp.conj(w), (z,)).ok
    assert gradcheck(lambda x: cnp.fft.fft(x), (np.array([0.5, -1.0, 2.0]),)).ok
    from chainrule.core import Primitive
    wrong = Primitive("wrong_conj", np.conjugate, jvp=(lambda t, ans, x: t,),
                      vjp=(lambda g, ans, x: g,))
    assert not gradcheck(wrong.bind, (z,), raise_on_failure=False).ok
