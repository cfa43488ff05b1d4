"""``chainrule.scipy``: SciPy's names and semantics, differentiable (an optional extra).

SciPy is not needed by ``import chainrule``; this package needs it, and says how to get
it when it is missing. Its functions are primitives of the same rule table as
``chainrule.numpy``: they work in forward and reverse mode, at any order.

>>> import chainrule.scipy.special as csp
>>> from chainrule import grad
>>> round(float(grad(csp.gammaln)(3.0)), 6)  # digamma(3) = 3/2 - Euler's gamma
0.922784
"""

try:
    import scipy.special as _scipy_special  # noqa: F401 (only checks that SciPy is there)
except ImportError as exc:  # pragma: no cover (the test environment has SciPy)
    raise ImportError(
        "chainrule.scipy needs SciPy, which is an optional extra of chainrule: "
        'install it with  pip install "chainrule[scipy]"') from exc

from . import integrate, linalg, signal, special

__all__ = ["special"]
__all__ += ["linalg", "signal", "integrate"]

from . import stats  # noqa: E402

__all__ += ["stats"]
