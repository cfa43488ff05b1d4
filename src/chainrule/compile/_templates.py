"""How each primitive is written in generated NumPy source.

A template is a format string over the argument expressions (``{0}``, ``{1}``...) and the
primitive's parameters by name (``{axis}``); it must use every parameter, or the primitive
falls back to calling its ``impl``, held in the generated function's namespace. Arguments
and parameters are always names or validated literals (see :mod:`chainrule.compile._emit`),
never text from the user's program.

``SCALAR`` holds the forms used on float64 scalars when a program computes in float64 only:
Python's ``math`` functions and float operators, many times faster than NumPy's ufuncs on
scalars. Where ``math`` raises (``math.log(-1.0)``, an overflow, a division by zero) the
compiled function reruns the NumPy form, so results and warnings are NumPy's.

>>> TEMPLATES["sin"].format("x")
'np.sin(x)'
>>> SCALAR["sin"].format("x")
'math.sin(x)'
"""

from __future__ import annotations

__all__ = ["TEMPLATES", "SCALAR", "UFUNCS", "INPLACE"]

# Elementwise primitives that are the NumPy ufunc of the same name.
UFUNCS = (
    "absolute arccos arccosh arcsin arcsinh arctan arctan2 arctanh cbrt ceil conjugate cos "
    "cosh equal exp exp2 expm1 floor floor_divide fmod greater greater_equal hypot isfinite "
    "isinf isnan less less_equal log log10 log1p log2 logaddexp logaddexp2 maximum minimum "
    "not_equal remainder sign sin sinh sqrt tan tanh trunc"
).split()

_OPERATORS = {"add": "{0} + {1}", "subtract": "{0} - {1}", "multiply": "{0} * {1}",
              "divide": "{0} / {1}", "power": "{0} ** {1}", "negative": "-{0}",
              "matmul": "{0} @ {1}"}

TEMPLATES: dict[str, str] = {
    **{name: f"np.{name}({{0}})" for name in UFUNCS},
    **{name: f"np.{name}({{0}}, {{1}})" for name in
       ("arctan2", "equal", "floor_divide", "fmod", "greater", "greater_equal", "hypot",
        "less", "less_equal", "logaddexp", "logaddexp2", "maximum", "minimum", "not_equal",
        "remainder")},
    **_OPERATORS,
    "where": "np.where({0}, {1}, {2})",
    "sum": "np.sum({0}, axis={axis}, keepdims={keepdims})",
    "max": "np.max({0}, axis={axis}, keepdims={keepdims})",
    "min": "np.min({0}, axis={axis}, keepdims={keepdims})",
    "prod": "np.prod({0}, axis={axis}, keepdims={keepdims})",
    "cumsum": "np.cumsum({0}, axis={axis})",
    "reshape": "np.reshape({0}, {shape})",
    "transpose": "np.transpose({0}, {axes})",
    "broadcast_to": "np.broadcast_to({0}, {shape})",
    "getitem": "{0}[{idx}]",
    "stop_gradient": "{0}",
    "real": "np.real({0})",
    "imag": "np.imag({0})",
}

# The ufunc that computes a template in place (``out=``), for array results.
INPLACE: dict[str, str] = {
    **{name: name for name in UFUNCS},
    "add": "add", "subtract": "subtract", "multiply": "multiply", "divide": "divide",
    "power": "power", "negative": "negative",
}

SCALAR: dict[str, str] = {
    "add": "{0} + {1}", "subtract": "{0} - {1}", "multiply": "{0} * {1}",
    "divide": "{0} / {1}", "negative": "-{0}", "power": "math.pow({0}, {1})",
    "absolute": "abs({0})", "arctan2": "math.atan2({0}, {1})", "hypot": "math.hypot({0}, {1})",
    **{name: f"math.{name}({{0}})" for name in
       ("sin", "cos", "tan", "exp", "log", "sqrt", "sinh", "cosh", "tanh", "log1p", "expm1",
        "log2", "log10")},
    **{name: f"math.a{name[3:]}({{0}})" for name in
       ("arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh")},
}
