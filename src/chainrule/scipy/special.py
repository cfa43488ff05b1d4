"""``chainrule.scipy.special``: SciPy's special functions, differentiable.

Outside a transformation each function returns SciPy's value (float32 and float16
inputs keep their precision, rounded from SciPy's where SciPy returns float64). Inside
one, the derivative rules are written with chainrule's own operations, so derivatives of
any order work in forward and reverse mode.

Orders, dimensions and parameters (``n`` of ``polygamma``, ``jn``, ``yn``; ``v`` of
``ive``; ``d`` of ``multigammaln``; ``a`` and ``b`` of ``gammainc``, ``gammaincc`` and
``betainc``) are held fixed: differentiating with respect to them raises
``NotImplementedError``.

>>> import chainrule.scipy.special as csp
>>> from chainrule import grad
>>> float(grad(csp.erf)(0.0))  # 2 / sqrt(pi)
1.1283791670955126
>>> round(float(grad(grad(csp.gammaln))(1.0)), 6)  # trigamma(1) = pi^2 / 6
1.644934
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as _sc

from ..core import Tracer
from ..numpy import log as _log
from ..numpy._ml import logsumexp as _logsumexp
from ._bessel import i0, i1, iv_p, ive_p, j0, j1, jn_p, y0, y1, yn_p
from ._gamma import (
    beta,
    betaln,
    digamma,
    erf,
    erfc,
    erfcinv,
    erfinv,
    gamma,
    gammaln,
    gammasgn,
    multigammaln_p,
    polygamma_p,
    rgamma,
)
from ._incomplete import betainc, gammainc, gammaincc
from ._logistic import expit, logit, xlog1py, xlogy

__all__ = [
    "erf", "erfc", "erfinv", "erfcinv", "gamma", "gammaln", "digamma", "psi", "polygamma",
    "beta", "betaln", "multigammaln", "expit", "logit", "logsumexp", "xlogy", "xlog1py",
    "i0", "i1", "ive", "j0", "j1", "y0", "y1", "jn", "yn", "gammainc", "gammaincc", "betainc",
    "iv", "rgamma", "gammasgn",
]

psi = digamma
polygamma = polygamma_p
jn = jn_p
yn = yn_p
ive = ive_p
iv = iv_p


def multigammaln(a: Any, d: int) -> Any:
    """Log of the multivariate gamma function of dimension ``d``, as SciPy's.

    ``d/da ln Gamma_d(a) = sum_{j=0}^{d-1} digamma(a - j/2)``; ``d`` is held fixed.

    Args:
        a: where to evaluate, ``a > (d - 1) / 2``.
        d: the dimension, a positive integer.

    >>> import chainrule.scipy.special as csp
    >>> from chainrule import grad
    >>> round(float(grad(lambda a: csp.multigammaln(a, 2))(3.0)), 6)
    1.625941
    """
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 1:
        raise TypeError(f"multigammaln: d must be a positive integer, got {d!r}; it is "
                        "the dimension, not a differentiable argument")
    return multigammaln_p(a, d=int(d))


def _traced(x: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return any(_traced(v) for v in x)
    return isinstance(x, Tracer)


def logsumexp(a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
              return_sign: bool = False) -> Any:
    """``log(sum(b * exp(a)))`` over ``axis``, computed without overflow.

    Outside a transformation this is SciPy's ``logsumexp``, with all its options. Inside
    one it is ``chainrule.numpy.logsumexp(a + log(b))`` (weights ``b`` non-negative), whose
    value may differ from SciPy's in the last bit; ``return_sign=True`` is refused there.

    >>> import chainrule.scipy.special as csp
    >>> from chainrule import grad
    >>> float(csp.logsumexp([0.0, 0.0]))  # log 2
    0.6931471805599453
    >>> grad(csp.logsumexp)(np.array([0.0, 0.0])).tolist()  # softmax
    [0.5, 0.5]
    """
    if not (_traced(a) or _traced(b)):
        return _sc.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)
    if return_sign:
        raise NotImplementedError("logsumexp: return_sign=True is not differentiable here; "
                                  "use non-negative weights b, or split positive and "
                                  "negative terms into two logsumexp calls")
    if b is not None:
        with np.errstate(divide="ignore"):  # a zero weight is a term of exp(-inf) = 0
            a = a + _log(b)
    return _logsumexp(a, axis=axis, keepdims=keepdims)
