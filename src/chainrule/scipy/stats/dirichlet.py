"""The Dirichlet distribution, ``scipy.stats.dirichlet``'s density, differentiable.

``logpdf(x, alpha)`` and ``pdf(x, alpha)`` follow SciPy's layout: ``alpha`` has shape
``(K,)``; the first axis of ``x`` holds the components (``K`` of them, or ``K - 1``, the
last being one minus their sum), further axes are points. They are differentiable in
``x`` (the partial derivatives of the density's formula, the simplex constraint not
projected out, as autograd) and in ``alpha``, in both modes, to any order. Invalid
inputs raise SciPy's ``ValueError``, traced or not.

>>> import numpy as np
>>> from chainrule.scipy.stats import dirichlet
>>> from chainrule import grad
>>> x, alpha = np.array([0.2, 0.3, 0.5]), np.array([1.0, 2.0, 3.0])
>>> round(float(dirichlet.logpdf(x, alpha)), 6)
1.504077
>>> grad(dirichlet.logpdf)(x, alpha).round(6).tolist()  # (alpha - 1) / x
[0.0, 3.333333, 4.0]
"""

from __future__ import annotations

from typing import Any

import scipy.stats as _st

from ... import numpy as cnp
from ...numpy._base import ndim, shape
from ..special import gammaln, xlogy
from ._common import concrete, floats, traced

__all__ = ["logpdf", "pdf"]


def _logpdf(x, alpha):
    _st.dirichlet.logpdf(concrete(x), concrete(alpha))  # SciPy's checks and errors
    x, alpha = floats(x, alpha)
    if shape(x)[0] == shape(alpha)[0] - 1:
        x = cnp.concatenate([x, 1 - cnp.sum(x, axis=0, keepdims=True)], axis=0)
    a = cnp.reshape(alpha, shape(alpha) + (1,) * (ndim(x) - 1))
    log_b = cnp.sum(gammaln(alpha)) - gammaln(cnp.sum(alpha))
    return cnp.sum(xlogy(a - 1, x), axis=0) - log_b


def logpdf(x: Any, alpha: Any) -> Any:
    """``sum_i (alpha_i - 1) log x_i - log B(alpha)``, over the first axis of ``x``."""
    if not traced(x, alpha):
        return _st.dirichlet.logpdf(x, alpha)
    return _logpdf(x, alpha)


def pdf(x: Any, alpha: Any) -> Any:
    """The density, ``exp(logpdf)``."""
    if not traced(x, alpha):
        return _st.dirichlet.pdf(x, alpha)
    return cnp.exp(_logpdf(x, alpha))
