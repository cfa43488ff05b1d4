"""chainrule.scipy.signal.convolve and chainrule.scipy.integrate.odeint: SciPy's values,
derivatives against finite differences (both modes), a closed form, and autograd."""

import numpy as np
import pytest
import scipy.integrate as si
import scipy.signal as ss

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.scipy.integrate import odeint
from chainrule.scipy.signal import convolve
from chainrule.testing import check_grads

RNG = np.random.default_rng(7)
SHAPES = [((6,), (3,)), ((3,), (5,)), ((4, 3), (2, 2)), ((2, 3), (3, 4)),
          ((3, 2, 4), (2, 2, 3))]
MODES = ["full", "same", "valid"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("sa, sb", SHAPES)
def test_convolve_values_and_derivatives(mode, sa, sb):
    a, b = RNG.uniform(-1, 1, size=sa), RNG.uniform(-1, 1, size=sb)
    if mode == "valid" and not (all(x >= y for x, y in zip(sa, sb))
                                or all(x <= y for x, y in zip(sa, sb))):
        with pytest.raises(ValueError):
            convolve(a, b, mode)
        return
    for method in ("direct", "fft"):
        np.testing.assert_array_equal(convolve(a, b, mode, method),
                                      ss.convolve(a, b, mode, method))
    check_grads(lambda a, b: convolve(a, b, mode), (a, b), order=2)


@pytest.mark.parametrize("mode", MODES)
def test_convolve_agrees_with_autograd(mode):
    ag = pytest.importorskip("autograd")
    asig = pytest.importorskip("autograd.scipy.signal")
    anp = pytest.importorskip("autograd.numpy")
    for sa, sb in [((6,), (3,)), ((4, 3), (2, 2)), ((2, 3), (3, 4))]:
        a, b = RNG.uniform(-1, 1, size=sa), RNG.uniform(-1, 1, size=sb)
        out_shape = ss.convolve(a, b, mode).shape
        w = RNG.uniform(-1, 1, size=out_shape)
        ours = cr.grad(lambda a, b: (convolve(a, b, mode) * w).sum(), argnums=(0, 1))(a, b)
        theirs = ag.grad(lambda a, b: anp.sum(asig.convolve(a, b, mode=mode) * w),
                         argnum=(0, 1))(a, b)
        for x, y in zip(ours, theirs):
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)


AXES_CASES = [((2, 3, 5, 5), (3, 4, 3, 3), ([2, 3], [2, 3]), ([1], [0])),  # a conv layer
              ((5, 4), (3, 4), ([0], [0]), ([1], [1])), ((2, 6), (3,), ([1], [0]), ([], []))]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("sa, sb, axes, dot_axes", AXES_CASES)
def test_convolve_axes_as_autograd(mode, sa, sb, axes, dot_axes):
    ag = pytest.importorskip("autograd")
    asig = pytest.importorskip("autograd.scipy.signal")
    anp = pytest.importorskip("autograd.numpy")
    a, b = RNG.uniform(-1, 1, size=sa), RNG.uniform(-1, 1, size=sb)
    kw = dict(axes=axes, dot_axes=dot_axes)
    ref = asig.convolve(a, b, mode=mode, **kw)
    np.testing.assert_allclose(convolve(a, b, mode, **kw), ref, rtol=1e-12, atol=1e-12)
    w = RNG.uniform(-1, 1, size=ref.shape)
    ours = cr.grad(lambda a, b: (convolve(a, b, mode, **kw) * w).sum(), argnums=(0, 1))(a, b)
    theirs = ag.grad(lambda a, b: anp.sum(asig.convolve(a, b, mode=mode, **kw) * w),
                     argnum=(0, 1))(a, b)
    for x, y in zip(ours, theirs):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)
    if len(sa) == 2:
        check_grads(lambda a, b: convolve(a, b, mode, **kw), (a, b), order=2)


def test_convolve_inputs():
    np.testing.assert_array_equal(convolve([1, 2], [3, 4]), ss.convolve([1, 2], [3, 4]))
    assert convolve(np.ones(3, np.float32), np.ones(2, np.float32)).dtype == np.float32
    with pytest.raises(TypeError, match="complex"):
        convolve(np.ones(3), np.ones(2) + 1j)
    with pytest.raises(ValueError, match="dimensionality"):
        convolve(np.ones(3), np.ones((2, 2)))
    with pytest.raises(ValueError, match="mode"):
        convolve(np.ones(3), np.ones(2), "circular")
    with pytest.raises(ValueError, match="needs axes"):
        convolve(np.ones((3, 2)), np.ones((2, 2)), dot_axes=([1], [1]))


# ---------------------------------------------------------------------------------------
# odeint

TS = np.array([0.0, 0.3, 0.8, 1.2])
TOL = dict(rtol=1e-10, atol=1e-10)


def decay(y, t, k):
    return -k * y


def oscillator(y, t, w, c):
    """A damped, forced oscillator: nonlinear in w, explicit in t."""
    return cnp.stack([y[1], -w * w * cnp.sin(y[0]) - c * y[1] + 0.2 * cnp.cos(t)])


def test_odeint_values_are_scipys():
    y0, w, c = np.array([0.4, -0.2]), 1.3, 0.25
    np.testing.assert_array_equal(odeint(oscillator, y0, TS, args=(w, c), **TOL),
                                  si.odeint(oscillator, y0, TS, args=(w, c), **TOL))
    ours = odeint(lambda t, y, w, c: oscillator(y, t, w, c), y0, TS, args=(w, c),
                  tfirst=True)
    np.testing.assert_array_equal(ours, si.odeint(oscillator, y0, TS, args=(w, c)))
    full, info = odeint(oscillator, y0, TS, args=(w, c), full_output=True)
    np.testing.assert_array_equal(full, si.odeint(oscillator, y0, TS, args=(w, c)))
    assert "nfe" in info


def test_odeint_closed_form_decay():
    # y = y0 exp(-k (t - t0)): every derivative is known.
    y0, k = np.array([1.5]), 0.7

    def loss(y0, t, k):
        return odeint(decay, y0, t, args=(k,), **TOL)[:, 0].sum()

    e = np.exp(-k * (TS - TS[0]))
    expect = (np.array([e.sum()]), np.r_[k * y0[0] * e[1:].sum(), -k * y0[0] * e[1:]],
              -(y0[0] * (TS - TS[0]) * e).sum())
    for got in (cr.grad(loss, argnums=(0, 1, 2))(y0, TS, k),
                cr.jacfwd(loss, argnums=(0, 1, 2))(y0, TS, k)):
        for x, y in zip(got, expect):
            np.testing.assert_allclose(x, y, rtol=1e-7, atol=1e-9)
    second = (y0[0] * (TS - TS[0]) ** 2 * e).sum()  # d^2/dk^2, forward over reverse
    np.testing.assert_allclose(cr.hessian(lambda k: loss(y0, TS, k))(k), second, rtol=1e-6)


def test_odeint_finite_differences():
    y0 = np.array([0.4, -0.2])

    def f(y0, t, w, c):
        return odeint(oscillator, y0, t, args=(w, c), **TOL)

    check_grads(f, (y0, TS, 1.3, 0.25), order=1, rtol=1e-5, atol=1e-7)
    check_grads(lambda y0, w: f(y0, TS[:3], w, 0.25), (y0, 1.3), order=2, rtol=1e-4,
                atol=1e-6)


def test_odeint_agrees_with_autograd():
    ag = pytest.importorskip("autograd")
    aint = pytest.importorskip("autograd.scipy.integrate")
    anp = pytest.importorskip("autograd.numpy")

    def a_osc(y, t, p):  # autograd's odeint wants array arguments
        return anp.array([y[1], -p[0] ** 2 * anp.sin(y[0]) - p[1] * y[1] + 0.2 * anp.cos(t)])

    def osc(y, t, p):
        return oscillator(y, t, p[0], p[1])

    y0, p, wts = np.array([0.4, -0.2]), np.array([1.3, 0.25]), RNG.uniform(-1, 1, (4, 2))
    # autograd 1.9.1's odeint fails on gradients with respect to args (a ValueError in its
    # backward solve), so those are checked against finite differences and a closed form.
    ours = cr.grad(lambda y0, t, p: (odeint(osc, y0, t, args=(p,), **TOL) * wts).sum(),
                   argnums=(0, 1))(y0, TS, p)
    theirs = ag.grad(lambda y0, t, p: anp.sum(aint.odeint(a_osc, y0, t, (p,), **TOL) * wts),
                     argnum=(0, 1))(y0, TS, p)
    for x, y in zip(ours, theirs):
        np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-8)


def test_odeint_refusals():
    y0 = np.array([1.0])
    with pytest.raises(ValueError, match="closure"):
        cr.grad(lambda k: odeint(lambda y, t: -k * y, y0, TS)[-1, 0])(0.5)
    with pytest.raises(NotImplementedError, match="full_output"):
        cr.grad(lambda k: odeint(decay, y0, TS, args=(k,), full_output=True)[0][-1, 0])(0.5)
    with pytest.raises(TypeError, match="complex"):
        odeint(decay, y0 + 0j, TS, args=(0.5,))
    out = odeint(decay, y0.astype(np.float32), TS, args=(np.float32(0.5),))
    assert out.dtype == np.float32
