"""Helpers shared by the distributions: when to call SciPy, float64 inputs, location and
scale, nan for invalid parameters, and refusals of derivatives that are not implemented.

Every public function calls SciPy itself when none of its arguments is traced, so that
its results are SciPy's exactly (values, shapes, dtypes, warnings). Inside a
transformation it is a composition of chainrule operations (differentiable to any order)
that follows SciPy's conventions: nan where a parameter is invalid, ``-inf``/0/1 outside
the support.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import numpy as cnp
from ...core import ForwardTrace, ReverseTrace, TaylorTrace, Tracer

__all__ = ["traced", "floats", "standardize", "positive", "nan_where", "outside", "mask",
           "safe_log", "log_probability", "differentiated", "refuse_traced", "concrete"]

_AD_TRACES = (ForwardTrace, ReverseTrace, TaylorTrace)


def traced(*args: Any) -> bool:
    """True if any argument (or an element of a list/tuple argument) is a tracer."""
    for a in args:
        if isinstance(a, Tracer):
            return True
        if isinstance(a, (list, tuple)) and traced(*a):
            return True
    return False


def floats(*args: Any) -> tuple:
    """The arguments as float64 arrays or float64 tracers (SciPy computes in float64)."""
    out = []
    for a in args:
        if isinstance(a, (list, tuple)) and traced(*a):
            a = cnp.asarray(a)
        if np.iscomplexobj(concrete(a)):
            raise TypeError("chainrule.scipy.stats differentiates real arguments only; this "
                            "one is complex (SciPy's distributions are real)")
        if isinstance(a, Tracer):
            out.append(cnp.astype(a, np.float64))
        else:
            out.append(np.asarray(a, np.float64))
    return tuple(out)


def concrete(x: Any) -> np.ndarray:
    """The value under every level of tracing, as a NumPy array (lists holding tracers
    too)."""
    if isinstance(x, (list, tuple)) and traced(*x):
        return np.asarray([concrete(v) for v in x])
    while isinstance(x, Tracer):
        x = x.value
    return np.asarray(x)


def standardize(x: Any, loc: Any, scale: Any) -> tuple:
    """``(z, scale_safe, bad)``: ``z = (x - loc) / scale`` with 1 in place of a scale that
    is not positive, and the mask ``bad`` of those places (SciPy's result is nan there)."""
    bad = ~(concrete(scale) > 0)
    s = cnp.where(bad, 1.0, scale) if np.any(bad) else scale
    return (x - loc) / s, s, bad


def positive(param: Any, bad: np.ndarray, strict: bool = True) -> tuple:
    """``(param_safe, bad)``: 1 in place of a parameter that is not > 0 (>= 0 when not
    ``strict``), and ``bad`` extended by those places."""
    value = concrete(param)
    wrong = ~(value > 0) if strict else ~(value >= 0)
    if not np.any(wrong):
        return param, bad
    return cnp.where(wrong, 1.0, param), bad | wrong


def nan_where(bad: np.ndarray, val: Any) -> Any:
    """``val`` with nan where ``bad`` (also nan derivatives there: the function is nan)."""
    if not np.any(bad):
        return val
    return val * np.where(bad, np.nan, 1.0)


def outside(inside: np.ndarray, z: Any, safe: float) -> Any:
    """``z`` with ``safe`` (a point inside the support) where ``inside`` is False, so that
    the formulas are evaluated only where they hold (no warnings, finite derivatives)."""
    if np.all(inside):
        return z
    return cnp.where(inside, z, safe)


def mask(cond: Any) -> np.ndarray:
    """A concrete boolean mask from a comparison of (possibly traced) values."""
    return np.asarray(concrete(cond), bool)


def safe_log(p: Any) -> Any:
    """``log(p)`` with ``-inf`` where ``p == 0``, without NumPy's divide warning."""
    zero = concrete(p) <= 0
    if not np.any(zero):
        return cnp.log(p)
    return cnp.where(zero, -np.inf, cnp.log(cnp.where(zero, 1.0, p)))


def log_probability(p: Any, q: Any) -> Any:
    """``log p`` for a probability ``p`` whose complement ``q = 1 - p`` is known: computed
    as ``log1p(-q)`` where ``p > 1/2`` (accurate when ``q`` is tiny), else ``log p``."""
    big = concrete(p) > 0.5
    if not np.any(big):
        return safe_log(p)
    return cnp.where(big, cnp.log1p(-cnp.where(big, q, 0.0)), safe_log(cnp.where(big, 0.5, p)))


def differentiated(x: Any) -> bool:
    """True if ``x`` is traced by a differentiation (forward, reverse or Taylor mode)."""
    while isinstance(x, Tracer):
        if isinstance(x._trace, _AD_TRACES):
            return True
        x = x.value
    return False


def refuse_traced(function: str, arg: str, value: Any, why: str) -> None:
    """Raise ``NotImplementedError`` if ``value`` is being differentiated."""
    if differentiated(value):
        raise NotImplementedError(
            f"{function}: no derivative with respect to {arg} ({why}). Pass {arg} as a "
            "constant (outside the differentiated function's arguments).")
