"""r_/c_, gradient, allclose/isclose/array_equal on traced values, einsum with sublists,
and NumPy's keywords on the stacking functions: NumPy's values outside transformations,
the same values traced, derivatives against finite differences and autograd."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

RNG = np.random.default_rng(1010)
X = RNG.uniform(-1, 1, size=3)


def _same(got, want):
    assert type(got) is type(want) or isinstance(want, np.ndarray)
    np.testing.assert_array_equal(got, want)
    assert np.asarray(got).dtype == np.asarray(want).dtype
    assert np.shape(got) == np.shape(want)


def _traced_value(f, *args):
    out, _ = cr.vjp(f, *args)
    return out


# ---- r_ and c_ ----------------------------------------------------------------------------

R_CASES = [
    ("r_", lambda x: (x, 0.5, slice(1, 4))),
    ("r_", lambda x: (x, slice(0, 1, 3j), [7.0, 8.0])),
    ("r_", lambda x: ("0,2", x, [7.0, 8.0, 9.0])),
    ("r_", lambda x: ("0,2,0", x, [7.0, 8.0, 9.0])),
    ("r_", lambda x: ("1,3,-1", np.reshape(x, (1, 3)) if isinstance(x, np.ndarray)
                      else cnp.reshape(x, (1, 3)), np.ones((1, 3)))),
    ("r_", lambda x: ("-1", x, x)),
    ("r_", lambda x: (x.astype(np.float32) if isinstance(x, np.ndarray)
                      else cnp.astype(x, np.float32), 2.0)),
    ("c_", lambda x: (x, 2.0 * x, slice(1, 4))),
    ("c_", lambda x: (x, np.ones((3, 2)))),
    ("c_", lambda x: ("0,2", x, [1.0, 2.0, 3.0])),
]


@pytest.mark.parametrize("name,key", R_CASES)
def test_r_c_values_are_numpys_untraced_and_traced(name, key):
    want = getattr(np, name)[key(X)]
    _same(getattr(cnp, name)[key(X)], want)
    _same(_traced_value(lambda x: getattr(cnp, name)[key(x)], X), want)


@pytest.mark.parametrize("name,key", R_CASES[:6] + R_CASES[7:])
def test_r_c_gradients(name, key):
    check_grads(lambda x: cnp.sin(getattr(cnp, name)[key(x)]), (X,), order=2)


def test_r_c_errors_as_numpy():
    for cls in (np.r_, cnp.r_):
        with pytest.raises(ValueError, match="first entry"):
            cls[1.0, "0,2"]
        with pytest.raises(ValueError, match="unknown special directive"):
            cls["x", 1.0]
    with pytest.raises(ValueError, match="first entry"):
        cr.grad(lambda x: cnp.sum(cnp.r_[x, "0,2"]))(X)
    with pytest.raises(ValueError, match="unknown special directive"):
        cr.grad(lambda x: cnp.sum(cnp.r_["a,b", x]))(X)
    with pytest.raises(NotImplementedError, match="matrix"):
        cr.grad(lambda x: cnp.sum(cnp.r_["r", x]))(X)
    with pytest.raises(NotImplementedError, match="matrix"):
        cnp.r_["1, 2; 3, 4"]


@pytest.mark.filterwarnings("ignore:r_ is slow:UserWarning")
def test_r_matches_autograd():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    want = ag.grad(lambda x: anp.sum(anp.sin(anp.r_[x, 2.0 * x, [1.0]])))(X)
    got = cr.grad(lambda x: cnp.sum(cnp.sin(cnp.r_[x, 2.0 * x, [1.0]])))(X)
    np.testing.assert_allclose(got, want, rtol=1e-13)


# ---- gradient -----------------------------------------------------------------------------

F = RNG.normal(size=(5, 4))
COORD = np.cumsum(RNG.uniform(0.5, 1.0, size=5))
GRAD_CASES = [
    ((), {}), ((0.5,), {}), ((COORD, 2.0), {}), ((COORD,), {"axis": 0}),
    ((COORD,), {"axis": 0, "edge_order": 2}), ((0.3, 0.7), {"edge_order": 2}),
    ((np.arange(5), 1.0), {}), ((np.arange(0, 10, 2), COORD[:4]), {"edge_order": 2}),
    ((), {"axis": -1}), ((), {"axis": (1, 0)}),
]


@pytest.mark.parametrize("args,kw", GRAD_CASES)
def test_gradient_values_are_numpys(args, kw):
    want = np.gradient(F, *args, **kw)
    _same(cnp.gradient(F, *args, **kw), want)
    got = _traced_value(lambda f: cnp.gradient(f, *args, **kw), F)
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            _same(g, w)
    else:
        _same(got, want)


def test_gradient_dtypes_and_1d():
    f32 = F.astype(np.float32)
    _same(_traced_value(lambda f: cnp.gradient(f, COORD), f32[:, 0]),
          np.gradient(f32[:, 0], COORD))
    _same(cnp.gradient(np.arange(6) ** 2), np.gradient(np.arange(6) ** 2))
    x = cnp.array([1.0, 4.0, 9.0])
    assert np.array_equal(_traced_value(lambda f: cnp.gradient(f, edge_order=2), x),
                          np.gradient(x, edge_order=2))


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_derivatives_in_values_and_spacings(edge_order):
    kw = {"edge_order": edge_order}
    check_grads(lambda f: cnp.gradient(f, COORD, 2.0, **kw)[0], (F,), order=2)
    check_grads(lambda f: cnp.gradient(f, 0.5, **kw)[1] ** 2, (F,), order=2)
    check_grads(lambda x: cnp.gradient(F, x, 2.0, **kw)[0], (COORD,), order=2)
    check_grads(lambda d: cnp.gradient(F, d, **kw)[1], (0.7,), order=2)


def test_gradient_traced_uniform_coordinates_see_every_point():
    x = np.arange(5.0)
    g = cr.jacfwd(lambda x: cnp.gradient(F[:, 0], x))(x)
    num = np.empty((5, 5))
    for j in range(5):
        e = np.eye(5)[j] * 1e-6
        num[:, j] = (np.gradient(F[:, 0], x + e) - np.gradient(F[:, 0], x - e)) / 2e-6
    np.testing.assert_allclose(g, num, atol=1e-6)


def test_gradient_errors_as_numpy():
    for fn in (np.gradient, cnp.gradient):
        for bad, kw, err in [((F, 1.0, 2.0, 3.0), {}, TypeError),
                             ((F, np.ones((2, 2)), 1.0), {}, ValueError),
                             ((F, np.ones(3), 1.0), {}, ValueError),
                             ((F,), {"edge_order": 3}, ValueError),
                             ((F[:2],), {"edge_order": 2}, ValueError)]:
            with pytest.raises(err):
                fn(*bad, **kw)
            with pytest.raises(err):
                cr.grad(lambda f: cnp.sum(cnp.gradient(f, *bad[1:], **kw)[0]))(bad[0])


def test_gradient_matches_autograd():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    w = RNG.normal(size=F.shape)
    want = ag.grad(lambda f: anp.sum(anp.gradient(f, axis=0) * w))(F)
    got = cr.grad(lambda f: cnp.sum(cnp.gradient(f, axis=0) * w))(F)
    np.testing.assert_allclose(got, want, rtol=1e-12)


# ---- allclose, isclose, array_equal ---------------------------------------------------

def test_comparisons_on_traced_values_are_numpys_booleans():
    seen = []

    def f(x):
        seen.append((cnp.allclose(x, X), cnp.allclose(x, X + 1), cnp.array_equal(x, X),
                     cnp.array_equal(x, X[:2]), cnp.isclose(x, [X[0], 0.0, X[2]]),
                     cnp.isclose(x[0], X[0]), cnp.allclose(x, x * (1 + 1e-9))))
        return cnp.sum(x * x) if cnp.allclose(x, X) else cnp.sum(x)

    np.testing.assert_allclose(cr.grad(f)(X), 2 * X)
    cr.jacfwd(f)(X)
    want = (True, False, True, False, np.array([True, False, True]), np.True_, True)
    for got in seen:
        for g, w in zip(got, want):
            _same(g, w)
    assert type(cnp.allclose(X, X)) is bool and type(cnp.array_equal(X, X)) is bool


def test_comparisons_keywords_and_nan():
    a = np.array([1.0, np.nan])
    for fn, kw in [("allclose", {"equal_nan": True}), ("isclose", {"equal_nan": True}),
                   ("array_equal", {"equal_nan": True}), ("allclose", {"rtol": 0.5}),
                   ("isclose", {"atol": 2.0})]:
        _same(getattr(cnp, fn)(a, a + 0.1, **kw) if "tol" in str(kw) else
              getattr(cnp, fn)(a, a, **kw),
              getattr(np, fn)(a, a + 0.1, **kw) if "tol" in str(kw) else
              getattr(np, fn)(a, a, **kw))


# ---- einsum with sublists -------------------------------------------------------------

A = RNG.normal(size=(2, 3))
B = RNG.normal(size=(3, 4))
E3 = RNG.normal(size=(2, 2, 3))
EIN_CASES = [
    lambda a, b: (a, [0, 1], [1, 0]), lambda a, b: (a, [0, 1]),
    lambda a, b: (a, [0, 1], b, [1, 2], [0, 2]), lambda a, b: (a, [0, 1], b, [1, 2]),
    lambda a, b: (a, [Ellipsis, 1], [1, Ellipsis]), lambda a, b: (a, [0, 1], a, [0, 1], []),
    lambda a, b: (a, [27, 30], b, (30, 51)),
    lambda a, b: (E3, [Ellipsis, 5], a, [4, 5], [Ellipsis, 4]),
]


@pytest.mark.parametrize("case", EIN_CASES)
def test_einsum_sublists_are_numpys(case):
    want = np.einsum(*case(A, B))
    _same(cnp.einsum(*case(A, B)), want)
    _same(_traced_value(lambda a, b: cnp.einsum(*case(a, b)), A, B), want)


@pytest.mark.parametrize("case", EIN_CASES)
def test_einsum_sublists_gradients(case):
    check_grads(lambda a, b: cnp.sin(cnp.einsum(*case(a, b))), (A, B), order=2)


def test_einsum_sublist_errors_as_numpy():
    for fn in (np.einsum, cnp.einsum):
        with pytest.raises(ValueError, match=r"range \[0, 52\)"):
            fn(A, [0, 52])
        with pytest.raises(TypeError, match="integer or an ellipsis"):
            fn(A, [0, "a"])
    with pytest.raises(ValueError):
        cnp.einsum(A, [0])


def test_einsum_sublists_match_autograd():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    want = ag.grad(lambda a: anp.sum(anp.einsum("ij,jk->ik", a, B) ** 2))(A)
    got = cr.grad(lambda a: cnp.sum(cnp.einsum(a, [0, 1], B, [1, 2], [0, 2]) ** 2))(A)
    np.testing.assert_allclose(got, want, rtol=1e-12)


# ---- stacking keywords ----------------------------------------------------------------

P, Q = RNG.normal(size=(2, 3)), RNG.normal(size=(2, 3)).astype(np.float32)
STACKS = [
    ("concatenate", lambda p, q: ([p, q],), {}),
    ("concatenate", lambda p, q: ([p, q],), {"axis": 1, "dtype": np.float32}),
    ("concatenate", lambda p, q: ([p, q],), {"axis": None, "dtype": "f8"}),
    ("concatenate", lambda p, q: ([p, q],), {"dtype": np.float32, "casting": "unsafe"}),
    ("stack", lambda p, q: ([p, q],), {"axis": -1, "dtype": np.float32}),
    ("stack", lambda p, q: ([p, q],), {"axis": 1}),
    ("hstack", lambda p, q: ([p, q],), {"dtype": np.float64}),
    ("hstack", lambda p, q: ([p[0], q[0], 1.0],), {}),
    ("vstack", lambda p, q: ([p, q[0]],), {"dtype": np.float32}),
    ("row_stack", lambda p, q: ([p, q],), {"dtype": np.float32}),
    ("dstack", lambda p, q: ([p, q],), {}),
    ("dstack", lambda p, q: ([p[0], q[0]],), {}),
    ("column_stack", lambda p, q: ([p[0], q.T],), {}),
]


@pytest.mark.filterwarnings("ignore:`row_stack` alias is deprecated:DeprecationWarning")
@pytest.mark.parametrize("name,args,kw", STACKS)
def test_stacking_keywords_are_numpys(name, args, kw):
    want = getattr(np, name)(*args(P, Q), **kw)
    _same(getattr(cnp, name)(*args(P, Q), **kw), want)
    _same(_traced_value(lambda p: getattr(cnp, name)(*args(p, Q), **kw), P), want)
    _same(_traced_value(lambda q: getattr(cnp, name)(*args(P, q), **kw), Q), want)


@pytest.mark.parametrize("name,args,kw", [s for s in STACKS if "float32" not in str(s[2])])
def test_stacking_gradients(name, args, kw):
    q64 = Q.astype(np.float64)
    check_grads(lambda p, q: cnp.sin(getattr(cnp, name)(*args(p, q), **kw)), (P, q64),
                order=2)


def test_stacking_casting_errors_as_numpy():
    for bad in [lambda m, p, q: m.concatenate([p, q], casting="no"),
                lambda m, p, q: m.concatenate([p, q], dtype=np.int64),
                lambda m, p, q: m.stack([p, q], dtype=np.float32, casting="safe"),
                lambda m, p, q: m.vstack([p, q], dtype=np.int32),
                lambda m, p, q: m.hstack([p, q], casting="equiv")]:
        with pytest.raises(TypeError, match="Cannot cast"):
            bad(np, P, Q)
        with pytest.raises(TypeError, match="Cannot cast"):
            bad(cnp, P, Q)
        with pytest.raises(TypeError, match="Cannot cast"):
            cr.grad(lambda p: cnp.sum(bad(cnp, p, Q)))(P)
    with pytest.raises(ValueError, match="same shape"):
        cr.grad(lambda p: cnp.sum(cnp.stack([p, Q[:, :2]])))(P)
    with pytest.raises(TypeError, match="out="):
        cr.grad(lambda p: cnp.sum(cnp.concatenate([p, p], out=np.empty((4, 3)))))(P)
    out = np.empty((4, 3))
    assert cnp.concatenate([P, P], out=out) is out


def test_stacking_matches_autograd():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    w = RNG.normal(size=(2, 3, 2))
    want = ag.grad(lambda p: anp.sum(anp.dstack([p, p * p]) * w))(P)
    got = cr.grad(lambda p: cnp.sum(cnp.dstack([p, p * p]) * w))(P)
    np.testing.assert_allclose(got, want, rtol=1e-13)


# ---------------------------------------------------------------------------------------
# What autograd lets traced values through without a derivative, NumPy 2's aliases, and
# full with a traced fill value.

def test_passthrough_functions_read_traced_values():
    import chainrule as cr
    x = np.array([1.5, -2.0, 0.0, 3.25])

    def f(v):
        checks = [cnp.all(v > -5), cnp.any(v > 3), cnp.array_equiv(v, x),
                  cnp.isscalar(v) is False, cnp.ndim(v) == 1, cnp.shape(v) == (4,),
                  cnp.size(v) == 4, cnp.count_nonzero(v) == 3,
                  cnp.searchsorted(np.sort(x), 0.5) == 2,
                  cnp.flatnonzero(v).tolist() == [0, 1, 3],
                  cnp.argwhere(v > 0).ravel().tolist() == [0, 3],
                  cnp.nonzero(v)[0].tolist() == [0, 1, 3],
                  bool(cnp.logical_and(v > 0, v < 2)[0]), bool(cnp.logical_not(v > 0)[1]),
                  bool(cnp.logical_or(v > 5, v < -1)[1]), bool(cnp.logical_xor(True, v > 0)[1]),
                  cnp.rint(v).tolist() == np.rint(x).tolist(),
                  cnp.fix(v).tolist() == np.fix(x).tolist(),
                  cnp.around(v, 1).tolist() == np.around(x, 1).tolist(),
                  cnp.result_type(v, np.float32) == np.float64,
                  cnp.empty_like(v).shape == (4,),
                  not cnp.isneginf(v).any() and not cnp.isposinf(v).any()]
        assert all(checks), checks
        return cnp.sum(v * v)

    np.testing.assert_array_equal(cr.grad(f)(x), 2 * x)


def test_array_api_aliases():
    x = np.array([0.2, 0.5])
    for alias, name in [("acos", "arccos"), ("asin", "arcsin"), ("atan", "arctan"),
                        ("acosh", "arccosh"), ("asinh", "arcsinh"), ("atanh", "arctanh")]:
        v = x + 1 if alias == "acosh" else x
        assert getattr(cnp, alias) is getattr(cnp, name)
        np.testing.assert_array_equal(getattr(cnp, alias)(v), getattr(np, name)(v))
    assert cnp.pow is cnp.power and cnp.atan2 is cnp.arctan2
    a = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(cnp.permute_dims(a, (2, 0, 1)), np.permute_dims(a, (2, 0, 1)))
    check_grads(lambda v: cnp.permute_dims(v, (1, 0)), (a[0],), order=1)


def test_full_with_a_traced_fill_value():
    import chainrule as cr
    assert cnp.full((2, 3), 1.5).tolist() == np.full((2, 3), 1.5).tolist()
    assert cnp.full(3, 2, dtype=np.float32).dtype == np.float32
    assert cr.grad(lambda v: cnp.sum(cnp.full((2, 3), v)))(1.5) == 6.0
    assert cr.grad(lambda v: cnp.sum(cnp.full_like(np.zeros(4), v)))(2.0) == 4.0
    check_grads(lambda v: cnp.full(4, v) * np.arange(4.0), (0.7,), order=2)
