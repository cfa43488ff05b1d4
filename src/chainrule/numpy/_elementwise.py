"""Elementwise primitives: the table of derivative rules for scalar functions.

Each entry gives the NumPy ufunc, a fast path for Python floats, and the derivative as a
function of ``(ans, x)`` (or partials ``(ans, x, y)``) written in chainrule operations.
The jvp and vjp rules are built from those partials by :func:`unary` and :func:`binary`.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from ..core import Sample, Tracer
from ..core.reverse import is_complex
from ._base import (
    PRIMS,
    SCALARS,
    binary,
    broadcast_like,
    defprim,
    fast_binary,
    fast_unary,
    sample_args,
    unary,
    unbroadcast,
)

# ---------------------------------------------------------------------------------------
# Linear arithmetic: rules given directly (no multiplication by a constant 1).


def _samples_binary(name: str, lo: float = -2.0, hi: float = 2.0):
    return lambda: [
        sample_args(name, (), (), lo=lo, hi=hi),
        sample_args(name, (3,), (3,), lo=lo, hi=hi),
        sample_args(name + "b", (2, 3), (3,), lo=lo, hi=hi),
        sample_args(name + "c", (2, 1), (1, 3), lo=lo, hi=hi),
    ]


def _samples_unary(name: str, lo: float = -2.0, hi: float = 2.0):
    return lambda: [sample_args(name, (), lo=lo, hi=hi),
                    sample_args(name, (2, 3), lo=lo, hi=hi)]


add = defprim(
    "add", fast_binary(np.add, operator.add),
    jvp=(lambda t, ans, x, y: broadcast_like(t, ans),
         lambda t, ans, x, y: broadcast_like(t, ans)),
    vjp=(lambda g, ans, x, y: unbroadcast(g, x),
         lambda g, ans, x, y: unbroadcast(g, y)),
    rule="sum rule", statement="(u + v)' = u' + v'", linear=True,
    samples=_samples_binary("add"), save_args=False, save_ans=False, elementwise=True)

subtract = defprim(
    "subtract", fast_binary(np.subtract, operator.sub),
    jvp=(lambda t, ans, x, y: broadcast_like(t, ans),
         lambda t, ans, x, y: broadcast_like(-t, ans)),
    vjp=(lambda g, ans, x, y: unbroadcast(g, x),
         lambda g, ans, x, y: unbroadcast(-g, y)),
    rule="difference rule", statement="(u - v)' = u' - v'", linear=True,
    samples=_samples_binary("subtract"), save_args=False, save_ans=False,
    elementwise=True)

negative = defprim(
    "negative", fast_unary(np.negative, operator.neg),
    jvp=(lambda t, ans, x: -t,), vjp=(lambda g, ans, x: -g,),
    rule="constant multiple rule", statement="(-u)' = -u'", linear=True,
    samples=_samples_unary("negative"), save_args=False, save_ans=False, elementwise=True)

multiply = binary(
    "multiply", np.multiply, lambda ans, x, y: y, lambda ans, x, y: x, fast=operator.mul,
    rule="product rule", statement="(u v)' = u' v + u v'",
    samples=_samples_binary("multiply"), save_ans=False)


def _safe_div(x, y):
    return x / y


divide = binary(
    "divide", np.divide, lambda ans, x, y: 1 / y, lambda ans, x, y: -ans / y,
    fast=_safe_div, rule="quotient rule", statement="(u / v)' = (u' v - u v') / v^2",
    domain="y != 0", samples=_samples_binary("divide", 0.5, 2.0))


def _pow_dx(ans, x, y):
    if y.__class__ in SCALARS:
        if y == 2:
            return 2 * x
        if y == 1:
            return 1
        if y == 0:
            return 0 * ans  # x**0 = 1 for every x (also 0, inf, nan), so the slope is 0
    zero = equal(y, 0)
    if isinstance(zero, Tracer) or not np.any(zero):  # (a Tracer: a symbolic expression)
        return y * power(x, y - 1)  # not x ** (y - 1): a Python float could turn complex
    return where(zero, 0 * ans, y * power(x, where(zero, 1, y) - 1))


def _pow_dy(ans, x, y):
    # d/dy x**y = x**y log x; taken as 0 where x == 0 (the limit from x > 0 when y > 0).
    zero = equal(x, 0)
    return where(zero, 0 * ans, ans * log(where(zero, 1, x)))


power = binary(
    "power", np.power, _pow_dx, _pow_dy, fast=math.pow,
    rule="power rule", statement="(u^n)' = n u^(n-1) u';  (u^v)' = u^v (v' ln u + v u'/u)",
    domain="x > 0 when the exponent is not an integer or is differentiated",
    samples=_samples_binary("power", 0.5, 2.0))

# ---------------------------------------------------------------------------------------
# Functions whose derivative is zero wherever it exists: they accept tracers and return
# plain arrays. Each says why (``no_rules``); tests/test_registry.py lists them all.

_BOOL = "boolean output"
_STEP = "piecewise constant: the derivative is 0 wherever it exists (jumps elsewhere)"


def _constant(name: str, ufunc, why: str):
    return defprim(name, ufunc, no_rules=why, elementwise=True)


greater = _constant("greater", np.greater, _BOOL)
greater_equal = _constant("greater_equal", np.greater_equal, _BOOL)
less = _constant("less", np.less, _BOOL)
less_equal = _constant("less_equal", np.less_equal, _BOOL)
equal = _constant("equal", np.equal, _BOOL)
not_equal = _constant("not_equal", np.not_equal, _BOOL)
isfinite = _constant("isfinite", np.isfinite, _BOOL)
isnan = _constant("isnan", np.isnan, _BOOL)
isinf = _constant("isinf", np.isinf, _BOOL)
sign = _constant("sign", np.sign, _STEP)
floor = _constant("floor", np.floor, _STEP)
ceil = _constant("ceil", np.ceil, _STEP)
round = _constant("round", np.round, _STEP)
trunc = _constant("trunc", np.trunc, _STEP)
floor_divide = _constant("floor_divide", np.floor_divide, _STEP)

# ---------------------------------------------------------------------------------------
# Remainders: x - q y with the integer quotient q piecewise constant, so d/dx = 1 and
# d/dy = -q, with q read back from the computed remainder (consistent with it at jumps).


def _quotient(ans, x, y):
    return round(divide(x - ans, y))


def _mod_samples(name: str):
    # x / y stays at least 0.1 from an integer, so finite differences do not cross a jump.
    return lambda: [
        Sample((3.7, 1.6)),
        Sample((np.array([2.3, -1.7, 5.2]), np.array([0.9, 1.3, -2.1]))),
        Sample((np.array([[2.3, -1.7, 5.2], [0.4, 3.1, -4.4]]), np.array([0.9, 1.3, -2.1]))),
    ]


remainder = binary(
    "remainder", np.remainder, lambda ans, x, y: 1, lambda ans, x, y: -_quotient(ans, x, y),
    rule="remainder rule", statement="(u mod v)' = u' - floor(u / v) v'",
    domain="y != 0", kinks="jumps where x / y is an integer",
    samples=_mod_samples("remainder"))
fmod = binary(
    "fmod", np.fmod, lambda ans, x, y: 1, lambda ans, x, y: -_quotient(ans, x, y),
    rule="remainder rule", statement="fmod(u, v)' = u' - trunc(u / v) v'",
    domain="y != 0", kinks="jumps where x / y is a nonzero integer",
    samples=_mod_samples("fmod"))


def divmod(x, y):
    """``(floor_divide(x, y), remainder(x, y))``, as ``numpy.divmod``."""
    return floor_divide(x, y), remainder(x, y)


# ---------------------------------------------------------------------------------------
# Selection.


def _where_jvp(which):
    def rule(t, ans, c, x, y):
        z = 0 * t
        return broadcast_like(where(c, t, z) if which == 1 else where(c, z, t), ans)
    return rule


def _where_vjp(which):
    def rule(g, ans, c, x, y):
        z = 0 * g
        return unbroadcast(where(c, g, z) if which == 1 else where(c, z, g),
                           x if which == 1 else y)
    return rule


where = defprim(
    "where", np.where, elementwise=True,
    jvp=(None, _where_jvp(1), _where_jvp(2)), vjp=(None, _where_vjp(1), _where_vjp(2)),
    rule="piecewise rule", statement="each branch is differentiated where it is chosen",
    linear=True,
    samples=lambda: [Sample((np.array([True, False, True]),) +
                            sample_args("where", (3,), (3,)).args),
                     Sample((np.array([[True], [False]]),) +
                            sample_args("whereb", (3,), (2, 1)).args)], save_ans=False)


def _tie_split(first: bool):
    """Rules for maximum/minimum: the chosen argument gets the derivative, ties split it.
    (``greater(wins, other)`` is ``wins & ~other`` for booleans, as a primitive: it works
    on batched values too.)"""
    def jvp(t, ans, x, y):
        wins = equal(ans, x) if first else equal(ans, y)
        other = equal(ans, y) if first else equal(ans, x)
        return broadcast_like(where(greater(wins, other), t, where(wins, 0.5 * t, 0 * t)),
                              ans)

    def vjp(g, ans, x, y):
        wins = equal(ans, x) if first else equal(ans, y)
        other = equal(ans, y) if first else equal(ans, x)
        return unbroadcast(where(greater(wins, other), g, where(wins, 0.5 * g, 0 * g)),
                           x if first else y)
    return jvp, vjp


def _minmax(name: str, ufunc, fast):
    jx, vx = _tie_split(True)
    jy, vy = _tie_split(False)
    return defprim(
        name, ufunc, jvp=(jx, jy), vjp=(vx, vy), elementwise=True,
        rule=f"{name} rule", statement="the larger (smaller) argument passes its derivative;"
        " ties share it equally", kinks="x == y (each side gets half the derivative)",
        samples=_samples_binary(name))


maximum = _minmax("maximum", np.maximum, max)
minimum = _minmax("minimum", np.minimum, min)

# ---------------------------------------------------------------------------------------
# Transcendental functions of one variable.

exp = unary("exp", np.exp, lambda ans, x: ans, fast=math.exp,
            rule="exponential rule", statement="(e^u)' = e^u u'",
            samples=_samples_unary("exp"), save_args=False)
exp2 = unary("exp2", np.exp2, lambda ans, x: ans * log(2.0), fast=lambda x: 2.0 ** x,
             rule="exponential rule", statement="(2^u)' = 2^u ln 2 u'",
             samples=_samples_unary("exp2"), save_args=False)
expm1 = unary("expm1", np.expm1, lambda ans, x: ans + 1, fast=math.expm1,
              rule="exponential rule", statement="(e^u - 1)' = e^u u'",
              samples=_samples_unary("expm1"), save_args=False)
log = unary("log", np.log, lambda ans, x: 1 / x, fast=math.log,
            rule="logarithm rule", statement="(ln u)' = u' / u", domain="x > 0",
            samples=_samples_unary("log", 0.2, 3.0), save_ans=False)
log2 = unary("log2", np.log2, lambda ans, x: 1 / (x * log(2.0)), fast=math.log2,
             rule="logarithm rule", statement="(log2 u)' = u' / (u ln 2)", domain="x > 0",
             samples=_samples_unary("log2", 0.2, 3.0), save_ans=False)
log10 = unary("log10", np.log10, lambda ans, x: 1 / (x * log(10.0)), fast=math.log10,
              rule="logarithm rule", statement="(log10 u)' = u' / (u ln 10)",
              domain="x > 0", samples=_samples_unary("log10", 0.2, 3.0), save_ans=False)
log1p = unary("log1p", np.log1p, lambda ans, x: 1 / (1 + x), fast=math.log1p,
              rule="logarithm rule", statement="(ln(1 + u))' = u' / (1 + u)",
              domain="x > -1", samples=_samples_unary("log1p", -0.5, 2.0), save_ans=False)
sqrt = unary("sqrt", np.sqrt, lambda ans, x: 0.5 / ans, fast=math.sqrt,
             rule="power rule", statement="(sqrt u)' = u' / (2 sqrt u)", domain="x > 0",
             samples=_samples_unary("sqrt", 0.2, 3.0), save_args=False)
cbrt = unary("cbrt", np.cbrt, lambda ans, x: 1 / (3 * ans * ans),
             rule="power rule", statement="(u^(1/3))' = u' / (3 u^(2/3))",
             kinks="x = 0 (infinite slope)", samples=_samples_unary("cbrt", 0.2, 3.0),
             save_args=False)
sin = unary("sin", np.sin, lambda ans, x: cos(x), fast=math.sin,
            rule="trigonometric rule", statement="(sin u)' = cos u u'",
            samples=_samples_unary("sin"), save_ans=False)
cos = unary("cos", np.cos, lambda ans, x: -sin(x), fast=math.cos,
            rule="trigonometric rule", statement="(cos u)' = -sin u u'",
            samples=_samples_unary("cos"), save_ans=False)
tan = unary("tan", np.tan, lambda ans, x: 1 + ans * ans, fast=math.tan,
            rule="trigonometric rule", statement="(tan u)' = (1 + tan^2 u) u' = sec^2 u u'",
            domain="cos x != 0", samples=_samples_unary("tan", -1.2, 1.2), save_args=False)
arcsin = unary("arcsin", np.arcsin, lambda ans, x: 1 / sqrt(1 - x * x), fast=math.asin,
               rule="inverse trigonometric rule", statement="(arcsin u)' = u' / sqrt(1 - u^2)",
               domain="-1 < x < 1", samples=_samples_unary("arcsin", -0.9, 0.9), save_ans=False)
arccos = unary("arccos", np.arccos, lambda ans, x: -1 / sqrt(1 - x * x), fast=math.acos,
               rule="inverse trigonometric rule",
               statement="(arccos u)' = -u' / sqrt(1 - u^2)",
               domain="-1 < x < 1", samples=_samples_unary("arccos", -0.9, 0.9), save_ans=False)
arctan = unary("arctan", np.arctan, lambda ans, x: 1 / (1 + x * x), fast=math.atan,
               rule="inverse trigonometric rule", statement="(arctan u)' = u' / (1 + u^2)",
               samples=_samples_unary("arctan"), save_ans=False)
sinh = unary("sinh", np.sinh, lambda ans, x: cosh(x), fast=math.sinh,
             rule="hyperbolic rule", statement="(sinh u)' = cosh u u'",
             samples=_samples_unary("sinh"), save_ans=False)
cosh = unary("cosh", np.cosh, lambda ans, x: sinh(x), fast=math.cosh,
             rule="hyperbolic rule", statement="(cosh u)' = sinh u u'",
             samples=_samples_unary("cosh"), save_ans=False)
tanh = unary("tanh", np.tanh, lambda ans, x: 1 - ans * ans, fast=math.tanh,
             rule="hyperbolic rule", statement="(tanh u)' = (1 - tanh^2 u) u'",
             samples=_samples_unary("tanh"), save_args=False)
arcsinh = unary("arcsinh", np.arcsinh, lambda ans, x: 1 / sqrt(x * x + 1), fast=math.asinh,
                rule="inverse hyperbolic rule",
                statement="(arsinh u)' = u' / sqrt(u^2 + 1)",
                samples=_samples_unary("arcsinh"), save_ans=False)
arccosh = unary("arccosh", np.arccosh, lambda ans, x: 1 / sqrt(x * x - 1), fast=math.acosh,
                rule="inverse hyperbolic rule",
                statement="(arcosh u)' = u' / sqrt(u^2 - 1)", domain="x > 1",
                samples=_samples_unary("arccosh", 1.2, 3.0), save_ans=False)
arctanh = unary("arctanh", np.arctanh, lambda ans, x: 1 / (1 - x * x), fast=math.atanh,
                rule="inverse hyperbolic rule", statement="(artanh u)' = u' / (1 - u^2)",
                domain="-1 < x < 1", samples=_samples_unary("arctanh", -0.9, 0.9), save_ans=False)
def _unit(ans, z):
    """``conj(z) / |z|`` for complex ``z``, 0 where ``z = 0`` (the kink, as abs'(0) = 0)."""
    zero = equal(ans, 0)
    scale = where(zero, 1.0, ans) if isinstance(zero, Tracer) or np.any(zero) else ans
    return PRIMS["conjugate"](z) / scale


def _abs_jvp(t, ans, x):
    if is_complex(x):  # d|z| = Re(conj(z) dz) / |z|
        return PRIMS["real"](_unit(ans, x) * t)
    return t * sign(x)


def _abs_vjp(g, ans, x):
    if is_complex(x):  # the gradient of |z| is conj(z) / |z| (see _complex.py)
        return g * _unit(ans, x)
    return g * sign(x)


absolute = defprim(
    "absolute", fast_unary(np.absolute, abs), jvp=(_abs_jvp,), vjp=(_abs_vjp,),
    partials=(lambda ans, x: sign(x),), elementwise=True,
    rule="absolute value rule", statement="|u|' = sign(u) u'",
    kinks="x = 0 (derivative taken as 0)",
    samples=lambda: [Sample((-0.7,)),
                     Sample((np.array([[-1.5, 0.7, 1.2], [2.0, -0.4, 0.9]]),))])


def _sigmoid(x):
    if np.iscomplexobj(x):  # the formula itself: the stable form below needs an order
        return 1 / (1 + np.exp(-x))
    e = np.exp(-np.abs(x))
    return np.where(np.greater_equal(x, 0), 1 / (1 + e), e / (1 + e))


def _softplus(x):
    if np.iscomplexobj(x):  # logaddexp is real-only: the formula, principal branch
        return np.log1p(np.exp(x))
    return np.logaddexp(0, x)


def _sigmoid_fast(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus_fast(x):
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


sigmoid = unary("sigmoid", _sigmoid, lambda ans, x: ans * (1 - ans), fast=_sigmoid_fast,
                rule="sigmoid rule", statement="sigma'(u) = sigma(u) (1 - sigma(u)) u'",
                samples=_samples_unary("sigmoid", -4.0, 4.0), save_args=False)
softplus = unary("softplus", _softplus, lambda ans, x: sigmoid(x),
                 fast=_softplus_fast,
                 rule="softplus rule", statement="softplus'(u) = sigma(u) u'",
                 samples=_samples_unary("softplus", -4.0, 4.0), save_ans=False)
relu = unary("relu", lambda x: np.maximum(x, 0), lambda ans, x: greater(x, 0),
             fast=lambda x: 0.0 if x <= 0.0 else x,  # nan stays nan, as in NumPy
             rule="ReLU rule", statement="relu'(u) = [u > 0] u'",
             kinks="x = 0 (derivative taken as 0)",
             samples=lambda: [Sample((np.array([[-1.5, 0.7, 1.2], [2.0, -0.4, 0.9]]),)),
                              Sample((0.8,))], save_ans=False)
arctan2 = binary(
    "arctan2", np.arctan2,
    lambda ans, y, x: x / (x * x + y * y), lambda ans, y, x: -y / (x * x + y * y),
    fast=math.atan2, rule="inverse trigonometric rule",
    statement="d atan2(y, x) = (x dy - y dx) / (x^2 + y^2)", domain="(x, y) != (0, 0)",
    samples=_samples_binary("arctan2", 0.3, 2.0), save_ans=False)
def _hypot_scale(ans):
    """``hypot`` with 1 where it is 0: at the kink (0, 0) the partials are taken as 0, as
    ``abs'(0) = 0`` (``hypot(x, 0) = |x|``)."""
    zero = equal(ans, 0)
    if isinstance(zero, Tracer) or not np.any(zero):
        return ans
    return where(zero, 1.0, ans)


hypot = binary(
    "hypot", np.hypot, lambda ans, x, y: x / _hypot_scale(ans),
    lambda ans, x, y: y / _hypot_scale(ans),
    fast=math.hypot, rule="hypotenuse rule",
    statement="d hypot(x, y) = (x dx + y dy) / hypot(x, y)",
    kinks="(x, y) = (0, 0) (partials taken as 0)",
    samples=_samples_binary("hypot", 0.3, 2.0))
