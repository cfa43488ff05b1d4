"""Triangular solves and Cholesky factors: ``solve_triangular``, ``cholesky``,
``cho_solve`` as primitives (``cho_factor`` is composed from ``cholesky``).

Only one triangle of a triangular or factor argument is read, so the derivative with
respect to the other triangle (and, with ``unit_diagonal``, the diagonal) is zero::

    op(T) x = b:   x' = op(T)^-1 (b' - op(T') x),
    b_bar = op(T)^-T g,   T_bar = mask(-(b_bar x^T), transposed if op transposes).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sl

from ...core import Sample
from ...core.batching import all_batched
from ...numpy._base import defprim, dtype, ndim, shape
from ...numpy._linalg import matmul, mT
from ...numpy._shape import reshape
from .._common import SCIPY_BATCHES, keep_float

__all__ = ["solve_triangular_p", "cholesky_p", "cho_solve_p"]


def _mask(a, lower: bool, unit: bool = False):
    """1 on the entries of ``a`` that are read (the triangle, less a unit diagonal)."""
    n = shape(a)[-1]
    m = np.tril(np.ones((n, n), dtype(a))) if lower else np.triu(np.ones((n, n), dtype(a)))
    return m - np.eye(n, dtype=dtype(a)) if unit else m


def _col(x, b):
    """``x`` as a matrix: a vector right-hand side becomes one column."""
    return reshape(x, shape=shape(x) + (1,)) if ndim(b) == 1 else x


def _uncol(x, b):
    return reshape(x, shape=shape(x)[:-1]) if ndim(b) == 1 else x


def _flip(trans: int) -> int:
    """The transposed solve's ``trans`` (2, SciPy's 'C', is 'T' for real matrices)."""
    return 0 if trans else 1


def _op(x, trans: int):
    return mT(x) if trans else x


def _st_jvp_a(t, ans, a, b, **p):
    dt = t * _mask(a, p["lower"], p["unit_diagonal"])
    rhs = matmul(_op(dt, p["trans"]), _col(ans, b))
    return -_uncol(solve_triangular_p(a, rhs, **p), b)


def _st_vjp_a(g, ans, a, b, **p):
    gb = _col(solve_triangular_p(a, g, **{**p, "trans": _flip(p["trans"])}), b)
    grad = -matmul(gb, mT(_col(ans, b)))
    return _op(grad, p["trans"]) * _mask(a, p["lower"], p["unit_diagonal"])


def _st_samples():
    rng = np.random.default_rng(2024)
    a = rng.uniform(-1, 1, size=(3, 3)) + 3 * np.eye(3)
    b, bm = rng.uniform(-1, 1, size=3), rng.uniform(-1, 1, size=(3, 2))
    flags = [(0, False, False), (1, True, False), (0, True, True), (1, False, True)]
    return [Sample((a, b if i % 2 else bm),
                   {"trans": tr, "lower": lo, "unit_diagonal": un, "check_finite": True})
            for i, (tr, lo, un) in enumerate(flags)]


solve_triangular_p = defprim(
    "solve_triangular", keep_float(sl.solve_triangular),
    jvp=(_st_jvp_a, lambda t, ans, a, b, **p: solve_triangular_p(a, t, **p)),
    vjp=(_st_vjp_a,
         lambda g, ans, a, b, **p: solve_triangular_p(a, g, **{**p, "trans": _flip(p["trans"])})),
    rule="inverse rule", statement="op(T) x = b:  x' = op(T)^-1 (b' - op(T') x)",
    domain="the read triangle of a has a nonzero diagonal", samples=_st_samples)

# ---------------------------------------------------------------------------------------
# Cholesky (Murray 2016, "Differentiation of the Cholesky decomposition"), written for the
# lower factor L (A = L L^T, lower triangle read); SciPy's default upper factor U = L^T
# reads the upper triangle, so its rules are the lower ones transposed:
#     L' = L Phi(L^-1 A' L^-T),   A_bar = sym(L^-T Phi(L^T G) L^-1) on the read triangle,
# Phi taking the strict lower part and half the diagonal.


def _tri_solve(low, rhs, trans=0):
    return solve_triangular_p(low, rhs, trans=trans, lower=True, unit_diagonal=False,
                              check_finite=False)


def _phi(x):
    n = shape(x)[-1]
    return x * (np.tril(np.ones((n, n), dtype(x))) - 0.5 * np.eye(n, dtype=dtype(x)))


def _lower_jvp(t, low):
    strict = _mask(low, True, True)
    t = t * _mask(low, True) + mT(t * strict)  # the symmetric matrix the factor sees
    x = mT(_tri_solve(low, mT(_tri_solve(low, t))))
    return matmul(low, _phi(x))


def _lower_vjp(g, low):
    p = _phi(matmul(mT(low), g))
    s = mT(_tri_solve(low, mT(_tri_solve(low, p, trans=1)), trans=1))
    s = 0.5 * (s + mT(s))
    return s * _mask(low, True) + s * _mask(low, True, True)


def _chol_jvp(t, ans, a, *, lower, check_finite):
    if lower:
        return _lower_jvp(t, ans)
    return mT(_lower_jvp(mT(t), mT(ans)))


def _chol_vjp(g, ans, a, *, lower, check_finite):
    if lower:
        return _lower_vjp(g, ans)
    return mT(_lower_vjp(mT(g), mT(ans)))


def _spd_samples(seed: int):
    def make():
        rng = np.random.default_rng(seed)
        m = rng.uniform(-1, 1, size=(3, 3))
        s = m @ m.T + 3 * np.eye(3)
        s[2, 0] += 0.3  # one triangle differs from the other: only one is read
        b = rng.uniform(-1, 1, size=(2, 3, 3))
        stack = b @ np.swapaxes(b, -1, -2) + 3 * np.eye(3)
        return [Sample((s,), {"lower": False, "check_finite": True}),
                Sample((s,), {"lower": True, "check_finite": True}),
                Sample((stack,), {"lower": False, "check_finite": True})]
    return make


cholesky_p = defprim(
    "scipy_cholesky", keep_float(sl.cholesky), jvp=(_chol_jvp,), vjp=(_chol_vjp,),
    rule="Cholesky rule", statement="L' = L Phi(L^-1 A' L^-T), Phi = lower half (U = L^T)",
    domain="A symmetric positive definite (one triangle is read)",
    samples=_spd_samples(77), save_args=False, real_only=True)

# ---------------------------------------------------------------------------------------
# cho_solve: A x = b with A = U^T U (or L L^T), U the read triangle of c.


def _cho_impl(c, b, *, lower, check_finite):
    return keep_float(sl.cho_solve)((c, lower), b, check_finite=check_finite)


def _factor(c, lower):
    return c * _mask(c, lower)


def _cho_jvp_c(t, ans, c, b, **p):
    f, df = _factor(c, p["lower"]), _factor(t, p["lower"])
    if p["lower"]:
        da = matmul(df, mT(f)) + matmul(f, mT(df))
    else:
        da = matmul(mT(df), f) + matmul(mT(f), df)
    return -_uncol(cho_solve_p(c, matmul(da, _col(ans, b)), **p), b)


def _cho_vjp_c(g, ans, c, b, **p):
    f = _factor(c, p["lower"])
    ga = -matmul(_col(cho_solve_p(c, g, **p), b), mT(_col(ans, b)))
    s = ga + mT(ga)
    return _factor(matmul(s, f) if p["lower"] else matmul(f, s), p["lower"])


def _cho_samples():
    rng = np.random.default_rng(99)
    c = rng.uniform(-1, 1, size=(3, 3)) + 2 * np.eye(3)
    return [Sample((c, rng.uniform(-1, 1, size=3)), {"lower": False, "check_finite": True}),
            Sample((c, rng.uniform(-1, 1, size=(3, 2))), {"lower": True, "check_finite": True})]


cho_solve_p = defprim(
    "cho_solve", _cho_impl,
    jvp=(_cho_jvp_c, lambda t, ans, c, b, **p: cho_solve_p(c, t, **p)),
    vjp=(_cho_vjp_c, lambda g, ans, c, b, **p: cho_solve_p(c, g, **p)),
    rule="inverse rule", statement="A = U^T U, A x = b:  x' = A^-1 (b' - A' x)",
    domain="the read triangle of c has a nonzero diagonal", samples=_cho_samples,
    real_only=True)


# vmap: SciPy's solvers map over leading stack axes from SciPy 1.15 on (before, these
# primitives run once per example); b may be one vector per example.
if SCIPY_BATCHES:
    solve_triangular_p.batch = all_batched(solve_triangular_p, vector_arg=1)
    cholesky_p.batch = all_batched(cholesky_p)
    cho_solve_p.batch = all_batched(cho_solve_p, vector_arg=1)
