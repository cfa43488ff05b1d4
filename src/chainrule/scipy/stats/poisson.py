"""The Poisson distribution, ``scipy.stats.poisson``'s functions, differentiable in ``mu``.

``k`` and ``loc`` are counts: they are held fixed (differentiating with respect to them
raises ``NotImplementedError``; the pmf is defined on integers only). ``logpmf``,
``pmf``, ``cdf``, ``logcdf``, ``sf`` and ``logsf`` are differentiable in ``mu`` in both
modes, to any order: ``d/dmu cdf(k, mu) = -pmf(floor(k), mu)``.

>>> from chainrule.scipy.stats import poisson
>>> from chainrule import grad
>>> round(float(poisson.pmf(2, 1.5)), 6)
0.251021
>>> round(float(grad(poisson.logpmf, argnums=1)(2, 1.5)), 6)  # k / mu - 1
0.333333
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.stats as _st

from ... import numpy as cnp
from ..special import gammainc, gammaincc, gammaln, xlogy
from ._common import concrete, floats, nan_where, positive, refuse_traced, safe_log, traced

__all__ = ["logpmf", "pmf", "cdf", "logcdf", "sf", "logsf"]

_WHY = "k is a count, the distribution is defined on integers only"


def _counts(name, k, mu, loc):
    """``k - loc`` (concrete, float64) and ``mu`` as float64 with its invalid mask."""
    refuse_traced(f"poisson.{name}", "k", k, _WHY)
    refuse_traced(f"poisson.{name}", "loc", loc, _WHY)
    kk = np.asarray(concrete(k), np.float64) - np.asarray(concrete(loc), np.float64)
    (mu,) = floats(mu)
    bad = np.zeros(np.shape(kk), bool)
    mu, bad = positive(mu, bad, strict=False)
    return kk, mu, bad


def _logpmf(k, mu, loc):
    kk, mu, bad = _counts("logpmf", k, mu, loc)
    inside = (kk >= 0) & (np.floor(kk) == kk)
    ks = np.where(inside, kk, 0.0)
    val = xlogy(ks, mu) - gammaln(ks + 1) - mu
    if not np.all(inside):
        val = cnp.where(inside, val, -np.inf)
    return nan_where(bad, val)


def _cdf(name, k, mu, loc, lower=True):
    kk, mu, bad = _counts(name, k, mu, loc)
    inside = kk >= 0
    a = np.where(inside, np.floor(kk), 0.0) + 1  # P(K <= k) = Q(floor(k) + 1, mu)
    val = gammaincc(a, mu) if lower else gammainc(a, mu)
    if not np.all(inside):
        val = cnp.where(inside, val, 0.0 if lower else 1.0)
    return nan_where(bad, val)


def logpmf(k: Any, mu: Any, loc: Any = 0) -> Any:
    """``k log(mu) - log(k!) - mu`` at integers ``k - loc >= 0``, ``-inf`` elsewhere; nan
    where mu < 0."""
    if not traced(k, mu, loc):
        return _st.poisson.logpmf(k, mu, loc)
    return _logpmf(k, mu, loc)


def pmf(k: Any, mu: Any, loc: Any = 0) -> Any:
    """The probability of ``k``, ``exp(logpmf)``."""
    if not traced(k, mu, loc):
        return _st.poisson.pmf(k, mu, loc)
    return cnp.exp(_logpmf(k, mu, loc))


def cdf(k: Any, mu: Any, loc: Any = 0) -> Any:
    """The probability of a count <= k, ``Q(floor(k - loc) + 1, mu)``."""
    if not traced(k, mu, loc):
        return _st.poisson.cdf(k, mu, loc)
    return _cdf("cdf", k, mu, loc)


def logcdf(k: Any, mu: Any, loc: Any = 0) -> Any:
    """``log cdf``."""
    if not traced(k, mu, loc):
        return _st.poisson.logcdf(k, mu, loc)
    return safe_log(_cdf("logcdf", k, mu, loc))


def sf(k: Any, mu: Any, loc: Any = 0) -> Any:
    """The survival function ``1 - cdf``, ``P(floor(k - loc) + 1, mu)``."""
    if not traced(k, mu, loc):
        return _st.poisson.sf(k, mu, loc)
    return _cdf("sf", k, mu, loc, lower=False)


def logsf(k: Any, mu: Any, loc: Any = 0) -> Any:
    """``log sf``."""
    if not traced(k, mu, loc):
        return _st.poisson.logsf(k, mu, loc)
    return safe_log(_cdf("logsf", k, mu, loc, lower=False))
