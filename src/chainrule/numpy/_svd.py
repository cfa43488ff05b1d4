"""Differentiable singular value decomposition of real matrices, the matrix norms built
on it, and ``matrix_power``."""

from __future__ import annotations

import operator
from typing import NamedTuple

import numpy as np

from ..core import Sample, Tracer, primal_value
from ..core.batching import stacked_batch
from . import _arrays as A
from ._base import defprim, dtype, ndim, shape
from ._decomp import _batch, _f_times
from ._linalg import einsum_p, inv, matmul, mT
from ._shape import reshape

__all__ = ['svd', 'SVDResult', 'svd_norm', 'matrix_power']

# ---------------------------------------------------------------------------------------
# Singular value decomposition, reduced (Townsend 2016, "Differentiating the singular
# value decomposition"): with dP = U^T dA V, S = diag(s), F_ij = 1 / (s_j^2 - s_i^2),
#   ds = diag(dP),
#   dU = U (F o (dP S + S dP^T)) + (I - U U^T) dA V S^-1,
#   dV = V (F o (S dP + dP^T S)) + (I - V V^T) dA^T U S^-1.
# U and V are undefined (nan) where singular values repeat or one is 0.


class SVDResult(NamedTuple):
    """``(U, S, Vh)``, as NumPy's ``SVDResult``."""

    U: object
    S: object
    Vh: object


def _svd(a, **kw):
    a = np.asarray(a)
    if a.dtype == np.float16:
        out = np.linalg.svd(a.astype(np.float32), **kw)
        return tuple(o.astype(np.float16) for o in out) if isinstance(out, tuple) \
            else out.astype(np.float16)
    return np.linalg.svd(a, **kw)


def _col(s):
    return reshape(s, shape=shape(s) + (1,))


def _row(s):
    return reshape(s, shape=shape(s)[:-1] + (1,) + shape(s)[-1:])


def _zero_poison(s, used):
    """``nan`` for each matrix with a zero singular value (its U and V are not functions
    of A there) whose derivative is used; 0 elsewhere."""
    sv = primal_value(s)
    if not isinstance(sv, np.ndarray) or not np.any(sv == 0):
        return 0.0
    bad = np.any(sv == 0, axis=-1) & np.any(np.asarray(primal_value(used)) != 0,
                                            axis=(-2, -1))
    return np.where(bad, np.nan, 0.0).astype(dtype(s))[..., None, None]


def _s_jvp(t, ans, a):
    u, vh = svd_u(a), svd_vh(a)
    b = _batch(a)
    return einsum_p(u, t, vh, spec=((b + "ji", b + "jl", b + "il"), b + "i"))


def _s_vjp(g, ans, a):
    u, vh = svd_u(a), svd_vh(a)
    b = _batch(a)
    return einsum_p(u, g, vh, spec=((b + "ik", b + "k", b + "kj"), b + "ij"))


def _u_tangent(t, u, s, v, tall: bool):
    """dU of the determined singular vectors ``u`` (``min(m, n)`` columns)."""
    dp = matmul(mT(u), matmul(t, v))
    du = matmul(u, _f_times(s * s, dp * _row(s) + _col(s) * mT(dp), by_column=False))
    if tall:
        du = du + (matmul(t, v) - matmul(u, dp)) / _row(s)
    return du + _zero_poison(s, t)


def _u_cotangent(g, u, s, vh, tall: bool):
    j = matmul(mT(u), g)
    inner = _f_times(s * s, j - mT(j), by_column=True) * _row(s)
    if tall:
        return matmul(matmul(u, inner) + (g - matmul(u, j)) / _row(s), vh) \
            + _zero_poison(s, g)
    return matmul(u, matmul(inner, vh)) + _zero_poison(s, g)


def _vh_tangent(t, u, s, vh, wide: bool):
    """dVh of the determined rows ``vh`` (``min(m, n)`` of them)."""
    v = mT(vh)
    dp = matmul(mT(u), matmul(t, v))
    dv = matmul(v, _f_times(s * s, _col(s) * dp + mT(dp) * _row(s), by_column=False))
    if wide:
        dv = dv + (matmul(mT(t), u) - matmul(v, mT(dp))) / _row(s)
    return mT(dv) + _zero_poison(s, t)


def _vh_cotangent(g, u, s, vh, wide: bool):
    v, vbar = mT(vh), mT(g)
    k = matmul(mT(v), vbar)
    out = matmul(u, matmul(_col(s) * _f_times(s * s, k - mT(k), by_column=True), vh))
    if wide:
        out = out + matmul(u, mT(vbar - matmul(v, k)) / _col(s))
    return out + _zero_poison(s, g)


def _tall(a) -> bool:
    return shape(a)[-2] > shape(a)[-1]


def _wide(a) -> bool:
    return shape(a)[-1] > shape(a)[-2]


def _u_jvp(t, ans, a):
    return _u_tangent(t, ans, svd_s(a), mT(svd_vh(a)), _tall(a))


def _u_vjp(g, ans, a):
    return _u_cotangent(g, ans, svd_s(a), svd_vh(a), _tall(a))


def _vh_jvp(t, ans, a):
    return _vh_tangent(t, svd_u(a), svd_s(a), ans, _wide(a))


def _vh_vjp(g, ans, a):
    return _vh_cotangent(g, svd_u(a), svd_s(a), ans, _wide(a))


def _svd_samples(name: str):
    def make():
        rng = np.random.default_rng(len(name) * 4099)
        spread = np.diag([3.0, 1.5, 0.0])  # well separated singular values
        return [Sample((rng.uniform(-1, 1, size=(3, 3)) + spread,))] + [
            Sample((rng.uniform(-1, 1, size=sh),)) for sh in [(4, 2), (2, 4), (2, 3, 2)]]
    return make


_SVALS = dict(rule="singular value perturbation rule", statement="s_i' = u_i^T A' v_i",
              domain="A real", kinks="repeated or zero singular values",
              samples=_svd_samples("svd_s"), save_ans=False)

svd_s = defprim("svd_s", lambda a: _svd(a, full_matrices=False)[1],
                jvp=(_s_jvp,), vjp=(_s_vjp,), **_SVALS, real_only=True)

svdvals = defprim("svdvals", lambda a: _svd(a, compute_uv=False),
                  jvp=(_s_jvp,), vjp=(_s_vjp,), **_SVALS, real_only=True)

svd_u = defprim(
    "svd_u", lambda a: _svd(a, full_matrices=False)[0], jvp=(_u_jvp,), vjp=(_u_vjp,),
    rule="singular vector perturbation rule",
    statement="U' = U (F o (P S + S P^T)) + (I - U U^T) A' V S^-1, P = U^T A' V",
    domain="A real with distinct nonzero singular values", samples=_svd_samples("svd_u"),
    real_only=True)

svd_vh = defprim(
    "svd_vh", lambda a: _svd(a, full_matrices=False)[2], jvp=(_vh_jvp,), vjp=(_vh_vjp,),
    rule="singular vector perturbation rule",
    statement="V' = V (F o (S P + P^T S)) + (I - V V^T) A'^T U S^-1, P = U^T A' V",
    domain="A real with distinct nonzero singular values", samples=_svd_samples("svd_vh"),
    real_only=True)


# ---------------------------------------------------------------------------------------
# Full SVD of a rectangular matrix. The first k = min(m, n) columns of U and rows of Vh
# are the reduced factors, with the rules above (taken with the full call's own vectors).
# The others are an orthonormal basis of a complement, LAPACK's choice among infinitely
# many, not a function of A: derivatives through them are nan (as JAX and autograd, which
# refuse full_matrices=True for rectangular input, they are not defined).


def _nan_if_used(used):
    """``nan`` for each matrix in which ``used`` (a tangent or cotangent of the
    undetermined vectors) is nonzero, 0 elsewhere."""
    uv = np.asarray(primal_value(used))
    bad = np.any(uv != 0, axis=(-2, -1))
    return np.where(bad, np.nan, 0.0).astype(dtype(used))[..., None, None] if np.any(bad) \
        else 0.0


def _full_parts(a):
    k = min(shape(a)[-2:])
    return k, svd_s(a)


def _uf_jvp(t, ans, a):
    k, s = _full_parts(a)
    du = _u_tangent(t, ans[..., :, :k], s, mT(svd_vh_full(a)[..., :k, :]), _tall(a))
    if not _tall(a):
        return du
    extra = np.zeros(shape(ans)[:-1] + (shape(ans)[-1] - k,), dtype(ans)) + _nan_if_used(t)
    return A.concatenate([du, extra], axis=-1)


def _uf_vjp(g, ans, a):
    k, s = _full_parts(a)
    out = _u_cotangent(g[..., :, :k], ans[..., :, :k], s, svd_vh_full(a)[..., :k, :],
                       _tall(a))
    return out + _nan_if_used(g[..., :, k:]) if _tall(a) else out


def _vhf_jvp(t, ans, a):
    k, s = _full_parts(a)
    dvh = _vh_tangent(t, svd_u_full(a)[..., :, :k], s, ans[..., :k, :], _wide(a))
    if not _wide(a):
        return dvh
    extra = np.zeros(shape(ans)[:-2] + (shape(ans)[-2] - k, shape(ans)[-1]), dtype(ans)) \
        + _nan_if_used(t)
    return A.concatenate([dvh, extra], axis=-2)


def _vhf_vjp(g, ans, a):
    k, s = _full_parts(a)
    out = _vh_cotangent(g[..., :k, :], svd_u_full(a)[..., :, :k], s, ans[..., :k, :],
                        _wide(a))
    return out + _nan_if_used(g[..., k:, :]) if _wide(a) else out


def _full_samples(*shapes):
    def make():
        rng = np.random.default_rng(len(shapes[-1]) * 31 + shapes[1][0])
        out = []
        for sh in shapes:
            a, k = rng.uniform(-1, 1, size=sh), min(sh[-2:])
            a[..., range(k), range(k)] += np.linspace(3.0, 1.0, k)  # separated values
            out.append(Sample((a,)))
        return out
    return make


svd_u_full = defprim(
    "svd_u_full", lambda a: _svd(a, full_matrices=True)[0], jvp=(_uf_jvp,), vjp=(_uf_vjp,),
    rule="singular vector perturbation rule",
    statement="U[:, :k]' as for the reduced U; the complement's columns are not defined",
    domain="A real with distinct nonzero singular values; for m > n the last m - n "
           "columns have no derivative (nan)",
    samples=_full_samples((3, 3), (2, 4), (2, 2, 3)), real_only=True)

svd_vh_full = defprim(
    "svd_vh_full", lambda a: _svd(a, full_matrices=True)[2], jvp=(_vhf_jvp,),
    vjp=(_vhf_vjp,), rule="singular vector perturbation rule",
    statement="Vh[:k]' as for the reduced Vh; the complement's rows are not defined",
    domain="A real with distinct nonzero singular values; for n > m the last n - m rows "
           "have no derivative (nan)",
    samples=_full_samples((3, 3), (4, 2), (2, 3, 2)), real_only=True)


def svd(a, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False):
    """Singular value decomposition of a real matrix (or stack), as ``numpy.linalg.svd``;
    differentiable in ``U``, ``S`` and ``Vh``.

    With ``full_matrices=True`` (NumPy's default) and a rectangular matrix, the last
    ``|m - n|`` columns of ``U`` (or rows of ``Vh``) are LAPACK's basis of a complement,
    one of infinitely many, not a function of ``a``: derivatives through them are
    ``nan`` (those through the first ``min(m, n)`` are defined; functions of the
    complement such as ``I - U1 U1^T`` can be written with those; JAX and autograd
    refuse any derivative of a rectangular full decomposition). Derivatives
    through ``U`` or ``Vh`` are ``nan`` where singular values repeat or one is zero
    (there the singular vectors are not functions of ``a``); those of ``S`` stay finite.

    Args:
        a: real matrix (or stack), shape ``(..., m, n)``.
        full_matrices: see above.
        compute_uv: if False, return the singular values alone (descending).
        hermitian: not supported (True raises ``NotImplementedError``).

    Returns:
        ``SVDResult(U, S, Vh)`` with ``a = U[..., :k] @ (S[..., None] * Vh[..., :k, :])``
        (``k = min(m, n)``), or ``S``.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> a = cnp.array([[3.0, 0.0], [0.0, -2.0]])
    >>> cnp.linalg.svd(a, compute_uv=False)
    array([3., 2.])
    >>> cr.grad(lambda a: cnp.sum(cnp.linalg.svd(a, compute_uv=False)))(a)  # U V^T
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    a = A.asarray(a)
    if hermitian:
        raise NotImplementedError("svd: hermitian=True is not supported; use "
                                  "hermitian=False (same values), or eigh")
    a = _real_rect(a, "svd")
    if not isinstance(a, Tracer):
        out = _svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
        return SVDResult(*out) if compute_uv else out
    if not compute_uv:
        return svdvals(a)
    m, n = shape(a)[-2:]
    if full_matrices and m != n:
        return SVDResult(svd_u_full(a), svd_s(a), svd_vh_full(a))
    return SVDResult(svd_u(a), svd_s(a), svd_vh(a))


def _real_rect(a, name: str):
    dt = dtype(a)
    if dt.kind == "c":
        raise TypeError(f"{name}: complex input is not supported yet (real matrices only)")
    if dt.kind != "f":
        if isinstance(a, Tracer):
            raise TypeError(f"{name}: expected a floating-point matrix, got {dt}")
        a = np.asarray(a, np.float64)
    if ndim(a) < 2:
        raise np.linalg.LinAlgError(
            f"{name}: expected a matrix (at least 2 dimensions), got shape {shape(a)}")
    return a


def svd_norm(x, ord, axis: tuple, keepdims: bool):
    """``norm(x, ord, axis)`` for ``ord`` 2, -2 or 'nuc': the largest, smallest or sum of
    the singular values of the matrices in ``axis``, as NumPy computes them. The gradient
    of the 2-norm is ``u_1 v_1^T``; ties of the largest (smallest) singular value share
    it equally, and a zero singular value of the nuclear norm (a kink) contributes
    ``u_i v_i^T`` for LAPACK's vectors, one valid subgradient."""
    r, c = axis
    s = svdvals(_real_rect(A.moveaxis(A.asarray(x), (r, c), (-2, -1)), "norm"))
    out = A.sum(s, axis=-1) if ord == "nuc" else (A.max if ord == 2 else A.min)(s, axis=-1)
    if keepdims:
        out = A.expand_dims(out, tuple(sorted((r, c))))
    return out


def matrix_power(a, n: int):
    """``a`` to the integer power ``n``, as ``numpy.linalg.matrix_power`` (the same
    products in the same order, so the same values): a composition of ``matmul`` (and
    ``inv`` for ``n < 0``), so its derivatives are those of the products.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cr.grad(lambda a: cnp.trace(cnp.linalg.matrix_power(a, 3)))(cnp.eye(2))  # 3 (a^2)^T
    array([[3., 0.],
           [0., 3.]])
    """
    a = A.asarray(a)
    if ndim(a) < 2 or shape(a)[-1] != shape(a)[-2]:
        raise np.linalg.LinAlgError(
            f"matrix_power: the last two axes must be square, got shape {shape(a)}")
    try:
        n = operator.index(n)
    except TypeError as e:
        raise TypeError(f"matrix_power: exponent must be an integer, got {n!r}") from e
    if n == 0:
        return np.broadcast_to(np.eye(shape(a)[-1], dtype=dtype(a)), shape(a)).copy()
    if n < 0:
        a, n = inv(a), -n
    if n <= 3:
        out = a
        for _ in range(n - 1):
            out = matmul(out, a)
        return out
    z = result = None
    while n > 0:
        z = a if z is None else matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else matmul(result, z)
    return result




# vmap: NumPy's decompositions map over leading stack axes already.
for _p in (svd_s, svdvals, svd_u, svd_vh, svd_u_full, svd_vh_full):
    _p.batch = stacked_batch(_p, (2,))
