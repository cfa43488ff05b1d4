"""Differentiable symmetric eigendecomposition of real matrices (the SVD is in ``_svd``,
QR and the pseudo-inverse in ``_qr``).

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

from typing import NamedTuple

import numpy as np

from ..core import Sample, Tracer, primal_value
from ..core.batching import stacked_batch
from . import _arrays as A
from ._base import defprim, dtype, ndim, shape
from ._elementwise import where
from ._linalg import einsum_p, matmul, mT
from ._shape import reshape

__all__ = ["eigh", "eigvalsh", "EighResult"]


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
    save_ans=False, **_VALUES, real_only=True)

eigvalsh_p = defprim(
    "eigvalsh", lambda a, *, UPLO: _lapack(np.linalg.eigvalsh, a, UPLO),
    jvp=(_values_jvp,), vjp=(_values_vjp,), samples=_sym_samples("eigvalsh"),
    save_ans=False, **_VALUES, real_only=True)

eigh_vectors = defprim(
    "eigh_vectors", lambda a, *, UPLO: _lapack(np.linalg.eigh, a, UPLO)[1],
    jvp=(_vectors_jvp,), vjp=(_vectors_vjp,),
    rule="eigenvector perturbation rule",
    statement="V' = V (F o (V^T A' V)), F_ij = 1/(w_j - w_i)",
    domain="A real with distinct eigenvalues; one triangle is read as a symmetric matrix",
    kinks="undefined (nan) where the eigenvector's eigenvalue is repeated",
    samples=_sym_samples("eigh_vectors"), real_only=True)


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


# vmap: NumPy's decompositions map over leading stack axes already.
for _p in (eigh_values, eigvalsh_p, eigh_vectors):
    _p.batch = stacked_batch(_p, (2,))
