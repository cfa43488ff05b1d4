"""``chainrule.scipy.stats``: SciPy's distributions, differentiable.

Each distribution is a module of functions with SciPy's names and signatures:
``norm``, ``t``, ``gamma``, ``beta``, ``chi2`` (``logpdf``, ``pdf``, ``cdf``, ``logcdf``,
``sf``, ``logsf``; ``norm.ppf``, ``norm.isf``), ``poisson`` (``logpmf``, ``pmf``,
``cdf``, ``logcdf``, ``sf``, ``logsf``), ``dirichlet`` (``logpdf``, ``pdf``) and
``multivariate_normal`` (``logpdf``, ``pdf``, ``entropy``).

Called on plain numbers and arrays, a function returns SciPy's result exactly (it calls
SciPy). Inside a transformation it is a composition of chainrule operations and of
primitives with rules (``ndtr``, ``log_ndtr``, ``ndtri``, ``stdtr``, ``igamma``,
``ibeta``...), differentiable in the arguments and the parameters, in forward and
reverse mode, to any order, computed in float64 as SciPy does, with SciPy's nan where a
parameter is invalid and ``-inf``/0/1 outside the support. The cdfs' derivatives in the
shape parameters (``df``, ``a``, ``b``) are integrals computed by quadrature, to order 12
in those parameters (beyond, ``NotImplementedError``: never a silent zero).
The counts ``k`` of ``poisson`` are held fixed.

>>> from chainrule.scipy.stats import norm
>>> from chainrule import grad
>>> float(grad(norm.cdf)(0.0))  # the density at 0, 1 / sqrt(2 pi)
0.3989422804014327
"""

from . import beta, chi2, dirichlet, gamma, multivariate_normal, norm, poisson, t

__all__ = ["norm", "t", "gamma", "beta", "poisson", "chi2", "dirichlet",
           "multivariate_normal"]
