"""Decompositions in chainrule.numpy.linalg: NumPy's values, derivatives of gauge-invariant
functions against finite differences, forward against reverse, repeated eigenvalues."""

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

RNG = np.random.default_rng(10)


def _sym(n, batch=()):
    m = RNG.uniform(-1, 1, size=batch + (n, n))
    return m + np.swapaxes(m, -1, -2) + np.diag(np.arange(n, dtype=float))


@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (4, 4), (2, 3, 3)])
@pytest.mark.parametrize("uplo", ["L", "U"])
def test_eigh_values_are_numpys(shape, uplo):
    a = RNG.uniform(-1, 1, size=shape)  # not symmetric: only one triangle is read
    w, v = cnp.linalg.eigh(a, UPLO=uplo)
    nw, nv = np.linalg.eigh(a, UPLO=uplo)
    np.testing.assert_array_equal(w, nw)
    np.testing.assert_array_equal(v, nv)
    np.testing.assert_array_equal(cnp.linalg.eigvalsh(a, UPLO=uplo),
                                  np.linalg.eigvalsh(a, UPLO=uplo))
    assert cnp.linalg.eigh(a).eigenvalues is not None


def test_eigh_traced_values_are_numpys_and_float32_stays():
    a = _sym(3).astype(np.float32)
    out, _ = cr.vjp(lambda a: cnp.linalg.eigh(a)[1], a)
    np.testing.assert_array_equal(out, np.linalg.eigh(a)[1])
    g = cr.grad(lambda a: cnp.sum(cnp.linalg.eigh(a)[1] ** 3))(a)
    assert g.dtype == np.float32


def _weighted_values(a):
    return cnp.sum(cnp.linalg.eigh(a)[0] * np.array([1.0, -2.0, 0.5]))


def _projector(a):  # v v^T is sign-free
    v = cnp.linalg.eigh(a)[1][..., :, 1]
    return cnp.sum(v[..., :, None] * v[..., None, :] * np.arange(9.0).reshape(3, 3))


def _reconstruct(a):
    w, v = cnp.linalg.eigh(a)
    return cnp.sum(cnp.sin(v @ (w[..., :, None] * cnp.swapaxes(v, -1, -2))))


@pytest.mark.parametrize("f", [_weighted_values, _projector, _reconstruct])
@pytest.mark.parametrize("batch", [(), (2,)])
def test_eigh_gauge_invariant_functions_match_finite_differences(f, batch):
    check_grads(f, (_sym(3, batch),), modes=("fwd", "rev"), order=2)
    check_grads(f, (RNG.uniform(-1, 1, (3, 3)) + np.diag([0.0, 2.0, 4.0]),), order=1)


def test_eigh_reconstruction_is_identity_on_the_read_triangle():
    a = _sym(3)
    g = cr.jacrev(lambda a: (lambda w, v: v @ (w[:, None] * v.T))(*cnp.linalg.eigh(a)))(a)
    expected = np.zeros((3, 3, 3, 3))
    for i in range(3):
        for j in range(3):
            lo, hi = max(i, j), min(i, j)
            expected[i, j, lo, hi] = 1.0
    np.testing.assert_allclose(g, expected, atol=1e-12)


def test_eigh_jvp_matches_vjp():
    a, t, u = _sym(4), RNG.normal(size=(4, 4)), RNG.normal(size=(4, 4))

    def f(a):
        w, v = cnp.linalg.eigh(a)
        return v * w  # sign-dependent, but jvp and vjp see the same gauge
    _, jv = cr.jvp(f, (a,), (t,))
    _, pull = cr.vjp(f, a)
    np.testing.assert_allclose(np.sum(u * jv), np.sum(pull(u)[0] * t), rtol=1e-10)


def test_eigh_eigenvalue_gradient_is_v_vt():
    a = _sym(3)
    w, v = np.linalg.eigh(a)
    g = cr.grad(lambda a: cnp.linalg.eigvalsh(a)[2])(a)
    p = np.outer(v[:, 2], v[:, 2])
    np.testing.assert_allclose(g, np.tril(2 * p) - np.diag(np.diag(p)), atol=1e-12)


def test_repeated_eigenvalue_values_stay_finite_vectors_give_nan():
    a = np.diag([1.0, 1.0, 3.0])
    trace_grad = cr.grad(lambda a: cnp.sum(cnp.linalg.eigh(a)[0]))(a)
    np.testing.assert_allclose(trace_grad, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(cr.grad(lambda a: cnp.linalg.eigvalsh(a)[2])(a),
                               np.diag([0.0, 0.0, 1.0]), atol=1e-12)

    def simple(a):  # the eigenvector of the simple eigenvalue 3 is differentiable
        v = cnp.linalg.eigh(a)[1][:, 2]
        return cnp.sum(v * v * np.array([1.0, 2.0, 3.0]))
    check_grads(simple, (a,), order=1)
    assert np.all(np.isfinite(cr.grad(simple)(a)))
    # An eigenvector of the repeated eigenvalue 1 is not a function of A: its derivative
    # is nan in both modes, even where the rule's formula would give a finite 0 here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rev = cr.grad(lambda a: cnp.linalg.eigh(a)[1][0, 0])(a)
        _, fwd = cr.jvp(lambda a: cnp.linalg.eigh(a)[1], (a,), (np.ones((3, 3)),))
        rebuilt = cr.grad(_reconstruct)(np.diag([1.0, 1.0, 3.0]))
    assert np.all(np.isnan(rev)) and np.all(np.isnan(rebuilt))
    assert np.all(np.isnan(fwd[:, :2])) and np.all(np.isfinite(fwd[:, 2]))


def test_eigh_refuses_complex_and_non_square():
    with pytest.raises(TypeError, match="complex"):
        cnp.linalg.eigh(np.eye(2) * 1j)
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        cnp.linalg.eigh(np.ones((2, 3)))
    with pytest.raises(ValueError, match="UPLO"):
        cnp.linalg.eigh(np.eye(2), UPLO="X")
    np.testing.assert_array_equal(cnp.linalg.eigvalsh(np.eye(2, dtype=int)), [1.0, 1.0])


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 2), (1, 1)])
def test_svd_values_are_numpys(shape):
    a = RNG.uniform(-1, 1, size=shape)
    u, s, vh = cnp.linalg.svd(a, full_matrices=False)
    nu, ns, nvh = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_array_equal(u, nu)
    np.testing.assert_array_equal(s, ns)
    np.testing.assert_array_equal(vh, nvh)
    np.testing.assert_array_equal(cnp.linalg.svd(a, compute_uv=False),
                                  np.linalg.svd(a, compute_uv=False))
    if shape[-1] == shape[-2]:
        np.testing.assert_array_equal(cnp.linalg.svd(a).U, np.linalg.svd(a).U)


def _svd_rebuild(a):
    u, s, vh = cnp.linalg.svd(a, full_matrices=False)
    return cnp.sum(cnp.sin(u @ (s[..., :, None] * vh)) ** 2)


def _svd_projectors(a):  # u_i v_i^T and weighted singular values are sign-free
    u, s, vh = cnp.linalg.svd(a, full_matrices=False)
    return cnp.sum((u[..., :, :1] * vh[..., :1, :]) ** 3) + cnp.sum(s * s * s)


def _svd_values(a):
    return cnp.sum(cnp.linalg.svd(a, compute_uv=False) * np.array([2.0, -1.0]))


@pytest.mark.parametrize("f", [_svd_rebuild, _svd_projectors, _svd_values])
@pytest.mark.parametrize("shape", [(2, 2), (4, 2), (2, 5), (3, 4, 2)])
def test_svd_gauge_invariant_functions_match_finite_differences(f, shape):
    spread = np.zeros(shape[-2:])  # well separated singular values
    np.fill_diagonal(spread, [2.5, 0.0])
    a = RNG.uniform(-1, 1, size=shape) + spread
    check_grads(f, (a,), modes=("fwd", "rev"), order=2)


def test_svd_rebuild_jacobian_is_identity():
    a = RNG.uniform(-1, 1, size=(4, 3))
    jac = cr.jacfwd(lambda a: (lambda u, s, vh: u @ (s[:, None] * vh))(
        *cnp.linalg.svd(a, full_matrices=False)))(a)
    np.testing.assert_allclose(jac, np.eye(12).reshape(4, 3, 4, 3), atol=1e-10)


def test_svd_jvp_matches_vjp_and_float32_stays():
    a, t = RNG.normal(size=(3, 5)), RNG.normal(size=(3, 5))

    def f(a):
        u, s, vh = cnp.linalg.svd(a, full_matrices=False)
        return cnp.sum(u * np.arange(9.0).reshape(3, 3)) + cnp.sum(vh ** 2 * vh) + s[0]
    _, jv = cr.jvp(f, (a,), (t,))
    np.testing.assert_allclose(jv, np.sum(cr.grad(f)(a) * t), rtol=1e-10)
    g = cr.grad(f)(a.astype(np.float32))
    assert g.dtype == np.float32


def test_svd_undefined_points_give_nan_values_stay_finite():
    a = np.diag([2.0, 2.0, 1.0])  # a repeated singular value
    np.testing.assert_allclose(
        cr.grad(lambda a: cnp.sum(cnp.linalg.svd(a, compute_uv=False)))(a),
        np.eye(3), atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = cr.grad(lambda a: cnp.linalg.svd(a)[0][0, 0])(a)
        z = cr.grad(lambda a: cnp.linalg.svd(a)[2][0, 1])(np.diag([2.0, 0.0]))
    assert np.all(np.isnan(g)) and np.all(np.isnan(z))


def test_svd_refuses_what_it_cannot_do():
    with pytest.raises(NotImplementedError, match="hermitian"):
        cnp.linalg.svd(np.eye(2), hermitian=True)
    with pytest.raises(TypeError, match="complex"):
        cnp.linalg.svd(np.eye(2) * 1j)
    with pytest.raises(np.linalg.LinAlgError, match="matrix"):
        cnp.linalg.svd(np.ones(3))


@pytest.mark.parametrize("ord", [2, -2, "nuc"])
@pytest.mark.parametrize("shape,axis", [((3, 4), (0, 1)), ((4, 2, 3), (2, 0)),
                                        ((2, 3, 3), (-2, -1))])
def test_svd_norm_matches_numpy_and_finite_differences(ord, shape, axis):
    from chainrule.numpy._svd import svd_norm
    x = RNG.uniform(-1, 1, size=shape)
    nd = len(shape)
    ax = tuple(a % nd for a in axis)
    for keepdims in (False, True):
        np.testing.assert_array_equal(svd_norm(x, ord, ax, keepdims),
                                      np.linalg.norm(x, ord, axis, keepdims))
    check_grads(lambda x: svd_norm(x, ord, ax, False), (x,), order=2)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, -1, -3])
def test_matrix_power_matches_numpy_and_finite_differences(n):
    a = RNG.uniform(-1, 1, size=(2, 3, 3)) + 2 * np.eye(3)
    np.testing.assert_array_equal(cnp.linalg.matrix_power(a, n), np.linalg.matrix_power(a, n))
    check_grads(lambda a: cnp.linalg.matrix_power(a, n), (a,), order=2)
    a32 = a.astype(np.float32)
    assert cr.grad(lambda a: cnp.sum(cnp.linalg.matrix_power(a, n)))(a32).dtype == np.float32


def test_matrix_power_refuses_bad_input():
    with pytest.raises(TypeError, match="integer"):
        cnp.linalg.matrix_power(np.eye(2), 1.5)
    with pytest.raises(np.linalg.LinAlgError, match="square"):
        cnp.linalg.matrix_power(np.ones((2, 3)), 2)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 4), (2, 3, 2)])
def test_pinv_matches_numpy_and_finite_differences(shape):
    a = RNG.uniform(-1, 1, size=shape)
    np.testing.assert_array_equal(cnp.linalg.pinv(a), np.linalg.pinv(a))
    np.testing.assert_array_equal(cnp.linalg.pinv(a, rtol=None), np.linalg.pinv(a, rtol=None))
    np.testing.assert_array_equal(cnp.linalg.pinv(a, 1e-3), np.linalg.pinv(a, 1e-3))
    check_grads(cnp.linalg.pinv, (a,), order=2)
    assert cr.grad(lambda a: cnp.sum(cnp.linalg.pinv(a)))(a.astype(np.float32)).dtype \
        == np.float32


def test_pinv_rank_deficient_gives_nan():
    a = np.array([[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]])  # rank 1: pinv jumps here
    np.testing.assert_array_equal(cnp.linalg.pinv(a), np.linalg.pinv(a))
    assert np.all(np.isnan(cr.grad(lambda a: cnp.sum(cnp.linalg.pinv(a)))(a)))
    with pytest.raises(ValueError, match="not both"):
        cnp.linalg.pinv(a, 1e-3, rtol=1e-3)
    with pytest.raises(NotImplementedError, match="hermitian"):
        cnp.linalg.pinv(a, hermitian=True)


def _qr_function(a):  # Q R is sign-free; so are the products q_i r_ij
    q, r = cnp.linalg.qr(a)
    return cnp.sum(cnp.sin(q @ r)) + cnp.sum((q[..., :, :1] * r[..., :1, -1:]) ** 3) \
        + cnp.sum(r * r * np.arange(1.0, 1.0 + r.shape[-1]))


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 5, 3)])
def test_qr_matches_numpy_and_finite_differences(shape):
    a = RNG.uniform(-1, 1, size=shape) + np.eye(*shape[-2:])
    q, r = cnp.linalg.qr(a)
    nq, nr = np.linalg.qr(a)
    np.testing.assert_array_equal(q, nq)
    np.testing.assert_array_equal(r, nr)
    np.testing.assert_array_equal(cnp.linalg.qr(a, mode="r"), np.linalg.qr(a, mode="r"))
    check_grads(_qr_function, (a,), order=2)
    t, u = RNG.normal(size=shape), RNG.normal(size=q.shape)
    _, jv = cr.jvp(lambda a: cnp.linalg.qr(a)[0], (a,), (t,))
    _, pull = cr.vjp(lambda a: cnp.linalg.qr(a)[0], a)
    np.testing.assert_allclose(np.sum(u * jv), np.sum(pull(u)[0] * t), rtol=1e-10)


def test_qr_refuses_other_modes():  # wide and complete: tests/test_numpy_lstsq_svd.py
    with pytest.raises(NotImplementedError, match="reduced"):
        cr.grad(lambda a: cnp.linalg.qr(a, mode="raw")[0][0, 0])(np.eye(2))
