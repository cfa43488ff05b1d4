"""Differentiable decompositions of real matrices: symmetric eigendecomposition, SVD.

``eigh`` is two primitives, the eigenvalues and the eigenvectors, each with its own rules
(Giles 2008, "Extended collection of matrix derivative results"; Seeger et al. 2017,
"Auto-differentiating linear algebra")::

    A = V diag(w) V^T:   dw = diag(V^T dA V),   dV = V (F o (V^T dA V)),
    F_ij = 1 / (w_j - w_i) for i != j, F_ii = 0.

Reverse mode is the transpose: ``A_bar = V diag(w_bar) V^T + V (F o (V^T V_bar)) V^T``.
Like NumPy, ``eigh`` reads one triangle of ``A`` only (``UPLO='L'``: the lower one), so
the derivative with respect to the other triangle is zero and the read triangle counts
both of its mirrored entries.

Degenerate eigenvalues (``w_i == w_j`` exactly): an eigenvector of a repeated eigenvalue
is not a function of ``A`` (any rotation within its eigenspace is as good, and LAPACK's
choice jumps under small perturbations), so a derivative that goes through it is
undefined. Such derivatives come out as ``nan``, never as a finite wrong number: in
forward mode the tangents of those columns of ``V``; in reverse mode the whole gradient,
as soon as the cotangent of such a column is not zero. That includes functions that are
invariant under the rotation (``V diag(w) V^T``): the rule cannot tell them apart, so
compute those from the eigenvalues where possible. Derivatives that do not use those
columns stay finite and correct: the eigenvalues (for a function of them that is
symmetric within the repeated group, such as their sum) and the eigenvectors of simple
eigenvalues. Exact equality decides; nearly equal eigenvalues give large, correct but
ill-conditioned derivatives. Rules work on stacks of matrices.
"""

from __future__ import annotations

import operator
from typing import NamedTuple

import numpy as np

from ..core import Sample, Tracer, primal_value
from . import _arrays as A
from ._base import defprim, dtype, ndim, shape
from ._elementwise import where
from ._linalg import einsum_p, inv, matmul, mT, solve
from ._shape import reshape

__all__ = ["eigh", "eigvalsh", "EighResult", "svd", "SVDResult", "svd_norm", "matrix_power",
           "pinv", "qr", "QRResult"]


class EighResult(NamedTuple):
    """``(eigenvalues, eigenvectors)``, as NumPy's ``EighResult``."""

    eigenvalues: object
    eigenvectors: object


def _lapack(fn, a, UPLO):
    """``fn(a, UPLO)``; NumPy's linalg refuses float16, so that is computed in float32."""
    a = np.asarray(a)
    if a.dtype == np.float16:
        out = fn(a.astype(np.float32), UPLO)
        return tuple(o.astype(np.float16) for o in out) if isinstance(out, tuple) \
            else out.astype(np.float16)
    return fn(a, UPLO)


def _batch(x) -> str:
    """Einsum letters for the stacking axes of a stack of matrices."""
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:ndim(x) - 2]


def _masks(a, UPLO: str) -> tuple:
    n = shape(a)[-1]
    tri = np.tril if UPLO == "L" else np.triu
    read = tri(np.ones((n, n), dtype(a)))
    return read, read - np.eye(n, dtype=dtype(a))


def _sym_tangent(t, a, UPLO):
    """The symmetric perturbation that ``eigh`` sees: the read triangle, mirrored."""
    read, strict = _masks(a, UPLO)
    return t * read + mT(t * strict)


def _sym_cotangent(s, a, UPLO):
    """Transpose of :func:`_sym_tangent`."""
    read, strict = _masks(a, UPLO)
    return s * read + mT(s) * strict


def _f_times(w, m, *, by_column: bool):
    """``F o m`` with ``F_ij = 1 / (w_j - w_i)`` off the diagonal, 0 on it.

    Where ``w_i == w_j`` (a repeated eigenvalue) the entry is ``nan`` if ``m_ij != 0``
    (``by_column``: if any entry of column ``j`` of ``m`` is nonzero, that is if the
    cotangent of eigenvector ``j`` is), and 0 otherwise: the derivative is undefined
    exactly where it would need the eigenvector of a repeated eigenvalue."""
    n = shape(w)[-1]
    d = reshape(w, shape=shape(w)[:-1] + (1, n)) - reshape(w, shape=shape(w) + (1,))
    dv, mv = primal_value(d), primal_value(m)
    skip = np.eye(n, dtype=bool)
    degenerate = None
    if isinstance(dv, np.ndarray) and isinstance(mv, np.ndarray):
        degenerate = (dv == 0) & ~skip
        skip = skip | degenerate
    keep = np.asarray(~skip, dtype(w))
    out = keep / where(skip, 1.0, d) * m
    if degenerate is not None and np.any(degenerate):
        used = np.any(mv != 0, axis=-2, keepdims=True) if by_column else mv != 0
        undefined = degenerate & used
        if np.any(undefined):
            out = out + np.where(undefined, np.nan, 0.0).astype(dtype(w))
    return out


def _values_jvp(t, ans, a, *, UPLO):
    v = eigh_vectors(a, UPLO=UPLO)
    b = _batch(a)
    return einsum_p(v, _sym_tangent(t, a, UPLO), v,
                    spec=((b + "ji", b + "jk", b + "ki"), b + "i"))


def _values_vjp(g, ans, a, *, UPLO):
    v = eigh_vectors(a, UPLO=UPLO)
    b = _batch(a)
    s = einsum_p(v, g, v, spec=((b + "ik", b + "k", b + "jk"), b + "ij"))
    return _sym_cotangent(s, a, UPLO)


def _vectors_jvp(t, ans, a, *, UPLO):
    w = eigh_values(a, UPLO=UPLO)
    m = matmul(mT(ans), matmul(_sym_tangent(t, a, UPLO), ans))
    return matmul(ans, _f_times(w, m, by_column=False))


def _vectors_vjp(g, ans, a, *, UPLO):
    w = eigh_values(a, UPLO=UPLO)
    s = matmul(ans, matmul(_f_times(w, matmul(mT(ans), g), by_column=True), mT(ans)))
    return _sym_cotangent(s, a, UPLO)


def _sym_samples(name: str):
    def make():
        rng = np.random.default_rng(len(name) * 7331)
        m = rng.uniform(-1, 1, size=(3, 3)) + np.diag([0.0, 1.5, 3.0])
        b = rng.uniform(-1, 1, size=(2, 3, 3)) + np.diag([-2.0, 0.0, 2.0])
        return [Sample((m + m.T,), {"UPLO": "L"}), Sample((m,), {"UPLO": "L"}),
                Sample((m,), {"UPLO": "U"}), Sample((b,), {"UPLO": "L"})]
    return make


_VALUES = dict(rule="eigenvalue perturbation rule", statement="w_i' = v_i^T A' v_i",
               domain="A real; one triangle is read as a symmetric matrix",
               kinks="repeated eigenvalues (the sorted eigenvalues have kinks there)")

eigh_values = defprim(
    "eigh_values", lambda a, *, UPLO: _lapack(np.linalg.eigh, a, UPLO)[0],
    jvp=(_values_jvp,), vjp=(_values_vjp,), samples=_sym_samples("eigh_values"),
    save_ans=False, **_VALUES)

eigvalsh_p = defprim(
    "eigvalsh", lambda a, *, UPLO: _lapack(np.linalg.eigvalsh, a, UPLO),
    jvp=(_values_jvp,), vjp=(_values_vjp,), samples=_sym_samples("eigvalsh"),
    save_ans=False, **_VALUES)

eigh_vectors = defprim(
    "eigh_vectors", lambda a, *, UPLO: _lapack(np.linalg.eigh, a, UPLO)[1],
    jvp=(_vectors_jvp,), vjp=(_vectors_vjp,),
    rule="eigenvector perturbation rule",
    statement="V' = V (F o (V^T A' V)), F_ij = 1/(w_j - w_i)",
    domain="A real with distinct eigenvalues; one triangle is read as a symmetric matrix",
    kinks="undefined (nan) where the eigenvector's eigenvalue is repeated",
    samples=_sym_samples("eigh_vectors"))


def _real_matrix(a, name: str):
    a = A.asarray(a)
    dt = dtype(a)
    if dt.kind == "c":
        raise TypeError(f"{name}: complex input is not supported yet (real matrices only); "
                        "for a complex Hermitian matrix use numpy.linalg directly")
    if dt.kind != "f":
        if isinstance(a, Tracer):
            raise TypeError(f"{name}: expected a floating-point matrix, got {dt}")
        a = np.asarray(a, np.float64)
    if ndim(a) < 2 or shape(a)[-1] != shape(a)[-2]:
        raise np.linalg.LinAlgError(
            f"{name}: the last two axes must be square, got shape {shape(a)}")
    return a


def _uplo(UPLO: str, name: str) -> str:
    if UPLO not in ("L", "U"):
        raise ValueError(f"{name}: UPLO must be 'L' or 'U', got {UPLO!r}")
    return UPLO


def eigh(a, UPLO: str = "L") -> EighResult:
    """Eigenvalues (ascending) and eigenvectors of a real symmetric matrix, as
    ``numpy.linalg.eigh``; differentiable in both, on stacks of matrices too.

    Only the ``UPLO`` triangle of ``a`` is read. Derivatives that depend on an
    eigenvector whose eigenvalue is repeated are undefined and come out as ``nan``
    (see the module notes); functions of the eigenvalues alone stay finite.

    Args:
        a: real matrix (or stack), shape ``(..., n, n)``.
        UPLO: ``'L'`` (default) or ``'U'``, the triangle that is read.

    Returns:
        ``EighResult(eigenvalues, eigenvectors)``, eigenvectors in the columns.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> a = cnp.array([[2.0, 1.0], [1.0, 2.0]])
    >>> cnp.linalg.eigh(a).eigenvalues
    array([1., 3.])
    >>> cr.grad(lambda a: cnp.linalg.eigh(a)[0][1])(a)  # v v^T, lower triangle read
    array([[0.5, 0. ],
           [1. , 0.5]])
    """
    a = _real_matrix(a, "eigh")
    UPLO = _uplo(UPLO, "eigh")
    return EighResult(eigh_values(a, UPLO=UPLO), eigh_vectors(a, UPLO=UPLO))


def eigvalsh(a, UPLO: str = "L"):
    """Eigenvalues (ascending) of a real symmetric matrix, as ``numpy.linalg.eigvalsh``.

    The gradient of ``sum(g * eigvalsh(a))`` is ``V diag(g) V^T`` (on the read triangle),
    finite also where eigenvalues repeat.

    >>> import chainrule.numpy as cnp
    >>> cnp.linalg.eigvalsh(cnp.array([[2.0, 1.0], [1.0, 2.0]]))
    array([1., 3.])
    """
    a = _real_matrix(a, "eigvalsh")
    return eigvalsh_p(a, UPLO=_uplo(UPLO, "eigvalsh"))


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


def _u_jvp(t, ans, a):
    s, v = svd_s(a), mT(svd_vh(a))
    dp = matmul(mT(ans), matmul(t, v))
    du = matmul(ans, _f_times(s * s, dp * _row(s) + _col(s) * mT(dp), by_column=False))
    if shape(a)[-2] > shape(a)[-1]:
        du = du + (matmul(t, v) - matmul(ans, dp)) / _row(s)
    return du + _zero_poison(s, t)


def _u_vjp(g, ans, a):
    s, vh = svd_s(a), svd_vh(a)
    j = matmul(mT(ans), g)
    inner = _f_times(s * s, j - mT(j), by_column=True) * _row(s)
    if shape(a)[-2] > shape(a)[-1]:
        return matmul(matmul(ans, inner) + (g - matmul(ans, j)) / _row(s), vh) \
            + _zero_poison(s, g)
    return matmul(ans, matmul(inner, vh)) + _zero_poison(s, g)


def _vh_jvp(t, ans, a):
    u, s, v = svd_u(a), svd_s(a), mT(ans)
    dp = matmul(mT(u), matmul(t, v))
    dv = matmul(v, _f_times(s * s, _col(s) * dp + mT(dp) * _row(s), by_column=False))
    if shape(a)[-1] > shape(a)[-2]:
        dv = dv + (matmul(mT(t), u) - matmul(v, mT(dp))) / _row(s)
    return mT(dv) + _zero_poison(s, t)


def _vh_vjp(g, ans, a):
    u, s, v = svd_u(a), svd_s(a), mT(ans)
    vbar = mT(g)
    k = matmul(mT(v), vbar)
    out = matmul(u, matmul(_col(s) * _f_times(s * s, k - mT(k), by_column=True), ans))
    if shape(a)[-1] > shape(a)[-2]:
        out = out + matmul(u, mT(vbar - matmul(v, k)) / _col(s))
    return out + _zero_poison(s, g)


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
                jvp=(_s_jvp,), vjp=(_s_vjp,), **_SVALS)

svdvals = defprim("svdvals", lambda a: _svd(a, compute_uv=False),
                  jvp=(_s_jvp,), vjp=(_s_vjp,), **_SVALS)

svd_u = defprim(
    "svd_u", lambda a: _svd(a, full_matrices=False)[0], jvp=(_u_jvp,), vjp=(_u_vjp,),
    rule="singular vector perturbation rule",
    statement="U' = U (F o (P S + S P^T)) + (I - U U^T) A' V S^-1, P = U^T A' V",
    domain="A real with distinct nonzero singular values", samples=_svd_samples("svd_u"))

svd_vh = defprim(
    "svd_vh", lambda a: _svd(a, full_matrices=False)[2], jvp=(_vh_jvp,), vjp=(_vh_vjp,),
    rule="singular vector perturbation rule",
    statement="V' = V (F o (S P + P^T S)) + (I - V V^T) A'^T U S^-1, P = U^T A' V",
    domain="A real with distinct nonzero singular values", samples=_svd_samples("svd_vh"))


def svd(a, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False):
    """Singular value decomposition of a real matrix (or stack), as ``numpy.linalg.svd``;
    differentiable in ``U``, ``S`` and ``Vh``.

    ``full_matrices=True`` (NumPy's default) is supported for square matrices, where it
    equals the reduced decomposition; for a rectangular one pass ``full_matrices=False``
    (the extra columns of a full ``U`` or ``V`` are not functions of ``a``). Derivatives
    through ``U`` or ``Vh`` are ``nan`` where singular values repeat or one is zero
    (there the singular vectors are not functions of ``a``); those of ``S`` stay finite.

    Args:
        a: real matrix (or stack), shape ``(..., m, n)``.
        full_matrices: see above.
        compute_uv: if False, return the singular values alone (descending).
        hermitian: not supported (True raises ``NotImplementedError``).

    Returns:
        ``SVDResult(U, S, Vh)`` with ``a = U @ (S[..., None] * Vh)``, or ``S``.

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
    if not compute_uv:
        return svdvals(a)
    m, n = shape(a)[-2:]
    if full_matrices and m != n:
        raise NotImplementedError(
            f"svd: full_matrices=True of a {m}x{n} matrix is not differentiable (its extra "
            "singular vectors are any basis of a complement); pass full_matrices=False")
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


# ---------------------------------------------------------------------------------------
# Pseudo-inverse (Golub & Pereyra 1973), valid where the rank is locally constant:
#   dP = -P dA P + P P^T dA^T (I - A P) + (I - P A) dA^T P^T P.


def _rank_poison(a, rcond, used):
    """``nan`` for each matrix that NumPy's cutoff makes rank-deficient (the
    pseudo-inverse jumps there) and whose derivative is used; 0 elsewhere."""
    av, uv = primal_value(a), primal_value(used)
    if not isinstance(av, np.ndarray) or not isinstance(uv, np.ndarray):
        return 0.0
    s = _svd(av, compute_uv=False)
    bad = np.any(s <= rcond * np.max(s, axis=-1, keepdims=True), axis=-1)
    bad &= np.any(uv != 0, axis=(-2, -1))
    return np.where(bad, np.nan, 0.0).astype(dtype(a))[..., None, None] if np.any(bad) \
        else 0.0


def _pinv_jvp(t, p, a, *, rcond):
    tt = mT(t)
    ppt = matmul(p, mT(p))
    ptp = matmul(mT(p), p)
    out = -matmul(p, matmul(t, p)) + matmul(ppt, tt) - matmul(matmul(ppt, matmul(tt, a)), p) \
        + matmul(tt, ptp) - matmul(p, matmul(a, matmul(tt, ptp)))
    return out + _rank_poison(a, rcond, t)


def _pinv_vjp(g, p, a, *, rcond):
    gt = mT(g)
    ppt = matmul(p, mT(p))
    ptp = matmul(mT(p), p)
    out = -matmul(mT(p), matmul(g, mT(p))) + matmul(gt, ppt) \
        - matmul(a, matmul(p, matmul(gt, ppt))) + matmul(ptp, gt) \
        - matmul(matmul(ptp, matmul(gt, p)), a)
    return out + _rank_poison(a, rcond, g)


def _pinv_impl(a, *, rcond):
    a = np.asarray(a)
    if a.dtype == np.float16:
        return np.linalg.pinv(a.astype(np.float32), rcond=rcond).astype(np.float16)
    return np.linalg.pinv(a, rcond=rcond)


pinv_p = defprim(
    "pinv", _pinv_impl, jvp=(_pinv_jvp,), vjp=(_pinv_vjp,),
    rule="pseudo-inverse rule",
    statement="P' = -P A' P + P P^T A'^T (I - A P) + (I - P A) A'^T P^T P",
    domain="A real of full rank (nan where NumPy's cutoff finds it rank-deficient)",
    samples=lambda: [Sample((a,), {"rcond": 1e-15}) for a in _svd_samples("pinv")()
                     for a in a.args])


_UNSET = object()


def pinv(a, rcond=None, hermitian: bool = False, *, rtol=_UNSET):
    """Moore-Penrose pseudo-inverse of a real matrix (or stack), as
    ``numpy.linalg.pinv``, differentiable where the matrix has full rank.

    Singular values at or below ``rcond * max(s)`` count as zero (NumPy's default
    ``rcond=1e-15``; ``rtol`` is NumPy's newer name, ``rtol=None`` meaning
    ``max(m, n) * eps``). Where that makes the matrix
    rank-deficient the pseudo-inverse is not continuous, and its derivative is ``nan``.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> a = cnp.array([[2.0], [0.0]])
    >>> cnp.linalg.pinv(a)
    array([[0.5, 0. ]])
    >>> cr.grad(lambda a: cnp.linalg.pinv(a)[0, 0])(a)  # d(1/a00) and the a10 direction
    array([[-0.25],
           [ 0.  ]])
    """
    if hermitian:
        raise NotImplementedError("pinv: hermitian=True is not supported; use "
                                  "hermitian=False (the same values)")
    if rcond is not None and rtol is not _UNSET:
        raise ValueError("pinv: give rcond or rtol, not both")
    a = _real_rect(A.asarray(a), "pinv")
    if rcond is not None:
        cut = rcond
    elif rtol is _UNSET:
        cut = 1e-15
    elif rtol is None:
        cut = max(shape(a)[-2:]) * np.finfo(dtype(a)).eps
    else:
        cut = rtol
    return pinv_p(a, rcond=float(cut))


# ---------------------------------------------------------------------------------------
# Reduced QR of a tall matrix (m >= n, full column rank). Forward (Walter & Lehmann 2012):
# X = Q^T dA R^-1, W = tril(X, -1) - tril(X, -1)^T, dR = (X - W) R, dQ = dA R^-1 - Q (X - W).
# Reverse (Seeger et al. 2017; Liao et al. 2019): M = R R_bar^T - Q_bar^T Q,
# A_bar = (Q_bar + Q copyltu(M)) R^-T, copyltu(M) = tril(M) + tril(M, -1)^T.


def _right_solve(b, r):
    """``b @ inv(r)`` (NumPy's solve refuses float16: that goes through ``pinv``)."""
    if dtype(r) == np.float16:
        return matmul(b, pinv_p(r, rcond=1e-15))
    return mT(solve(mT(r), mT(b)))


def _qr_x_w(t, q, r):
    x = matmul(mT(q), _right_solve(t, r))
    low = np.tril(np.ones(shape(r)[-2:], dtype(r)), -1)
    return x, x * low - mT(x * low)


def _copyltu(m):
    n = shape(m)[-1]
    low = np.tril(np.ones((n, n), dtype(m)), -1)
    return m * (low + np.eye(n, dtype=dtype(m))) + mT(m * low)


def _qr_q_jvp(t, q, a):
    r = qr_r(a)
    x, w = _qr_x_w(t, q, r)
    return _right_solve(t, r) - matmul(q, x - w)


def _qr_r_jvp(t, r, a):
    q = qr_q(a)
    x, w = _qr_x_w(t, q, r)
    return matmul(x - w, r)


def _qr_q_vjp(g, q, a):
    r = qr_r(a)
    return _right_solve(g + matmul(q, _copyltu(-matmul(mT(g), q))), mT(r))


def _qr_r_vjp(g, r, a):
    q = qr_q(a)
    return _right_solve(matmul(q, _copyltu(matmul(r, mT(g)))), mT(r))


def _qr(a, i: int):
    a = np.asarray(a)
    if a.dtype == np.float16:
        return np.linalg.qr(a.astype(np.float32))[i].astype(np.float16)
    return np.linalg.qr(a)[i]


def _qr_samples():
    rng = np.random.default_rng(8191)
    return [Sample((rng.uniform(-1, 1, size=s) + np.eye(*s[-2:]),))
            for s in [(3, 3), (4, 2), (2, 3, 2)]]


qr_q = defprim(
    "qr_q", lambda a: _qr(a, 0), jvp=(_qr_q_jvp,), vjp=(_qr_q_vjp,),
    rule="QR rule", statement="Q' = A' R^-1 - Q (X - W), X = Q^T A' R^-1",
    domain="A real, m >= n, full column rank", samples=_qr_samples)

qr_r = defprim(
    "qr_r", lambda a: _qr(a, 1), jvp=(_qr_r_jvp,), vjp=(_qr_r_vjp,),
    rule="QR rule", statement="R' = (X - W) R, W = tril(X,-1) - tril(X,-1)^T",
    domain="A real, m >= n, full column rank", samples=_qr_samples)


class QRResult(NamedTuple):
    """``(Q, R)``, as NumPy's ``QRResult``."""

    Q: object
    R: object


def qr(a, mode: str = "reduced"):
    """Reduced QR decomposition of a real tall matrix (or stack), as
    ``numpy.linalg.qr``; differentiable in ``Q`` and ``R`` where ``a`` has full column
    rank (the rules solve with ``R``). Only ``mode='reduced'`` (or ``'r'``) and
    ``m >= n`` are supported.

    >>> import chainrule.numpy as cnp
    >>> q, r = cnp.linalg.qr(cnp.array([[3.0], [4.0]]))
    >>> r
    array([[-5.]])
    """
    a = _real_rect(A.asarray(a), "qr")
    m, n = shape(a)[-2:]
    if mode not in ("reduced", "r") or m < n:
        raise NotImplementedError(
            f"qr: only mode='reduced' or 'r' of a tall matrix (m >= n) is differentiable; "
            f"got mode={mode!r} for a {m}x{n} matrix")
    return qr_r(a) if mode == "r" else QRResult(qr_q(a), qr_r(a))
