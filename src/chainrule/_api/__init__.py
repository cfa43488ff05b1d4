"""Transformations with the JAX / torch.func vocabulary.

``grad``, ``value_and_grad``, ``jvp``, ``vjp``, ``jacfwd``, ``jacrev``, ``jacobian``,
``hessian``, ``hvp``, ``derivative``, ``elementwise_grad`` and ``vmap``. Each one starts a trace
with a fresh token, runs the user's function on tracers, and closes the trace before it
returns, so any order of nesting is safe.
"""

from ._basic import (
    elementwise_grad,
    grad,
    holomorphic_grad,
    jvp,
    stop_gradient,
    stop_gradient_p,
    value_and_grad,
    vjp,
)
from ._jacobians import hessian, hvp, jacfwd, jacobian, jacrev
from ._taylor import MAX_DERIVATIVE_ORDER, derivative, taylor_coefficients
from ._vmap import vmap

__all__ = [
    "grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "jacobian", "hessian",
    "hvp", "derivative", "elementwise_grad", "stop_gradient", "taylor_coefficients",
    "holomorphic_grad", "MAX_DERIVATIVE_ORDER", "stop_gradient_p", "vmap",
]
