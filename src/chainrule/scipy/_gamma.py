"""Error and gamma functions: their rules, in chainrule operations.

erf' = 2/sqrt(pi) e^(-x^2), erfinv' = sqrt(pi)/2 e^(erfinv(x)^2), gammaln' = digamma,
digamma' = polygamma(1, .), polygamma(n, .)' = polygamma(n + 1, .), gamma' = gamma digamma.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.special as sc

from ..core import Sample
from ..numpy._base import binary, defprim, sample_args, unary
from ..numpy._elementwise import exp
from ._common import binary_samples, keep_float, order_samples, refuse, unary_samples

_C = 2.0 / math.sqrt(math.pi)  # erf'(0)
_H = math.sqrt(math.pi) / 2.0  # erfinv'(0)

erf = unary("erf", keep_float(sc.erf), lambda ans, x: _C * exp(-(x * x)),
            rule="error function rule", statement="erf'(u) = 2/sqrt(pi) e^(-u^2) u'",
            samples=unary_samples("erf", -2.0, 2.0), save_ans=False)
erfc = unary("erfc", keep_float(sc.erfc), lambda ans, x: -_C * exp(-(x * x)),
             rule="error function rule", statement="erfc'(u) = -2/sqrt(pi) e^(-u^2) u'",
             samples=unary_samples("erfc", -2.0, 2.0), save_ans=False)
erfinv = unary("erfinv", keep_float(sc.erfinv), lambda ans, x: _H * exp(ans * ans),
               rule="inverse function rule",
               statement="erfinv'(u) = sqrt(pi)/2 e^(erfinv(u)^2) u'", domain="-1 < x < 1",
               samples=unary_samples("erfinv", -0.9, 0.9), save_args=False)
erfcinv = unary("erfcinv", keep_float(sc.erfcinv), lambda ans, x: -_H * exp(ans * ans),
                rule="inverse function rule",
                statement="erfcinv'(u) = -sqrt(pi)/2 e^(erfcinv(u)^2) u'", domain="0 < x < 2",
                samples=unary_samples("erfcinv", 0.1, 1.9), save_args=False)

polygamma_p = binary(
    "polygamma", keep_float(sc.polygamma),
    refuse("polygamma", "the order n", "n is an integer"),
    lambda ans, n, x: polygamma_p(n + 1, x),
    rule="polygamma rule", statement="psi^(n)'(u) = psi^(n+1)(u) u'",
    domain="n >= 0 an integer; x not 0, -1, -2, ...",
    samples=order_samples("polygamma", (1, 2, 0), 0.5, 3.0), save_ans=False)
digamma = unary("digamma", keep_float(sc.digamma), lambda ans, x: polygamma_p(1, x),
                rule="digamma rule", statement="psi'(u) = psi^(1)(u) u' (trigamma)",
                domain="x not 0, -1, -2, ...", samples=unary_samples("digamma", 0.5, 3.0),
                save_ans=False, real_only=True)
gammaln = unary("gammaln", keep_float(sc.gammaln), lambda ans, x: digamma(x),
                rule="log-gamma rule", statement="(ln|Gamma(u)|)' = psi(u) u'",
                domain="x not 0, -1, -2, ...",
                samples=lambda: [sample_args("gammaln", (), lo=0.5, hi=3.0),
                                 Sample((np.array([[0.7, 2.5, 4.0], [-0.5, -1.5, 9.0]]),))],
                save_ans=False)
gamma = unary("gamma", keep_float(sc.gamma), lambda ans, x: ans * digamma(x),
              rule="gamma rule", statement="Gamma'(u) = Gamma(u) psi(u) u'",
              domain="x not 0, -1, -2, ...",
              samples=lambda: [sample_args("gamma", (), lo=0.5, hi=3.0),
                               Sample((np.array([[0.7, 2.5, 4.0], [-0.5, -1.5, 3.2]]),))],
              real_only=True)

beta = binary(
    "beta", keep_float(sc.beta),
    lambda ans, a, b: ans * (digamma(a) - digamma(a + b)),
    lambda ans, a, b: ans * (digamma(b) - digamma(a + b)),
    rule="beta rule", statement="dB(a, b) = B(a, b) (psi(a) da + psi(b) db - psi(a+b) (da+db))",
    domain="a, b, a + b not 0, -1, -2, ...", samples=binary_samples("beta", 0.5, 3.0))
betaln = binary(
    "betaln", keep_float(sc.betaln),
    lambda ans, a, b: digamma(a) - digamma(a + b),
    lambda ans, a, b: digamma(b) - digamma(a + b),
    rule="log-beta rule",
    statement="d ln|B(a, b)| = psi(a) da + psi(b) db - psi(a + b) (da + db)",
    domain="a, b > 0", samples=binary_samples("betaln", 0.5, 3.0), save_ans=False)


def _multigammaln_d(g, a, d):
    total = digamma(a)
    for j in range(1, d):
        total = total + digamma(a - 0.5 * j)
    return g * total


multigammaln_p = defprim(
    "multigammaln", keep_float(sc.multigammaln),
    jvp=(lambda t, ans, a, *, d: _multigammaln_d(t, a, d),),
    vjp=(lambda g, ans, a, *, d: _multigammaln_d(g, a, d),),
    rule="multivariate log-gamma rule",
    statement="(ln Gamma_d(u))' = sum_{j<d} psi(u - j/2) u'", domain="a > (d - 1) / 2",
    samples=lambda: [Sample(sample_args("multigammaln", (), lo=0.5, hi=3.0).args, {"d": 1}),
                     Sample((np.array([1.4, 2.0, 3.5]),), {"d": 3})],
    save_ans=False, elementwise=True)


rgamma = unary("rgamma", keep_float(sc.rgamma), lambda ans, x: -ans * digamma(x),
               rule="reciprocal gamma rule", statement="(1/Gamma(u))' = -psi(u)/Gamma(u) u'",
               kinks="x = 0, -1, -2, ... (1/Gamma is 0 there and its derivative, the limit "
               "of 0 * inf, is NaN)", samples=unary_samples("rgamma", 0.5, 3.0),
               save_args=True, real_only=True)
gammasgn = defprim("gammasgn", keep_float(sc.gammasgn), elementwise=True,
                   no_rules="piecewise constant: the sign of Gamma changes only at its poles")

