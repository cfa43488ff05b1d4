"""Differentiable pseudo-inverse and reduced QR decomposition of real matrices."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..core import Sample, primal_value
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
    domain="A real, m >= n, full column rank", samples=_qr_samples, real_only=True)

qr_r = defprim(
    "qr_r", lambda a: _qr(a, 1), jvp=(_qr_r_jvp,), vjp=(_qr_r_vjp,),
    rule="QR rule", statement="R' = (X - W) R, W = tril(X,-1) - tril(X,-1)^T",
    domain="A real, m >= n, full column rank", samples=_qr_samples, real_only=True)


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

