"""linalg.eig and eigvals: NumPy's values; derivatives of the eigenvalues and of the
eigenvectors NumPy returns (unit norm, largest component real), real and complex."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

RNG = np.random.default_rng(11)
REAL_SPECTRUM = RNG.uniform(-1, 1, (4, 4)) + np.diag([-2.0, 0.5, 1.5, 3.0])
COMPLEX_PAIR = np.array([[0.3, -1.2, 0.2], [1.1, 0.4, -0.3], [0.1, 0.5, 2.0]])
COMPLEX = COMPLEX_PAIR + 0.4j * RNG.uniform(-1, 1, (3, 3))
STACK = RNG.uniform(-1, 1, (2, 3, 3)) + np.diag([-1.0, 1.0, 2.5])
MATRICES = {"real": REAL_SPECTRUM, "pair": COMPLEX_PAIR, "complex": COMPLEX, "stack": STACK}


@pytest.mark.parametrize("name", sorted(MATRICES))
def test_values_are_numpys(name):
    a = MATRICES[name]
    w, v = cnp.linalg.eig(a)
    nw, nv = np.linalg.eig(a)
    assert np.array_equal(w, nw) and np.array_equal(v, nv) and w.dtype == nw.dtype
    assert np.array_equal(cnp.linalg.eigvals(a), np.linalg.eigvals(a))


@pytest.mark.parametrize("name", sorted(MATRICES))
def test_derivatives_match_finite_differences(name):
    # (a close complex pair in the stack makes the second differences need a finer step)
    a = MATRICES[name]
    check_grads(lambda m: cnp.linalg.eig(m).eigenvalues, (a,), order=2, eps=3e-4)
    # the eigenvectors themselves, with LAPACK's normalization (not only |v|)
    check_grads(lambda m: cnp.linalg.eig(m).eigenvectors, (a,), order=2, eps=3e-4)


def test_real_matrix_with_complex_eigenvalues_has_a_real_gradient():
    f = lambda m: cnp.sum(cnp.abs(cnp.linalg.eigvals(m)) ** 2)  # noqa: E731
    g = cr.grad(f)(COMPLEX_PAIR)
    assert g.dtype == np.float64
    h = 1e-6
    for i, j in [(0, 1), (2, 0), (1, 1)]:
        e = np.zeros((3, 3))
        e[i, j] = h
        assert g[i, j] == pytest.approx((f(COMPLEX_PAIR + e) - f(COMPLEX_PAIR - e)) / (2 * h),
                                        rel=1e-6)


def test_gradients_agree_with_autograd_where_autograd_is_right():
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    w = np.array([0.3, -1.0, 2.0, 0.7])
    for a in (REAL_SPECTRUM, COMPLEX_PAIR):
        ww = w[:len(a)]
        ours = cr.grad(lambda m: cnp.sum(cnp.abs(cnp.linalg.eigvals(m) + 1j) * ww))(a)
        theirs = autograd.grad(lambda m: anp.sum(anp.abs(anp.linalg.eig(m)[0] + 1j) * ww))(a)
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)
        # |v|^2 does not see the normalization, so the two agree on it
        ours = cr.grad(lambda m: cnp.sum(cnp.abs(cnp.linalg.eig(m)[1]) ** 2 @ ww))(a)
        theirs = autograd.grad(
            lambda m: anp.sum(anp.dot(anp.abs(anp.linalg.eig(m)[1]) ** 2, ww)))(a)
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-12)
    # autograd's eigenvector rule leaves out the unit-norm condition, so for a loss that
    # sees the normalization it differs from finite differences; ours agrees with them
    f = lambda m: cnp.sum(cnp.real(cnp.linalg.eig(m)[1]) @ w)  # noqa: E731
    theirs = autograd.grad(lambda m: anp.sum(anp.dot(anp.real(anp.linalg.eig(m)[1]), w)))
    check_grads(f, (REAL_SPECTRUM,), order=1)
    assert not np.allclose(theirs(REAL_SPECTRUM), cr.grad(f)(REAL_SPECTRUM))


def test_repeated_eigenvalues_give_nan_eigenvector_derivatives():
    a = np.diag([1.0, 1.0, 2.0])
    g = cr.grad(lambda m: cnp.sum(cnp.linalg.eig(m).eigenvectors[:, 0]))(a)
    assert np.isnan(g).any()
    gv = cr.grad(lambda m: cnp.sum(cnp.linalg.eigvals(m)))(a)  # the trace: always fine
    np.testing.assert_allclose(gv, np.eye(3))
