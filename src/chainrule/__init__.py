"""chainrule: derivatives for machine learning, symbolic, automatic and numerical.

>>> import chainrule.numpy as cnp
>>> from chainrule import grad, hessian
>>> float(grad(lambda x: x ** 2)(3.0))
6.0
"""

from . import numeric, numpy, testing
from ._api import (
    derivative,
    elementwise_grad,
    grad,
    hessian,
    holomorphic_grad,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    stop_gradient,
    taylor_coefficients,
    value_and_grad,
    vjp,
    vmap,
)
from ._api._custom import custom_jvp, custom_vjp
from .compile import jit
from .core import EscapedTracerError, primal_value, tree_flatten, tree_map, tree_unflatten
from .core.budget import BudgetExceeded, budget

__version__ = "0.1.0"

__all__ = [
    "BudgetExceeded", "EscapedTracerError", "budget", "custom_jvp", "custom_vjp", "derivative",
    "elementwise_grad", "grad",
    "hessian", "holomorphic_grad", "hvp", "jit",
    "jacfwd", "jacobian", "jacrev", "jvp", "numeric", "numpy", "primal_value", "stop_gradient",
    "taylor_coefficients", "testing", "tree_flatten", "tree_map", "tree_unflatten",
    "value_and_grad", "vjp", "vmap",
]
