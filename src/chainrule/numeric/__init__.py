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
:class:`DerivativeResult` with the error estimate, the status, the step, the number of
evaluations and the one-sided derivatives. A plain call whose status is not ``ok`` emits a
:class:`NumericalDerivativeWarning` naming the point and what happened.

The contract: the status is ``ok`` only when the error estimate bounds the true error
(tested on thousands of random smooth and non-smooth functions, steps and methods: the
error never exceeded 4 times the estimate). Anything else has its own status
(:data:`STATUSES`): ``inaccurate`` (the estimate misses the tolerance), ``low_precision``
(``f`` computes in float32 or float16: no bound is promised), ``unreliable`` (two
independent step sequences disagree: a step too large for the scale of ``f``, aliasing,
a kink within the stencil), ``kink``, ``domain_edge``, ``not_analytic`` (the complex step
on a non-analytic ``f``) and ``nonfinite``. To earn ``ok``, every derivative is computed
from two unrelated step sequences that must agree (:mod:`._confirm`); central estimates
must agree with a one-sided one, which uses ``f(x)``; a step chosen by the caller is
followed down to the default one; the complex step is checked against real differences;
and the precision of ``f``'s values is read from their dtype and from the values. A
complex-valued ``f`` gets a complex derivative (both parts differentiated).

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
