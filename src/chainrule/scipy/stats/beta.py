"""The beta distribution, ``scipy.stats.beta``'s functions, differentiable.

All functions are differentiable in ``x``, ``a``, ``b``, ``loc`` and ``scale``, in both
modes. The cdfs' derivatives in ``a`` and ``b`` are integrals computed by quadrature (see
``_ibeta``), to order 12 in them (beyond, ``NotImplementedError``).
Outside the support ``[loc, loc + scale]`` the density is 0 and its log ``-inf``.

>>> from chainrule.scipy.stats import beta
>>> from chainrule import grad
>>> round(float(beta.pdf(0.5, 2.0, 2.0)), 6)
1.5
>>> round(float(grad(beta.cdf)(0.5, 2.0, 2.0)), 6)  # the density
1.5
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.stats as _st

from ... import numpy as cnp
from ..special import betaln, xlog1py, xlogy
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
from ._ibeta import ibeta

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def _prepare(x, a, b, loc, scale):
    x, a, b, loc, scale = floats(x, a, b, loc, scale)
    z, s, bad = standardize(x, loc, scale)
    a, bad = positive(a, bad)
    b, bad = positive(b, bad)
    below, above = mask(z < 0), mask(z > 1)
    return outside(~(below | above), z, 0.5), a, b, s, bad, below, above


def _logpdf(x, a, b, loc, scale):
    z, a, b, s, bad, below, above = _prepare(x, a, b, loc, scale)
    val = xlogy(a - 1, z) + xlog1py(b - 1, -z) - betaln(a, b) - cnp.log(s)
    if np.any(below | above):
        val = cnp.where(below | above, -np.inf, val)
    return nan_where(bad, val)


def _cdf(x, a, b, loc, scale, lower=True):
    z, a, b, _, bad, below, above = _prepare(x, a, b, loc, scale)
    val = ibeta(a, b, z) if lower else ibeta(b, a, 1 - z)
    if np.any(below | above):
        lo, hi = (0.0, 1.0) if lower else (1.0, 0.0)
        val = cnp.where(below, lo, cnp.where(above, hi, val))
    return nan_where(bad, val)


def logpdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``(a-1) log z + (b-1) log(1-z) - log B(a, b) - log(scale)`` at ``z = (x-loc)/scale``;
    nan where a <= 0, b <= 0 or scale <= 0."""
    if not traced(x, a, b, loc, scale):
        return _st.beta.logpdf(x, a, b, loc, scale)
    return _logpdf(x, a, b, loc, scale)


def pdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The density, ``exp(logpdf)``."""
    if not traced(x, a, b, loc, scale):
        return _st.beta.pdf(x, a, b, loc, scale)
    return cnp.exp(_logpdf(x, a, b, loc, scale))


def cdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The regularized incomplete beta function ``I_z(a, b)``."""
    if not traced(x, a, b, loc, scale):
        return _st.beta.cdf(x, a, b, loc, scale)
    return _cdf(x, a, b, loc, scale)


def logcdf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log cdf``."""
    if not traced(x, a, b, loc, scale):
        return _st.beta.logcdf(x, a, b, loc, scale)
    return log_probability(_cdf(x, a, b, loc, scale),
                           _cdf(x, a, b, loc, scale, lower=False))


def sf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The survival function ``I_(1-z)(b, a) = 1 - cdf``."""
    if not traced(x, a, b, loc, scale):
        return _st.beta.sf(x, a, b, loc, scale)
    return _cdf(x, a, b, loc, scale, lower=False)


def logsf(x: Any, a: Any, b: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log sf``."""
    if not traced(x, a, b, loc, scale):
        return _st.beta.logsf(x, a, b, loc, scale)
    return log_probability(_cdf(x, a, b, loc, scale, lower=False),
                           _cdf(x, a, b, loc, scale))
