"""chainrule.scipy.stats: SciPy's values (traced or not), derivatives against finite
differences (both modes, orders 1 and 2) and against autograd where it has them."""

import numpy as np
import pytest

st = pytest.importorskip("scipy.stats")

from chainrule import grad, vjp  # noqa: E402
from chainrule.scipy import stats as cst  # noqa: E402
from chainrule.testing import check_grads  # noqa: E402

RNG = np.random.default_rng(10)


def _u(lo, hi, shape):
    return RNG.uniform(lo, hi, size=shape)


# name -> (points, differentiable argnums of the densities, of the cdfs)
CONTINUOUS = {
    "norm": ((_u(-3, 3, (2, 3)), _u(-1, 1, (3,)), _u(0.5, 2, ())), (0, 1, 2), (0, 1, 2)),
    "t": ((_u(-3, 3, (2, 3)), _u(1, 6, (2, 1)), _u(-1, 1, (3,)), _u(0.5, 2, ())),
          (0, 1, 2, 3), (0, 1, 2, 3)),
    "gamma": ((_u(0.5, 5, (2, 3)), _u(0.5, 4, (3,)), _u(-0.2, 0.2, ()), _u(0.5, 2, (2, 1))),
              (0, 1, 2, 3), (0, 1, 2, 3)),
    "beta": ((_u(0.1, 0.9, (2, 3)), _u(0.5, 4, (3,)), _u(0.5, 4, (2, 1)), _u(-0.05, 0.05, ()),
              _u(1.0, 1.2, ())), (0, 1, 2, 3, 4), (0, 1, 2, 3, 4)),
    "chi2": ((_u(0.5, 5, (2, 3)), _u(1, 6, (3,)), _u(-0.2, 0.2, ()), _u(0.5, 2, ())),
             (0, 1, 2, 3), (0, 1, 2, 3)),
}
DENSITIES = ("logpdf", "pdf")
CDFS = ("cdf", "logcdf", "sf", "logsf")
FUNCS = [(d, f) for d in CONTINUOUS for f in DENSITIES + CDFS] + [("norm", "ppf"), ("norm", "isf")]


def _traced(f, *args):
    """``f(*args)`` computed inside a transformation (reverse mode: no derivative is
    computed, so that points where it is infinite or undefined raise no warning)."""
    return vjp(f, *(np.asarray(a, float) for a in args))[0]


Q = _u(0.1, 0.9, (2, 3))


def _point(dist, name):
    args = CONTINUOUS[dist][0]
    return (Q,) + args[1:] if name in ("ppf", "isf") else args


@pytest.mark.parametrize("dist,name", FUNCS, ids=lambda v: str(v))
def test_values_match_scipy(dist, name):
    ours, theirs = getattr(getattr(cst, dist), name), getattr(getattr(st, dist), name)
    args = _point(dist, name)
    expected = theirs(*args)
    plain = ours(*args)
    assert type(plain) is type(expected) and plain.dtype == np.float64
    np.testing.assert_array_equal(plain, expected)
    traced = _traced(lambda x: ours(x, *args[1:]), args[0])
    assert np.shape(traced) == np.shape(expected) and np.asarray(traced).dtype == np.float64
    np.testing.assert_allclose(traced, expected, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("dist,name", FUNCS, ids=lambda v: str(v))
def test_derivatives_match_finite_differences(dist, name):
    fn = getattr(getattr(cst, dist), name)
    args = _point(dist, name)
    argnums = CONTINUOUS[dist][1] if name in DENSITIES + ("ppf", "isf") else CONTINUOUS[dist][2]

    def f(*diff):
        full = list(args)
        for i, v in zip(argnums, diff):
            full[i] = v
        return fn(*full)
    check_grads(f, tuple(args[i] for i in argnums), modes=("fwd", "rev"), order=2)


# Edge values: invalid parameters give nan, points outside the support -inf / 0 / 1.
EDGES = {
    "norm": (np.array([-np.inf, -1.0, 0.0, 2.0, np.inf, 1.0, np.nan]),
             np.array([1.0, 1.0, 0.0, -1.0, 2.0, 0.0, 1.0])),
    "t": (np.array([-50.0, 1.0, 0.0, 2.0, np.inf, 1.0, 1.5]),
          np.array([3.0, -1.0, 2.0, np.inf, 2.0, 0.0, np.nan])),
    "gamma": (np.array([-1.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0]),
              np.array([2.0, 0.5, 1.0, 2.0, -1.0, 0.0, 1e-300])),
    "chi2": (np.array([-1.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0]),
             np.array([3.0, 1.0, 2.0, 3.0, -1.0, 0.0, 4.0])),
}


@pytest.mark.parametrize("dist", sorted(EDGES))
@pytest.mark.parametrize("name", DENSITIES + CDFS)
def test_edge_values_match_scipy(dist, name):
    ours, theirs = getattr(getattr(cst, dist), name), getattr(getattr(st, dist), name)
    x, p = EDGES[dist]
    with np.errstate(all="ignore"):
        expected = theirs(x, p)
    np.testing.assert_allclose(_traced(lambda x: ours(x, p), x), expected, rtol=1e-12)
    np.testing.assert_allclose(_traced(lambda s: ours(x, 1.0, 0.0, s) if dist != "norm"
                                       else ours(x, 0.0, s), p), _scipy_scaled(theirs, x, p,
                                                                              dist), rtol=1e-12)


def _scipy_scaled(theirs, x, scale, dist):
    with np.errstate(all="ignore"):
        return theirs(x, 0.0, scale) if dist == "norm" else theirs(x, 1.0, 0.0, scale)


def test_beta_edges_match_scipy():
    x = np.array([-0.1, 0.0, 0.0, 1.0, 1.0, 1.1, 0.5, 0.5])
    a = np.array([2.0, 1.0, 0.5, 2.0, 2.0, 2.0, -1.0, 2.0])
    b = np.array([2.0, 2.0, 2.0, 2.0, 1.0, 2.0, 2.0, 0.0])
    for name in DENSITIES + CDFS:
        ours, theirs = getattr(cst.beta, name), getattr(st.beta, name)
        np.testing.assert_allclose(_traced(lambda x: ours(x, a, b), x), theirs(x, a, b),
                                   rtol=1e-12)


def test_gradient_is_nan_where_the_function_is():
    g = grad(lambda s: cst.norm.logpdf(np.array([1.0, 2.0]), 0.0, s).sum())(
        np.array([1.0, -1.0]))
    assert np.isfinite(g[0]) and np.isnan(g[1])
    # outside the support the log density is the constant -inf: derivative 0
    assert grad(lambda x: cst.gamma.logpdf(x, 2.0))(-1.0) == 0.0


def test_norm_log_tails_are_accurate():
    x = np.array([-40.0, -10.0, 0.0, 10.0, 40.0])
    np.testing.assert_allclose(_traced(cst.norm.logcdf, x), st.norm.logcdf(x), rtol=1e-14)
    np.testing.assert_allclose(_traced(cst.norm.logsf, x), st.norm.logsf(x), rtol=1e-14)
    # d/dx log Phi(x) = phi(x) / Phi(x) ~ -x for x -> -inf (Mills ratio)
    g = vjp(cst.norm.logcdf, x)[1](np.ones(5))[0]
    mills = np.exp(st.norm.logpdf(x) - st.norm.logcdf(x))
    np.testing.assert_allclose(g, mills, rtol=1e-12)
    check_grads(cst.norm.logcdf, (np.array([-30.0, -8.0]),), order=2, rtol=1e-5)


@pytest.mark.parametrize("dist,name,args", [
    ("t", "cdf", (0.4, 2.0)), ("t", "logsf", (-1.3, 4.0)), ("gamma", "cdf", (1.5, 2.0)),
    ("chi2", "sf", (1.5, 3.0)), ("beta", "cdf", (0.4, 2.0, 3.0))])
def test_third_derivatives_in_a_shape_parameter(dist, name, args):
    fn = getattr(getattr(cst, dist), name)

    def f(p):
        return fn(args[0], p, *args[2:])
    check_grads(f, (args[1],), order=3, eps=1e-2, rtol=1e-5)
    check_grads(lambda x, p: fn(x, p, *args[2:]), args[:2], order=3, eps=1e-2, rtol=1e-5)


def test_t_cdf_derivative_in_df_matches_mpmath():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40

    def cdf(df, t):
        half = 0.5 * mpmath.betainc(df / 2, 0.5, 0, df / (df + t * t), regularized=True)
        return half if t < 0 else 1 - half
    for df, t in [(3.0, -1.2), (0.5, 2.0), (30.0, -0.01), (200.0, 3.0), (1.5, 40.0)]:
        for order, fn in ((1, grad(lambda d: cst.t.cdf(t, d))),
                          (2, grad(grad(lambda d: cst.t.cdf(t, d))))):
            expected = float(mpmath.diff(lambda d: cdf(d, mpmath.mpf(t)), df, order))
            np.testing.assert_allclose(fn(df), expected, rtol=1e-9)
    # at t = 0 the cdf is 1/2 for every df; its mixed derivative is d/ddf of the density
    mixed = grad(lambda x: grad(lambda d: cst.t.cdf(x, d))(3.0))(0.0)
    h = 1e-5
    np.testing.assert_allclose(mixed, (st.t.pdf(0, 3 + h) - st.t.pdf(0, 3 - h)) / (2 * h),
                               rtol=1e-7)


# Poisson: differentiable in mu; the counts k are held fixed.
K = np.array([[0, 1, 2], [3, 5, 8]])
MU = _u(0.5, 5, (3,))
POISSON = ("logpmf", "pmf", "cdf", "logcdf", "sf", "logsf")


@pytest.mark.parametrize("name", POISSON)
def test_poisson(name):
    ours, theirs = getattr(cst.poisson, name), getattr(st.poisson, name)
    np.testing.assert_array_equal(ours(K, MU), theirs(K, MU))
    np.testing.assert_allclose(_traced(lambda m: ours(K, m), MU), theirs(K, MU), rtol=1e-12)
    edges_k = np.array([-1.0, 0.0, 2.5, 3.0, 2.0, 0.0])
    edges_mu = np.array([1.0, 0.0, 1.0, -1.0, 0.0, 2.0])
    np.testing.assert_allclose(_traced(lambda m: ours(edges_k, m, 0.5), edges_mu),
                               theirs(edges_k, edges_mu, 0.5), rtol=1e-12)
    check_grads(lambda m: ours(K, m), (MU,), order=2)
    with pytest.raises(NotImplementedError, match="k is a count"):
        grad(lambda k: ours(k, 2.0))(3.0)


def test_poisson_cdf_derivative_is_minus_the_pmf():
    g = grad(lambda m: cst.poisson.cdf(3.7, m))(2.5)
    np.testing.assert_allclose(g, -st.poisson.pmf(3, 2.5), rtol=1e-12)


# autograd's gradients, for the functions and arguments it differentiates.
AUTOGRAD = [  # (dist, name, argnums autograd differentiates, point)
    ("norm", "logpdf", (0, 1, 2), CONTINUOUS["norm"][0]),
    ("norm", "pdf", (0, 1, 2), CONTINUOUS["norm"][0]),
    ("norm", "cdf", (0, 1, 2), CONTINUOUS["norm"][0]),
    ("norm", "logcdf", (0, 1, 2), CONTINUOUS["norm"][0]),
    ("norm", "sf", (0, 1, 2), CONTINUOUS["norm"][0]),
    ("norm", "logsf", (0, 1, 2), CONTINUOUS["norm"][0]),
    ("t", "logpdf", (0, 1, 2, 3), CONTINUOUS["t"][0]),
    ("t", "pdf", (0, 1, 2, 3), CONTINUOUS["t"][0]),
    ("t", "cdf", (0, 2), CONTINUOUS["t"][0]),
    ("t", "logcdf", (0, 2), CONTINUOUS["t"][0]),
    ("gamma", "logpdf", (0, 1), CONTINUOUS["gamma"][0][:2]),
    ("gamma", "pdf", (0, 1), CONTINUOUS["gamma"][0][:2]),
    ("gamma", "cdf", (0,), CONTINUOUS["gamma"][0][:2]),
    ("beta", "logpdf", (0, 1, 2), CONTINUOUS["beta"][0][:3]),
    ("beta", "pdf", (0, 1, 2), CONTINUOUS["beta"][0][:3]),
    ("beta", "cdf", (0,), CONTINUOUS["beta"][0][:3]),
    ("chi2", "cdf", (0,), CONTINUOUS["chi2"][0][:2]),
    ("poisson", "logpmf", (1,), (K, MU)),
    ("poisson", "pmf", (1,), (K, MU)),
    ("poisson", "cdf", (1,), (K, MU)),
]


@pytest.mark.parametrize("dist,name,argnums,point", AUTOGRAD,
                         ids=[f"{d}-{n}" for d, n, _, _ in AUTOGRAD])
def test_gradients_match_autograd(dist, name, argnums, point):
    autograd = pytest.importorskip("autograd")
    ag_stats = pytest.importorskip(f"autograd.scipy.stats.{dist}")
    ours, theirs = getattr(getattr(cst, dist), name), getattr(ag_stats, name)
    for i in argnums:
        expected = autograd.grad(lambda v: theirs(*point[:i], v, *point[i + 1:]).sum())(point[i])
        got = grad(lambda v: ours(*point[:i], v, *point[i + 1:]).sum())(point[i])
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_chi2_logpdf_gradients():
    # autograd's chi2.logpdf gradient in x is (df - x - 2) / (2 x) (integer df only); ours
    # is that formula for every df, and also differentiates df: log(x/2)/2 - digamma(df/2)/2
    from scipy.special import digamma
    x, df = CONTINUOUS["chi2"][0][:2]
    gx, gdf = grad(lambda x, d: cst.chi2.logpdf(x, d).sum(), argnums=(0, 1))(x, df)
    np.testing.assert_allclose(gx, (df - x - 2) / (2 * x), rtol=1e-12)
    np.testing.assert_allclose(gdf, (0.5 * np.log(x / 2) - 0.5 * digamma(df / 2)).sum(0),
                               rtol=1e-12)


# Dirichlet: SciPy's layout (components on the first axis, K or K-1 of them).
ALPHA = np.array([0.8, 2.0, 3.5, 1.3])
XD = RNG.dirichlet(8 * ALPHA, size=5).T  # away from the faces, for finite differences


@pytest.mark.parametrize("name", ["logpdf", "pdf"])
@pytest.mark.parametrize("x", [XD, XD[:, 0], XD[:-1]], ids=["batch", "one", "k-1"])
def test_dirichlet(name, x):
    ours, theirs = getattr(cst.dirichlet, name), getattr(st.dirichlet, name)
    np.testing.assert_array_equal(ours(x, ALPHA), theirs(x, ALPHA))
    np.testing.assert_allclose(_traced(ours, x, ALPHA), theirs(x, ALPHA), rtol=1e-12)
    check_grads(lambda a: ours(x, a), (ALPHA,), order=2)
    # x on the simplex: through its first K - 1 components (the last one is 1 - their sum)
    full = x.shape[0] == ALPHA.shape[0]
    check_grads(lambda y: ours(cst_simplex(y) if full else y, ALPHA), (x[:3],), order=2,
                eps=1e-4)
    with pytest.raises(ValueError):
        _traced(ours, x, -ALPHA)


def cst_simplex(y):
    import chainrule.numpy as cnp
    return cnp.concatenate([y, 1 - cnp.sum(y, axis=0, keepdims=True)], axis=0)


def test_dirichlet_matches_autograd():
    autograd = pytest.importorskip("autograd")
    ag = pytest.importorskip("autograd.scipy.stats.dirichlet")
    x = XD[:, 0]
    for i in (0, 1):
        expected = autograd.grad(ag.logpdf, i)(x, ALPHA)
        np.testing.assert_allclose(grad(cst.dirichlet.logpdf, argnums=i)(x, ALPHA), expected,
                                   rtol=1e-12)


# Multivariate normal: batches of x, derivatives in x, mean and cov.
D = 3
_A = RNG.normal(size=(D, D))
COV = _A @ _A.T + D * np.eye(D)
MEAN = RNG.normal(size=D)
XM = RNG.normal(size=(2, 4, D))
MVN_CASES = [  # (x, mean, cov)
    (XM, MEAN, COV), (XM[0, 0], MEAN, COV), (XM[0], MEAN, np.diag(COV)),
    (XM[0], MEAN, 2.5), (np.array([0.3, -1.2, 2.0]), 0.5, 2.0), (np.array(0.7), None, 1.5)]


@pytest.mark.parametrize("name", ["logpdf", "pdf"])
@pytest.mark.parametrize("case", range(len(MVN_CASES)))
def test_multivariate_normal_values(name, case):
    x, mean, cov = MVN_CASES[case]
    ours, theirs = getattr(cst.multivariate_normal, name), getattr(st.multivariate_normal, name)
    expected = theirs(x, mean, cov)
    plain = ours(x, mean, cov)
    assert type(plain) is type(expected)
    np.testing.assert_array_equal(plain, expected)
    traced = _traced(lambda x: ours(x, mean, cov), x)
    assert np.shape(traced) == np.shape(expected)
    np.testing.assert_allclose(traced, expected, rtol=1e-12)


@pytest.mark.parametrize("name", ["logpdf", "pdf"])
def test_multivariate_normal_derivatives(name):
    # finite differences move cov along symmetric directions only (SciPy reads the lower
    # triangle of a non-symmetric matrix, where chainrule's derivative reads all entries)
    fn = getattr(cst.multivariate_normal, name)
    check_grads(lambda x, m, s: fn(x, m, (s + s.T) / 2), (XM, MEAN, COV), order=2)
    check_grads(fn, (XM[0], MEAN, np.diag(COV)), order=2)
    check_grads(lambda s: cst.multivariate_normal.entropy(MEAN, (s + s.T) / 2), (COV,),
                order=2)


def test_multivariate_normal_matches_autograd():
    autograd = pytest.importorskip("autograd")
    ag = pytest.importorskip("autograd.scipy.stats.multivariate_normal")
    for name in ("logpdf", "pdf"):
        ours, theirs = getattr(cst.multivariate_normal, name), getattr(ag, name)
        for i in range(3):
            args = [XM[0], MEAN, COV]

            def f(v, fn):
                return fn(*args[:i], v, *args[i + 1:]).sum()
            expected = autograd.grad(f)(args[i], theirs)
            got = grad(f)(args[i], ours)
            np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)
            if i == 2:  # the convention: the symmetric gradient, entries independent
                np.testing.assert_allclose(got, got.T, rtol=1e-12)
    expected = autograd.grad(lambda s: ag.entropy(MEAN, s))(COV)
    np.testing.assert_allclose(grad(lambda s: cst.multivariate_normal.entropy(MEAN, s))(COV),
                               expected, rtol=1e-12)


def test_multivariate_normal_refusals():
    asym = COV + np.triu(np.ones((D, D)), 1)
    with pytest.raises(ValueError, match="not symmetric"):
        grad(lambda s: cst.multivariate_normal.logpdf(XM[0, 0], MEAN, s))(asym)
    with pytest.raises(ValueError):  # SciPy's error for a singular cov
        grad(lambda s: cst.multivariate_normal.logpdf(XM[0, 0], MEAN, s))(np.ones((D, D)))
    with pytest.raises(NotImplementedError, match="singular cov"):
        grad(lambda s: cst.multivariate_normal.logpdf(XM[0, 0], MEAN, s, allow_singular=True))(
            np.ones((D, D)))


def test_multivariate_normal_singular_cov():
    u = np.linalg.qr(_A)[0][:, :2]
    cov = u @ np.diag([2.0, 0.5]) @ u.T  # rank 2
    x = np.stack([MEAN + u @ np.array([0.3, -1.0]), MEAN + u @ np.array([1.0, 2.0]),
                  MEAN + np.linalg.qr(_A)[0][:, 2]])  # the last one off the subspace
    expected = st.multivariate_normal.logpdf(x, MEAN, cov, allow_singular=True)
    got = _traced(lambda x: cst.multivariate_normal.logpdf(x, MEAN, cov, allow_singular=True), x)
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    assert got[2] == -np.inf
    # within the subspace, the gradient in x is -pinv(cov) (x - mean)
    g = grad(lambda x: cst.multivariate_normal.logpdf(x, MEAN, cov, allow_singular=True))(x[0])
    np.testing.assert_allclose(g, -np.linalg.pinv(cov) @ (x[0] - MEAN), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("name", ["ppf", "isf"])
def test_norm_quantile_edges(name):
    ours, theirs = getattr(cst.norm, name), getattr(st.norm, name)
    q = np.array([-0.1, 0.0, 0.3, 1.0, 1.5, 0.5, np.nan])
    scale = np.array([1.0, 2.0, 2.0, 2.0, 1.0, -1.0, 1.0])
    np.testing.assert_allclose(_traced(lambda q, s: ours(q, 0.5, s), q, scale),
                               theirs(q, 0.5, scale), rtol=1e-12)


def test_lists_holding_tracers_are_arrays():
    g = grad(lambda m: cst.multivariate_normal.logpdf([[1.0, m], [m, 0.0]], [0.0, 0.5],
                                                      np.eye(2)).sum())(0.2)
    x = np.array([[1.0, 0.2], [0.2, 0.0]])
    expected = -(x - [0.0, 0.5])[[0, 1], [1, 0]].sum()
    np.testing.assert_allclose(g, expected, rtol=1e-12)
    np.testing.assert_allclose(grad(lambda s: cst.norm.logpdf([1.0, 2.0], 0.0, s).sum())(2.0),
                               -2 / 2.0 + (1 + 4) / 8.0, rtol=1e-12)


def test_gamma_cdf_derivatives_in_a_match_mpmath():
    mpmath = pytest.importorskip("mpmath")
    from chainrule.scipy.stats._igamma import igamma_da
    mpmath.mp.dps = 40
    a = np.array([0.01, 0.3, 0.3, 2.5, 2.5, 40.0, 40.0, 900.0, 900.0])
    x = np.array([0.5, 0.01, 3.0, 0.2, 30.0, 25.0, 60.0, 850.0, 1000.0])
    for order in (1, 2):
        expected = []
        for ai, xi in zip(a, x):  # the tail where the value is small: no cancellation
            lower = xi < ai
            p = (lambda s, xi=xi: mpmath.gammainc(s, 0, xi, regularized=True)) if lower else \
                (lambda s, xi=xi: -mpmath.gammainc(s, xi, mpmath.inf, regularized=True))
            expected.append(float(mpmath.diff(p, ai, order)))
        np.testing.assert_allclose(igamma_da(a, x, order=order), expected, rtol=1e-10)
    g = grad(lambda a: cst.gamma.cdf(x, a).sum())(a)
    np.testing.assert_allclose(g, igamma_da(a, x, order=1), rtol=1e-14)


def test_beta_cdf_derivatives_in_a_b_match_mpmath():
    mpmath = pytest.importorskip("mpmath")
    from chainrule.scipy.stats._ibeta import ibeta_d
    mpmath.mp.dps = 40
    a = np.array([0.05, 0.7, 2.5, 30.0, 1000.0, 0.3])
    b = np.array([0.4, 3.0, 2.5, 4.0, 1000.0, 200.0])
    x = np.array([0.3, 0.05, 0.9, 0.8, 0.499, 0.01])
    for da, db in ((1, 0), (0, 1), (2, 0), (1, 1), (0, 2)):
        expected = []
        for ai, bi, xi in zip(a, b, x):
            if xi < ai / (ai + bi):
                def i(s, t, xi=xi):
                    return mpmath.betainc(s, t, 0, xi, regularized=True)
            else:
                def i(s, t, xi=xi):
                    return -mpmath.betainc(t, s, 0, 1 - xi, regularized=True)
            expected.append(float(mpmath.diff(i, (ai, bi), (da, db))))
        np.testing.assert_allclose(ibeta_d(a, b, x, da=da, db=db), expected, rtol=1e-9)


def test_complex_arguments_are_refused_inside_transformations():
    with pytest.raises(TypeError, match="real arguments only"):
        grad(lambda x: cst.norm.logpdf(x * (1 + 1j)).real)(0.5)
