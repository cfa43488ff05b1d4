"""The normal distribution, ``scipy.stats.norm``'s functions, differentiable.

Differentiable in ``x``, ``loc`` and ``scale`` (and ``q`` of ``ppf`` and ``isf``), in both modes, to
any order. ``logcdf`` and ``logsf`` use SciPy's ``log_ndtr``, accurate far into the
tails (``norm.logcdf(-40.0)`` is -804.6, and its derivative about 40).

>>> from chainrule.scipy.stats import norm
>>> from chainrule import grad
>>> float(norm.logpdf(0.0))  # -log(2 pi) / 2
-0.9189385332046727
>>> round(float(grad(norm.logcdf)(-40.0)), 3)
40.025
"""

from __future__ import annotations

from typing import Any

import scipy.stats as _st

from ... import numpy as cnp
from ._common import floats, nan_where, standardize, traced
from ._special import HALF_LOG_2PI, log_ndtr, ndtr, ndtri

__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf"]


def logpdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``-((x - loc) / scale)^2 / 2 - log(scale) - log(2 pi) / 2``; nan where scale <= 0."""
    if not traced(x, loc, scale):
        return _st.norm.logpdf(x, loc, scale)
    z, s, bad = standardize(*floats(x, loc, scale))
    return nan_where(bad, -0.5 * (z * z) - cnp.log(s) - HALF_LOG_2PI)


def pdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The density, ``exp(logpdf)``."""
    if not traced(x, loc, scale):
        return _st.norm.pdf(x, loc, scale)
    return cnp.exp(logpdf(x, loc, scale))


def _standard(fn, x, loc, scale, sign=1.0):
    z, _, bad = standardize(*floats(x, loc, scale))
    return nan_where(bad, fn(sign * z))


def cdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``Phi((x - loc) / scale)``, the probability of a value <= x."""
    if not traced(x, loc, scale):
        return _st.norm.cdf(x, loc, scale)
    return _standard(ndtr, x, loc, scale)


def logcdf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log Phi((x - loc) / scale)``, accurate in the lower tail (SciPy's ``log_ndtr``)."""
    if not traced(x, loc, scale):
        return _st.norm.logcdf(x, loc, scale)
    return _standard(log_ndtr, x, loc, scale)


def sf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The survival function ``1 - cdf``, computed as ``Phi(-(x - loc) / scale)``."""
    if not traced(x, loc, scale):
        return _st.norm.sf(x, loc, scale)
    return _standard(ndtr, x, loc, scale, -1.0)


def logsf(x: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """``log sf``, accurate in the upper tail."""
    if not traced(x, loc, scale):
        return _st.norm.logsf(x, loc, scale)
    return _standard(log_ndtr, x, loc, scale, -1.0)


def ppf(q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The quantile function, ``loc + scale * Phi^-1(q)``; nan outside 0 <= q <= 1 and
    where scale <= 0, as SciPy."""
    if not traced(q, loc, scale):
        return _st.norm.ppf(q, loc, scale)
    q, loc, scale = floats(q, loc, scale)
    _, s, bad = standardize(0.0, loc, scale)
    return nan_where(bad, loc + s * ndtri(q))


def isf(q: Any, loc: Any = 0.0, scale: Any = 1.0) -> Any:
    """The inverse survival function, ``loc - scale * Phi^-1(q)`` (``ppf(1 - q)``)."""
    if not traced(q, loc, scale):
        return _st.norm.isf(q, loc, scale)
    q, loc, scale = floats(q, loc, scale)
    _, s, bad = standardize(0.0, loc, scale)
    return nan_where(bad, loc - s * ndtri(q))
