"""``chainrule.scipy.linalg``: SciPy's triangular solves, Cholesky factors and matrix
functions, differentiable in forward and reverse mode, at any order.

Outside a transformation each function returns SciPy's value (float16 input keeps float16,
rounded from SciPy's float32). Real matrices only: complex input raises ``TypeError``.

Arguments of which SciPy reads one triangle (``solve_triangular``'s ``a``, ``cholesky``'s
``a``, ``cho_solve``'s factor) have a zero derivative with respect to the other triangle
(and to the diagonal with ``unit_diagonal=True``): the gradient is what SciPy's function
of the whole array really depends on, not a symmetrized one.

>>> import chainrule as cr, chainrule.numpy as cnp
>>> import chainrule.scipy.linalg as csl
>>> a = cnp.array([[0.0, 1.0], [0.0, 0.0]])
>>> csl.expm(a)
array([[1., 1.],
       [0., 1.]])
>>> cr.grad(lambda a: csl.expm(a)[0, 1])(a)  # integral of e^(sA^T) G e^((1-s)A^T)
array([[0.5       , 1.        ],
       [0.16666667, 0.5       ]])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg as sl

from ._banded import solve_banded
from ._checks import real_array, real_matrix, require_2d, traced
from ._matfun import expm_p, solve_sylvester_p, sqrtm_p
from ._triangular import cho_solve_p, cholesky_p, solve_triangular_p

__all__ = ["solve_triangular", "cholesky", "cho_factor", "cho_solve", "expm", "sqrtm",
           "solve_sylvester", "solve_banded"]

_TRANS = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2}


def solve_triangular(a: Any, b: Any, trans: Any = 0, lower: bool = False,
                     unit_diagonal: bool = False, overwrite_b: bool = False,
                     check_finite: bool = True) -> Any:
    """Solve ``op(T) x = b`` for ``x``, ``T`` a triangle of ``a``, as SciPy's.

    Args:
        a: square matrix; only its ``lower`` (or upper) triangle is read, and not its
            diagonal if ``unit_diagonal`` (taken as ones).
        b: right-hand side, shape ``(n,)`` or ``(n, k)``.
        trans: ``0``/``'N'``: ``T x = b``; ``1``/``'T'`` and ``2``/``'C'``: ``T^T x = b``.
        overwrite_b: ignored (the input is never overwritten).

    Derivatives take a 2-D ``a``, or a stack of them with ``b`` a stack of matrices of
    the same batch shape (SciPy's other broadcasts work untraced). The gradient with
    respect to ``a`` is zero outside the read triangle.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> a = cnp.array([[2.0, 0.0], [1.0, 4.0]])
    >>> solve_triangular(a, cnp.array([2.0, 9.0]), lower=True)
    array([1., 2.])
    >>> cr.grad(lambda b: solve_triangular(a, b, lower=True).sum())(cnp.array([2.0, 9.0]))
    array([0.375, 0.25 ])
    """
    if trans not in _TRANS:
        raise ValueError(f"solve_triangular: trans must be 0, 1, 2, 'N', 'T' or 'C', got "
                         f"{trans!r}")
    a = real_array(a, "solve_triangular", "a")
    b = real_array(b, "solve_triangular", "b")
    if traced(a, b):
        require_2d("solve_triangular", a, b)
    return solve_triangular_p(a, b, trans=_TRANS[trans], lower=bool(lower),
                              unit_diagonal=bool(unit_diagonal), check_finite=check_finite)


def cholesky(a: Any, lower: bool = False, overwrite_a: bool = False,
             check_finite: bool = True) -> Any:
    """Cholesky factor of a symmetric positive definite matrix, as SciPy's: by default
    the upper factor ``U`` with ``a = U^T U`` (``lower=True``: ``L`` with ``a = L L^T``,
    like ``numpy.linalg.cholesky``).

    Only the triangle of ``a`` named by ``lower`` is read, so the gradient is zero on the
    other one; the read off-diagonal entries stand for both mirrored entries. Works on
    stacks (the last two axes).

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> a = cnp.array([[4.0, 2.0], [2.0, 5.0]])
    >>> cholesky(a)
    array([[2., 1.],
           [0., 2.]])
    >>> cr.grad(lambda a: cholesky(a)[0, 0])(a)  # d sqrt(a00)
    array([[0.25, 0.  ],
           [0.  , 0.  ]])
    """
    a = real_matrix(a, "cholesky")
    return cholesky_p(a, lower=bool(lower), check_finite=check_finite)


def cho_factor(a: Any, lower: bool = False, overwrite_a: bool = False,
               check_finite: bool = True) -> tuple:
    """``(c, lower)`` as SciPy's ``cho_factor``: ``c`` holds the Cholesky factor in one
    triangle and, as in SciPy, the entries of ``a`` in the other (which ``cho_solve``
    never reads). Differentiable; pass the result to :func:`cho_solve`.

    >>> import chainrule.numpy as cnp
    >>> c, low = cho_factor(cnp.array([[4.0, 2.0], [2.0, 5.0]]))
    >>> c, low
    (array([[2., 1.],
           [2., 2.]]), False)
    """
    a = real_matrix(a, "cho_factor")
    factor = cholesky_p(a, lower=bool(lower), check_finite=check_finite)
    n = a.shape[-1]
    other = np.tril(np.ones((n, n), a.dtype), -1)  # the triangle the factor leaves alone
    return factor + a * (other.T if lower else other), bool(lower)


def cho_solve(c_and_lower: tuple, b: Any, overwrite_b: bool = False,
              check_finite: bool = True) -> Any:
    """Solve ``A x = b`` from ``cho_factor(A)``'s ``(c, lower)``, as SciPy's.

    Only the factor's triangle of ``c`` is read (the gradient is zero on the other).
    Derivatives take a 2-D ``c`` and a 1-D or 2-D ``b``.

    >>> import chainrule.numpy as cnp
    >>> a = cnp.array([[4.0, 2.0], [2.0, 5.0]])
    >>> cho_solve(cho_factor(a), cnp.array([6.0, 7.0]))
    array([1., 1.])
    """
    c, lower = c_and_lower
    c = real_matrix(c, "cho_solve", "c")
    b = real_array(b, "cho_solve", "b")
    if traced(c, b):
        require_2d("cho_solve", c, b)
    return cho_solve_p(c, b, lower=bool(lower), check_finite=check_finite)


def expm(A: Any) -> Any:
    """Matrix exponential, as SciPy's (stacks in the last two axes too).

    Derivatives: the Frechet derivative, computed as a block of the exponential of a
    matrix twice the size (so derivatives of any order work).

    >>> import chainrule.numpy as cnp
    >>> expm(cnp.zeros((2, 2)))
    array([[1., 0.],
           [0., 1.]])
    """
    return expm_p(real_matrix(A, "expm", "A"))


def sqrtm(A: Any, disp: bool = True, blocksize: int = 64) -> Any:
    """Principal matrix square root, as SciPy's (``blocksize`` is ignored).

    A real matrix with negative real eigenvalues has only complex square roots: SciPy's
    complex result is returned outside transformations, and ``TypeError`` is raised
    inside them. The derivative solves ``X X' + X' X = A'`` (undefined, and SciPy's
    Sylvester solver fails, when ``A`` is singular).

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> sqrtm(cnp.array([[4.0, 0.0], [0.0, 9.0]]))
    array([[2., 0.],
           [0., 3.]])
    >>> cr.grad(lambda a: sqrtm(a)[1, 1])(cnp.array([[4.0, 0.0], [0.0, 9.0]]))
    array([[0.        , 0.        ],
           [0.        , 0.16666667]])
    """
    if disp is not True:
        raise NotImplementedError("sqrtm: disp=False (SciPy's deprecated error estimate) "
                                  "is not supported; call scipy.linalg.sqrtm for it")
    A = real_matrix(A, "sqrtm", "A")
    if not traced(A):
        out = sl.sqrtm(A)
        return out if out.dtype.kind == "c" else sqrtm_p(A)
    return sqrtm_p(A)


def solve_sylvester(a: Any, b: Any, q: Any) -> Any:
    """Solve ``a x + x b = q`` for ``x``, as SciPy's; differentiable in all three.

    >>> import chainrule.numpy as cnp
    >>> solve_sylvester(cnp.eye(2), cnp.eye(2), cnp.array([[2.0, 4.0], [6.0, 8.0]]))
    array([[1., 2.],
           [3., 4.]])
    """
    a = real_matrix(a, "solve_sylvester", "a")
    b = real_matrix(b, "solve_sylvester", "b")
    return solve_sylvester_p(a, b, real_array(q, "solve_sylvester", "q"))
