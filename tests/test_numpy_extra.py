"""chainrule.numpy's sorting, padding, triangle, quantile and other NumPy functions
(``numpy/_extra.py``): NumPy's exact values outside transformations, derivatives against
finite differences, and the conventions at ties."""

import warnings

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule import grad, jvp
from chainrule.testing import check_grads

RNG = np.random.default_rng(7)
A = RNG.normal(size=(3, 4, 5))
M = RNG.normal(size=(4, 6))
V = RNG.normal(size=(3,))
B = RNG.normal(size=(4, 3))
SPECIAL = np.array([0.0, 1.0, -np.inf, np.inf, np.inf, np.nan, 3.0, -2.0, 1e308])
SPECIAL2 = np.array([0.0, 1.0, -np.inf, np.inf, 5.0, 1.0, -1.0, 7.0, 1e308])


def same(ours, theirs):
    """Same dtype, shape and values (NaN equal to NaN) as NumPy."""
    if isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            same(o, t)
        return
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


AXES = [0, 1, -1, None]
CASES = [
    ("sort", (A,), {"axis": ax}) for ax in AXES] + [
    ("sort", (A.astype(np.float32),), {})] + [
    ("partition", (A, 2), {"axis": ax}) for ax in AXES] + [
    ("median", (A,), {"axis": ax, "keepdims": kd}) for ax in AXES for kd in (False, True)] + [
    ("median", (np.arange(5),), {}), ("median", (A,), {"axis": (0, 2)}),
    ("median", (A,), {"axis": (2, 1), "keepdims": True}),
    ("quantile", (A, [0.25, 0.5]), {"axis": (0, 2), "keepdims": True}),
    ("diff", (A,), {"n": 0, "prepend": 1.0}), ("median", (A.astype(np.float32),), {"axis": 1}),
    ("median", (np.array([[1.0, np.nan, 3.0], [2.0, 2.0, 1.0]]),), {"axis": 1})] + [
    ("quantile", (A, q), {"axis": ax, "keepdims": kd}) for ax in AXES
    for q in (0.3, [0.1, 0.5, 0.99], 1.0, 0.0, [[0.2, 0.7]]) for kd in (False, True)] + [
    ("quantile", (A.astype(np.float32), 0.3), {"axis": 1}),
    ("quantile", (A.astype(np.float32), [0.3, 0.6]), {"axis": 1}),
    ("quantile", (np.array([[1.0, np.nan, 3.0], [2.0, 2.0, 1.0]]), [0.2, 0.8]), {"axis": 1}),
    ("percentile", (A, [10, 50]), {"axis": 1}), ("percentile", (A, 37.5), {}),
    ("percentile", (A.astype(np.float32), 5), {"axis": 2})] + [
    ("cumprod", (A,), {"axis": ax}) for ax in AXES] + [
    ("cumprod", (np.arange(1, 5),), {}), ("cumprod", (np.array([True, False]),), {}),
    ("cumprod", (np.arange(1, 5, dtype=np.int8),), {}),
    ("cumprod", (np.arange(1, 5, dtype=np.uint16),), {}),
    ("cumprod", (A.astype(np.float32), 1), {})] + [
    ("roll", (A, s), {"axis": ax}) for ax in AXES for s in (2, -7)] + [
    ("roll", (A, (1, -2)), {"axis": (0, 2)})] + [
    ("diff", (A,), {"n": n, "axis": ax}) for ax in (0, 1, -1) for n in (0, 1, 2)] + [
    ("diff", (A,), {"axis": 1, "prepend": 0.5, "append": A}),
    ("diff", (np.array([True, False, False]),), {})] + [
    (f, (x, k), {}) for f in ("tril", "triu") for x in (M, A, V) for k in (-2, 0, 1, 3)] + [
    ("pad", (A, pw), {"mode": mode}) for pw in (1, (1, 2), ((0, 1), (2, 0), (1, 1)))
    for mode in ("constant", "edge", "reflect", "symmetric", "wrap")] + [
    ("pad", (A, 1), {"constant_values": ((1, 2), (3, 4), (5, 6))}),
    ("pad", (A.astype(np.float32), 2), {"constant_values": 1.5})] + [
    ("kron", (x, y), {}) for x, y in ((M, A), (M[0], M), (V, np.ones((2, 2))), (A, A[0, 0]))] + [
    ("cross", (B, V), {}), ("cross", (B.T, B), {"axisa": 0}), ("cross", (B.T, B.T), {"axis": 0}),
    ("append", (M, [1, 2]), {}), ("append", (M, M), {"axis": 1}),
    ("column_stack", ([V, V],), {}), ("column_stack", ([B.T, V],), {}),
    ("flipud", (A,), {}), ("fliplr", (A,), {})] + [
    ("rot90", (A, k, axes), {}) for k in range(-3, 6) for axes in ((0, 1), (1, 0), (2, 0))] + [
    ("atleast_3d", (x,), {}) for x in (1.0, V, M, A)] + [
    ("rollaxis", (A, ax, st), {}) for ax in range(-3, 3) for st in range(-3, 4)] + [
    (f, (x, y), {}) for f in ("logaddexp", "logaddexp2", "fmax", "fmin")
    for x, y in ((SPECIAL, SPECIAL2), (SPECIAL2, SPECIAL), (M, 0.3),
                 (M.astype(np.float32), M[0].astype(np.float32)))] + [
    (f, (x,), {}) for f in ("sinc", "rad2deg", "deg2rad", "degrees", "radians", "fabs")
    for x in (SPECIAL, M, M.astype(np.float32), np.arange(-3, 3), 0.0, 2)] + [
    ("nan_to_num", (x,), kw) for x in (SPECIAL, SPECIAL[:-1].astype(np.float32), np.arange(3))
    for kw in ({}, {"nan": 2, "posinf": 3.0, "neginf": -1})] + [
    ("select", ([M > 0.5, M < -1], [M, 2 * M]), {}),
    ("select", ([M > 0.5, M < -1], [M, 1.0]), {"default": -3}),
    ("select", ([M > 0], [M[0].astype(np.float32)]), {"default": 1})] + [
    ("array_split", (A, n), {"axis": ax}) for n in (1, 2, 3, 4, 6) for ax in (0, 1)] + [
    ("array_split", (A, [1, 3]), {"axis": 2}),
    ("hsplit", (M, 2), {}), ("hsplit", (V, 3), {}), ("vsplit", (M, [1, 3]), {}),
    ("dsplit", (A, 5), {}), ("argsort", (A,), {"axis": 1}), ("argpartition", (A, 1), {})]


@pytest.mark.parametrize("name,args,kwargs", CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_values_are_numpys(name, args, kwargs):
    with np.errstate(all="ignore"):
        same(getattr(cnp, name)(*args, **kwargs), getattr(np, name)(*args, **kwargs))


def test_row_stack_is_vstack():
    same(cnp.row_stack([V, V]), np.vstack([V, V]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if hasattr(np, "row_stack"):
            same(cnp.row_stack([B, B]), np.row_stack([B, B]))


def test_values_inside_a_transformation_are_numpys():
    """The primal of a jvp is NumPy's value too (sorting-based functions included)."""
    for f, npf in [(lambda x: cnp.median(x, axis=1), lambda x: np.median(x, axis=1)),
                   (lambda x: cnp.quantile(x, [0.2, 0.9], axis=0),
                    lambda x: np.quantile(x, [0.2, 0.9], axis=0)),
                   (lambda x: cnp.cumprod(x, axis=2), lambda x: np.cumprod(x, axis=2)),
                   (lambda x: cnp.logaddexp(x, 0.2), lambda x: np.logaddexp(x, 0.2))]:
        out, _ = jvp(f, (A,), (np.ones_like(A),))
        same(out, npf(A))


X = RNG.uniform(0.3, 2.0, size=(3, 4))
SMOOTH = [
    lambda x: cnp.sort(x, axis=0) ** 2,
    lambda x: cnp.sort(x, axis=None) * cnp.arange(12.0),
    lambda x: cnp.partition(x, 1, axis=1) ** 2,
    lambda x: cnp.median(x, axis=0) ** 2,
    lambda x: cnp.median(x) ** 3, lambda x: cnp.median(x[None] * x[:, None], axis=(0, 2)),
    lambda x: cnp.quantile(x, [0.1, 0.65], axis=1) ** 2,
    lambda x: cnp.percentile(x, 40.0) ** 2,
    lambda x: cnp.tril(x, -1) * x, lambda x: cnp.triu(x * x, 1),
    lambda x: cnp.roll(x, (1, 2), axis=(0, 1)) * x, lambda x: cnp.roll(x, 5) ** 2,
    lambda x: cnp.diff(x * x, n=2, axis=1), lambda x: cnp.diff(x, prepend=1.0) ** 2,
    lambda x: cnp.cumprod(x, axis=1), lambda x: cnp.cumprod(x),
    lambda x: cnp.pad(x * x, ((1, 0), (0, 2)), constant_values=3.0),
    lambda x: cnp.pad(x * x, 2, mode="reflect"),
    lambda x: cnp.kron(x, x[:2, :2]), lambda x: cnp.cross(x[:, :3], x[:, 1:]),
    lambda x: cnp.append(x, x * x, axis=0), lambda x: cnp.column_stack([x[0], x[1] ** 2]),
    lambda x: cnp.flipud(x) * x, lambda x: cnp.fliplr(x) * x, lambda x: cnp.rot90(x) ** 2,
    lambda x: cnp.atleast_3d(x) ** 2, lambda x: cnp.rollaxis(x[None] * x, 2),
    lambda x: cnp.fabs(x - 1.0) ** 2, lambda x: cnp.logaddexp(x, x[0] ** 2),
    lambda x: cnp.logaddexp2(x ** 2, 1.0), lambda x: cnp.fmax(x, x[::-1] ** 2),
    lambda x: cnp.fmin(x, 0.9), lambda x: cnp.sinc(x), lambda x: cnp.rad2deg(x * x),
    lambda x: cnp.deg2rad(x) ** 2, lambda x: cnp.nan_to_num(x * x),
    lambda x: cnp.select([X > 1, X < 0.5], [x ** 2, cnp.sin(x)], default=1.0),
    lambda x: cnp.stack(cnp.array_split(x * x, 3, axis=1)[1:]),
    lambda x: cnp.hsplit(x ** 2, 2)[1], lambda x: cnp.vsplit(x ** 2, [1])[1],
]


@pytest.mark.parametrize("i", range(len(SMOOTH)))
def test_derivatives_match_finite_differences(i):
    check_grads(SMOOTH[i], (X,), modes=("fwd", "rev"), order=2)


def test_sinc_derivatives_at_zero_are_exact_to_fourth_order():
    g1 = grad(cnp.sinc)(0.0)
    g2 = grad(grad(cnp.sinc))(0.0)
    g4 = grad(grad(grad(grad(cnp.sinc))))(0.0)
    assert float(g1) == 0.0
    np.testing.assert_allclose(float(g2), -np.pi ** 2 / 3)
    np.testing.assert_allclose(float(g4), np.pi ** 4 / 5)


def test_ties_follow_the_stable_sort_permutation():
    """sort and median send each output's derivative to the element it was read from;
    for tied values that is the first in a stable sort (JAX's convention)."""
    x = np.array([2.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(grad(lambda v: cnp.sort(v)[1])(x), [1, 0, 0, 0])
    np.testing.assert_array_equal(grad(lambda v: cnp.sort(v)[2])(x), [0, 0, 1, 0])
    np.testing.assert_array_equal(grad(cnp.median)(np.array([2.0, 1.0, 2.0])), [1, 0, 0])
    np.testing.assert_array_equal(grad(cnp.median)(x), [0.5, 0, 0.5, 0])


def test_ties_share_in_logaddexp_fmax_fmin():
    for f in (cnp.logaddexp, cnp.logaddexp2, cnp.fmax, cnp.fmin):
        g = grad(lambda xy: f(xy[0], xy[1]))(np.array([0.7, 0.7]))
        np.testing.assert_allclose(g, [0.5, 0.5], rtol=1e-15)


def test_fmax_ignores_nan_in_the_derivative_too():
    g = grad(lambda x: cnp.sum(cnp.fmax(x, np.array([np.nan, 0.0]))))(np.array([1.0, -1.0]))
    np.testing.assert_array_equal(g, [1.0, 0.0])


def test_nan_to_num_derivative_is_zero_at_replaced_elements():
    x = np.array([1.5, np.nan, np.inf, -np.inf])
    np.testing.assert_array_equal(grad(lambda v: cnp.sum(cnp.nan_to_num(v) * 0.5))(x),
                                  [0.5, 0.0, 0.0, 0.0])


def test_cumprod_is_exact_at_zero():
    x = np.array([2.0, 0.0, 3.0])
    # d/dx1 of x0 * x1 * x2 is x0 * x2 = 6, which exp(cumsum(log)) cannot give
    np.testing.assert_array_equal(grad(lambda v: cnp.cumprod(v)[2])(x), [0.0, 6.0, 0.0])


def test_float32_stays_float32_under_a_derivative():
    x = M.astype(np.float32)
    for f in (lambda v: cnp.sum(cnp.sort(v)), lambda v: cnp.median(v),
              lambda v: cnp.sum(cnp.logaddexp(v, v)), lambda v: cnp.sum(cnp.pad(v, 1)),
              lambda v: cnp.sum(cnp.sinc(v)), lambda v: cnp.sum(cnp.cumprod(v, axis=0))):
        assert grad(f)(x).dtype == np.float32


def test_argsort_accepts_traced_values():
    g = grad(lambda x: cnp.sum(x[cnp.argsort(x)[:2]]))(np.array([3.0, 1.0, 2.0]))
    np.testing.assert_array_equal(g, [0, 1, 1])


@pytest.mark.parametrize("n,m", [(5, 3), (3, 5), (6, 6), (1, 4), (7, 2), (4, 1)])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_matches_numpy(n, m, mode):
    a, v = RNG.normal(size=n), RNG.normal(size=m)
    ours, theirs = cnp.convolve(a, v, mode), np.convolve(a, v, mode)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-14)  # NumPy sums its own way
    ai, vi = np.round(8 * a), np.round(8 * v)  # exact in any order of summation
    same(cnp.convolve(ai, vi, mode), np.convolve(ai, vi, mode))
    same(cnp.convolve(ai.astype(int), vi.astype(int), mode),
         np.convolve(ai.astype(int), vi.astype(int), mode))
    check_grads(lambda x, y: cnp.convolve(x, y, mode), (a, v), order=2)


def test_clear_errors():
    with pytest.raises(ValueError, match="Quantiles must be in the range"):
        cnp.quantile(A, 1.5)
    with pytest.raises(NotImplementedError, match="3-vectors"):
        cnp.cross(M[:, :2], M[:, :2])
    with pytest.raises(NotImplementedError, match="mode"):
        cnp.pad(A, 1, mode="median")
    with pytest.raises(NotImplementedError, match="order="):
        cnp.sort(A, order="x")
    with pytest.raises(ValueError, match="mode must be"):
        cnp.convolve(V, V, "nearest")
    with pytest.raises(ValueError, match="order must be non-negative"):
        cnp.diff(A, n=-1)
