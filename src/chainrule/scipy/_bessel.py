"""Bessel functions: their rules, in chainrule operations.

i0' = i1, i1' = i0 - i1/x, j0' = -j1, j1' = j0 - j1/x, y0' = -y1, y1' = y0 - y1/x,
jn(n, .)' = (jn(n-1, .) - jn(n+1, .)) / 2 (yn alike), and for the exponentially scaled
ive(v, x) = iv(v, x) e^(-|x|): ive' = (ive(v-1, .) + ive(v+1, .)) / 2 - sign(x) ive.
At x = 0, where i1/x and j1/x are 0/0, the limits i1'(0) = j1'(0) = 1/2 are used.
"""

from __future__ import annotations

import numpy as np
import scipy.special as sc

from ..core import Sample, Tracer
from ..numpy._base import binary, sample_args, unary
from ..numpy._elementwise import equal, sign, where
from ._common import keep_float, order_samples, refuse, unary_samples


def _over_x_at_0(a, b, x):
    """``a - b / x``, with 1/2 where ``x == 0`` (the limit for i1 and j1, ``b ~ x/2``)."""
    zero = equal(x, 0)
    if isinstance(zero, Tracer) or not np.any(zero):
        return a - b / x
    return where(zero, 0.5, a - b / where(zero, 1.0, x))


def _samples_with_zero(name: str):
    return lambda: [sample_args(name, (), lo=0.3, hi=3.0),
                    Sample((np.array([[0.7, -1.3, 2.1], [0.0, 3.4, -0.2]]),))]


i1 = unary("i1", keep_float(sc.i1), lambda ans, x: _over_x_at_0(i0(x), ans, x),
           rule="Bessel rule", statement="I1'(u) = (I0(u) - I1(u)/u) u'  (1/2 at u = 0)",
           samples=_samples_with_zero("i1"))
i0 = unary("i0", keep_float(sc.i0), lambda ans, x: i1(x),
           rule="Bessel rule", statement="I0'(u) = I1(u) u'",
           samples=_samples_with_zero("i0"), save_ans=False)
j1 = unary("j1", keep_float(sc.j1), lambda ans, x: _over_x_at_0(j0(x), ans, x),
           rule="Bessel rule", statement="J1'(u) = (J0(u) - J1(u)/u) u'  (1/2 at u = 0)",
           samples=_samples_with_zero("j1"))
j0 = unary("j0", keep_float(sc.j0), lambda ans, x: -j1(x),
           rule="Bessel rule", statement="J0'(u) = -J1(u) u'",
           samples=_samples_with_zero("j0"), save_ans=False)
y1 = unary("y1", keep_float(sc.y1), lambda ans, x: y0(x) - ans / x,
           rule="Bessel rule", statement="Y1'(u) = (Y0(u) - Y1(u)/u) u'", domain="x > 0",
           samples=unary_samples("y1", 0.5, 4.0))
y0 = unary("y0", keep_float(sc.y0), lambda ans, x: -y1(x),
           rule="Bessel rule", statement="Y0'(u) = -Y1(u) u'", domain="x > 0",
           samples=unary_samples("y0", 0.5, 4.0), save_ans=False)

_ORDER = "the order is an integer here"
jn_p = binary(
    "jn", keep_float(sc.jn), refuse("jn", "the order n", _ORDER),
    lambda ans, n, x: 0.5 * (jn_p(n - 1, x) - jn_p(n + 1, x)),
    rule="Bessel rule", statement="Jn'(u) = (J(n-1)(u) - J(n+1)(u)) / 2 u'",
    samples=order_samples("jn", (2, 0, 3), -3.0, 3.0), save_ans=False)
#: SciPy's yn recurs |n| times (and never stops for |n| beyond 2**31 with a large x):
#: larger orders are refused, so a call is bounded (10**7 steps take about 0.1 s).
MAX_YN_ORDER = 10**7


def _yn(n, x):
    """``scipy.special.yn`` for orders ``|n| <= MAX_YN_ORDER`` (NaN passes through)."""
    big = np.abs(np.asarray(n, dtype=float)) > MAX_YN_ORDER
    if np.any(big):
        raise ValueError(f"yn: the order n must satisfy |n| <= {MAX_YN_ORDER} (SciPy's "
                         f"recurrence takes |n| steps); got {np.asarray(n)[big].flat[0]!r}")
    return sc.yn(n, x)


yn_p = binary(
    "yn", keep_float(_yn), refuse("yn", "the order n", _ORDER),
    lambda ans, n, x: 0.5 * (yn_p(n - 1, x) - yn_p(n + 1, x)),
    rule="Bessel rule", statement="Yn'(u) = (Y(n-1)(u) - Y(n+1)(u)) / 2 u'", domain="x > 0",
    samples=order_samples("yn", (2, 0, 3), 0.5, 4.0), save_ans=False)
ive_p = binary(
    "ive", keep_float(sc.ive),
    refuse("ive", "the order v", "its derivative in v is not implemented"),
    lambda ans, v, x: 0.5 * (ive_p(v - 1, x) + ive_p(v + 1, x)) - sign(x) * ans,
    rule="Bessel rule", statement="ive'(v, u) = ((ive(v-1, u) + ive(v+1, u)) / 2 - sign(u) "
    "ive(v, u)) u'", kinks="x = 0 (sign(0) = 0 is used)",
    samples=lambda: [Sample((1, 0.8)),
                     Sample((np.array([0, 1, 2]), np.array([-1.3, 0.6, 2.2])))], real_only=True)
iv_p = binary(
    "iv", keep_float(sc.iv),
    refuse("iv", "the order v", "its derivative in v is not implemented"),
    lambda ans, v, x: 0.5 * (iv_p(v - 1, x) + iv_p(v + 1, x)),
    rule="Bessel rule", statement="Iv'(u) = (I(v-1)(u) + I(v+1)(u)) / 2 u'",
    samples=order_samples("iv", (1, 0, 2), 0.3, 3.0))

