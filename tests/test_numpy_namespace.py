"""``chainrule.numpy`` against NumPy: values on plain arrays, derivatives of compositions
checked with finite differences, and the array interface of tracers."""

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule import grad, jacfwd, jacrev, jvp, value_and_grad
from chainrule.testing import check_grads

rng = np.random.default_rng(7)
X3 = rng.normal(size=(2, 3, 4))
X2 = rng.normal(size=(2, 3))
Y2 = rng.normal(size=(2, 3))
R3 = rng.normal(size=(3,))
V4 = rng.normal(size=(4,))
W4 = rng.normal(size=(4,))
C21 = rng.normal(size=(2, 1))
R13 = rng.normal(size=(1, 3))
P23 = rng.uniform(0.5, 2.0, size=(2, 3))
Q23 = rng.uniform(0.5, 2.0, size=(2, 3))
B34 = rng.normal(size=(3, 4))
B43 = rng.normal(size=(4, 3))
S33 = rng.normal(size=(3, 3))
M33 = rng.normal(size=(3, 3)) * 0.3 + 2 * np.eye(3)
MB = rng.normal(size=(2, 3, 3)) * 0.3 + 2 * np.eye(3)
SPD = M33 @ M33.T + np.eye(3)
Z = rng.normal(size=(3, 4, 2))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


# Each case: (id, function of a module m in {numpy, chainrule.numpy}, float arguments).
# Where NumPy has no such function, a reference is given as a fourth item.
CASES = [
    # elementwise, with broadcasting
    ("add-bcast", lambda m, a, b: m.add(a, b), (X2, R3)),
    ("mul-outer-bcast", lambda m, a, b: m.multiply(a, b), (C21, R13)),
    ("sub-div", lambda m, a, b: m.subtract(a, b) / m.divide(b, 3.0), (P23, Q23)),
    ("power", lambda m, a, b: m.power(a, b), (P23, Q23)),
    ("power-int", lambda m, a: m.power(a, 3) + a**2, (X2,)),
    ("exp-log-sqrt", lambda m, a: m.exp(a) + m.log(a) * m.sqrt(a), (P23,)),
    ("trig", lambda m, a: m.sin(a) * m.cos(a) + m.tan(a) + m.arctan(a), (X2,)),
    ("hyper", lambda m, a: m.sinh(a) + m.cosh(a) * m.tanh(a) + m.arcsinh(a), (X2,)),
    ("inv-trig", lambda m, a: m.arcsin(a / 3) + m.arccos(a / 3) * m.arctanh(a / 3), (X2,)),
    ("logs", lambda m, a: m.log2(a) + m.log10(a) + m.log1p(a) + m.expm1(a) + m.exp2(a), (P23,)),
    ("arctan2-hypot", lambda m, a, b: m.arctan2(a, b) + m.hypot(a, b), (X2, Q23)),
    ("max-min-bcast", lambda m, a, b: m.maximum(a, b) - m.minimum(b, a) * 2, (X2, R3)),
    ("abs-square", lambda m, a: m.abs(a) * m.square(a) + m.reciprocal(a), (P23,)),
    ("where", lambda m, a, b: m.where(a > b, a * b, a - b), (X2, R3)),
    ("cbrt", lambda m, a: m.cbrt(a), (P23,)),
    # reductions are generated below; cumsum
    ("cumsum-none", lambda m, a: m.cumsum(a), (X3,)),
    ("cumsum-ax1", lambda m, a: m.cumsum(a, axis=1), (X3,)),
    ("cumsum-neg", lambda m, a: m.cumsum(a, axis=-1), (X3,)),
    # shapes
    ("reshape-1", lambda m, a: m.reshape(a, (4, -1)), (X3,)),
    ("reshape-method", lambda m, a: m.reshape(a, -1), (X2,)),
    ("ravel", lambda m, a: m.ravel(a), (X3,)),
    ("squeeze", lambda m, a: m.squeeze(a), (C21,)),
    ("squeeze-axis", lambda m, a: m.squeeze(a[:, None], axis=1), (X2,)),
    ("expand-dims", lambda m, a: m.expand_dims(a, 1), (X2,)),
    ("expand-dims-tuple", lambda m, a: m.expand_dims(a, (0, -1)), (X2,)),
    ("transpose", lambda m, a: m.transpose(a), (X3,)),
    ("transpose-axes", lambda m, a: m.transpose(a, (1, 2, 0)), (X3,)),
    ("swapaxes", lambda m, a: m.swapaxes(a, 0, -1), (X3,)),
    ("moveaxis", lambda m, a: m.moveaxis(a, 0, -1), (X3,)),
    ("moveaxis-seq", lambda m, a: m.moveaxis(a, [0, 1], [2, 0]), (X3,)),
    ("broadcast-to", lambda m, a: m.broadcast_to(a, (4, 2, 3)), (X2,)),
    ("concat-0", lambda m, a, b: m.concatenate([a, b, a], axis=0), (X2, Y2)),
    ("concat-1", lambda m, a, b: m.concatenate([a, b], axis=1), (C21, X2)),
    ("concat-none", lambda m, a, b: m.concatenate([a, b], axis=None), (X2, R3)),
    ("stack", lambda m, a, b: m.stack([a, b]), (X2, Y2)),
    ("stack-last", lambda m, a, b: m.stack([a, b], axis=-1), (X2, Y2)),
    ("hstack-1d", lambda m, a, b: m.hstack([a, b]), (R3, V4)),
    ("hstack-2d", lambda m, a, b: m.hstack([a, b]), (C21, X2)),
    ("vstack-1d", lambda m, a, b: m.vstack([a, b]), (R3, R3)),
    ("vstack-2d", lambda m, a, b: m.vstack([a, b]), (X2, R13)),
    ("split-sections", lambda m, a: m.split(a, 2, axis=2), (X3,)),
    ("split-indices", lambda m, a: m.split(a, [1, 3], axis=-1), (X3,)),
    ("flip", lambda m, a: m.flip(a), (X3,)),
    ("flip-axis", lambda m, a: m.flip(a, axis=1), (X3,)),
    ("take", lambda m, a: m.take(a, [5, 0, 5, 2]), (X2,)),
    ("take-axis", lambda m, a: m.take(a, np.array([3, 0, 3]), axis=2), (X3,)),
    ("repeat", lambda m, a: m.repeat(a, 2), (X2,)),
    ("repeat-axis", lambda m, a: m.repeat(a, [1, 0, 3], axis=1), (X2,)),
    ("tile", lambda m, a: m.tile(a, 2), (X2,)),
    ("tile-tuple", lambda m, a: m.tile(a, (2, 1, 2)), (X2,)),
    ("diagonal", lambda m, a: m.diagonal(a), (B34,)),
    ("diagonal-offset", lambda m, a: m.diagonal(a, 1, 0, 2), (X3,)),
    ("diag-extract-k", lambda m, a: m.diag(a, k=-1), (B34,)),
    ("diag-build", lambda m, a: m.diag(a), (R3,)),
    ("diag-build-k", lambda m, a: m.diag(a, k=2), (R3,)),
    ("diag-build-negk", lambda m, a: m.diag(a, -1), (V4,)),
    ("trace", lambda m, a: m.trace(a), (S33,)),
    ("trace-offset", lambda m, a: m.trace(a, offset=1, axis1=1, axis2=2), (X3,)),
    ("clip", lambda m, a: m.clip(a, -0.5, 0.5), (X3,)),
    ("clip-low", lambda m, a: m.clip(a, -0.2, None), (X3,)),
    ("getitem", lambda m, a: a[1, ::-1, [0, 2]] + a[..., 1:2].sum(), (X3,)),
    # products
    ("dot-0d", lambda m, a, b: m.dot(a[0, 0], b), (X2, Y2)),
    ("dot-1d", lambda m, a, b: m.dot(a, b), (V4, W4)),
    ("dot-2d-1d", lambda m, a, b: m.dot(a, b), (B34, V4)),
    ("dot-1d-2d", lambda m, a, b: m.dot(a, b), (V4, B43)),
    ("dot-2d", lambda m, a, b: m.dot(a, b), (B34, B43)),
    ("dot-nd", lambda m, a, b: m.dot(a, b), (X3, Z)),
    ("dot-nd-1d", lambda m, a, b: m.dot(a, b), (X3, V4)),
    ("inner-1d", lambda m, a, b: m.inner(a, b), (V4, W4)),
    ("inner-2d", lambda m, a, b: m.inner(a, b), (B34, X3)),
    ("outer", lambda m, a, b: m.outer(a, b), (R3, X2)),
    ("vdot", lambda m, a, b: m.vdot(a, b), (X2, Y2)),
    ("tensordot-2", lambda m, a, b: m.tensordot(a, b, axes=2), (X3, B43.T)),
    ("tensordot-1", lambda m, a, b: m.tensordot(a, b, 1), (X3, B43)),
    ("tensordot-0", lambda m, a, b: m.tensordot(a, b, 0), (R3, V4)),
    ("tensordot-pairs", lambda m, a, b: m.tensordot(a, b, axes=([1, 0], [0, 2])), (X3, Z[:3])),
    ("einsum-matmul", lambda m, a, b: m.einsum("ij,jk->ik", a, b), (B34, B43)),
    ("einsum-implicit", lambda m, a, b: m.einsum("ij,kj", a, b), (B34, X3[0])),
    ("einsum-trace", lambda m, a: m.einsum("ii", a), (S33,)),
    ("einsum-diag", lambda m, a: m.einsum("ii->i", a), (S33,)),
    ("einsum-batched", lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b), (X3, Z[:2, :4])),
    ("einsum-ellipsis-bcast", lambda m, a, b: m.einsum("...ij,jk", a, b), (X3, B43)),
    ("einsum-sum", lambda m, a: m.einsum("ijk->", a), (X3,)),
    ("einsum-three", lambda m, a, b, c: m.einsum("ij,j,i", a, b, c), (B34, V4, R3)),
    ("matmul-vm", lambda m, a, b: m.matmul(a, b), (V4, B43)),
    ("matmul-mv", lambda m, a, b: m.matmul(a, b), (B34, V4)),
    ("matmul-vv", lambda m, a, b: a @ b, (V4, W4)),
    ("matmul-batch-v", lambda m, a, b: m.matmul(a, b), (X3, V4)),
    ("matmul-v-batch", lambda m, a, b: m.matmul(a, b), (R3, X3)),
    ("matmul-bcast", lambda m, a, b: a @ b, (X3, B43)),
    # linear algebra
    ("norm", lambda m, a: m.linalg.norm(a), (X3,)),
    ("norm-keepdims", lambda m, a: m.linalg.norm(a, keepdims=True), (X2,)),
    ("norm-vec-1", lambda m, a: m.linalg.norm(a, 1), (V4,)),
    ("norm-vec-2", lambda m, a: m.linalg.norm(a, 2), (V4,)),
    ("norm-vec-3", lambda m, a: m.linalg.norm(a, 3), (V4,)),
    ("norm-vec-inf", lambda m, a: m.linalg.norm(a, np.inf), (V4,)),
    ("norm-vec-ninf", lambda m, a: m.linalg.norm(a, -np.inf), (V4,)),
    ("norm-fro", lambda m, a: m.linalg.norm(a, "fro"), (B34,)),
    ("norm-mat-1", lambda m, a: m.linalg.norm(a, 1), (B34,)),
    ("norm-mat-inf", lambda m, a: m.linalg.norm(a, np.inf), (B34,)),
    ("norm-mat-ninf", lambda m, a: m.linalg.norm(a, -np.inf), (B34,)),
    ("norm-mat-n1", lambda m, a: m.linalg.norm(a, -1), (B34,)),
    ("norm-axis", lambda m, a: m.linalg.norm(a, axis=1), (X3,)),
    ("norm-axis-1", lambda m, a: m.linalg.norm(a, 1, axis=-1, keepdims=True), (X3,)),
    ("norm-axis-inf", lambda m, a: m.linalg.norm(a, np.inf, axis=0), (X3,)),
    ("norm-axes-fro", lambda m, a: m.linalg.norm(a, "fro", axis=(2, 0)), (X3,)),
    ("norm-axes-1", lambda m, a: m.linalg.norm(a, 1, axis=(0, 2), keepdims=True), (X3,)),
    ("inv", lambda m, a: m.linalg.inv(a), (M33,)),
    ("inv-batch", lambda m, a: m.linalg.inv(a), (MB,)),
    ("det", lambda m, a: m.linalg.det(a), (M33,)),
    ("det-batch", lambda m, a: m.linalg.det(a), (MB,)),
    ("slogdet", lambda m, a: m.linalg.slogdet(a)[1], (-M33,)),
    ("solve-vec", lambda m, a, b: m.linalg.solve(a, b), (M33, R3)),
    ("solve-mat", lambda m, a, b: m.linalg.solve(a, b), (M33, B34)),
    ("solve-batch", lambda m, a, b: m.linalg.solve(a, b), (MB, X3[:, :, :2])),
    ("slogdet-batch", lambda m, a: m.linalg.slogdet(a)[1], (MB * np.array([[[-1.0]], [[1]]]),)),
    ("cholesky", lambda m, a: m.linalg.cholesky(a), (SPD,)),
    # odds and ends
    ("var-ddof", lambda m, a: m.var(a, axis=(0, 1), ddof=1), (X3,)),
    ("std-ddof", lambda m, a: m.std(a, ddof=2, keepdims=True), (X3,)),
    ("tensordot-int-pair", lambda m, a, b: m.tensordot(a, b, axes=(2, 0)), (X3, V4)),
    ("matmul-lead-bcast", lambda m, a, b: a[:1] @ b, (X3, Z[:2])),
    ("einsum-diag-mul", lambda m, a, b: m.einsum("ii,i->i", a, b), (S33, R3)),
    ("einsum-ellipsis-short", lambda m, a, b: m.einsum("...ij,...jk->...ik", a, b),
     (X3[0], Z[:2])),
    ("clip-kwargs", lambda m, a: m.clip(a, min=-0.3, max=0.4), (X3,)),
    ("method-clip", lambda m, a: a.clip(min=-0.3) + a.clip(None, 0.2), (X3,)),
    ("expand-dims-npint", lambda m, a: m.expand_dims(a, np.int64(-1)), (X2,)),
]

ML_CASES = [
    ("logsumexp", lambda m, a: m.logsumexp(a), _logsumexp, (X3,)),
    ("logsumexp-axis", lambda m, a: m.logsumexp(a, axis=(0, 2), keepdims=True),
     lambda a: _logsumexp(a, axis=(0, 2), keepdims=True), (X3,)),
    ("logsumexp-neg", lambda m, a: m.logsumexp(a, axis=-1),
     lambda a: _logsumexp(a, axis=-1), (X3 * 30,)),
    ("softmax", lambda m, a: m.softmax(a), _softmax, (X3,)),
    ("softmax-axis", lambda m, a: m.softmax(a, axis=0),
     lambda a: _softmax(a, axis=0), (X3 * 40,)),
    ("log-softmax", lambda m, a: m.log_softmax(a, axis=1),
     lambda a: np.log(_softmax(a, axis=1)), (X3,)),
    ("leaky-relu", lambda m, a: m.leaky_relu(a), lambda a: np.where(a > 0, a, 0.01 * a), (X3,)),
    ("leaky-relu-slope", lambda m, a: m.leaky_relu(a, 0.2),
     lambda a: np.where(a > 0, a, 0.2 * a), (X3,)),
    ("softplus", lambda m, a: m.softplus(a), lambda a: np.log1p(np.exp(a)), (X3,)),
    ("sigmoid", lambda m, a: m.sigmoid(a * 10), lambda a: 1 / (1 + np.exp(-a * 10)), (X3,)),
    ("relu", lambda m, a: m.relu(a), lambda a: np.maximum(a, 0), (X3,)),
]

REDUCTIONS = ["sum", "mean", "prod", "max", "min", "var", "std"]
AXES = [None, 0, -1, 1, (0, 2), (-1, 0)]
for _name in REDUCTIONS:
    for _axis in AXES:
        for _keep in (False, True):
            CASES.append((f"{_name}-axis{_axis}-keep{int(_keep)}".replace(" ", ""),
                          lambda m, a, n=_name, ax=_axis, k=_keep:
                          getattr(m, n)(a, axis=ax, keepdims=k), (X3,)))

ALL = [(cid, (lambda f: lambda *a: f(cnp, *a))(f), (lambda f: lambda *a: f(np, *a))(f), args)
       for cid, f, args in CASES] + [(cid, (lambda f: lambda *a: f(cnp, *a))(f), ref, args)
                                     for cid, f, ref, args in ML_CASES]
IDS = [c[0] for c in ALL]


def _assert_same(got, want):
    if isinstance(want, (list, tuple)):
        assert isinstance(got, (list, tuple)) and len(got) == len(want)
        for g, w in zip(got, want):
            _assert_same(g, w)
        return
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cid,f,ref,args", ALL, ids=IDS)
def test_values_match_numpy(cid, f, ref, args):
    _assert_same(f(*args), ref(*args))


@pytest.mark.parametrize("cid,f,ref,args", ALL, ids=IDS)
def test_gradients_match_finite_differences(cid, f, ref, args):
    check_grads(f, args, order=2)


# Array-likes (nested lists) are accepted wherever NumPy accepts them.
LIST_CASES = {
    "mean": lambda m: m.mean([[1.0, 2.0], [4.0, 8.0]], axis=0),
    "mean-int": lambda m: m.mean([1, 2]),
    "var": lambda m: m.var([1.0, 2.0, 4.0], ddof=1),
    "std": lambda m: m.std([[1.0, 2.0], [4.0, 8.0]]),
    "flip": lambda m: m.flip([1.0, 2.0, 3.0]),
    "diag": lambda m: m.diag([1.0, 2.0], 1),
    "diag-2d": lambda m: m.diag([[1.0, 2.0], [3.0, 4.0]]),
    "diagonal": lambda m: m.diagonal([[1.0, 2.0], [3.0, 4.0]]),
    "trace": lambda m: m.trace([[1.0, 2.0], [3.0, 4.0]]),
    "split": lambda m: m.split([1.0, 2.0, 3.0, 4.0], [1, 3]),
    "take": lambda m: m.take([1.0, 2.0, 3.0], [2, 0]),
    "repeat": lambda m: m.repeat([1.0, 2.0], 2),
    "tile": lambda m: m.tile([1.0, 2.0], (2, 2)),
    "clip": lambda m: m.clip([-1.0, 0.5, 2.0], 0.0, 1.0),
    "square": lambda m: m.square([1.5, -2.0]),
    "reciprocal": lambda m: m.reciprocal([2.0, 4.0]),
    "norm": lambda m: m.linalg.norm([3.0, 4.0]),
    "norm-fro": lambda m: m.linalg.norm([[3.0, 4.0], [0.0, 1.0]], "fro"),
    "norm-axis": lambda m: m.linalg.norm([[3.0, 4.0], [0.0, 1.0]], 1, axis=0),
    "sum": lambda m: m.sum([[1.0, 2.0]], axis=1),
    "softmax": lambda m: (m.softmax if m is cnp else _softmax)(np.array([1.0, 2.0])),
}
ELEMENTWISE_ON_LISTS = {
    "add": lambda m: m.add([1.0, 2.0], [3.0, 4.0]),
    "subtract": lambda m: m.subtract([1.0, 2.0], [3.0, 4.0]),
    "multiply": lambda m: m.multiply([1.0, 2.0], 2),
    "negative": lambda m: m.negative([1.0, 2.0]),
    "greater": lambda m: m.greater([1.0, 2.0], 1.5),
}


@pytest.mark.parametrize("f", LIST_CASES.values(), ids=LIST_CASES.keys())
def test_array_like_inputs(f):
    _assert_same(f(cnp), f(np))


@pytest.mark.parametrize("f", ELEMENTWISE_ON_LISTS.values(), ids=ELEMENTWISE_ON_LISTS.keys())
def test_elementwise_primitives_on_lists(f):
    _assert_same(f(cnp), f(np))


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_solve_stacked_matrices_vector_rhs(mode):
    a = rng.normal(size=(3, 3, 3)) * 0.3 + 2 * np.eye(3)  # batch size = M: wrong numbers
    check_grads(lambda a, b: cnp.linalg.solve(a, b), (a, R3), modes=(mode,), order=1)


def test_non_differentiable_values():
    a = X3
    assert np.array_equal(cnp.argmax(a, axis=1), np.argmax(a, axis=1))
    assert np.array_equal(cnp.argmin(a), np.argmin(a))
    np.testing.assert_allclose(cnp.linalg.norm(np.array([0.0, 2.0, 0.0, -1.0]), 0), 2.0)
    sign, logdet = cnp.linalg.slogdet(-M33)
    ref_sign, ref_logdet = np.linalg.slogdet(-M33)
    assert sign == ref_sign == -1
    np.testing.assert_allclose(logdet, ref_logdet)
    assert np.array_equal(cnp.where(a > 0)[0], np.where(a > 0)[0])
    for order in (2, -2, "nuc"):  # through singular values, NumPy's numbers
        np.testing.assert_allclose(cnp.linalg.norm(B34, order), np.linalg.norm(B34, order),
                                   rtol=1e-13)
        check_grads(lambda b, o=order: cnp.linalg.norm(b, o), (B34,), order=2)
    with pytest.raises(ValueError, match="Invalid norm order"):
        cnp.linalg.norm(B34, 3)


def test_slogdet_sign_is_constant_and_log_is_traced():
    g = grad(lambda a: cnp.linalg.slogdet(a)[1])(-M33)
    np.testing.assert_allclose(g, np.linalg.inv(-M33).T, rtol=1e-12)


# ---------------------------------------------------------------------------------------
# The array interface of tracers, in both modes.


def _derive(f, x, mode):
    return grad(f)(x) if mode == "rev" else jacfwd(f)(x)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_tracer_attributes_and_methods(mode):
    x = np.array([[0.3, -1.2, 0.8], [2.0, 0.1, -0.4]])
    w = np.array([1.0, -2.0, 0.5])
    seen = {}

    def f(x):
        seen.update(shape=x.shape, ndim=x.ndim, dtype=x.dtype, size=x.size, len=len(x),
                    T=x.T.shape, rows=[r.shape for r in x])
        return (x.sum() + 2 * x.mean() + x.max() + 3 * x.reshape(3, 2)[0, 1]
                + 5 * x.ravel()[5] + x.dot(w).sum() + x.T.sum(axis=0).prod()
                + x.astype(np.float32).astype(np.float64).min()
                + sum(r[0] for r in x) + x.reshape((6,)).var())

    g = _derive(f, x, mode)
    assert seen == {"shape": (2, 3), "ndim": 2, "dtype": np.float64, "size": 6, "len": 2,
                    "T": (3, 2), "rows": [(3,), (3,)]}
    rowsum = x.sum(axis=1)
    expected = np.ones_like(x) + 2 / 6
    expected[1, 0] += 1  # max
    expected[0, 1] += 3 + 1  # reshape(3, 2)[0, 1] and min
    expected[1, 2] += 5
    expected += w
    expected += rowsum[::-1][:, None]  # d/dx of (sum row 0) * (sum row 1)
    expected[:, 0] += 1
    expected += 2 * (x - x.mean()) / 6
    np.testing.assert_allclose(g, expected, rtol=1e-6)  # float32 round trip on min's value


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_comparisons_return_plain_arrays(mode):
    kinds = []

    def f(x):
        for c in (x > 0, x <= 0.5, 0.5 < x, x == x, x != 1.0, cnp.isfinite(x), cnp.sign(x)):
            kinds.append(type(c))
        return cnp.sum(cnp.where(x > 0, x, 0.0))

    g = _derive(f, np.array([-1.0, 0.5, 2.0]), mode)
    assert set(kinds) == {np.ndarray}
    np.testing.assert_array_equal(g, [0.0, 1.0, 1.0])
    assert bool(grad(lambda x: x * (1.0 if x > 0 else -1.0))(-2.0) == -1.0)


def test_array_from_traced_scalars():
    def f(x, y):
        v = cnp.array([x, 2 * y, x * y, 1.0])
        m = cnp.asarray([[x, y], [y, 3.0]])
        assert v.shape == (4,) and m.shape == (2, 2)
        return cnp.sum(v * np.array([1.0, 2.0, 3.0, 4.0])) + cnp.linalg.det(m)

    (v, g) = value_and_grad(f, argnums=(0, 1))(2.0, 5.0)
    np.testing.assert_allclose(v, 2 + 20 + 30 + 4 + (6 - 25))
    np.testing.assert_allclose(g, (1 + 3 * 5 + 3, 4 + 3 * 2 - 10))
    out, t = jvp(lambda x: cnp.array([x, x**2]), (3.0,), (1.0,))
    np.testing.assert_allclose(out, [3.0, 9.0])
    np.testing.assert_allclose(t, [1.0, 6.0])


@pytest.mark.parametrize("to", [int, np.int32, bool])
def test_astype_non_float_drops_derivative(to):
    x = np.array([1.7, 2.2, -0.6])

    def f(x):
        k = x.astype(to)
        assert isinstance(k, np.ndarray) and not np.issubdtype(k.dtype, np.floating)
        assert isinstance(cnp.astype(x, to), np.ndarray)
        return cnp.sum(k * x)

    np.testing.assert_allclose(grad(f)(x), x.astype(to).astype(float))
    np.testing.assert_allclose(jacrev(lambda x: x.astype(to) * x)(x),
                               np.diag(x.astype(to).astype(float)))
