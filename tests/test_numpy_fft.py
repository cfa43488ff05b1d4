"""chainrule.numpy.fft: NumPy's values, derivatives against finite differences and
autograd, for real and complex input, every normalization, cropping and padding."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.numpy import fft as F
from chainrule.testing import check_grads

RNG = np.random.default_rng(7)
X = RNG.normal(size=(4, 6))
Z = X + 1j * RNG.normal(size=(4, 6))
REAL_INPUT = {"rfft", "ihfft", "rfft2", "rfftn"}
ALL = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "fftn", "ifftn",
       "rfft2", "irfft2", "rfftn", "irfftn", "fftshift", "ifftshift"]


def _input(name):
    return X if name in REAL_INPUT else Z


@pytest.mark.parametrize("name", ALL)
def test_values_are_numpys_to_the_bit(name):
    ours, theirs = getattr(F, name), getattr(np.fft, name)
    a = _input(name)
    assert np.array_equal(ours(a), theirs(a))
    assert ours(a).dtype == theirs(a).dtype
    a32 = a.astype(np.float32 if name in REAL_INPUT else np.complex64)
    assert ours(a32).dtype == theirs(a32).dtype


@pytest.mark.parametrize("kwargs", [dict(n=9, axis=0, norm="ortho"), dict(n=3),
                                    dict(norm="forward"), dict(axis=-2, n=1)])
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
def test_one_dimensional_options(name, kwargs):
    a = _input(name)
    np.testing.assert_array_equal(getattr(F, name)(a, **kwargs), getattr(np.fft, name)(a, **kwargs))
    check_grads(lambda v: getattr(F, name)(v, **kwargs), (a,), order=2)


@pytest.mark.parametrize("kwargs", [dict(s=(5, 3), axes=(1, 0)),
                                    dict(s=(3, 8), axes=(0, 1), norm="ortho"), dict(axes=(0,)),
                                    dict(s=(2, 4), axes=(-1, -2), norm="forward")])
@pytest.mark.parametrize("name", ["fftn", "ifftn", "rfftn", "irfftn"])
def test_n_dimensional_options(name, kwargs):
    a = _input(name)
    np.testing.assert_array_equal(getattr(F, name)(a, **kwargs), getattr(np.fft, name)(a, **kwargs))
    check_grads(lambda v: getattr(F, name)(v, **kwargs), (a,), order=2)


@pytest.mark.parametrize("name", ALL)
def test_derivatives_match_finite_differences(name):
    fn = getattr(F, name)
    check_grads(fn, (_input(name),), order=2)
    check_grads(lambda v: cnp.abs(fn(v)) ** 2, (_input(name),), order=2)
    if name not in REAL_INPUT:  # a real input of a complex transform: real gradient
        check_grads(fn, (X,), order=2)
        g = cr.grad(lambda v: cnp.sum(cnp.abs(fn(v))))(X)
        assert g.dtype == np.float64


@pytest.mark.parametrize("name", [n for n in ALL if n not in ("hfft", "ihfft")])
def test_gradients_agree_with_autograd(name):
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    a = _input(name)
    w = RNG.normal(size=np.fft.__dict__[name](a).shape)

    def ours(v):
        return cnp.sum(cnp.abs(getattr(F, name)(v)) * w)

    def theirs(v):
        return anp.sum(anp.abs(getattr(anp.fft, name)(v)) * w)

    np.testing.assert_allclose(cr.grad(ours)(a), autograd.grad(theirs)(a), rtol=1e-9, atol=1e-12)


def test_odd_lengths_of_irfft_which_autograd_refuses():
    # autograd's irfft gradient needs an even output length; the rule here does not
    c = Z[0, :4]
    check_grads(lambda v: F.irfft(v, n=7), (c,), order=2)
    check_grads(lambda v: F.irfftn(v, s=(3, 5), axes=(0, 1)), (Z,), order=2)


def test_parseval_gradient():
    # sum |fft(x)|^2 = n sum x^2, so its gradient is 2 n x
    x = RNG.normal(size=8)
    np.testing.assert_allclose(cr.grad(lambda v: cnp.sum(cnp.abs(F.fft(v)) ** 2))(x), 16 * x)


def test_errors_are_numpys():
    with pytest.raises(ValueError, match="Invalid number of FFT data points"):
        F.fft(X, n=0)
    with pytest.raises(ValueError, match="norm"):
        F.hfft(Z, norm="sideways")
    with pytest.raises(ValueError, match="different lengths"):
        F.fftn(Z, s=(2, 2), axes=(0,))
    with pytest.raises(TypeError, match="real input"):
        F.rfft(Z)


def test_numpys_deprecation_of_s_without_axes():
    with pytest.warns(DeprecationWarning, match="axes"):
        F.fftn(Z, s=(2, 3))


def test_frequencies_are_reexported():
    assert F.fftfreq is np.fft.fftfreq and F.rfftfreq is np.fft.rfftfreq
