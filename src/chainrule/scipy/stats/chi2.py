"""The chi-squared distribution, ``scipy.stats.chi2``'s functions, differentiable.

chi2(df) is gamma(a = df / 2, scale = 2): all functions are differentiable in ``x``,
``df``, ``loc`` and ``scale``, in both modes (the cdfs to order 12 in ``df``, by
quadrature; beyond, ``NotImplementedError``).

>>> from chainrule.scipy.stats import chi2
>>> from chainrule import grad
>>> round(float(chi2.cdf(2.0, 2.0)), 6)  # 1 - e^-1
0.632121
>>> round(float(grad(chi2.cdf)(2.0, 2.0)), 6)  # the density e^-1 / 2
0.18394
"""

from __future__ import annotations

from typing import Any

import scipy.stats as _st

from ... import numpy as cnp
from ._common import floats, log_probability, traced
from .gamma import gamma_cdf, gamma_logpdf

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def _as_gamma(df, scale):
    df, scale = floats(df, scale)
    return 0.5 * df, 2.0 * scale


def logpdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``(df/2 - 1) log z - z/2 - log Gamma(df/2) - (df/2) log 2 - log(scale)``; nan where
    df <= 0 or scale <= 0."""
    if not traced(x, df, loc, scale):
        return _st.chi2.logpdf(x, df, loc, scale)
    a, s = _as_gamma(df, scale)
    return gamma_logpdf(x, a, loc, s)


def pdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The density, ``exp(logpdf)``."""
    if not traced(x, df, loc, scale):
        return _st.chi2.pdf(x, df, loc, scale)
    return cnp.exp(logpdf(x, df, loc, scale))


def _cdf(x, df, loc, scale, lower=True):
    a, s = _as_gamma(df, scale)
    return gamma_cdf(x, a, loc, s, lower)


def cdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``P(df/2, z/2)``, the regularized lower incomplete gamma function."""
    if not traced(x, df, loc, scale):
        return _st.chi2.cdf(x, df, loc, scale)
    return _cdf(x, df, loc, scale)


def logcdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log cdf``."""
    if not traced(x, df, loc, scale):
        return _st.chi2.logcdf(x, df, loc, scale)
    return log_probability(_cdf(x, df, loc, scale),
                           _cdf(x, df, loc, scale, lower=False))


def sf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The survival function ``1 - cdf``."""
    if not traced(x, df, loc, scale):
        return _st.chi2.sf(x, df, loc, scale)
    return _cdf(x, df, loc, scale, lower=False)


def logsf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log sf``."""
    if not traced(x, df, loc, scale):
        return _st.chi2.logsf(x, df, loc, scale)
    return log_probability(_cdf(x, df, loc, scale, lower=False),
                           _cdf(x, df, loc, scale))
