"""Regularized incomplete gamma and beta functions, differentiable in x only.

d/dx gammainc(a, x) = x^(a-1) e^(-x) / Gamma(a) = -d/dx gammaincc(a, x), and
d/dx betainc(a, b, x) = x^(a-1) (1-x)^(b-1) / B(a, b). The parameters a and b are held
fixed: differentiating with respect to them raises ``NotImplementedError`` (as autograd).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

from ..core import Sample, Tracer
from ..numpy._base import binary, broadcast_like, defprim, dtype, unbroadcast
from ..numpy._elementwise import exp, log, log1p
from ._common import keep_float, refuse
from ._gamma import betaln, gammaln

_WHY = "its derivative in the parameters is not implemented"


def _fixed(a: Any, x: Any) -> Any:
    """A constant parameter in the precision of ``x`` (an integer ``a`` would promote a
    float32 ``x`` to float64)."""
    if isinstance(a, Tracer):
        return a
    return np.asarray(a, np.result_type(dtype(x), np.float16))


def _gammainc_dx(ans: Any, a: Any, x: Any) -> Any:
    a = _fixed(a, x)
    return exp((a - 1) * log(x) - x - gammaln(a))


def _samples():
    return lambda: [Sample((2, 0.8)),
                    Sample((np.array([1, 2, 5]), np.array([[0.4, 1.3, 2.5], [3.1, 0.7, 4.2]])))]


gammainc = binary(
    "gammainc", keep_float(sc.gammainc), refuse("gammainc", "the parameter a", _WHY),
    _gammainc_dx, rule="incomplete gamma rule",
    statement="P(a, u)' = u^(a-1) e^(-u) / Gamma(a) u'", domain="a > 0, x > 0",
    samples=_samples(), save_ans=False)
gammaincc = binary(
    "gammaincc", keep_float(sc.gammaincc), refuse("gammaincc", "the parameter a", _WHY),
    lambda ans, a, x: -_gammainc_dx(ans, a, x), rule="incomplete gamma rule",
    statement="Q(a, u)' = -u^(a-1) e^(-u) / Gamma(a) u'", domain="a > 0, x > 0",
    samples=_samples(), save_ans=False)


def _betainc_dx(a: Any, b: Any, x: Any) -> Any:
    a, b = _fixed(a, x), _fixed(b, x)
    return exp((a - 1) * log(x) + (b - 1) * log1p(-x) - betaln(a, b))


_no_ab = refuse("betainc", "the parameters a and b", _WHY)
betainc = defprim(
    "betainc", keep_float(sc.betainc),
    jvp=(_no_ab, _no_ab, lambda t, ans, a, b, x: broadcast_like(t * _betainc_dx(a, b, x), ans)),
    vjp=(_no_ab, _no_ab, lambda g, ans, a, b, x: unbroadcast(g * _betainc_dx(a, b, x), x)),
    rule="incomplete beta rule", statement="I_u(a, b)' = u^(a-1) (1-u)^(b-1) / B(a, b) u'",
    domain="a, b > 0, 0 < x < 1",
    samples=lambda: [Sample((2, 3, 0.4)),
                     Sample((np.array([1, 2, 4]), 3,
                             np.array([[0.2, 0.5, 0.7], [0.9, 0.1, 0.3]])))],
    save_ans=False, elementwise=True)
