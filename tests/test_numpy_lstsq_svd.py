"""linalg.lstsq, the full SVD of rectangular matrices and QR of wide matrices and in
complete mode: NumPy's values (outside transformations and traced), derivatives against
finite differences, autograd and JAX; nan where a derivative is not defined."""

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

RNG = np.random.default_rng(2024)


def _mat(*shape):
    a = RNG.uniform(-1, 1, size=shape)
    k = min(shape[-2:])
    a[..., range(k), range(k)] += np.linspace(3.0, 1.0, k)  # separated singular values
    return a


def _same(got, want):
    np.testing.assert_array_equal(got, want)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    assert np.shape(got) == np.shape(want)


def _traced(f, *args):
    return cr.vjp(f, *args)[0]


# ---- lstsq --------------------------------------------------------------------------------

SHAPES = [(5, 3), (3, 3), (3, 5)]
DEFICIENT = np.array([[1.0, 2.0], [2.0, 4.0], [0.5, 1.0]])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("b_cols", [None, 2])
@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_lstsq_values_are_numpys(shape, b_cols, dt):
    a = _mat(*shape).astype(dt)
    b = RNG.normal(size=(shape[0],) if b_cols is None else (shape[0], b_cols)).astype(dt)
    want = np.linalg.lstsq(a, b)
    got = cnp.linalg.lstsq(a, b)
    for i in range(4):
        _same(got[i], want[i])
        _same(_traced(lambda a, b: cnp.linalg.lstsq(a, b)[i], a, b), want[i])
    assert type(got[2]) is type(want[2])


def test_lstsq_rcond_and_rank_deficient_values():
    b = RNG.normal(size=3)
    for rcond in [None, -1, 1e-3, 0.5]:
        want = np.linalg.lstsq(DEFICIENT, b, rcond=rcond)
        for i in range(4):
            _same(cnp.linalg.lstsq(DEFICIENT, b, rcond=rcond)[i], want[i])
            _same(_traced(lambda a: cnp.linalg.lstsq(a, b, rcond=rcond)[i], DEFICIENT),
                  want[i])


def test_lstsq_errors_as_numpy():
    for bad, err in [((np.ones((3, 2)), np.ones(4)), np.linalg.LinAlgError),
                     ((np.ones(3), np.ones(3)), np.linalg.LinAlgError),
                     ((np.ones((3, 2), np.float16), np.ones(3)), TypeError)]:
        with pytest.raises(err):
            np.linalg.lstsq(*bad)
        with pytest.raises(err):
            cnp.linalg.lstsq(*bad)
        with pytest.raises(err):
            cr.grad(lambda a: cnp.sum(cnp.linalg.lstsq(a, bad[1])[0]))(bad[0])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("b_cols", [None, 2])
def test_lstsq_derivatives_match_finite_differences(shape, b_cols):
    a = _mat(*shape)
    b = RNG.normal(size=(shape[0],) if b_cols is None else (shape[0], b_cols))
    check_grads(lambda a, b: cnp.linalg.lstsq(a, b)[0], (a, b), order=2)
    check_grads(lambda a: cnp.linalg.lstsq(a, b)[3], (a,), order=2)
    if shape[0] > shape[1]:
        check_grads(lambda a, b: cnp.linalg.lstsq(a, b)[1], (a, b), order=2)


def test_lstsq_matches_normal_equations():
    a, b = _mat(6, 3), RNG.normal(size=6)

    def ne(a):  # the tall solution by the normal equations, differentiated independently
        return cnp.linalg.solve(a.T @ a, a.T @ b)
    w = RNG.normal(size=3)
    np.testing.assert_allclose(cr.grad(lambda a: cnp.sum(cnp.linalg.lstsq(a, b)[0] * w))(a),
                               cr.grad(lambda a: cnp.sum(ne(a) * w))(a), rtol=1e-9)


@pytest.mark.slow  # a peer comparison: JAX's import and compilation take seconds
def test_lstsq_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    for a in (_mat(6, 3), _mat(3, 6)):
        b = RNG.normal(size=a.shape[0])
        w = RNG.normal(size=a.shape[1])
        want = jax.grad(lambda a, b: jnp.sum(jnp.linalg.lstsq(a, b)[0] * w), (0, 1))(a, b)
        got = cr.grad(lambda a, b: cnp.sum(cnp.linalg.lstsq(a, b)[0] * w), (0, 1))(a, b)
        for g, v in zip(got, want):
            np.testing.assert_allclose(g, np.asarray(v), rtol=1e-8, atol=1e-12)


def test_lstsq_rank_deficient_is_nan_through_a_only():
    b = RNG.normal(size=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ga = cr.grad(lambda a: cnp.sum(cnp.linalg.lstsq(a, b)[0]))(DEFICIENT)
        _, ta = cr.jvp(lambda a: cnp.linalg.lstsq(a, b)[0], (DEFICIENT,), (np.ones((3, 2)),))
    assert np.all(np.isnan(ga)) and np.all(np.isnan(ta))
    gb = cr.grad(lambda b: cnp.sum(cnp.linalg.lstsq(DEFICIENT, b)[0]))(b)
    np.testing.assert_allclose(gb, np.linalg.pinv(DEFICIENT).sum(axis=0), rtol=1e-12)
    check_grads(lambda b: cnp.linalg.lstsq(DEFICIENT, b)[0], (b,), order=2)


# ---- full SVD of rectangular matrices ---------------------------------------------------

RECT = [(5, 3), (3, 5), (2, 4, 3), (2, 3, 4)]


@pytest.mark.parametrize("shape", RECT + [(3, 3)])
def test_full_svd_values_are_numpys(shape):
    a = _mat(*shape)
    want = np.linalg.svd(a)
    for i in range(3):
        _same(cnp.linalg.svd(a)[i], want[i])
        _same(_traced(lambda a: cnp.linalg.svd(a)[i], a), want[i])
    a32 = a.astype(np.float32)
    _same(_traced(lambda a: cnp.linalg.svd(a)[0], a32), np.linalg.svd(a32)[0])


def _determined(a):
    """A sign-free function of the determined parts: s and the projectors u_i u_i^T,
    v_i v_i^T of the first min(m, n) singular vectors."""
    u, s, vh = cnp.linalg.svd(a)
    k = s.shape[-1]
    u1, v1 = u[..., :, :k], cnp.swapaxes(vh[..., :k, :], -1, -2)
    pu = u1[..., :, None, 1] * u1[..., None, :, 1]
    pv = v1[..., :, None, 0] * v1[..., None, :, 0]
    return cnp.sum(cnp.sin(pu)) + cnp.sum(pv * pv) + cnp.sum(s ** 3)


@pytest.mark.parametrize("shape", RECT)
def test_full_svd_determined_parts_match_finite_differences(shape):
    check_grads(_determined, (_mat(*shape),), order=2)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_full_svd_wholly_determined_factor_matches_finite_differences(shape):
    # U of a wide matrix and Vh of a tall one are square and wholly determined; the
    # product U[:, :k] S Vh[:k] is the matrix itself.
    a = _mat(*shape)
    w = RNG.normal(size=(shape[0], shape[0]) if shape[0] < shape[1] else (shape[1],) * 2)

    def f(a):
        u, s, vh = cnp.linalg.svd(a)
        k = s.shape[-1]
        f = u if shape[0] < shape[1] else vh
        return cnp.sum((f * f[..., :1, :]) * w) + cnp.sum((u[:, :k] * s) @ vh[:k])
    check_grads(f, (a,), order=2)


@pytest.mark.parametrize("shape", [(5, 3), (3, 5)])
def test_full_svd_complement_has_no_derivative(shape):
    a = _mat(*shape)
    i, k = (0, 2) if shape[0] > shape[1] else (2, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = cr.grad(lambda a: cnp.linalg.svd(a)[i][..., -1, -1])(a)
        _, t = cr.jvp(lambda a: cnp.linalg.svd(a)[i], (a,), (np.ones(shape),))
    assert np.all(np.isnan(g))
    extra = t[..., :, 3:] if i == 0 else t[..., 3:, :]
    kept = t[..., :, :3] if i == 0 else t[..., :3, :]
    assert np.all(np.isnan(extra)) and np.all(np.isfinite(kept))
    g = cr.grad(lambda a: cnp.sum(cnp.linalg.svd(a)[i][..., :3, :3] ** 2))(a)
    assert np.all(np.isfinite(g))


def test_full_svd_matches_autograd_reduced():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    a = _mat(5, 3)

    def f(np_, full, a):
        u, s, vh = np_.linalg.svd(a, full_matrices=full)
        u1 = u[:, :3]
        return np_.sum(u1 * u1[:1, :] * s) + np_.sum(vh * vh[:, :1])
    want = ag.grad(lambda a: f(anp, False, a))(a)
    np.testing.assert_allclose(cr.grad(lambda a: f(cnp, True, a))(a), want, rtol=1e-10)


# ---- QR of wide matrices, complete mode --------------------------------------------------

QR_SHAPES = [(2, 4), (3, 5), (2, 2, 3), (5, 3), (3, 3), (2, 4, 2)]


@pytest.mark.parametrize("shape", QR_SHAPES)
@pytest.mark.parametrize("mode", ["reduced", "complete", "r", "raw"])
def test_qr_values_are_numpys(shape, mode):
    a = _mat(*shape)
    want = np.linalg.qr(a, mode=mode)
    got = cnp.linalg.qr(a, mode=mode)
    if mode in ("r",):
        _same(got, want)
        _same(_traced(lambda a: cnp.linalg.qr(a, mode=mode), a), want)
        return
    assert len(got) == len(want)
    for i in range(2):
        _same(got[i], want[i])
        if mode != "raw":
            _same(_traced(lambda a: cnp.linalg.qr(a, mode=mode)[i], a), want[i])


def _qr_function(mode):
    def f(a):
        q, r = cnp.linalg.qr(a, mode=mode)
        return cnp.sum(cnp.sin(q)) + cnp.sum(r * r[..., :1, :])
    return f


@pytest.mark.parametrize("shape", QR_SHAPES)
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_qr_derivatives_match_finite_differences(shape, mode):
    check_grads(_qr_function(mode), (_mat(*shape),), order=2)


@pytest.mark.slow  # a peer comparison: JAX's import and compilation take seconds
def test_qr_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    for shape, mode in [((2, 4), "reduced"), ((5, 3), "complete"), ((3, 5), "complete")]:
        a = _mat(*shape)

        def f(np_, a):
            q, r = np_.linalg.qr(a, mode=mode)
            return np_.sum(np_.sin(q)) + np_.sum(r * r[..., :1, :])
        want = np.asarray(jax.grad(lambda a: f(jnp, a))(a))
        np.testing.assert_allclose(cr.grad(lambda a: f(cnp, a))(a), want, rtol=1e-9)


def test_qr_mode_errors():
    with pytest.raises(ValueError):
        cnp.linalg.qr(np.eye(2), mode="bogus")
    with pytest.raises(ValueError):
        cr.grad(lambda a: cnp.sum(cnp.linalg.qr(a, mode="bogus")[0]))(np.eye(2))
    with pytest.raises(NotImplementedError, match="raw"):
        cr.grad(lambda a: cnp.sum(cnp.linalg.qr(a, mode="raw")[0]))(np.eye(2))
