"""``chainrule.analysis``: tangent lines, Taylor polynomials, implicit derivatives and
critical points, on top of the symbolic layer."""

from ._steps import critical_steps, implicit_steps, tangent_steps, taylor_steps
from .critical import CriticalPoint, CriticalPoints, critical_points
from .local import Tangent, as_zero, implicit_derivative, tangent, taylor

__all__ = [
    "CriticalPoint", "CriticalPoints", "Tangent", "as_zero", "critical_points",
    "implicit_derivative", "tangent", "taylor",
    "critical_steps", "implicit_steps", "tangent_steps", "taylor_steps",
]
