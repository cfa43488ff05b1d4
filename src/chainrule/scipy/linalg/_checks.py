"""Argument checks shared by the ``chainrule.scipy.linalg`` functions."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...core import Tracer
from ...numpy import _arrays as A
from ...numpy._base import dtype, ndim, shape

__all__ = ["real_matrix", "real_array", "traced", "require_2d"]


def traced(*xs: Any) -> bool:
    """True if any argument is a tracer (some transformation is watching it)."""
    return any(isinstance(x, Tracer) for x in xs)


def real_array(x: Any, name: str, arg: str) -> Any:
    """``x`` as a real floating-point array (integers become float64, as in SciPy);
    complex input raises ``TypeError``."""
    x = A.asarray(x)
    dt = dtype(x)
    if dt.kind == "c":
        raise TypeError(f"{name}: {arg} is complex ({dt}); chainrule.scipy supports real "
                        "input here. Call SciPy directly for complex input.")
    if dt.kind != "f":
        if isinstance(x, Tracer):
            raise TypeError(f"{name}: expected a floating-point {arg}, got {dt}")
        x = np.asarray(x, np.float64)
    return x


def real_matrix(x: Any, name: str, arg: str = "a") -> Any:
    """A real square matrix, or a stack of them (the last two axes)."""
    x = real_array(x, name, arg)
    if ndim(x) < 2 or shape(x)[-1] != shape(x)[-2]:
        raise ValueError(f"{name}: {arg} must be a square matrix (or a stack of them in "
                         f"the last two axes), got shape {shape(x)}")
    return x


def require_2d(name: str, a: Any, b: Any) -> None:
    """Traced solves take one matrix ``a`` with a vector or matrix ``b``, or a stack of
    matrices ``a`` with a stack of matrices ``b`` of the same batch shape (SciPy's other
    broadcasts are left to SciPy, untraced)."""
    sa, sb = shape(a), shape(b)
    if len(sa) == 2 and len(sb) in (1, 2):
        return
    if len(sa) > 2 and len(sb) == len(sa) and sa[:-2] == sb[:-2]:
        return
    raise NotImplementedError(
        f"{name}: derivatives need a 2-D a with a 1-D or 2-D b, or stacks of matrices "
        f"of the same batch shape, got shapes {sa} and {sb}; loop over the matrices "
        "instead")
