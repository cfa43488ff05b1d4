"""Transformations with the JAX / torch.func vocabulary.

``grad``, ``value_and_grad``, ``jvp``, ``vjp``, ``jacfwd``, ``jacrev``, ``jacobian``,
``hessian``, ``hvp``, ``derivative`` and ``elementwise_grad``. Each one starts a trace
with a fresh token, runs the user's function on tracers, and closes the trace before it
returns, so any order of nesting is safe.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from . import numpy as cnp
from .core import (
    ForwardTrace,
    Primitive,
    ReverseTrace,
    ReverseTracer,
    TaylorTrace,
    Tracer,
    bind,
    paused_gc,
    primal_value,
    register,
    tree_flatten,
    tree_map,
    tree_unflatten,
)
from .core.budget import budgeted, charge, check_time
from .numpy._base import dtype as _dtype
from .numpy._base import shape as _shape

__all__ = [
    "grad", "value_and_grad", "jvp", "vjp", "jacfwd", "jacrev", "jacobian", "hessian",
    "hvp", "derivative", "elementwise_grad", "stop_gradient", "taylor_coefficients",
]

stop_gradient_p = register(Primitive(
    "stop_gradient", lambda x: x, elementwise=True,
    statement="treated as a constant: no derivative flows through",
    no_rules="a constant by definition: it exists to block derivatives"))


def stop_gradient(x: Any) -> Any:
    """Return ``x`` unchanged, treated as a constant by every transformation."""
    return tree_map(lambda v: bind(stop_gradient_p, v), x)


# ---------------------------------------------------------------------------------------
# Inputs: validation and conversion.


def _as_float_leaf(x: Any, fname: str, where: str) -> Any:
    """Check that a leaf can be differentiated and return it in working form."""
    if x.__class__ is float:
        return x
    given = x
    if not isinstance(x, (Tracer, np.ndarray, np.generic)):
        x = np.asarray(x)
    kind = _dtype(x)
    if kind.kind != "f":
        what = "complex" if kind.kind == "c" else str(kind)
        raise TypeError(
            f"{fname} needs real floating-point inputs, but {where} has dtype {what} "
            f"({_brief(given)}). Pass floats instead, e.g. 3.0 rather than 3, or "
            "np.asarray(x, dtype=float).")
    if x.__class__ is np.float64:  # work with Python floats: they are much faster
        return float(x)
    return x


def _brief(x: Any) -> str:
    text = repr(primal_value(x))
    return text if len(text) < 40 else text[:37] + "..."


def _select(args: tuple, argnums: int | Sequence[int], fname: str) -> tuple:
    """The differentiated part of ``args`` as a tree, and a function to put it back."""
    single = isinstance(argnums, int)
    nums = (argnums,) if single else tuple(argnums)
    for n in nums:
        if not -len(args) <= n < len(args):
            raise ValueError(f"{fname}: argnums={argnums} but the function got "
                             f"{len(args)} positional argument(s)")
    nums = tuple(n % len(args) for n in nums)
    if len(set(nums)) != len(nums):
        raise ValueError(f"{fname}: argnums={argnums} names an argument twice")
    chosen = args[nums[0]] if single else tuple(args[n] for n in nums)
    leaves, tree = tree_flatten(chosen)
    where = [f"argument {n}" for n in nums]
    leaves = [_as_float_leaf(v, fname, where[0] if single else "an argument")
              for v in leaves]

    def rebuild(new_leaves: list) -> tuple:
        sub = tree_unflatten(tree, new_leaves)
        out = list(args)
        for k, n in enumerate(nums):
            out[n] = sub if single else sub[k]
        return tuple(out)

    return leaves, tree, rebuild


def _seed(ct: Any, x: Any) -> Any:
    """A cotangent or tangent handed to an interpreter for the value ``x``: like ``x``,
    and a Python float for a Python float (the interpreters' fast path)."""
    if x.__class__ is float and ct.__class__ in _REAL_SCALARS:
        return float(ct)
    return _like(ct, x)


_REAL_SCALARS = {float, int, np.float64}


def _like(ct: Any, x: Any) -> Any:
    """Shape and dtype a cotangent (or tangent) like the input ``x`` it belongs to."""
    if ct is None:
        ct = np.zeros(_shape(x), _dtype(x))
    elif ct.__class__ is np.ndarray and x.__class__ is np.ndarray and \
            ct.dtype == x.dtype and ct.shape == x.shape:
        return ct
    if isinstance(ct, Tracer):
        return ct if _shape(ct) == _shape(x) else cnp.broadcast_to(ct, _shape(x))
    arr = np.asarray(ct, dtype=_dtype(x))
    if arr.shape != _shape(x):
        arr = np.broadcast_to(arr, _shape(x)).copy()
    if x.__class__ is float or isinstance(x, np.generic):
        return arr[()]
    return arr


# ---------------------------------------------------------------------------------------
# The two basic transformations.


def _vjp(f: Callable, args: tuple, kwargs: dict, argnums, has_aux: bool, fname: str,
         once: bool = False):
    """Run ``f`` on a tape; return ``(out, pullback, aux)``. With ``once`` the pullback
    frees the tape as it goes (like a gradient), and can run only once."""
    leaves, tree, rebuild = _select(args, argnums, fname)
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


def _check_scalar(out: Any, fname: str) -> None:
    if not isinstance(out, (Tracer, float, int, np.ndarray, np.generic)) or \
            (not isinstance(out, Tracer) and np.asarray(out).dtype.kind not in "biuf"):
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
                   has_aux: bool = False) -> Callable:
    """Like :func:`grad`, but the new function returns ``(value, gradient)``.

    >>> import chainrule.numpy as cnp
    >>> v, g = value_and_grad(lambda x: x ** 2)(3.0)
    >>> float(v), float(g)
    (9.0, 6.0)
    """
    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> tuple:
        with paused_gc():  # across both passes: the live tape is never scanned
            out, pullback, aux = _vjp(f, args, kwargs, argnums, has_aux, "grad", once=True)
            _check_scalar(out, "grad")
            g = pullback(1.0 if out.__class__ is float else np.ones((), _dtype(out)))
        return ((out, aux), g) if has_aux else (out, g)

    return value_and_grad_f


def grad(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The gradient of a scalar function, by reverse mode.

    Args:
        f: a function returning a scalar; its arguments may be pytrees of float arrays.
        argnums: which positional argument(s) to differentiate; a tuple gives a tuple.
        has_aux: ``f`` returns ``(value, aux)``; the new function returns ``(grad, aux)``.

    >>> float(grad(lambda x: x ** 2)(3.0))
    6.0
    >>> [float(g) for g in grad(lambda x, y: x**2 + 3*x*y + y**2, argnums=(0, 1))(1.0, 2.0)]
    [8.0, 7.0]
    """
    vg = value_and_grad(f, argnums, has_aux)

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        (out, g) = vg(*args, **kwargs)
        return (g, out[1]) if has_aux else g

    return grad_f


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


# ---------------------------------------------------------------------------------------
# Jacobians and Hessians.


def _flat(tree: Any) -> Any:
    leaves = [cnp.ravel(v) for v in tree_flatten(tree)[0]]
    return leaves[0] if len(leaves) == 1 else cnp.concatenate(leaves)


def _basis(leaves: list, what: str) -> Iterator[list]:
    """One-hot trees, one per element of the leaves (in flattened order), made one at a
    time; each is a unit of work charged to the active budget."""
    sizes = [math.prod(_shape(v)) for v in leaves]
    for i, _v in enumerate(leaves):
        for k in range(sizes[i]):
            charge(1, what)
            check_time(what)
            tree = [np.zeros(_shape(w), _dtype(w)) for w in leaves]
            tree[i].reshape(-1)[k] = 1
            yield tree


def _blocks(jac: Any, out_leaves: list, out_tree, in_leaves: list, in_tree) -> Any:
    """Cut an (m, n) Jacobian matrix into the out-tree-of-in-tree block structure."""
    rows, r0 = [], 0
    for o in out_leaves:
        cols, c0 = [], 0
        m = math.prod(_shape(o))
        for x in in_leaves:
            n = math.prod(_shape(x))
            block = jac[r0:r0 + m, c0:c0 + n]
            cols.append(cnp.reshape(block, tuple(_shape(o)) + tuple(_shape(x))))
            c0 += n
        rows.append(tree_unflatten(in_tree, cols))
        r0 += m
    return tree_unflatten(out_tree, rows)


def jacrev(f: Callable, argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable:
    """The Jacobian by reverse mode: one backward pass per output element.

    For ``f: R^n -> R^m`` the result has shape ``out.shape + in.shape``.
    """
    @functools.wraps(f)
    @budgeted
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        with paused_gc():
            out, pullback, aux = _vjp(f, args, kwargs, argnums, has_aux, "jacrev")
            jac = _jacrev_matrix(out, pullback)
        res = _assemble(jac, out, args, argnums)
        return (res, aux) if has_aux else res

    return jac_f


def _jacrev_matrix(out: Any, pullback: Callable) -> Any:
    out_leaves, out_tree = tree_flatten(out)
    rows = [_flat(pullback(tree_unflatten(out_tree, seed)))
            for seed in _basis(out_leaves, "computing a Jacobian row by row")]
    return cnp.stack(rows) if rows else np.zeros((0, 0))


def _assemble(jac: Any, out: Any, args: tuple, argnums) -> Any:
    out_leaves, out_tree = tree_flatten(out)
    in_leaves, in_tree, _ = _select(args, argnums, "jacobian")
    if not out_leaves or not in_leaves:
        return tree_unflatten(out_tree, [tree_unflatten(in_tree, [np.zeros(
            tuple(_shape(o)) + tuple(_shape(x))) for x in in_leaves]) for o in out_leaves])
    return _blocks(jac, out_leaves, out_tree, in_leaves, in_tree)


def jacfwd(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Jacobian by forward mode: one forward pass per input element."""
    @functools.wraps(f)
    @budgeted
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        leaves, tree, rebuild = _select(args, argnums, "jacfwd")

        def g(*ls):
            return f(*rebuild(list(ls)), **kwargs)

        cols, out = [], None
        for seed in _basis(leaves, "computing a Jacobian column by column"):
            out, t = jvp(g, tuple(leaves), tuple(seed))
            cols.append(_flat(t))
        if out is None:  # no input elements: an empty Jacobian of the right shape
            out = g(*leaves)
            m = sum(math.prod(_shape(o)) for o in tree_flatten(out)[0])
            return _assemble(np.zeros((m, 0)), out, args, argnums)
        return _assemble(cnp.stack(cols, axis=1), out, args, argnums)

    return jac_f


def jacobian(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Jacobian, by reverse mode when outputs are fewer than inputs, else forward."""
    @functools.wraps(f)
    @budgeted
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        out, pullback, _ = _vjp(f, args, kwargs, argnums, False, "jacobian")
        m = sum(math.prod(_shape(o)) for o in tree_flatten(out)[0])
        n = sum(math.prod(_shape(x)) for x in _select(args, argnums, "jacobian")[0])
        if m <= n:
            return _assemble(_jacrev_matrix(out, pullback), out, args, argnums)
        return jacfwd(f, argnums)(*args, **kwargs)

    return jac_f


def hessian(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Hessian of a scalar function: forward mode over reverse mode.

    >>> hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 2.0])).tolist()
    [[4.0, 2.0], [2.0, 0.0]]
    """
    return jacfwd(jacrev(f, argnums), argnums)


def hvp(f: Callable, x: Any, v: Any) -> Any:
    """The Hessian-vector product ``H(x) v`` of a scalar ``f``, without forming ``H``."""
    return jvp(grad(f), (x,), (v,))[1]


#: Highest order :func:`derivative` accepts (Taylor mode's work grows like ``order**3``).
MAX_DERIVATIVE_ORDER = 64


def derivative(f: Callable, order: int = 1) -> Callable:
    """The ``order``-th derivative of a scalar function of one variable; on arrays, the
    ``order``-th derivative along the direction of all ones (elementwise for elementwise
    functions).

    It pushes a Taylor polynomial through ``f`` (Taylor mode, see
    :mod:`chainrule.core.taylor`): the work grows like ``order**3``, not exponentially as
    for nested ``jvp``. The returned function runs under the default
    :func:`chainrule.budget` unless one is active.

    >>> float(derivative(lambda x: x ** 3, order=2)(2.0))
    12.0
    >>> import chainrule.numpy as cnp
    >>> round(float(derivative(cnp.sin, order=20)(0.5)), 12) == round(float(np.sin(0.5)), 12)
    True
    """
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
        raise ValueError(f"derivative: order must be a non-negative int, got {order!r}")
    if order > MAX_DERIVATIVE_ORDER:
        raise ValueError(
            f"derivative: order={order} is more than {MAX_DERIVATIVE_ORDER}; in floating "
            "point such derivatives are swamped by rounding. Use chainrule.symbolic.diff for "
            "an exact derivative of a formula.")
    if order == 0:
        return f
    n = int(order)

    @functools.wraps(f)
    @budgeted
    def df(x: Any) -> Any:
        x = _as_float_leaf(x, "derivative", "the argument")
        return taylor_coefficients(f, x, n)[n] * float(math.factorial(n))

    return df


def taylor_coefficients(f: Callable, x: Any, order: int, direction: Any = None) -> list:
    """The Taylor coefficients ``[c_0, ..., c_order]`` of ``t -> f(x + t v)`` at ``t = 0``
    (``v``: ``direction``, all ones by default), so ``k! c_k`` is the ``k``-th directional
    derivative. Taylor mode: one pass, work growing like ``order**3``.

    >>> [float(c) for c in taylor_coefficients(lambda x: x ** 3, 2.0, 4)]
    [8.0, 12.0, 6.0, 1.0, 0.0]
    """
    x = _as_float_leaf(x, "taylor_coefficients", "the argument")
    v = _seed(np.ones(_shape(x), _dtype(x))[()] if direction is None else direction, x)
    trace = TaylorTrace()
    with trace:
        out = f(trace.new_input(x, v))
        coefs = trace.coefficients(out, order)
        value = primal_value(out) if isinstance(out, Tracer) else out
    return [_like(c, value) for c in coefs]
