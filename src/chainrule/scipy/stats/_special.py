"""Primitives behind the distributions, where a composition would lose accuracy.

``ndtr`` (the standard normal cdf), ``log_ndtr`` (its log, accurate far into the lower
tail where ``log(ndtr(x))`` underflows), ``ndtri`` (its inverse) and ``stdtr`` (Student's
t cdf). Their values are SciPy's; their rules are written with chainrule operations:

    ndtr'(x) = phi(x),  log_ndtr'(x) = exp(log phi(x) - log_ndtr(x)),
    ndtri'(p) = 1 / phi(ndtri(p)),  d/dt stdtr(df, t) = t-density(t; df),

with phi the standard normal density. The degrees of freedom of ``stdtr`` are held
fixed: differentiating with respect to them raises ``NotImplementedError``.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.special as sc

from ...core import Primitive, Sample, Tracer
from ...numpy._base import binary, dtype, sample_args, unary
from ...numpy._elementwise import exp, log, log1p
from .._common import keep_float, refuse
from .._gamma import gammaln

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


stdtr = binary(
    "stdtr", keep_float(sc.stdtr),
    refuse("stdtr", "the degrees of freedom df", "its derivative in df is not implemented"),
    lambda ans, df, t: exp(t_logpdf_standard(t, _fixed(df, t))),
    rule="t cdf rule", statement="d/du T_df(u) = t_df(u) u'  (the t density)",
    domain="df > 0", save_ans=False, **_REAL,
    samples=lambda: [Sample((3, 0.7)),
                     Sample((np.array([1, 2, 30]),
                             np.array([[-2.5, 0.3, 1.1], [0.0, -0.4, 4.0]])))])
