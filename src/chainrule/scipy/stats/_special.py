"""Primitives behind the distributions, where a composition would lose accuracy.

``ndtr`` (the standard normal cdf), ``log_ndtr`` (its log, accurate far into the lower
tail where ``log(ndtr(x))`` underflows), ``ndtri`` (its inverse) and ``stdtr`` (Student's
t cdf). Their values are SciPy's; their rules are written with chainrule operations:

    ndtr'(x) = phi(x),  log_ndtr'(x) = exp(log phi(x) - log_ndtr(x)),
    ndtri'(p) = 1 / phi(ndtri(p)),  d/dt stdtr(df, t) = t-density(t; df),

with phi the standard normal density; ``d/ddf stdtr`` goes through the incomplete beta
function, ``T = I_y(df/2, 1/2) / 2`` for t < 0 with ``y = df / (df + t^2)``, and its
parameter derivative (``ibeta_d``, quadrature).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.special as sc

from ...core import Primitive, Sample, Tracer, primal_value
from ...numpy._base import binary, dtype, sample_args, unary
from ...numpy._elementwise import absolute, exp, log, log1p, power, sign, where
from .._common import keep_float
from .._gamma import betaln, digamma, gammaln
from ._ibeta import ibeta_d

__all__ = ["ndtr", "log_ndtr", "ndtri", "stdtr", "t_logpdf_standard", "HALF_LOG_2PI"]

HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
# The rules hold for real arguments (SciPy's functions of real variables).
_REAL = {"real_only": True} if "real_only" in Primitive.__dataclass_fields__ else {}


def _log_phi(x):
    return -0.5 * (x * x) - HALF_LOG_2PI


def _samples(name: str, lo: float, hi: float):
    return lambda: [sample_args(name, (), lo=lo, hi=hi), sample_args(name, (2, 3), lo=lo, hi=hi),
                    Sample((np.array([-30.0, -8.0, 5.0]),))]


ndtr = unary("ndtr", keep_float(sc.ndtr), lambda ans, x: exp(_log_phi(x)),
             rule="normal cdf rule", statement="Phi'(u) = phi(u) u'",
             samples=_samples("ndtr", -3.0, 3.0), save_ans=False, **_REAL)
log_ndtr = unary("log_ndtr", keep_float(sc.log_ndtr),
                 lambda ans, x: exp(_log_phi(x) - ans),
                 rule="normal log-cdf rule", statement="(ln Phi(u))' = phi(u) / Phi(u) u'",
                 samples=_samples("log_ndtr", -3.0, 3.0), **_REAL)
ndtri = unary("ndtri", keep_float(sc.ndtri), lambda ans, p: exp(-_log_phi(ans)),
              rule="inverse function rule", statement="Phi^-1'(u) = u' / phi(Phi^-1(u))",
              domain="0 < p < 1",
              samples=lambda: [sample_args("ndtri", (), lo=0.05, hi=0.95),
                               sample_args("ndtri", (2, 3), lo=0.05, hi=0.95)],
              save_args=False, **_REAL)


def t_logpdf_standard(z, df):
    """Log density of Student's t with ``df`` degrees of freedom at ``z`` (df > 0 finite)."""
    return (gammaln(0.5 * (df + 1)) - gammaln(0.5 * df) - 0.5 * log(df * math.pi)
            - 0.5 * (df + 1) * log1p(z * z / df))


def _fixed(df, t):
    """A constant ``df`` in the precision of ``t`` (an integer would promote float32)."""
    return df if isinstance(df, Tracer) else np.asarray(df, np.result_type(dtype(t), np.float16))


def _dpdf0_ddf(df):
    """d/ddf of the t density at 0: the slope in t of d stdtr / ddf at t = 0."""
    return exp(t_logpdf_standard(0.0, df)) * 0.5 * (
        digamma(0.5 * (df + 1)) - digamma(0.5 * df) - 1 / df)


def _stdtr_ddf(ans, df, t):
    """d/ddf T_df(t): through T = I_y(df/2, 1/2) / 2 (t < 0) or 1 - that (t > 0), with
    y = df / (df + t^2); at t = 0, where it is 0, written so its t-slope is right."""
    zero = np.asarray(primal_value(t) == 0)
    ts = where(zero, 1.0, t) if np.any(zero) else t
    r = df + ts * ts
    a = 0.5 * df
    y = df / r
    term = 0.5 * ibeta_d(a, 0.5, y, da=1, db=0) + exp(
        (a - 1) * log(y) - betaln(a, 0.5)) * absolute(ts) * power(r, -1.5)
    out = -0.5 * sign(ts) * term
    return where(zero, t * _dpdf0_ddf(df), out) if np.any(zero) else out


stdtr = binary(
    "stdtr", keep_float(sc.stdtr),
    _stdtr_ddf, lambda ans, df, t: exp(t_logpdf_standard(t, _fixed(df, t))),
    rule="t cdf rule",
    statement="dT_df(u) = dT/ddf ddf + t_df(u) du  (dT/ddf through I_y(df/2, 1/2))",
    domain="df > 0", save_ans=False, **_REAL,
    samples=lambda: [Sample((3.0, 0.7)),
                     Sample((np.array([1.0, 2.5, 30.0]),
                             np.array([[-2.5, 0.3, 1.1], [0.0, -0.4, 4.0]])))])
