"""The multivariate normal distribution, ``scipy.stats.multivariate_normal``'s density.

``logpdf(x, mean=None, cov=1, allow_singular=False)``, ``pdf`` and ``entropy(mean, cov)``
take SciPy's arguments (``x`` with the dimension on its last axis and any batch axes
before; ``cov`` a matrix, a vector of variances or a scalar) and give SciPy's shapes.
They are differentiable in ``x``, ``mean`` and ``cov``, in both modes, to any order.

Convention for ``d/dcov``: the entries of ``cov`` are treated as independent, and the
gradient is evaluated at the symmetric ``cov`` given, so it is the symmetric matrix
``(S^-1 r r^T S^-1 - S^-1) / 2`` (``r = x - mean``), autograd's (and, at a symmetric
``cov``, JAX's). Inside a transformation ``cov`` must be symmetric (SciPy would read its
lower triangle only): a non-symmetric one raises ``ValueError``. A singular ``cov`` with
``allow_singular=True`` is supported when ``cov`` itself is not differentiated (the
density then lives on a subspace: SciPy's pseudo-inverse and pseudo-determinant, ``-inf``
off the subspace); differentiating with respect to a singular ``cov`` raises
``NotImplementedError``.

>>> import numpy as np
>>> from chainrule.scipy.stats import multivariate_normal as mvn
>>> from chainrule import grad
>>> cov = np.array([[2.0, 0.5], [0.5, 1.0]])
>>> round(float(mvn.logpdf(np.array([1.0, 0.0]), np.zeros(2), cov)), 6)
-2.403399
>>> grad(mvn.logpdf)(np.array([1.0, 0.0]), np.zeros(2), cov).round(6).tolist()  # -S^-1 x
[-0.571429, 0.285714]
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.stats as _st

from ... import numpy as cnp
from ...numpy._base import ndim, shape
from ._common import concrete, differentiated, floats, traced

__all__ = ["logpdf", "pdf", "entropy"]

_LOG_2PI = math.log(2.0 * math.pi)


def _parameters(mean, cov):
    """``(mean as (dim,), cov as (dim, dim))``, SciPy's rules for their shapes."""
    if mean is None:
        c = concrete(cov)
        dim = 1 if np.ndim(c) < 2 else np.shape(c)[0]
        mean = np.zeros(dim)
    mean, cov = floats(mean, cov)
    dim = int(np.prod(shape(mean)))
    if dim == 1:
        mean, cov = cnp.reshape(mean, (1,)), cnp.reshape(cov, (1, 1))
    if ndim(cov) == 0:
        cov = cov * np.eye(dim)
    elif ndim(cov) == 1:
        cov = cnp.diag(cov)
    c = concrete(cov)
    if np.abs(c - c.T).max(initial=0.0) > 1e-10 * np.abs(c).max(initial=0.0):
        raise ValueError("multivariate_normal: cov is not symmetric; inside a transformation "
                         "it must be (SciPy reads only its lower triangle). Pass "
                         "(cov + cov.T) / 2 or build it symmetric.")
    return mean, cov, dim


def _quantiles(x, dim):
    (x,) = floats(x)
    if ndim(x) == 0:
        x = cnp.reshape(x, (1,))
    if ndim(x) == 1:
        x = cnp.reshape(x, (-1, 1) if dim == 1 else (1, -1))
    return x


def _rank_deficient(c, allow_singular):
    s = np.linalg.eigvalsh(c)
    eps = 1e6 * np.finfo(np.float64).eps * np.max(np.abs(s))
    return bool(allow_singular) and np.any(s <= eps)


def _singular_terms(c):
    """For a constant singular ``cov``: ``(U, log pdet, rank)`` with ``U U^T`` its
    pseudo-inverse (eigenvalues below SciPy's cutoff dropped)."""
    s, u = np.linalg.eigh(c)
    keep = s > 1e6 * np.finfo(np.float64).eps * np.max(np.abs(s))
    return u[:, keep] / np.sqrt(s[keep]), float(np.sum(np.log(s[keep]))), int(keep.sum())


def _logpdf(x, mean, cov, allow_singular):
    ref = _st.multivariate_normal.logpdf(concrete(x), None if mean is None else concrete(mean),
                                         concrete(cov), allow_singular)  # SciPy's checks
    mean, cov, dim = _parameters(mean, cov)
    dev = _quantiles(x, dim) - mean
    flat = cnp.reshape(dev, (-1, dim))
    if _rank_deficient(concrete(cov), allow_singular):
        if differentiated(cov):
            raise NotImplementedError("multivariate_normal: no derivative with respect to a "
                                      "singular cov (allow_singular=True); pass cov as a "
                                      "constant to differentiate in x and mean")
        u, log_det, rank = _singular_terms(concrete(cov))
        maha = cnp.sum(cnp.matmul(flat, u) ** 2, axis=1)
    else:
        maha = cnp.sum(flat.T * cnp.linalg.solve(cov, flat.T), axis=0)
        log_det, rank = cnp.linalg.slogdet(cov)[1], dim
    out = cnp.reshape(-0.5 * (rank * _LOG_2PI + log_det + maha), np.shape(ref))
    off = np.isneginf(ref)  # off the subspace of a singular cov
    return cnp.where(off, -np.inf, out) if np.any(off) else out


def logpdf(x: Any, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Any:
    """``-(d log(2 pi) + log det cov + r^T cov^-1 r) / 2`` with ``r = x - mean``, for each
    point on the last axis of ``x``."""
    if not traced(x, mean, cov):
        return _st.multivariate_normal.logpdf(x, mean, cov, allow_singular)
    return _logpdf(x, mean, cov, allow_singular)


def pdf(x: Any, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Any:
    """The density, ``exp(logpdf)``."""
    if not traced(x, mean, cov):
        return _st.multivariate_normal.pdf(x, mean, cov, allow_singular)
    return cnp.exp(_logpdf(x, mean, cov, allow_singular))


def entropy(mean: Any = None, cov: Any = 1) -> Any:
    """The differential entropy ``(d (1 + log(2 pi)) + log det cov) / 2`` (mean unused)."""
    if not traced(mean, cov):
        return _st.multivariate_normal.entropy(mean, cov)
    _st.multivariate_normal.entropy(None if mean is None else concrete(mean), concrete(cov))
    _, cov, dim = _parameters(mean, cov)
    return 0.5 * (dim * (1.0 + _LOG_2PI) + cnp.linalg.slogdet(cov)[1])
