"""Numerical differentiation with error estimates and statuses."""

from ._derivative import derivative
from ._result import STATUSES, DerivativeResult, NumericalDerivativeWarning

__all__ = ["STATUSES", "DerivativeResult", "NumericalDerivativeWarning", "derivative"]
