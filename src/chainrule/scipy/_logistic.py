"""Logistic functions and x log y: their rules, in chainrule operations.

expit' = expit (1 - expit), logit' = 1 / (x (1 - x)); xlogy(x, y) = x log y and
xlog1py(x, y) = x log(1 + y) are 0 where x = 0 (whatever y is, as in SciPy).
Derivative convention at x = 0: d/dx is log y (log(1 + y)), the one-sided formula
(-inf at y = 0: xlogy(x, 0) is -inf for x > 0); d/dy is taken as 0 there, the derivative
of the constant 0, so that xlogy(0, 0) has finite gradient in y instead of 0/0.
"""

from __future__ import annotations

import scipy.special as sc

from ..numpy._base import binary, unary
from ..numpy._elementwise import log, log1p
from ._common import binary_samples, keep_float, safe_denominator, unary_samples

expit = unary("expit", keep_float(sc.expit), lambda ans, x: ans * (1 - ans),
              rule="sigmoid rule", statement="expit'(u) = expit(u) (1 - expit(u)) u'",
              samples=unary_samples("expit", -4.0, 4.0), save_args=False)
logit = unary("logit", keep_float(sc.logit), lambda ans, x: 1 / (x * (1 - x)),
              rule="logit rule", statement="logit'(u) = u' / (u (1 - u))", domain="0 < x < 1",
              samples=unary_samples("logit", 0.1, 0.9), save_ans=False)
xlogy = binary(
    "xlogy", keep_float(sc.xlogy), lambda ans, x, y: log(y),
    lambda ans, x, y: x / safe_denominator(x, y),
    rule="product rule", statement="d(u ln v) = ln v du + u/v dv  (0 where u = 0)",
    domain="y > 0 where x != 0", kinks="x = 0: d/dy taken as 0",
    samples=binary_samples("xlogy", 0.3, 3.0), save_ans=False)
xlog1py = binary(
    "xlog1py", keep_float(sc.xlog1py), lambda ans, x, y: log1p(y),
    lambda ans, x, y: x / safe_denominator(x, 1 + y),
    rule="product rule", statement="d(u ln(1 + v)) = ln(1 + v) du + u/(1 + v) dv",
    domain="y > -1 where x != 0", kinks="x = 0: d/dy taken as 0",
    samples=binary_samples("xlog1py", 0.3, 3.0), save_ans=False)
