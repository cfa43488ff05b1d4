"""chainrule.scipy.special: SciPy's values, derivatives of every order in both modes,
float32 kept, refused derivatives, and chainrule importing without SciPy."""

import subprocess
import sys

import numpy as np
import pytest

sc = pytest.importorskip("scipy.special")

import chainrule.scipy.special as csp  # noqa: E402
from chainrule import grad, jvp, vjp  # noqa: E402
from chainrule.core import registry  # noqa: E402
from chainrule.testing import check_grads, sample_function  # noqa: E402

PRIM_NAMES = ["erf", "erfc", "erfinv", "erfcinv", "gamma", "gammaln", "digamma",
              "polygamma", "beta", "betaln", "multigammaln", "expit", "logit", "xlogy",
              "xlog1py", "i0", "i1", "ive", "j0", "j1", "y0", "y1", "jn", "yn", "gammainc",
              "gammaincc", "betainc", "iv", "rgamma", "gammasgn"]
PRIMS = [registry()[n] for n in PRIM_NAMES if registry()[n].differentiable]

X = np.array([[0.3, 1.7, 2.9], [0.05, 0.8, 4.2]])  # in every unary domain below...
U = np.array([[0.3, -0.7, 0.95], [0.05, -0.2, 0.6]])  # ... or in (-1, 1)
VALUES = [  # (name, SciPy arguments)
    ("erf", (U * 3,)), ("erfc", (U * 3,)), ("erfinv", (U,)), ("erfcinv", (U + 1,)),
    ("gamma", (X - 1.5,)), ("gammaln", (X - 1.5,)), ("digamma", (X - 1.5,)), ("psi", (X,)),
    ("polygamma", (2, X)), ("polygamma", (np.array([0, 1, 3]), X)), ("beta", (X, X[0])),
    ("betaln", (X, 1.3)), ("multigammaln", (X + 2, 3)), ("expit", (U * 9,)),
    ("logit", (X / 5,)), ("xlogy", (U, X)), ("xlogy", (np.array([0.0, 0.0]), [0.0, 2.0])),
    ("xlog1py", (U, X - 0.5)), ("xlog1py", (0.0, -1.0)), ("i0", (U * 5,)), ("i1", (U * 5,)),
    ("ive", (np.array([0, 1, 2.5]), U * 5)), ("j0", (U * 9,)), ("j1", (U * 9,)),
    ("y0", (X,)), ("y1", (X,)), ("jn", (3, U * 9)), ("yn", (np.array([0, 1, 4]), X)),
    ("gammainc", (np.array([0.5, 2, 7]), X)), ("gammaincc", (3, X)),
    ("betainc", (X, 2.5, X / 5)), ("iv", (np.array([0, 1, 2.5]), U * 5)),
    ("rgamma", (X - 1.5,)), ("gammasgn", (X - 1.5,)),
]


@pytest.mark.parametrize("name,args", VALUES, ids=[v[0] for v in VALUES])
def test_values_are_scipys(name, args):
    with np.errstate(all="ignore"):
        ours, theirs = getattr(csp, name)(*args), getattr(sc, name)(*args)
    assert np.asarray(ours).dtype == np.asarray(theirs).dtype == np.float64
    np.testing.assert_array_equal(ours, theirs)
    args32 = tuple(np.asarray(a, np.float32) if np.asarray(a).dtype.kind == "f" else a
                   for a in args)
    with np.errstate(all="ignore"):
        ours32, theirs32 = getattr(csp, name)(*args32), getattr(sc, name)(*args32)
    assert np.asarray(ours32).dtype == np.float32  # SciPy returns float64 for some
    np.testing.assert_array_equal(ours32, np.asarray(theirs32).astype(np.float32))


def test_scalars_are_scipys():
    assert csp.erf(0.5) == sc.erf(0.5) and type(csp.erf(0.5)) is type(sc.erf(0.5))
    assert csp.gammaln(np.float32(3.5)) == sc.gammaln(np.float32(3.5))
    assert csp.jn(2, [0.5, 1.5]).tolist() == sc.jn(2, [0.5, 1.5]).tolist()


def test_logsumexp_is_scipys():
    a = np.array([[1.0, -3.0, 700.0], [2.0, 0.5, -1.0]])
    for axis in (None, 0, 1, (0, 1)):
        for keepdims in (False, True):
            np.testing.assert_array_equal(csp.logsumexp(a, axis=axis, keepdims=keepdims),
                                          sc.logsumexp(a, axis=axis, keepdims=keepdims))
    b = np.array([0.5, 0.0, -2.0])
    for sign in (False, True):
        np.testing.assert_array_equal(csp.logsumexp(a, axis=1, b=b, return_sign=sign),
                                      sc.logsumexp(a, axis=1, b=b, return_sign=sign))
    # inside a transformation: chainrule.numpy's logsumexp, SciPy's value up to rounding
    out, _ = vjp(lambda x: csp.logsumexp(x, axis=1, b=abs(b)), a)
    np.testing.assert_allclose(out, sc.logsumexp(a, axis=1, b=abs(b)), rtol=1e-15)
    check_grads(lambda x: csp.logsumexp(x, axis=0, b=b[:2, None] ** 2), (a[:, :2],), order=2)
    check_grads(lambda x: csp.logsumexp([x[0], 1.0]), (a[0],), order=2)
    with pytest.raises(NotImplementedError, match="return_sign"):
        grad(lambda x: csp.logsumexp(x, return_sign=True)[0])(a)


def test_every_function_is_a_registered_primitive():
    assert set(PRIM_NAMES) <= set(registry())
    assert {n for n, _ in VALUES} | {"logsumexp"} == set(csp.__all__)


@pytest.mark.parametrize("prim", PRIMS, ids=lambda p: p.name)
def test_rules_match_finite_differences(prim):
    """The registry sweep of tests/test_registry.py, for these primitives: that sweep sees
    them only if chainrule.scipy was imported before it was collected."""
    import chainrule.core.reverse as reverse
    assert prim.rule and prim.statement and prim.samples()
    for sample in prim.samples():
        f, xs = sample_function(prim, sample)
        check_grads(f, xs, modes=("fwd", "rev"), order=2)
        keep = reverse._KEEP_BYTES
        reverse._KEEP_BYTES = -1  # the rules use only what the record says it saves
        try:
            check_grads(f, xs, modes=("rev",), order=1)
        finally:
            reverse._KEEP_BYTES = keep


@pytest.mark.parametrize("prim", PRIMS, ids=lambda p: p.name)
@pytest.mark.parametrize("dt", [np.float32, np.float16])
def test_precision_is_kept_in_both_modes(prim, dt):
    for sample in prim.samples():
        f, xs = sample_function(prim, sample, dtype=dt)
        with np.errstate(all="ignore"):
            out, pullback = vjp(f, *xs)
            cts = pullback(np.ones_like(np.asarray(out)))
            _, t = jvp(f, xs, xs)
        dts = {np.asarray(v).dtype for v in (out, t, *cts)}
        assert dts == {np.dtype(dt)}, (prim.name, dts)


@pytest.mark.parametrize("name,x", [("erf", 0.4), ("erfinv", 0.3), ("gammaln", 1.7),
                                    ("i1", 0.8), ("j1", 1.1), ("y1", 1.4), ("ive", 0.9)])
def test_third_order(name, x):
    f = (lambda x: csp.ive(2, x)) if name == "ive" else getattr(csp, name)
    check_grads(f, (x,), order=3)


def test_known_derivatives():
    assert grad(csp.erf)(0.0) == pytest.approx(2 / np.sqrt(np.pi), rel=1e-15)
    assert grad(csp.gammaln)(3.0) == pytest.approx(sc.digamma(3.0), rel=1e-15)
    assert grad(csp.digamma)(2.0) == pytest.approx(sc.polygamma(1, 2.0), rel=1e-15)
    assert grad(lambda x: csp.polygamma(2, x))(2.0) == pytest.approx(sc.polygamma(3, 2.0))
    assert grad(csp.i0)(1.3) == pytest.approx(sc.i1(1.3), rel=1e-15)
    assert grad(csp.j0)(1.3) == pytest.approx(-sc.j1(1.3), rel=1e-15)
    assert grad(lambda x: csp.jn(0, x))(1.3) == pytest.approx(-sc.j1(1.3), rel=1e-14)
    assert grad(csp.erfinv)(0.0) == pytest.approx(np.sqrt(np.pi) / 2, rel=1e-15)
    x = 1.7  # d/dx gammainc(a, x) is the gamma density; d/dx betainc the beta density
    assert grad(lambda x: csp.gammainc(2.5, x))(x) == pytest.approx(
        x ** 1.5 * np.exp(-x) / sc.gamma(2.5), rel=1e-14)
    assert grad(lambda x: csp.gammaincc(2.5, x))(x) == pytest.approx(
        -x ** 1.5 * np.exp(-x) / sc.gamma(2.5), rel=1e-14)
    assert grad(lambda x: csp.betainc(2.0, 3.0, x))(0.3) == pytest.approx(
        0.3 * 0.7 ** 2 / sc.beta(2.0, 3.0), rel=1e-14)


def test_bessel_at_zero_uses_the_limit():
    for f in (csp.i1, csp.j1):
        assert grad(f)(0.0) == 0.5
        assert jvp(f, (np.zeros(2),), (np.ones(2),))[1].tolist() == [0.5, 0.5]
        assert grad(grad(f))(0.0) == 0.0  # i1 and j1 are odd
    assert grad(grad(csp.i0))(0.0) == 0.5 and grad(grad(csp.j0))(0.0) == -0.5


def test_xlogy_at_zero():
    with np.errstate(all="ignore"):  # log 0 = -inf (and the engine checks -inf - -inf)
        gx, gy = grad(csp.xlogy, argnums=(0, 1))(0.0, 0.0)
    assert gy == 0.0 and gx == -np.inf  # d/dx = log y, d/dy taken as 0 where x = 0
    gx, gy = grad(csp.xlog1py, argnums=(0, 1))(0.0, 0.5)
    assert gx == pytest.approx(np.log1p(0.5)) and gy == 0.0


@pytest.mark.parametrize("f,arg", [(lambda n: csp.polygamma(n, 2.0), "n"),
                                   (lambda n: csp.jn(n, 2.0), "n"),
                                   (lambda n: csp.yn(n, 2.0), "n"),
                                   (lambda v: csp.ive(v, 2.0), "v"),
                                   (lambda a: csp.gammainc(a, 2.0), "a"),
                                   (lambda a: csp.gammaincc(a, 2.0), "a"),
                                   (lambda b: csp.betainc(2.0, b, 0.3), "b")])
def test_orders_refuse_differentiation(f, arg):
    for mode in (grad, lambda f: lambda x: jvp(f, (x,), (1.0,))):
        with pytest.raises(NotImplementedError, match=f"respect to the (order|param).* {arg}"):
            mode(f)(1.0)


def test_multigammaln_checks_its_dimension():
    assert csp.multigammaln(3.0, 2) == sc.multigammaln(3.0, 2)
    with pytest.raises(TypeError, match="positive integer"):
        csp.multigammaln(3.0, 2.0)


def test_chainrule_imports_without_scipy():
    code = (
        "import sys\n"
        "sys.modules['scipy'] = None\n"  # import scipy now raises ImportError
        "import chainrule, chainrule.numpy\n"
        "assert 'chainrule.scipy' not in sys.modules\n"
        "try:\n"
        "    import chainrule.scipy.special\n"
        "except ImportError as e:\n"
        "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert 'pip install "chainrule[scipy]"' in out.stdout


def test_yn_refuses_orders_that_scipy_cannot_compute_in_bounded_time():
    # SciPy's yn recurs |n| times and never returns for yn(inf, 1e300) or yn(3e9, 1e300)
    from chainrule.scipy._bessel import MAX_YN_ORDER
    for n in (np.inf, -1e300, 3e9, MAX_YN_ORDER + 1.0):
        with pytest.raises(ValueError, match="order n must satisfy"):
            csp.yn(n, 1e300)
    assert np.isnan(csp.yn(np.nan, 2.0))
    assert csp.yn(3, 2.0) == sc.yn(3, 2.0)


def test_iv_rgamma_and_gammasgn():
    x = np.array([0.4, 1.3, 2.7])
    np.testing.assert_array_equal(csp.iv(1.5, x), sc.iv(1.5, x))
    np.testing.assert_array_equal(csp.rgamma(x), sc.rgamma(x))
    np.testing.assert_array_equal(csp.gammasgn(np.array([-1.5, -0.5, 2.0])),
                                  sc.gammasgn(np.array([-1.5, -0.5, 2.0])))
    check_grads(lambda v: csp.iv(2, v), (x,), order=2)
    check_grads(csp.rgamma, (x,), order=2)
    # rgamma' = -digamma / gamma
    np.testing.assert_allclose(grad(lambda v: csp.rgamma(v))(1.3),
                               -sc.digamma(1.3) / sc.gamma(1.3), rtol=1e-12)
    assert grad(lambda v: csp.gammasgn(v) * v)(-0.5) == -1.0
    with pytest.raises(NotImplementedError, match="order v"):
        grad(lambda v: csp.iv(v, 1.0))(1.5)
