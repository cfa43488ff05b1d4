"""Numerical differentiation that reports its error and never hides trouble.

- :func:`derivative` -- orders 1 to 4 of ``f: R -> R`` at a point or elementwise over an
  array of points; central (default), forward, backward or complex-step differences,
  automatic steps and Richardson extrapolation.
- :func:`gradient`, :func:`jacobian`, :func:`hessian`, :func:`hvp` -- functions of
  several variables, by the same machinery along coordinates and directions.
- :func:`error_curve` -- the error of plain forward and central differences against the
  step (the "V curve"), as data for a plot.
- :func:`gradcheck`, :func:`check_grads` -- chainrule's forward and reverse modes against
  numerical derivatives, with a per-entry table of disagreements.

A plain call returns the number (or array). ``full_output=True`` returns a
:class:`DerivativeResult` with the error estimate, the status (:data:`STATUSES`: ``ok``,
``inaccurate``, ``kink``, ``domain_edge``, ``nonfinite``), the step, the number of
evaluations and the one-sided derivatives. A plain call whose status is not ``ok`` emits a
:class:`NumericalDerivativeWarning` naming the point and what happened.

>>> import numpy as np
>>> from chainrule.numeric import derivative
>>> round(derivative(np.exp, 0.0), 12)
1.0
>>> r = derivative(lambda x: np.maximum(x, 0.0), 0.0, full_output=True)
>>> r.status, float(r.left), float(r.right)
('kink', 0.0, 1.0)
"""

from ._curve import ErrorCurve, error_curve
from ._derivative import derivative
from ._gradcheck import GradcheckEntry, GradcheckReport, check_grads, gradcheck
from ._multivariate import gradient, hessian, hvp, jacobian
from ._result import STATUSES, DerivativeResult, NumericalDerivativeWarning

__all__ = ["STATUSES", "DerivativeResult", "ErrorCurve", "GradcheckEntry", "GradcheckReport",
           "NumericalDerivativeWarning", "check_grads", "derivative", "error_curve",
           "gradcheck", "gradient", "hessian", "hvp", "jacobian"]
