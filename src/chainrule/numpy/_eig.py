"""``eig`` and ``eigvals`` of general square matrices, with their rules.

With ``A = V diag(w) V^-1`` and ``P = V^-1 A' V``, first-order perturbation theory gives
``w' = diag(P)`` and ``V' = V (F o P)`` up to a multiple of each eigenvector, where
``F_ij = 1 / (w_j - w_i)`` off the diagonal and 0 on it. That multiple is fixed by the
normalization LAPACK applies and NumPy returns: each eigenvector has unit 2-norm, and its
component of largest modulus is real. Both conditions are differentiated here — the norm
one as JAX does, the phase one in addition — so the derivative of every eigenvector is
that of the vectors NumPy actually returns (away from ties for the largest component).

Where two eigenvalues are equal, the derivative of their eigenvectors is undefined and is
NaN; derivatives of eigenvalues need ``V`` invertible (a diagonalizable ``A``).
Complex matrices are accepted; the vjp rules are the transposes of the jvp rules for the
pairing of chainrule's complex convention (see :mod:`._complex`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..core import Sample, primal_value
from ..core.batching import stacked_batch
from ._base import PRIMS, defprim
from ._base import dtype as dtype_of
from ._base import shape as shape_of
from ._complex import conj, imag, real
from ._decomp import _f_times
from ._linalg import inv, matmul, mT
from ._reductions import sum as rsum

__all__ = ["eig", "eigvals", "EigResult"]


class EigResult(NamedTuple):
    eigenvalues: object
    eigenvectors: object


def _diag_embed(g):
    """A stack of diagonal matrices with ``g`` (shape ``(..., n)``) on the diagonal."""
    n = shape_of(g)[-1]
    return PRIMS["reshape"](g, shape=shape_of(g)[:-1] + (1, n)) * np.eye(n)


def _colsum(m):
    return rsum(m, axis=(len(shape_of(m)) - 2,), keepdims=False)


def _row(v):
    """``(..., n)`` as ``(..., 1, n)``: one value per column."""
    return PRIMS["reshape"](v, shape=shape_of(v)[:-1] + (1, shape_of(v)[-1]))


def _largest(v) -> np.ndarray:
    """One-hot mask of each column's component of largest modulus (the one LAPACK made
    real); piecewise constant, so it is computed on the values."""
    vv = np.abs(np.asarray(primal_value(v)))
    k = np.argmax(vv, axis=-2)
    n = vv.shape[-2]
    return (np.arange(n)[:, None] == k[..., None, :]).astype(vv.dtype)


def _values_jvp(t, ans, a):
    v = eig_vectors(a)
    return _colsum(mT(inv(v)) * matmul(t, v))  # diag(V^-1 t V)


def _values_vjp(g, ans, a):
    v = eig_vectors(a)
    return matmul(mT(inv(v)), matmul(_diag_embed(g), mT(v)))


def _vectors_jvp(t, ans, a):
    v, w = ans, eig_values(a)
    d = matmul(v, _f_times(w, matmul(inv(v), matmul(t, v)), by_column=False))
    d = d - v * _row(real(_colsum(conj(v) * d)))  # keep |v_j| = 1
    mask = _largest(v)
    s = imag(_colsum(mask * d) / _colsum(mask * v))  # keep the largest component real
    return d - 1j * v * _row(s) if np.iscomplexobj(primal_value(v)) else d


def _vectors_vjp(g, ans, a):
    v, w = ans, eig_values(a)
    if np.iscomplexobj(primal_value(v)):  # transpose of the phase condition
        mask = _largest(v)
        g = g - 1j * mask * _row(imag(_colsum(g * v)) / _colsum(mask * v))
    g = g - conj(v) * _row(real(_colsum(g * v)))  # transpose of the norm condition
    s = _f_times(w, matmul(mT(v), g), by_column=True)
    return matmul(mT(inv(v)), matmul(s, mT(v)))


def _samples():
    rng = np.random.default_rng(404)
    real_spectrum = rng.uniform(-1, 1, (3, 3)) + np.diag([-2.0, 0.5, 3.0])
    rotation = np.array([[0.3, -1.2, 0.2], [1.1, 0.4, -0.3], [0.1, 0.5, 2.0]])
    stack = rng.uniform(-1, 1, (2, 3, 3)) + np.diag([-1.0, 1.0, 2.5])
    return [Sample((real_spectrum,)), Sample((rotation,)), Sample((stack,))]


_FACTS = dict(domain="A diagonalizable (for eigenvectors: distinct eigenvalues)",
              samples=_samples)

eig_values = defprim(
    "eig_values", lambda a: np.linalg.eig(a)[0], jvp=(_values_jvp,), vjp=(_values_vjp,),
    rule="eigenvalue perturbation rule", statement="w_i' = (V^-1 A' V)_ii",
    kinks="repeated eigenvalues", save_ans=False, **_FACTS)

eig_vectors = defprim(
    "eig_vectors", lambda a: np.linalg.eig(a)[1], jvp=(_vectors_jvp,), vjp=(_vectors_vjp,),
    rule="eigenvector perturbation rule",
    statement="V' = V (F o V^-1 A' V), F_ij = 1/(w_j - w_i), normalized as LAPACK does",
    kinks="undefined (nan) where an eigenvalue is repeated", **_FACTS)


def eig(a) -> EigResult:
    """Eigenvalues and right eigenvectors of a square matrix (``numpy.linalg.eig``).

    >>> import chainrule as cr
    >>> a = np.array([[2.0, 1.0], [0.0, 3.0]])
    >>> cr.grad(lambda m: eig(m).eigenvalues[1])(a).tolist()  # u v^T / (u^T v)
    [[0.0, 0.0], [1.0, 1.0]]
    """
    a = PRIMS["astype"](a, dtype=np.result_type(dtype_of(a), 1.0)) \
        if dtype_of(a).kind not in "fc" else a
    return EigResult(eig_values(a), eig_vectors(a))


def eigvals(a):
    """Eigenvalues of a square matrix (``numpy.linalg.eigvals``)."""
    return eig_values(a)


# vmap: NumPy's decompositions map over leading stack axes already.
for _p in (eig_values, eig_vectors):
    _p.batch = stacked_batch(_p, (2,))
