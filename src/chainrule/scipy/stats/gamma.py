"""The gamma distribution, ``scipy.stats.gamma``'s functions, differentiable.

All functions are differentiable in ``x``, ``a``, ``loc`` and ``scale``, in both modes. The
cdfs' derivatives in the shape ``a`` are integrals computed by quadrature (see
``_igamma``), to order 12 in ``a`` (beyond, ``NotImplementedError``).
Outside the support (x < loc) the density is 0 and its log ``-inf``, as in SciPy.

>>> from chainrule.scipy.stats import gamma
>>> from chainrule import grad
>>> round(float(gamma.logpdf(2.0, 3.0)), 6)
-1.306853
>>> round(float(grad(gamma.logpdf, argnums=1)(2.0, 3.0)), 6)  # log 2 - digamma(3)
-0.229637
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.stats as _st

from ... import numpy as cnp
from ..special import gammaln, xlogy
from ._common import (
    floats,
    log_probability,
    mask,
    nan_where,
    outside,
    positive,
    standardize,
    traced,
)
from ._igamma import igamma, igammac

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def _prepare(x, a, loc, scale):
    x, a, loc, scale = floats(x, a, loc, scale)
    z, s, bad = standardize(x, loc, scale)
    a, bad = positive(a, bad)
    inside = mask(z >= 0)
    return outside(inside, z, 1.0), a, s, bad, inside


def gamma_logpdf(x, a, loc, scale):
    """The traced log density (also chi2's, with ``a = df / 2`` and twice the scale)."""
    z, a, s, bad, inside = _prepare(x, a, loc, scale)
    val = xlogy(a - 1, z) - z - gammaln(a) - cnp.log(s)
    if not np.all(inside):
        val = cnp.where(inside, val, -np.inf)
    return nan_where(bad, val)


def gamma_cdf(x, a, loc, scale, lower=True):
    """The traced cdf (``lower``) or survival function."""
    z, a, _, bad, inside = _prepare(x, a, loc, scale)
    val = igamma(a, z) if lower else igammac(a, z)
    if not np.all(inside):
        val = cnp.where(inside, val, 0.0 if lower else 1.0)
    return nan_where(bad, val)


def logpdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``(a - 1) log z - z - log Gamma(a) - log(scale)`` at ``z = (x - loc) / scale``;
    nan where a <= 0 or scale <= 0."""
    if not traced(x, a, loc, scale):
        return _st.gamma.logpdf(x, a, loc, scale)
    return gamma_logpdf(x, a, loc, scale)


def pdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The density, ``exp(logpdf)``."""
    if not traced(x, a, loc, scale):
        return _st.gamma.pdf(x, a, loc, scale)
    return cnp.exp(gamma_logpdf(x, a, loc, scale))


def cdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The regularized lower incomplete gamma function ``P(a, z)``."""
    if not traced(x, a, loc, scale):
        return _st.gamma.cdf(x, a, loc, scale)
    return gamma_cdf(x, a, loc, scale)


def logcdf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log cdf``."""
    if not traced(x, a, loc, scale):
        return _st.gamma.logcdf(x, a, loc, scale)
    return log_probability(gamma_cdf(x, a, loc, scale),
                           gamma_cdf(x, a, loc, scale, lower=False))


def sf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The survival function ``Q(a, z) = 1 - P(a, z)``."""
    if not traced(x, a, loc, scale):
        return _st.gamma.sf(x, a, loc, scale)
    return gamma_cdf(x, a, loc, scale, lower=False)


def logsf(x: Any, a: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log sf``."""
    if not traced(x, a, loc, scale):
        return _st.gamma.logsf(x, a, loc, scale)
    return log_probability(gamma_cdf(x, a, loc, scale, lower=False),
                           gamma_cdf(x, a, loc, scale))
