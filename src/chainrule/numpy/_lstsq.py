"""Differentiable least squares, ``linalg.lstsq``, for real matrices.

``x = A⁺ b`` is NumPy's (LAPACK ``gelsd``) solution: the least-squares one for a tall
matrix, the minimum-norm one for a wide matrix. Its rules follow from the derivative of
the pseudo-inverse (Golub & Pereyra 1973), with ``r = b - A x`` and ``P = A⁺``::

    dx = -P dA x + P Pᵀ dAᵀ r + (I - P A) dAᵀ Pᵀ x + P db,

valid where ``A`` has full rank (the rank NumPy's cutoff finds). There ``A⁺`` jumps, so a
derivative through ``a`` is ``nan`` for a rank-deficient matrix; in ``b`` it stays
finite (``x`` is linear in ``b``). The residuals ``|b - A x|²`` have
``d res = 2 rᵀ (db - dA x)`` (as ``Aᵀ r = 0``), and the singular values use the rules of
``svd``.
"""

from __future__ import annotations

import numpy as np

from ..core import Sample, Tracer, primal_value
from . import _arrays as A
from ._base import defprim, dtype, ndim, shape
from ._linalg import matmul, mT
from ._qr import _rank_poison, pinv_p
from ._svd import _real_rect, _s_jvp, _s_vjp

__all__ = ["lstsq"]


def _cut(rcond: float) -> float:
    """The relative cutoff of the rules: LAPACK reads a negative rcond as machine
    precision (of the float64 it computes in)."""
    return rcond if rcond >= 0 else np.finfo(np.float64).eps / 2


def _pinv(a, rcond):
    return pinv_p(a, rcond=_cut(rcond))


def _x_jvp_a(t, x, a, b, *, rcond):
    p = _pinv(a, rcond)
    r = b - matmul(a, x)
    ptx = matmul(mT(p), x)
    dx = -matmul(p, matmul(t, x)) + matmul(p, matmul(mT(p), matmul(mT(t), r))) \
        + matmul(mT(t), ptx) - matmul(p, matmul(a, matmul(mT(t), ptx)))
    return dx + _rank_poison(a, _cut(rcond), t)


def _x_vjp_a(g, x, a, b, *, rcond):
    p = _pinv(a, rcond)
    r = b - matmul(a, x)
    ptg = matmul(mT(p), g)
    out = -matmul(ptg, mT(x)) + matmul(r, mT(matmul(p, ptg))) \
        + matmul(matmul(mT(p), x), mT(g - matmul(mT(a), ptg)))
    return out + _rank_poison(a, _cut(rcond), g)


def _x_jvp_b(t, x, a, b, *, rcond):
    return matmul(_pinv(a, rcond), t)


def _x_vjp_b(g, x, a, b, *, rcond):
    return matmul(mT(_pinv(a, rcond)), g)


def _samples(tall_only: bool = False, params: bool = True):
    def make():
        rng = np.random.default_rng(4242 + tall_only + 2 * params)
        shapes = [(4, 2), (5, 3)] if tall_only else [(4, 2), (3, 3), (2, 4)]
        kw = {"rcond": 1e-15} if params else {}
        return [Sample((rng.uniform(-1, 1, (m, n)) + np.eye(m, n), rng.uniform(-1, 1, (m, 2))),
                       kw) for m, n in shapes]
    return make


def _lstsq(a, b, rcond, i: int):
    """Output ``i`` of NumPy's lstsq (float16, which NumPy refuses, computed in float32:
    only rules and tests meet it, as ``lstsq`` itself refuses it as NumPy does)."""
    a, b = np.asarray(a), np.asarray(b)
    if np.float16 in (a.dtype, b.dtype):
        return np.linalg.lstsq(a.astype(np.float32), b.astype(np.float32), rcond)[i] \
            .astype(np.float16)
    return np.linalg.lstsq(a, b, rcond)[i]


lstsq_x = defprim(
    "lstsq_x", lambda a, b, *, rcond: _lstsq(a, b, rcond, 0),
    jvp=(_x_jvp_a, _x_jvp_b), vjp=(_x_vjp_a, _x_vjp_b),
    rule="least-squares rule",
    statement="x' = -P A' x + P P^T A'^T r + (I - P A) A'^T P^T x + P b', P = pinv(A)",
    domain="A real of full rank (nan where NumPy's cutoff finds it rank-deficient)",
    samples=_samples(), real_only=True)


def _residual(a, b, rcond):
    return b - matmul(a, lstsq_x(a, b, rcond=rcond))


def _res_jvp_a(t, ans, a, b, *, rcond):
    x = lstsq_x(a, b, rcond=rcond)
    return -2 * A.sum((b - matmul(a, x)) * matmul(t, x), axis=0)


def _res_vjp_a(g, ans, a, b, *, rcond):
    x = lstsq_x(a, b, rcond=rcond)
    return -2 * matmul(_residual(a, b, rcond) * g, mT(x))


lstsq_residuals = defprim(
    "lstsq_residuals", lambda a, b, *, rcond: _lstsq(a, b, rcond, 1),
    jvp=(_res_jvp_a, lambda t, ans, a, b, *, rcond: 2 * A.sum(_residual(a, b, rcond) * t,
                                                              axis=0)),
    vjp=(_res_vjp_a, lambda g, ans, a, b, *, rcond: 2 * _residual(a, b, rcond) * g),
    rule="least-squares residual rule", statement="res' = 2 r^T (b' - A' x), r = b - A x",
    domain="A real, tall, of full column rank", samples=_samples(tall_only=True),
    save_ans=False, real_only=True)

lstsq_s = defprim(
    "lstsq_s", lambda a: _lstsq(a, np.zeros((shape(a)[0], 1), a.dtype), None, 3),
    jvp=(_s_jvp,), vjp=(_s_vjp,), rule="singular value perturbation rule",
    statement="s_i' = u_i^T A' v_i", domain="A real", kinks="repeated or zero singular values",
    samples=lambda: [Sample((s.args[0],)) for s in _samples(params=False)()], save_ans=False,
    real_only=True)


def lstsq(a, b, rcond=None):
    """Least-squares solution of ``a @ x = b``, as ``numpy.linalg.lstsq`` (real input).

    Returns NumPy's tuple ``(x, residuals, rank, s)``: the solution (minimum-norm for a
    wide or rank-deficient ``a``), the squared residual norms per column of ``b`` (empty
    unless ``a`` is tall of full rank), the rank, and the singular values of ``a``.
    ``x``, ``residuals`` and ``s`` are differentiable in ``a`` and ``b``; where ``a`` is
    rank-deficient (singular values at or below ``rcond * max(s)``, NumPy's default
    ``rcond = eps * max(m, n)``) the derivative of ``x`` through ``a`` is ``nan``.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> a, b = cnp.array([[1.0], [1.0]]), cnp.array([1.0, 3.0])
    >>> cnp.linalg.lstsq(a, b)[0]
    array([2.])
    >>> cr.grad(lambda b: cnp.linalg.lstsq(a, b)[0][0])(b)  # the mean of b
    array([0.5, 0.5])
    """
    if not isinstance(a, Tracer) and not isinstance(b, Tracer) and \
            not A._holds_tracer([a, b]):
        return np.linalg.lstsq(a, b, rcond)
    a, b = _real_rect(A.asarray(a), "lstsq"), A.asarray(b)
    if dtype(b).kind not in "fiub":
        raise TypeError("lstsq: complex input is not supported yet (real matrices only)")
    _, _, rank, _ = np.linalg.lstsq(primal_value(a), primal_value(b), rcond)
    m, n = shape(a)
    rcond = float(np.finfo(np.float64).eps * max(m, n) if rcond is None else rcond)
    b2 = A.reshape(b, (m, 1)) if ndim(b) == 1 else b
    x = lstsq_x(a, b2, rcond=rcond)
    if rank == n and m > n:
        res = lstsq_residuals(a, b2, rcond=rcond)
    else:
        res = np.array([], np.result_type(dtype(a), dtype(b), np.float32))
    x = A.reshape(x, (n,)) if ndim(b) == 1 else x
    return x, res, rank, lstsq_s(a)
