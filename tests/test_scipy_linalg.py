"""chainrule.scipy.linalg: SciPy's values, derivatives against finite differences (both
modes, orders 1 and 2) and against autograd where autograd has the rule."""

import numpy as np
import pytest
import scipy.linalg as sl

import chainrule as cr
import chainrule.numpy as cnp
import chainrule.scipy.linalg as csl
from chainrule.scipy.linalg._banded import solve_banded
from chainrule.testing import check_grads

RNG = np.random.default_rng(1234)
A = RNG.uniform(-1, 1, size=(3, 3)) + 3 * np.eye(3)
B = RNG.uniform(-1, 1, size=(3, 2))
M = RNG.uniform(-1, 1, size=(3, 3))
SPD = M @ M.T + 2 * np.eye(3)
FLAGS = [(0, False, False), ("T", True, False), (2, False, True), ("N", True, True)]


@pytest.mark.parametrize("trans, lower, unit", FLAGS)
@pytest.mark.parametrize("b", [B, B[:, 0]], ids=["matrix", "vector"])
def test_solve_triangular(trans, lower, unit, b):
    kw = dict(trans=trans, lower=lower, unit_diagonal=unit)
    np.testing.assert_array_equal(csl.solve_triangular(A, b, **kw),
                                  sl.solve_triangular(A, b, **kw))
    check_grads(lambda a, b: csl.solve_triangular(a, b, **kw), (A, b), order=2)


@pytest.mark.parametrize("lower", [False, True])
def test_cholesky_reads_one_triangle(lower):
    a = SPD.copy()
    a[0, 2] += 0.4  # the two triangles differ: SciPy reads one of them
    np.testing.assert_array_equal(csl.cholesky(a, lower=lower), sl.cholesky(a, lower=lower))
    check_grads(lambda a: csl.cholesky(a, lower=lower), (a,), order=2)
    g = cr.grad(lambda a: csl.cholesky(a, lower=lower).sum())(a)
    unread = np.triu(g, 1) if lower else np.tril(g, -1)
    assert np.all(unread == 0)


def test_cholesky_stack_and_float32():
    stack = np.stack([SPD, SPD + np.eye(3)])
    np.testing.assert_array_equal(csl.cholesky(stack), sl.cholesky(stack))
    check_grads(csl.cholesky, (stack,), order=1)
    out = csl.cholesky(SPD.astype(np.float32))
    assert out.dtype == np.float32


@pytest.mark.parametrize("lower", [False, True])
def test_cho_factor_and_cho_solve(lower):
    c, low = csl.cho_factor(SPD, lower=lower)
    c_ref, low_ref = sl.cho_factor(SPD, lower=lower)
    np.testing.assert_array_equal(c, c_ref)
    assert low == low_ref
    np.testing.assert_array_equal(csl.cho_solve((c, low), B), sl.cho_solve((c_ref, low), B))
    check_grads(lambda a, b: csl.cho_solve(csl.cho_factor(a, lower=lower), b), (SPD, B),
                order=2)
    # For a symmetric A, d/dA of A^-1 b through the factor equals the symmetric solve's.
    sym = lambda a: (a + a.T) / 2  # noqa: E731
    f1 = cr.grad(lambda a: csl.cho_solve(csl.cho_factor(sym(a), lower=lower), B[:, 0]).sum())
    f2 = cr.grad(lambda a: cnp.linalg.solve(sym(a), B[:, 0]).sum())
    np.testing.assert_allclose(f1(SPD), f2(SPD), rtol=1e-10, atol=1e-12)


def test_expm():
    a = 0.8 * RNG.uniform(-1, 1, size=(3, 3))
    np.testing.assert_array_equal(csl.expm(a), sl.expm(a))
    check_grads(csl.expm, (a,), order=2)
    stack = 0.5 * RNG.uniform(-1, 1, size=(2, 3, 3))
    np.testing.assert_array_equal(csl.expm(stack), sl.expm(stack))
    check_grads(csl.expm, (stack,), order=1)


def test_expm_closed_form():
    # expm(t [[0, 1], [-1, 0]]) is a rotation; d/dt of its (0, 1) entry is cos(t).
    j = np.array([[0.0, 1.0], [-1.0, 0.0]])
    d = cr.grad(lambda t: csl.expm(t * j)[0, 1])(0.7)
    np.testing.assert_allclose(d, np.cos(0.7), rtol=1e-12)


def test_sqrtm_and_sylvester():
    a = SPD + 0.3 * RNG.uniform(-1, 1, size=(3, 3))
    np.testing.assert_array_equal(csl.sqrtm(a), sl.sqrtm(a))
    check_grads(csl.sqrtm, (a,), order=2)
    b, q = RNG.uniform(-1, 1, size=(2, 2)) + np.eye(2), B
    np.testing.assert_array_equal(csl.solve_sylvester(A, b, q), sl.solve_sylvester(A, b, q))
    check_grads(csl.solve_sylvester, (A, b, q), order=2)


def test_sqrtm_complex_result():
    a = np.array([[-1.0, 0.0], [0.0, 4.0]])
    np.testing.assert_array_equal(csl.sqrtm(a), sl.sqrtm(a))  # SciPy's complex root
    with pytest.raises(TypeError, match="no real square root"):
        cr.grad(lambda a: csl.sqrtm(a).sum())(a)


@pytest.mark.parametrize("fn", [csl.expm, csl.sqrtm, csl.cholesky,
                                lambda a: csl.solve_triangular(a, a[0])])
def test_complex_input_is_refused(fn):
    with pytest.raises(TypeError, match="complex"):
        fn(SPD + 1j)


def test_stacked_solve_triangular():
    stack = np.stack([A, A])
    np.testing.assert_array_equal(csl.solve_triangular(stack, B),
                                  sl.solve_triangular(stack, B))
    with pytest.raises(NotImplementedError, match="2-D a"):
        cr.grad(lambda s: csl.solve_triangular(s, B).sum())(stack)
    bs = np.stack([B, 2 * B])  # a stack of right-hand sides of the same batch shape
    np.testing.assert_array_equal(csl.solve_triangular(stack, bs, lower=True),
                                  sl.solve_triangular(stack, bs, lower=True))
    check_grads(lambda a, b: csl.solve_triangular(a, b, lower=True), (stack, bs), order=2)


def test_agrees_with_autograd():
    ag = pytest.importorskip("autograd")
    asl = pytest.importorskip("autograd.scipy.linalg")
    anp = pytest.importorskip("autograd.numpy")
    w = RNG.uniform(-1, 1, size=(3, 2))
    for trans, lower in [(0, False), (1, True)]:
        ours = cr.grad(lambda a, b: (csl.solve_triangular(a, b, trans=trans, lower=lower)
                                     * w).sum(), argnums=(0, 1))(A, B)
        theirs = ag.grad(lambda a, b: anp.sum(asl.solve_triangular(a, b, trans=trans,
                                                                   lower=lower) * w),
                         argnum=(0, 1))(A, B)
        for x, y in zip(ours, theirs):
            np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-12)
    a = SPD + 0.3 * RNG.uniform(-1, 1, size=(3, 3))
    np.testing.assert_allclose(
        cr.grad(lambda a: (csl.sqrtm(a) * M).sum())(a),
        ag.grad(lambda a: anp.sum(asl.sqrtm(a) * M))(a), rtol=1e-8, atol=1e-10)
    b = RNG.uniform(-1, 1, size=(2, 2)) + np.eye(2)
    ours = cr.grad(lambda *x: (csl.solve_sylvester(*x) * w).sum(), argnums=(0, 1, 2))(A, b, B)
    theirs = ag.grad(lambda *x: anp.sum(asl.solve_sylvester(*x) * w), argnum=(0, 1, 2))(A, b, B)
    for x, y in zip(ours, theirs):
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-12)


def test_cholesky_agrees_with_autograd_on_symmetric_functions():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    ours = cr.grad(lambda x: (csl.cholesky((x + x.T) / 2, lower=True) * M).sum())(SPD)
    theirs = ag.grad(lambda x: anp.sum(anp.linalg.cholesky((x + x.T) / 2) * M))(SPD)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("l_and_u, b", [((1, 2), B[:, 0]), ((0, 1), B), ((2, 0), B)])
def test_solve_banded(l_and_u, b):
    ab = RNG.uniform(-1, 1, size=(sum(l_and_u) + 1, 3))
    ab[l_and_u[1]] += 3.0  # a dominant diagonal
    np.testing.assert_array_equal(solve_banded(l_and_u, ab, b),
                                  sl.solve_banded(l_and_u, ab, b))
    check_grads(lambda ab, b: solve_banded(l_and_u, ab, b), (ab, b), order=2)


def test_solve_banded_agrees_with_autograd():
    ag = pytest.importorskip("autograd")
    asl = pytest.importorskip("autograd.scipy.linalg")
    anp = pytest.importorskip("autograd.numpy")
    ab = RNG.uniform(-1, 1, size=(4, 3))
    ab[2] += 3.0
    w = RNG.uniform(-1, 1, size=3)
    ours = cr.grad(lambda ab, b: (solve_banded((1, 2), ab, b) * w).sum(),
                   argnums=(0, 1))(ab, B[:, 0])
    theirs = ag.grad(lambda ab, b: anp.sum(asl.solve_banded((1, 2), ab, b) * w),
                     argnum=(0, 1))(ab, B[:, 0])
    band = np.ones_like(ab, bool)
    band[0, :2] = band[1, 0] = band[3, -1] = False  # corners neither reads
    np.testing.assert_allclose(ours[0][band], theirs[0][band], rtol=1e-10, atol=1e-12)
    assert np.all(ours[0][~band] == 0)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-10, atol=1e-12)
