"""``solve_banded``: ``A x = b`` for a band matrix ``A`` given in LAPACK's band storage,
``ab[u + i - j, j] = A[i, j]``. The rules move between band storage and the dense matrix
with constant index gathers, so they are chainrule operations (any order)::

    x' = A^-1 (b' - A' x),   b_bar = A^-T g,   ab_bar = band(-b_bar x^T).

Entries of ``ab`` outside the band (its unused corners) are never read: their gradient
is zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg as sl

from ...core import Sample
from ...numpy._base import defprim, dtype, ndim, shape
from ...numpy._linalg import matmul, mT
from ...numpy._shape import reshape
from .._common import keep_float
from ._checks import real_array, require_2d, traced

__all__ = ["solve_banded", "solve_banded_p"]


def _dense(ab, lower: int, upper: int):
    """The dense matrix of band storage ``ab``."""
    n = shape(ab)[-1]
    i, j = np.indices((n, n))
    rows = upper + i - j
    inside = (rows >= 0) & (rows <= lower + upper)
    return ab[np.clip(rows, 0, lower + upper), j] * inside.astype(dtype(ab))


def _band(a, lower: int, upper: int):
    """Band storage of the band of a dense matrix ``a`` (zeros in the unused corners)."""
    n = shape(a)[-1]
    k, j = np.indices((lower + upper + 1, n))
    i = k - upper + j
    inside = (i >= 0) & (i < n)
    return a[np.clip(i, 0, n - 1), j] * inside.astype(dtype(a))


def _col(x, b):
    return reshape(x, shape=shape(x) + (1,)) if ndim(b) == 1 else x


def _uncol(x, b):
    return reshape(x, shape=shape(x)[:-1]) if ndim(b) == 1 else x


def _transposed_solve(ab, g, *, lower, upper, check_finite):
    abt = _band(mT(_dense(ab, lower, upper)), upper, lower)
    return solve_banded_p(abt, g, lower=upper, upper=lower, check_finite=check_finite)


def _jvp_ab(t, ans, ab, b, **p):
    rhs = matmul(_dense(t, p["lower"], p["upper"]), _col(ans, b))
    return -_uncol(solve_banded_p(ab, rhs, **p), b)


def _vjp_ab(g, ans, ab, b, **p):
    gb = _col(_transposed_solve(ab, g, **p), b)
    return _band(-matmul(gb, mT(_col(ans, b))), p["lower"], p["upper"])


def _impl(ab, b, *, lower, upper, check_finite):
    return keep_float(sl.solve_banded)((lower, upper), ab, b, check_finite=check_finite)


def _samples():
    rng = np.random.default_rng(31)
    ab = rng.uniform(-1, 1, size=(4, 5))
    ab[2] += 4.0  # the diagonal (row ``upper``) dominates
    params = {"lower": 1, "upper": 2, "check_finite": True}
    return [Sample((ab, rng.uniform(-1, 1, size=5)), params),
            Sample((ab[2:4], rng.uniform(-1, 1, size=(5, 2))),
                   {"lower": 1, "upper": 0, "check_finite": True})]


solve_banded_p = defprim(
    "solve_banded", _impl,
    jvp=(_jvp_ab, lambda t, ans, ab, b, **p: solve_banded_p(ab, t, **p)),
    vjp=(_vjp_ab, lambda g, ans, ab, b, **p: _transposed_solve(ab, g, **p)),
    rule="inverse rule", statement="A x = b:  x' = A^-1 (b' - A' x), A from band storage",
    domain="the band matrix is invertible", samples=_samples)


def solve_banded(l_and_u: tuple, ab: Any, b: Any, overwrite_ab: bool = False,
                 overwrite_b: bool = False, check_finite: bool = True) -> Any:
    """Solve ``A x = b`` for a band matrix ``A`` in band storage, as SciPy's.

    Args:
        l_and_u: ``(l, u)``, the numbers of nonzero lower and upper diagonals.
        ab: band storage, shape ``(l + u + 1, n)``: ``ab[u + i - j, j] = A[i, j]``.
        b: right-hand side, shape ``(n,)`` or ``(n, k)``.

    Differentiable in ``ab`` and ``b`` (``ab``'s unused corners have zero gradient).
    Derivatives take a 2-D ``ab`` and a 1-D or 2-D ``b``.

    Not exported yet (chainrule's coverage table and autograd parity list need it
    first): import it from ``chainrule.scipy.linalg._banded``.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> ab = cnp.array([[0.0, 1.0], [2.0, 4.0]])  # A = [[2, 1], [0, 4]]
    >>> solve_banded((0, 1), ab, cnp.array([4.0, 8.0]))
    array([1., 2.])
    >>> cr.grad(lambda b: solve_banded((0, 1), ab, b)[0])(cnp.array([4.0, 8.0]))
    array([ 0.5  , -0.125])
    """
    lower, upper = (int(v) for v in l_and_u)
    ab = real_array(ab, "solve_banded", "ab")
    b = real_array(b, "solve_banded", "b")
    if traced(ab, b):
        require_2d("solve_banded", ab, b)
    return solve_banded_p(ab, b, lower=lower, upper=upper, check_finite=check_finite)
