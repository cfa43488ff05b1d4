"""Student's t distribution, ``scipy.stats.t``'s functions, differentiable.

All functions are differentiable in ``x``, ``df``, ``loc`` and ``scale``, in both modes
(the cdfs' derivative in ``df`` goes through the incomplete beta function's parameter
derivative, by quadrature: to order 12 in ``df``, beyond, ``NotImplementedError``).
``df = inf`` is the normal distribution, as in SciPy.

>>> from chainrule.scipy.stats import t
>>> from chainrule import grad
>>> round(float(t.cdf(1.0, 3.0)), 6)
0.804499
>>> round(float(grad(t.cdf)(1.0, 3.0)), 6)  # the density at 1
0.206748
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.stats as _st

from ... import numpy as cnp
from ._common import (
    floats,
    log_probability,
    mask,
    nan_where,
    positive,
    standardize,
    traced,
)
from ._special import HALF_LOG_2PI, ndtr, stdtr, t_logpdf_standard

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]


def _prepare(x, df, loc, scale):
    x, df, loc, scale = floats(x, df, loc, scale)
    z, s, bad = standardize(x, loc, scale)
    df, bad = positive(df, bad)
    return z, df, s, bad


def logpdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log t_df((x - loc) / scale) - log(scale)``; nan where df <= 0 or scale <= 0."""
    if not traced(x, df, loc, scale):
        return _st.t.logpdf(x, df, loc, scale)
    z, df, s, bad = _prepare(x, df, loc, scale)
    infinite = mask(cnp.isinf(df))
    if np.any(infinite):  # df = inf: the normal distribution
        finite_df = cnp.where(infinite, 1.0, df)
        val = cnp.where(infinite, -0.5 * (z * z) - HALF_LOG_2PI,
                        t_logpdf_standard(z, finite_df))
    else:
        val = t_logpdf_standard(z, df)
    return nan_where(bad, val - cnp.log(s))


def pdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The density, ``exp(logpdf)``."""
    if not traced(x, df, loc, scale):
        return _st.t.pdf(x, df, loc, scale)
    return cnp.exp(logpdf(x, df, loc, scale))


def _cdf(x, df, loc, scale, sign=1.0):
    z, df, _, bad = _prepare(x, df, loc, scale)
    infinite = mask(cnp.isinf(df))
    if np.any(infinite):
        val = cnp.where(infinite, ndtr(sign * z), stdtr(cnp.where(infinite, 1.0, df), sign * z))
    else:
        val = stdtr(df, sign * z)
    return nan_where(bad, val)


def cdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The probability of a value <= x (SciPy's ``stdtr``)."""
    if not traced(x, df, loc, scale):
        return _st.t.cdf(x, df, loc, scale)
    return _cdf(x, df, loc, scale)


def logcdf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log cdf`` (``-inf`` where the cdf underflows to 0, as SciPy; ``log1p(-sf)`` where
    the cdf is near 1)."""
    if not traced(x, df, loc, scale):
        return _st.t.logcdf(x, df, loc, scale)
    return log_probability(_cdf(x, df, loc, scale),
                           _cdf(x, df, loc, scale, -1.0))


def sf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The survival function ``1 - cdf``, computed by symmetry as ``cdf(-z)``."""
    if not traced(x, df, loc, scale):
        return _st.t.sf(x, df, loc, scale)
    return _cdf(x, df, loc, scale, -1.0)


def logsf(x: Any, df: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log sf``."""
    if not traced(x, df, loc, scale):
        return _st.t.logsf(x, df, loc, scale)
    return log_probability(_cdf(x, df, loc, scale, -1.0),
                           _cdf(x, df, loc, scale))
