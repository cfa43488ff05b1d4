"""Matrix functions: ``expm``, ``sqrtm`` and the Sylvester solve their rules use.

``expm``: the Frechet derivative ``L(A, E)`` is the upper-right block of
``expm([[A, E], [0, A]])`` (Najfeld and Havel 1995; Higham, "Functions of Matrices",
eq. 3.16), and its adjoint is ``L(A^T, G)``, so both rules are one ``expm`` of a matrix
twice the size, itself differentiable. ``sqrtm``: ``X^2 = A`` gives ``X X' + X' X = A'``, a
Sylvester equation. ``solve_sylvester``: ``A X + X B = Q`` gives
``A X' + X' B = Q' - A' X - X B'``.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sl

from ...core import Sample
from ...core.batching import all_batched
from ...numpy._arrays import concatenate
from ...numpy._base import defprim, dtype, shape
from ...numpy._linalg import matmul, mT
from .._common import SCIPY_BATCHES, keep_float

__all__ = ["expm_p", "sqrtm_p", "solve_sylvester_p"]


def _frechet(a, e):
    """``L(a, e)``: the derivative of ``expm`` at ``a`` in the direction ``e``."""
    n = shape(a)[-1]
    zero = np.zeros(shape(a), dtype(a))
    block = concatenate([concatenate([a, e], axis=-1), concatenate([zero, a], axis=-1)],
                        axis=-2)
    return expm_p(block)[..., :n, n:]


def _square_samples(seed: int, shift: float, scale: float):
    def make():
        rng = np.random.default_rng(seed)
        return [Sample((scale * rng.uniform(-1, 1, size=(3, 3)) + shift * np.eye(3),)),
                Sample((scale * rng.uniform(-1, 1, size=(2, 2, 2)) + shift * np.eye(2),))]
    return make


expm_p = defprim(
    "expm", keep_float(sl.expm),
    jvp=(lambda t, ans, a: _frechet(a, t),), vjp=(lambda g, ans, a: _frechet(mT(a), g),),
    rule="Frechet derivative of expm",
    statement="expm(A)' = L(A, A') = expm([[A, A'], [0, A]])[:n, n:]",
    samples=_square_samples(5, 0.0, 0.7), save_ans=False)


def _sqrtm_impl(a):
    out = keep_float(sl.sqrtm)(a)
    if np.iscomplexobj(out):
        raise TypeError(
            "sqrtm: this real matrix has no real square root (it has negative real "
            "eigenvalues), so SciPy returns a complex one; chainrule differentiates real "
            "square roots only")
    return out


sqrtm_p = defprim(
    "sqrtm", _sqrtm_impl,
    jvp=(lambda t, ans, a: solve_sylvester_p(ans, ans, t),),
    vjp=(lambda g, ans, a: solve_sylvester_p(mT(ans), mT(ans), g),),
    rule="square-root rule", statement="X = sqrtm(A):  X X' + X' X = A'",
    domain="A with a real principal square root, no eigenvalue 0 (for the rules)",
    samples=_square_samples(11, 2.0, 0.5), save_args=False)


def _syl_vjp_q(g, ans, a, b, q):
    return solve_sylvester_p(mT(a), mT(b), g)


solve_sylvester_p = defprim(
    "solve_sylvester", keep_float(sl.solve_sylvester),
    jvp=(lambda t, ans, a, b, q: solve_sylvester_p(a, b, -matmul(t, ans)),
         lambda t, ans, a, b, q: solve_sylvester_p(a, b, -matmul(ans, t)),
         lambda t, ans, a, b, q: solve_sylvester_p(a, b, t)),
    vjp=(lambda g, ans, a, b, q: -matmul(_syl_vjp_q(g, ans, a, b, q), mT(ans)),
         lambda g, ans, a, b, q: -matmul(mT(ans), _syl_vjp_q(g, ans, a, b, q)),
         _syl_vjp_q),
    rule="inverse rule", statement="A X + X B = Q:  A X' + X' B = Q' - A' X - X B'",
    domain="A and -B have no eigenvalue in common",
    samples=lambda: [Sample(_syl_args())])


def _syl_args() -> tuple:
    rng = np.random.default_rng(3)
    return (rng.uniform(-1, 1, size=(3, 3)) + 2 * np.eye(3),
            rng.uniform(-1, 1, size=(2, 2)) + np.eye(2), rng.uniform(-1, 1, size=(3, 2)))


# vmap: SciPy's matrix functions map over leading stack axes from SciPy 1.15 on (before,
# these primitives run once per example).
if SCIPY_BATCHES:
    expm_p.batch = all_batched(expm_p)
    sqrtm_p.batch = all_batched(sqrtm_p)
    solve_sylvester_p.batch = all_batched(solve_sylvester_p)
