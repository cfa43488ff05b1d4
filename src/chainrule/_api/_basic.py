"""The basic transformations: ``vjp``, ``jvp``, ``grad``, ``value_and_grad``,
``elementwise_grad`` and ``stop_gradient``."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core import (
    ForwardTrace,
    Primitive,
    ReverseTrace,
    ReverseTracer,
    Tracer,
    bind,
    is_complex,
    paused_gc,
    register,
    tree_flatten,
    tree_map,
    tree_unflatten,
)
from ..numpy._base import dtype as _dtype
from ..numpy._base import shape as _shape
from ._inputs import _brief, _like, _seed, _select


def _is_complex(out: Any) -> bool:
    return is_complex(out) or isinstance(out, complex)


def _check_complex_inputs(args: tuple, argnums, fname: str) -> None:
    """``holomorphic=True`` differentiates complex inputs only, as in JAX."""
    for leaf in _select(args, argnums, fname)[0]:
        if not _is_complex(leaf):
            raise TypeError(f"{fname}(holomorphic=True) needs complex inputs, but got "
                            f"{_brief(leaf)}; pass x + 0j to differentiate at a real point")

stop_gradient_p = register(Primitive(
    "stop_gradient", lambda x: x, elementwise=True,
    statement="treated as a constant: no derivative flows through",
    no_rules="a constant by definition: it exists to block derivatives"))


def stop_gradient(x: Any) -> Any:
    """Return ``x`` unchanged, treated as a constant by every transformation."""
    return tree_map(lambda v: bind(stop_gradient_p, v), x)



# ---------------------------------------------------------------------------------------
# The two basic transformations.


def _vjp(f: Callable, args: tuple, kwargs: dict, argnums, has_aux: bool, fname: str,
         once: bool = False, no_complex: str = ""):
    """Run ``f`` on a tape; return ``(out, pullback, aux)``. With ``once`` the pullback
    frees the tape as it goes (like a gradient), and can run only once. ``no_complex``
    says why complex inputs are refused, if they are."""
    leaves, tree, rebuild = _select(args, argnums, fname, no_complex)
    trace = ReverseTrace()
    try:
        with paused_gc():
            inputs = [trace.new_input(v) for v in leaves]
            out = f(*rebuild(inputs), **kwargs)
    finally:
        tape = trace.detach()
    aux = None
    if has_aux:
        out, aux = _split_aux(out, fname)
    out_leaves, out_tree = tree_flatten(out)

    def strip(v):
        return v.value if v.__class__ is ReverseTracer and v._trace is trace else v

    out_vals = [strip(o) for o in out_leaves]
    aux = tree_map(strip, aux)
    used: list = []

    def pullback(ct: Any) -> Any:
        ct_leaves, ct_tree = tree_flatten(ct)
        if ct_tree != out_tree:
            raise ValueError(f"{fname}: the cotangent's structure {ct_tree} does not match "
                             f"the output's {out_tree}")
        if not tape and once and used:
            raise RuntimeError(f"{fname}: this tape was already used for a gradient and "
                               "released; use vjp() to pull back several cotangents")
        used.append(True)
        for c, o in zip(ct_leaves, out_vals):
            if c is not None and _shape(c) not in ((), _shape(o)):
                raise ValueError(f"{fname}: a cotangent of shape {_shape(c)} was given for "
                                 f"an output of shape {_shape(o)}")
        ct_leaves = [_seed(c, o) for c, o in zip(ct_leaves, out_vals)]
        with paused_gc():
            cts = trace.backward(tape, out_leaves, ct_leaves, inputs, retain=not once)
        return tree_unflatten(tree, [_like(c, x) for c, x in zip(cts, leaves)])

    return tree_unflatten(out_tree, out_vals), pullback, aux


def _split_aux(out: Any, fname: str) -> tuple:
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise TypeError(f"{fname}(has_aux=True) expects the function to return a pair "
                        "(output, aux)")
    return out[0], out[1]


def vjp(f: Callable, *primals: Any, has_aux: bool = False) -> tuple:
    """Evaluate ``f(*primals)`` and return ``(out, vjp_fn)``.

    ``vjp_fn(ct)`` returns a tuple with the cotangent of each primal: ``ct^T J``.

    >>> import chainrule.numpy as cnp
    >>> out, f_vjp = vjp(lambda x, y: x * y, 3.0, 4.0)
    >>> [float(c) for c in f_vjp(1.0)]
    [4.0, 3.0]
    """
    out, pullback, aux = _vjp(f, primals, {}, tuple(range(len(primals))), has_aux, "vjp")
    return (out, pullback, aux) if has_aux else (out, pullback)


def jvp(f: Callable, primals: Sequence, tangents: Sequence) -> tuple:
    """Evaluate ``f(*primals)`` and its directional derivative: ``(out, J @ tangents)``.

    >>> import chainrule.numpy as cnp
    >>> out, t = jvp(cnp.sin, (0.0,), (2.0,))
    >>> float(out), float(t)
    (0.0, 2.0)
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp expects primals and tangents as tuples: jvp(f, (x,), (v,))")
    p_leaves, p_tree, rebuild = _select(tuple(primals), tuple(range(len(primals))), "jvp")
    t_leaves, t_tree = tree_flatten(tuple(tangents))
    if t_tree != p_tree:
        raise ValueError("jvp: tangents must have the same structure as primals")
    for p, t in zip(p_leaves, t_leaves):
        if _shape(p) != _shape(t):
            raise ValueError(f"jvp: a tangent of shape {_shape(t)} was given for a primal of "
                             f"shape {_shape(p)}")
    trace = ForwardTrace()
    with trace:
        inputs = [trace.new_input(p, _seed(t, p)) for p, t in zip(p_leaves, t_leaves)]
        out = f(*rebuild(inputs))
        out_leaves, out_tree = tree_flatten(out)
        vals = [trace.primal_of(o) for o in out_leaves]
        tans = [_like(trace.tangent_of(o), v) for o, v in zip(out_leaves, vals)]
    return tree_unflatten(out_tree, vals), tree_unflatten(out_tree, tans)


# ---------------------------------------------------------------------------------------
# Gradients.


def _check_scalar(out: Any, fname: str, holomorphic: bool = False) -> None:
    if not isinstance(out, (tuple, list, dict)) and _is_complex(out) != holomorphic:
        if holomorphic:
            raise TypeError(f"{fname}(holomorphic=True) needs a complex output, but the "
                            f"function returned {_brief(out)}; make it complex or drop "
                            "holomorphic=True")
        raise TypeError(
            f"{fname} of a complex-valued function: it returned {_brief(out)}. Take a real "
            "part (cnp.real, cnp.abs, ...), or pass holomorphic=True if the function is "
            "holomorphic, to get its complex derivative f'(z)")
    if not isinstance(out, (Tracer, float, int, complex, np.ndarray, np.generic)) or \
            (not isinstance(out, Tracer) and np.asarray(out).dtype.kind not in "biufc"):
        if not isinstance(out, (tuple, list, dict)):
            raise TypeError(f"{fname} needs a function with a scalar output, but it returned "
                            f"{_brief(out)} ({type(out).__name__})")
    if isinstance(out, (tuple, list, dict)) or _shape(out) != ():
        shape = "a pytree" if isinstance(out, (tuple, list, dict)) else f"shape {_shape(out)}"
        raise TypeError(
            f"{fname} needs a function with a scalar output, but it returned {shape}. "
            "Reduce it (e.g. .sum()), or use jacrev/jacobian for vector outputs, "
            "elementwise_grad for elementwise functions, or has_aux=True for extra outputs.")


def value_and_grad(f: Callable, argnums: int | Sequence[int] = 0,
                   has_aux: bool = False, holomorphic: bool = False) -> Callable:
    """Like :func:`grad`, but the new function returns ``(value, gradient)``.

    >>> import chainrule.numpy as cnp
    >>> v, g = value_and_grad(lambda x: x ** 2)(3.0)
    >>> float(v), float(g)
    (9.0, 6.0)
    """
    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> tuple:
        with paused_gc():  # across both passes: the live tape is never scanned
            if holomorphic:
                _check_complex_inputs(args, argnums, "grad")
            out, pullback, aux = _vjp(f, args, kwargs, argnums, has_aux, "grad", once=True)
            _check_scalar(out, "grad", holomorphic)
            g = pullback(1.0 if out.__class__ is float else np.ones((), _dtype(out)))
        return ((out, aux), g) if has_aux else (out, g)

    return value_and_grad_f


def grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False,
         holomorphic: bool = False) -> Callable:
    """The gradient of a scalar function, by reverse mode.

    Args:
        f: a function returning a scalar; its arguments may be pytrees of float (or
            complex) arrays.
        argnums: which positional argument(s) to differentiate; a tuple gives a tuple.
        has_aux: ``f`` returns ``(value, aux)``; the new function returns ``(grad, aux)``.
        holomorphic: ``f`` is a holomorphic function of complex inputs with a complex
            output; the result is its complex derivative ``f'(z)``.

    For a real-valued ``f`` of complex ``z = x + iy`` the gradient is ``df/dx - i df/dy``
    (JAX's and autograd's convention: the conjugate of the steepest-ascent direction;
    see :mod:`chainrule.numpy._complex`).

    >>> float(grad(lambda x: x ** 2)(3.0))
    6.0
    >>> [float(g) for g in grad(lambda x, y: x**2 + 3*x*y + y**2, argnums=(0, 1))(1.0, 2.0)]
    [8.0, 7.0]
    """
    vg = value_and_grad(f, argnums, has_aux, holomorphic)

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        (out, g) = vg(*args, **kwargs)
        return (g, out[1]) if has_aux else g

    return grad_f


def holomorphic_grad(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The complex derivative ``f'(z)`` of a holomorphic scalar function (autograd's name
    for ``grad(f, holomorphic=True)``).

    >>> import chainrule.numpy as cnp
    >>> complex(holomorphic_grad(lambda z: z ** 2)(1.0 + 2.0j))
    (2+4j)
    """
    return grad(f, argnums, holomorphic=True)


def elementwise_grad(f: Callable, argnums: int = 0) -> Callable:
    """The derivative of an elementwise function at every element: ``vjp`` with ones.

    >>> import chainrule.numpy as cnp
    >>> elementwise_grad(cnp.tanh)(np.zeros(3)).tolist()
    [1.0, 1.0, 1.0]
    """
    @functools.wraps(f)
    def egrad(*args: Any, **kwargs: Any) -> Any:
        with paused_gc():
            out, pullback, _ = _vjp(f, args, kwargs, argnums, False, "elementwise_grad",
                                    once=True)
            return pullback(tree_map(lambda o: np.ones(_shape(o), _dtype(o)), out))

    return egrad
