"""Differentiable pseudo-inverse and reduced QR decomposition of real matrices."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..core import Sample, primal_value
from ..core.batching import stacked_batch
from . import _arrays as A
from ._base import defprim, dtype, shape
from ._linalg import matmul, mT, solve
from ._svd import _real_rect, _svd, _svd_samples

__all__ = ['pinv', 'qr', 'QRResult']

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
                     for a in a.args], real_only=True)


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


def thin_jvp(t, q, r):
    """``(dQ, dR)`` of the QR of a tall or square matrix (Walter & Lehmann)."""
    x, w = _qr_x_w(t, q, r)
    return _right_solve(t, r) - matmul(q, x - w), matmul(x - w, r)


def thin_vjp(gq, gr, q, r):
    """``A_bar`` from the cotangents of ``Q`` and ``R`` (either may be None) of the QR of a
    tall or square matrix (Seeger et al.; Liao et al.)."""
    m = 0.0 if gr is None else matmul(r, mT(gr))
    if gq is not None:
        m = m - matmul(mT(gq), q)
    return _right_solve((0.0 if gq is None else gq) + matmul(q, _copyltu(m)), mT(r))


# A wide matrix (m < n): A = [A1 A2] with A1 square gives Q R1 = A1 and R2 = Q^T A2, so
# dR2 = dQ^T A2 + Q^T dA2, and in reverse Q_bar gains A2 R2_bar^T and A2_bar = Q R2_bar.


def _cols(x, m: int):
    return x[..., :, :m], x[..., :, m:]


def _qr_q_jvp(t, q, a):
    m, n = shape(a)[-2:]
    r = qr_r(a)
    return thin_jvp(_cols(t, m)[0], q, _cols(r, m)[0])[0] if m < n else thin_jvp(t, q, r)[0]


def _qr_r_jvp(t, r, a):
    m, n = shape(a)[-2:]
    if m >= n:
        return thin_jvp(t, qr_q(a), r)[1]
    q, (t1, t2) = qr_q(a), _cols(t, m)
    dq, dr1 = thin_jvp(t1, q, _cols(r, m)[0])
    return A.concatenate([dr1, matmul(mT(dq), _cols(a, m)[1]) + matmul(mT(q), t2)], axis=-1)


def _qr_q_vjp(g, q, a):
    m, n = shape(a)[-2:]
    if m >= n:
        return thin_vjp(g, None, q, qr_r(a))
    a1 = thin_vjp(g, None, q, _cols(qr_r(a), m)[0])
    return A.concatenate([a1, np.zeros(shape(a)[:-1] + (n - m,), dtype(a1))], axis=-1)


def _qr_r_vjp(g, r, a):
    m, n = shape(a)[-2:]
    if m >= n:
        return thin_vjp(None, g, qr_q(a), r)
    q, (g1, g2) = qr_q(a), _cols(g, m)
    a1 = thin_vjp(matmul(_cols(a, m)[1], mT(g2)), g1, q, _cols(r, m)[0])
    return A.concatenate([a1, matmul(q, g2)], axis=-1)


def _qr(a, i: int, mode: str = "reduced"):
    a = np.asarray(a)
    if a.dtype == np.float16:
        return np.linalg.qr(a.astype(np.float32), mode)[i].astype(np.float16)
    return np.linalg.qr(a, mode)[i]


def _qr_samples(*shapes):
    def make():
        rng = np.random.default_rng(8191 + len(shapes))
        return [Sample((rng.uniform(-1, 1, size=s) + np.eye(*s[-2:]),)) for s in shapes]
    return make


qr_q = defprim(
    "qr_q", lambda a: _qr(a, 0), jvp=(_qr_q_jvp,), vjp=(_qr_q_vjp,),
    rule="QR rule", statement="Q' = A' R^-1 - Q (X - W), X = Q^T A' R^-1",
    domain="A real of full rank (the leading square block, for a wide A)",
    samples=_qr_samples((3, 3), (4, 2), (2, 3, 2), (2, 4), (2, 2, 3)),
    real_only=True)

qr_r = defprim(
    "qr_r", lambda a: _qr(a, 1), jvp=(_qr_r_jvp,), vjp=(_qr_r_vjp,),
    rule="QR rule", statement="R' = (X - W) R, W = tril(X,-1) - tril(X,-1)^T",
    domain="A real of full rank (the leading square block, for a wide A)",
    samples=_qr_samples((3, 3), (4, 2), (2, 3, 2), (2, 4), (2, 2, 3)),
    real_only=True)


# Complete QR of a tall matrix (m > n): Q = [Q1 Q2] with Q1 the reduced factor, and Q2
# the columns LAPACK's Householder reflections give. Roberts & Roberts (2024, eq. 32-33),
# as JAX: with Z = Q[n:, :n] (Q[:n, :n] - I)^-1,
#   dQ2 = dQ1 Z^T - (Q1 + Q2 Z) (dQ1[n:] - Z dQ1[:n])^T;  R is [R1; 0].


def _complete_parts(q, a):
    n = shape(a)[-1]
    qnn = q[..., :n, :n] - np.eye(n, dtype=dtype(a))
    z = _right_solve(q[..., n:, :n], qnn)
    return n, q[..., :, :n], q[..., :, n:], z, qr_r_complete(a)[..., :n, :]


def _qc_jvp(t, q, a):
    n, q1, q2, z, r = _complete_parts(q, a)
    dq1 = thin_jvp(t, q1, r)[0]
    e = dq1[..., n:, :] - matmul(z, dq1[..., :n, :])
    dq2 = matmul(dq1, mT(z)) - matmul(q1 + matmul(q2, z), mT(e))
    return A.concatenate([dq1, dq2], axis=-1)


def _qc_vjp(g, q, a):
    n, q1, q2, z, r = _complete_parts(q, a)
    g1, g2 = _cols(g, n)
    e = -matmul(mT(g2), q1 + matmul(q2, z))
    back = A.concatenate([-matmul(mT(z), e), e], axis=-2)
    return thin_vjp(g1 + matmul(g2, z) + back, None, q1, r)


def _rc_jvp(t, r, a):
    n = shape(a)[-1]
    dr = thin_jvp(t, qr_q_complete(a)[..., :, :n], r[..., :n, :])[1]
    zeros = np.zeros(shape(r)[:-2] + (shape(r)[-2] - n, n), dtype(r))
    return A.concatenate([dr, zeros], axis=-2)


def _rc_vjp(g, r, a):
    n = shape(a)[-1]
    return thin_vjp(None, g[..., :n, :], qr_q_complete(a)[..., :, :n], r[..., :n, :])


qr_q_complete = defprim(
    "qr_q_complete", lambda a: _qr(a, 0, "complete"), jvp=(_qc_jvp,), vjp=(_qc_vjp,),
    rule="QR rule (complete)",
    statement="Q2' = Q1' Z^T - (Q1 + Q2 Z) (Q1'[n:] - Z Q1'[:n])^T, "
              "Z = Q[n:, :n] (Q[:n, :n] - I)^-1",
    domain="A real, m > n, of full column rank", samples=_qr_samples((4, 2), (2, 3, 2)),
    real_only=True)

qr_r_complete = defprim(
    "qr_r_complete", lambda a: _qr(a, 1, "complete"), jvp=(_rc_jvp,), vjp=(_rc_vjp,),
    rule="QR rule (complete)", statement="R' = [(X - W) R1; 0]",
    domain="A real, m > n, of full column rank", samples=_qr_samples((4, 2), (2, 3, 2)),
    real_only=True)


class QRResult(NamedTuple):
    """``(Q, R)``, as NumPy's ``QRResult``."""

    Q: object
    R: object


def qr(a, mode: str = "reduced"):
    """QR decomposition of a real matrix (or stack), as ``numpy.linalg.qr``;
    differentiable in ``Q`` and ``R`` where ``a`` has full rank (for a wide ``a``, where
    its leading square block has: the rules solve with it).

    Modes as NumPy: ``'reduced'`` (``Q`` is ``m x k``, ``R`` is ``k x n``, ``k = min(m,
    n)``), ``'complete'`` (``Q`` is ``m x m``, ``R`` is ``m x n``) and ``'r'``; ``'raw'``
    (LAPACK's Householder form) has values only, no derivative. The last ``m - n``
    columns of a complete ``Q`` of a tall matrix are the ones LAPACK's Householder
    reflections give, a smooth function of ``a``; their derivative is that of JAX
    (Roberts & Roberts 2024, arXiv:2409.13374).

    >>> import chainrule.numpy as cnp
    >>> q, r = cnp.linalg.qr(cnp.array([[3.0], [4.0]]))
    >>> r
    array([[-5.]])
    >>> cnp.linalg.qr(cnp.array([[3.0, 1.0]])).R
    array([[3., 1.]])
    """
    if not A._holds_tracer([a]):
        out = np.linalg.qr(a, mode)
        return QRResult(*out) if isinstance(out, tuple) and mode != "raw" else out
    a = _real_rect(A.asarray(a), "qr")
    m, n = shape(a)[-2:]
    if mode not in ("reduced", "complete", "r"):
        np.linalg.qr(np.zeros((1, 1)), mode)  # NumPy's error for an unknown mode
        raise NotImplementedError(
            f"qr: mode={mode!r} has no derivative; use 'reduced', 'complete' or 'r'")
    if mode == "complete" and m > n:
        return QRResult(qr_q_complete(a), qr_r_complete(a))
    return qr_r(a) if mode == "r" else QRResult(qr_q(a), qr_r(a))


# vmap: NumPy's decompositions map over leading stack axes already.
for _p in (pinv_p, qr_q, qr_r, qr_q_complete, qr_r_complete):
    _p.batch = stacked_batch(_p, (2,))
