"""Custom derivative rules for one function, without registering a primitive:
:class:`custom_jvp` and :class:`custom_vjp`, with JAX's signatures.

Each decorated function owns an unregistered :class:`~chainrule.core.Primitive`. A call
whose arguments carry no tracer simply runs the function. Otherwise the traced leaves of
the arguments are packed into one flat array (one leaf is passed as it is), the primitive
is bound on it, and the packed output is cut back into the function's output pytree. With
one array argument and one array result, every interpreter therefore applies the user's
rule exactly once per application, whatever the number of arguments and outputs:

- forward and Taylor mode run the jvp rule on the packed tangent;
- reverse mode of a ``custom_jvp`` function transposes the (linear) jvp rule with
  chainrule's own reverse mode; of a ``custom_vjp`` function it calls ``bwd`` once, with
  the residuals that ``fwd`` returned when the primitive was evaluated.

The rules run on the values of the enclosing transformation (tracers of outer
transformations included), so a rule written with ``chainrule.numpy`` can be
differentiated again: derivatives of any order go through the custom rule at first
order and through the rule's own operations above. Under ``vmap`` the primitive's
batching rule makes a custom function of the same kind for the whole batch (function and
rules under ``vmap``), so the rule still applies, once per batch; ``jit`` stages the
primitive as one node of its graph, named after the function. Symbolic expressions (the
staging trace) call the function itself: a formula shows the mathematics, not the rule.

>>> import numpy as np
>>> import chainrule as cr
>>> import chainrule.numpy as cnp
>>> @custom_jvp
... def safe_norm(x):
...     return cnp.sqrt(cnp.sum(x * x))
>>> @safe_norm.defjvp
... def safe_norm_jvp(primals, tangents):
...     (x,), (t,) = primals, tangents
...     n = safe_norm(x)
...     return n, cnp.sum(x * t) / cnp.where(n == 0.0, 1.0, n)
>>> cr.grad(safe_norm)(np.zeros(3)).tolist()  # the plain chain rule gives nan here
[0.0, 0.0, 0.0]
>>> cr.grad(safe_norm)(np.array([0.0, -2.0])).tolist()
[0.0, -1.0]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..core import tree_flatten, tree_unflatten
from ..core.forward import ForwardTrace
from ..core.taylor import TaylorTrace
from ._basic import jvp as _jvp
from ._basic import vjp as _vjp
from ._custom_call import _Call, _Custom, _describe, _fit, _pack, _zeros, _zeros_of

__all__ = ["custom_jvp", "custom_vjp"]


class custom_jvp(_Custom):  # noqa: N801 (JAX's name)
    """A function with its own forward-mode rule: ``f = custom_jvp(fun)``, then
    ``@f.defjvp`` on ``rule(primals, tangents) -> (primal_out, tangent_out)``.

    The rule must be linear in the tangents; reverse mode uses its transpose, so one rule
    serves ``jvp``, ``grad``, ``jacfwd``, ``jacrev``, ``hessian`` and Taylor mode. Written
    with ``chainrule.numpy``, it can be differentiated again. With ``nondiff_argnums``
    those arguments (functions, flags, sizes) come first: ``rule(*nondiff, primals,
    tangents)``.

    >>> import chainrule as cr
    >>> import chainrule.numpy as cnp
    >>> f = custom_jvp(lambda x: cnp.sin(x))
    >>> _ = f.defjvp(lambda p, t: (f(p[0]), 2.0 * t[0]))  # a deliberately odd rule
    >>> float(cr.grad(f)(0.3)), float(cr.jvp(f, (0.3,), (1.0,))[1])
    (2.0, 2.0)
    """

    kind = "custom_jvp"

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()) -> None:
        super().__init__(fun, nondiff_argnums)
        self.jvp: Callable | None = None

    def defjvp(self, jvp: Callable) -> Callable:
        """Set the rule ``jvp(*nondiff, primals, tangents) -> (primal_out, tangent_out)``;
        returns it, so it can decorate the rule."""
        if not callable(jvp):
            raise TypeError(f"defjvp expects a function, got {type(jvp).__name__}")
        self.jvp = jvp
        return jvp

    def defjvps(self, *jvps: Callable | None) -> None:
        """One rule per argument, ``jvp_i(tangent_i, primal_out, *primals)``, giving that
        argument's term of the tangent (``None``: the function does not depend on it)."""
        if self.nondiff_argnums:
            raise TypeError("defjvps cannot be used with nondiff_argnums; use defjvp")

        def jvp(primals: tuple, tangents: tuple) -> tuple:
            if len(jvps) != len(primals):
                raise TypeError(f"defjvps got {len(jvps)} rule(s) for a call with "
                                f"{len(primals)} argument(s) of {self.name}")
            out = self(*primals)
            total = None
            for rule, t in zip(jvps, tangents):
                if rule is not None:
                    term = rule(t, out, *primals)
                    total = term if total is None else _tree_add(total, term)
            return out, (_tree_zeros(out) if total is None else total)

        self.defjvp(jvp)

    def _check_defined(self) -> None:
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {self.name} "
                                 "using defjvp.")

    def _evaluate(self, call: _Call, x: Any) -> Any:
        return self.fun(*call.full_args(call.primals(x), self.nondiff_argnums))

    def _jvp_rule(self, t: Any, ans: Any, x: Any, *, call: _Call) -> Any:
        out = self.jvp(*call.nondiff, call.primals(x), call.tangents(t))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError(f"the custom JVP rule of {self.name} must return a pair (tuple "
                            "or list of length two) of the primal and tangent outputs, got "
                            f"{type(out).__name__}")
        self._check_output_tree(out[0], call, "the primal output of the JVP rule")
        t_tree = tree_flatten(out[1])[1]
        if t_tree != call.out_tree:
            raise TypeError(f"the custom JVP rule of {self.name} must return primal and "
                            "tangent outputs of the same structure, but got "
                            f"{_describe(call.out_tree)} and {_describe(t_tree)}")
        leaves = tree_flatten(out[1])[0]
        return _pack([_fit(v, s, dt, f"the tangent output of the JVP rule of {self.name}")
                      for v, s, dt in zip(leaves, call.out_shapes, call.out_dtypes)])

    def _vjp_rule(self, g: Any, ans: Any, x: Any, *, call: _Call) -> Any:
        """The transpose of the linear map ``t -> jvp(x, t)``, by reverse mode."""
        _, pullback = _vjp(lambda t: self._jvp_rule(t, None, x, call=call), _zeros(x))
        return pullback(g)[0]

    def _batched(self, call: _Call, vmap: Callable) -> custom_jvp:
        fun = _named(vmap(lambda x: self._apply(call, x)), self.name)
        rule = vmap(lambda x, t: self._jvp_rule(t, None, x, call=call))

        def batched_rule(primals: tuple, tangents: tuple) -> tuple:
            t = rule(primals[0], tangents[0])
            return t, t  # the primal output is not used: any leaf of that structure will do

        batched = custom_jvp(fun)
        batched.defjvp(batched_rule)
        return batched


def _named(fun: Callable, name: str) -> Callable:
    """``fun`` (a function made by ``vmap``) named after the custom function it batches."""
    fun.__name__ = f"{name}_vmap" if name.isidentifier() else "vmap"
    return fun


def _tree_add(a: Any, b: Any) -> Any:
    la, ta = tree_flatten(a)
    lb, tb = tree_flatten(b)
    if ta != tb:
        raise TypeError(f"defjvps: the rules' outputs differ in structure: {_describe(ta)} "
                        f"and {_describe(tb)}")
    return tree_unflatten(ta, [x + y for x, y in zip(la, lb)])


def _tree_zeros(a: Any) -> Any:
    leaves, tree = tree_flatten(a)
    return tree_unflatten(tree, [_zeros(v) for v in leaves])


class custom_vjp(_Custom):  # noqa: N801 (JAX's name)
    """A function with its own reverse-mode rule: ``g = custom_vjp(fun)``, then
    ``g.defvjp(fwd, bwd)``.

    ``fwd(*args) -> (out, residuals)`` runs once per application in reverse mode;
    ``bwd(*nondiff, residuals, ct) -> cotangents`` returns a tuple with one cotangent per
    argument (``None`` for zero), and runs once per application in the backward pass.
    Forward mode (``jvp``, ``jacfwd``) of a ``custom_vjp`` function is refused, as in
    JAX; higher derivatives differentiate ``fwd`` and ``bwd`` themselves.

    >>> import chainrule as cr
    >>> import chainrule.numpy as cnp
    >>> clip_gradient = custom_vjp(lambda x: x)
    >>> clip_gradient.defvjp(lambda x: (x, None),
    ...                      lambda res, g: (cnp.clip(g, -1.0, 1.0),))
    >>> float(cr.grad(lambda x: 5.0 * clip_gradient(x))(2.0))
    1.0
    """

    kind = "custom_vjp"

    def __init__(self, fun: Callable, nondiff_argnums: Sequence[int] = ()) -> None:
        super().__init__(fun, nondiff_argnums)
        self.fwd: Callable | None = None
        self.bwd: Callable | None = None

    def defvjp(self, fwd: Callable, bwd: Callable) -> None:
        """Set ``fwd(*args) -> (out, residuals)`` and ``bwd(*nondiff, residuals, ct)
        -> tuple of cotangents``."""
        if not callable(fwd) or not callable(bwd):
            raise TypeError("defvjp expects two functions, fwd and bwd")
        self.fwd, self.bwd = fwd, bwd

    def _check_defined(self) -> None:
        if self.fwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {self.name} "
                                 "using defvjp.")

    def _check_trace(self, top: Any) -> None:
        if isinstance(top, (ForwardTrace, TaylorTrace)):
            raise TypeError(f"can't apply forward-mode autodiff (jvp) to a custom_vjp "
                            f"function ({self.name}); use reverse mode (grad, vjp, "
                            "jacrev), or define the function with custom_jvp")

    def _run_fwd(self, call: _Call, x: Any) -> tuple:
        out = self.fwd(*call.full_args(call.primals(x), self.nondiff_argnums))
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError(f"the fwd rule of custom_vjp function {self.name} must return "
                            "a pair (tuple or list of length two): the primal output and "
                            f"the residuals, got {type(out).__name__}")
        return out[0], out[1]

    def _evaluate(self, call: _Call, x: Any) -> Any:
        out, res = self._run_fwd(call, x)
        call.x, call.res = x, res
        return out

    def _jvp_rule(self, t: Any, ans: Any, x: Any, *, call: _Call) -> Any:
        """Reached only when an outer forward transformation sees an application that an
        inner reverse one processed (forward-over-reverse): ``fwd`` differentiated."""
        def primal(x: Any) -> Any:
            out = self._run_fwd(call, x)[0]
            return _pack(self._check_output_tree(out, call, "the output of fwd"))
        return _jvp(primal, (x,), (t,))[1]

    def _vjp_rule(self, g: Any, ans: Any, x: Any, *, call: _Call) -> Any:
        if x is call.x:
            res = call.res
        else:  # x is traced by an outer transformation: so must the residuals be
            out, res = self._run_fwd(call, x)
            self._check_output_tree(out, call, "the output of fwd")
        return self._run_bwd(call, res, g)

    def _run_bwd(self, call: _Call, res: Any, g: Any) -> Any:
        cts = self.bwd(*call.nondiff, res, call.output(g))
        leaves = self._cotangent_leaves(cts, call)
        return _pack([leaves[i] for i in call.traced])

    def _batched(self, call: _Call, vmap: Callable) -> custom_vjp:
        def fwd(x: Any) -> tuple:
            out, res = self._run_fwd(call, x)
            return _pack(call.record_output(out)), res

        batched = custom_vjp(_named(vmap(lambda x: self._apply(call, x)), self.name))
        bwd = vmap(lambda res, g: self._run_bwd(call, res, g))
        batched.defvjp(vmap(fwd), lambda res, g: (bwd(res, g),))
        return batched

    def _cotangent_leaves(self, cts: Any, call: _Call) -> list:
        """The cotangents ``bwd`` returned, checked, one per leaf of the primals."""
        trees = call.in_tree.children
        if not isinstance(cts, (tuple, list)) or len(cts) != len(trees):
            got = (f"length {len(cts)}" if isinstance(cts, (tuple, list))
                   else type(cts).__name__)
            raise TypeError(f"the bwd rule of custom_vjp function {self.name} must return "
                            f"a tuple with one cotangent per argument ({len(trees)}), "
                            f"got {got}")
        out: list = []
        for k, (ct, tree) in enumerate(zip(cts, trees)):
            start = len(out)
            shapes = call.leaf_shapes[start:start + tree.num_leaves]
            dtypes = call.leaf_dtypes[start:start + tree.num_leaves]
            if ct is None:
                out.extend(_zeros_of(s, dt) for s, dt in zip(shapes, dtypes))
                continue
            leaves, ct_tree = tree_flatten(ct)
            if ct_tree != tree:
                raise TypeError(f"the bwd rule of custom_vjp function {self.name} returned "
                                f"a cotangent of structure {_describe(ct_tree)} for "
                                f"argument {k}, of structure {_describe(tree)}")
            what = f"the cotangent of argument {k} returned by the bwd rule of {self.name}"
            out.extend(_fit(c, s, dt, what) for c, s, dt in zip(leaves, shapes, dtypes))
        return out
