"""Taylor mode: push a truncated Taylor series through a function, for derivatives of high
order along one direction.

Nested forward mode (a jvp of a jvp of ...) repeats work: its cost grows about like
``3**order``. Here a value is a series ``x(t) = x_0 + x_1 t + x_2 t**2 + ...``, held by a
:class:`TaylorTracer`: coefficient 0 (the value) is computed at once, the others when first
asked for, and kept. For each primitive ``y = f(x_1, ..., x_m)``:

- a linear primitive acts on each coefficient: ``y_k = f(x_1k, ..., x_mk)``;
- ``multiply`` (and ``matmul``, ``einsum`` of two) is the Cauchy product
  ``y_k = sum_j a_j b_(k-j)``; ``divide`` and ``power`` have their classical recurrences;
- any other primitive uses its jvp rules, with nothing new to write: the rules are run once
  on Taylor tracers to give ``y'(t) = sum_i jvp_i(x_i'(t), y(t), x(t))``, and
  ``y_k = [y']_(k-1) / k``. A rule may use ``y`` itself (exp: ``y' = y x'``), since
  coefficient ``k - 1`` of ``y'`` needs the coefficients of ``y`` below ``k`` only.

The ``n``-th derivative is ``n! y_n``; the work grows like ``order**3`` (``order = 20`` of
``sin(cos(sin(cos(x))))`` is a fraction of a second instead of hours). :meth:`TaylorTrace.
coefficients` computes coefficient 1 of every series, then 2, and so on, in the order the
series were made, so asking for one never recurses through the whole computation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .forward import _WHAT, run_rule
from .primitive import Primitive, bind
from .trace import Trace, Tracer, primal_value

__all__ = ["TaylorTrace", "TaylorTracer", "taylor_term"]


class TaylorTracer(Tracer):
    """A truncated Taylor series: ``coefs`` computed so far (``coefs[0]`` is the value)
    and ``more(k)``, which computes coefficient ``k`` once those below it are known."""

    __slots__ = ("coefs", "more", "limit")

    def __init__(self, trace: Trace, value: Any, more: Callable[[int], Any],
                 limit: int | None = None) -> None:
        self._trace = trace
        self.value = value
        self.coefs = [value]
        self.more = more
        self.limit = limit  # the highest coefficient anything will ask for (None: any)


def _zeros_like(x: Any) -> Any:
    v = primal_value(x)
    if v.__class__ is float or v.__class__ is int:
        return 0.0
    dt = np.result_type(v)
    return np.zeros(np.shape(v), dt if dt.kind in "fc" else np.float64)


def taylor_term(x: Any, k: int, trace: Trace) -> Any:
    """Coefficient ``k`` of ``x`` as a series of ``trace`` (a constant has only ``k = 0``)."""
    if x.__class__ is TaylorTracer and x._trace is trace:
        coefs = x.coefs
        while len(coefs) <= k:
            coefs.append(x.more(len(coefs)))
        return coefs[k]
    return x if k == 0 else _zeros_like(x)


class TaylorTrace(Trace):
    """One Taylor-mode transformation (see the module docstring)."""

    __slots__ = ("nodes", "limit", "coefs_wanted")

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[TaylorTracer] = []
        self.limit: int | None = None  # for the series made now (see _rate)
        self.coefs_wanted = 0

    def new_input(self, value: Any, direction: Any) -> TaylorTracer:
        """The series ``value + direction t``."""
        zero = _zeros_like(value)
        return self._node(value, lambda k: direction if k == 1 else zero)

    def _node(self, value: Any, more: Callable[[int], Any]) -> TaylorTracer:
        node = TaylorTracer(self, value, more, self.limit)
        self.nodes.append(node)
        return node

    def coefficients(self, outs: list, order: int) -> list:
        """Coefficients ``0..order`` of each series in ``outs``, computed order by order:
        one list of coefficients per output."""
        nodes = self.nodes
        self.coefs_wanted = order
        for k in range(1, order + 1):
            i = 0
            while i < len(nodes):  # the list grows as rules make new series
                node = nodes[i]
                if node.limit is None or k <= node.limit:
                    taylor_term(node, k, self)
                i += 1
        return [[taylor_term(out, k, self) for k in range(order + 1)] for out in outs]

    def _ours(self, x: Any) -> bool:
        return x.__class__ is TaylorTracer and x._trace is self

    def process(self, prim: Primitive, args: tuple, params: dict) -> Any:
        b = self.budget
        if b is not None:
            b.charge(1, _WHAT)
        ans = bind(prim, *[taylor_term(a, 0, self) for a in args], **params)
        if prim.jvp is None:
            return ans
        name = prim.name
        if prim.linear:
            more = self._linear(prim, args, params)
        elif name in _BILINEAR and len(args) == 2:
            more = self._product(prim, args, params)
        elif name == "divide":
            return self._quotient(args, ans)
        elif name == "power" and self._positive(args[0]):
            return self._power(args, ans)
        else:
            return self._general(prim, args, params, ans)
        return self._node(ans, more)

    def _linear(self, prim: Primitive, args: tuple, params: dict) -> Callable:
        rules = prim.jvp

        def more(k: int) -> Any:
            self._charge(1)
            return bind(prim, *[taylor_term(a, k, self) if rules[i] is not None else a
                                for i, a in enumerate(args)], **params)
        return more

    def _product(self, prim: Primitive, args: tuple, params: dict) -> Callable:
        """A bilinear primitive (multiply, matmul, einsum of two): the Cauchy product."""
        a, b = args

        def mul(x: Any, y: Any) -> Any:
            return bind(prim, x, y, **params)

        def more(k: int) -> Any:
            if not self._ours(a):
                return mul(a, taylor_term(b, k, self))
            if not self._ours(b):
                return mul(taylor_term(a, k, self), b)
            self._charge(k + 1)
            total = None
            for j in range(k + 1):
                p = mul(taylor_term(a, j, self), taylor_term(b, k - j, self))
                total = p if total is None else _add(total, p)
            return total
        return more

    def _quotient(self, args: tuple, ans: Any) -> TaylorTracer:
        """``y = a / b``: from ``b y = a``, ``y_k = (a_k - sum_(j>=1) b_j y_(k-j)) / b_0``."""
        a, b = args

        def more(k: int) -> Any:
            top = taylor_term(a, k, self)
            if not self._ours(b):
                return _div(top, b)
            self._charge(k)
            for j in range(1, k + 1):
                top = _sub(top, _mul(taylor_term(b, j, self), taylor_term(y, k - j, self)))
            return _div(top, taylor_term(b, 0, self))

        y = self._node(ans, more)
        return y

    def _positive(self, x: Any) -> bool:
        return self._ours(x) and bool(np.all(np.asarray(primal_value(x)) > 0))

    def _power(self, args: tuple, ans: Any) -> TaylorTracer:
        """``y = a**r`` with ``a > 0``. A constant ``r``: from ``a y' = r y a'``,
        ``y_k = sum_(j=1..k) (r j - (k - j)) a_j y_(k-j) / (k a_0)``; a series ``r``:
        ``exp(r log a)``."""
        a, r = args
        if self._ours(r):
            z = _prim("exp")(_prim("multiply")(r, _prim("log")(a)))
            return self._node(ans, lambda k: taylor_term(z, k, self))

        def more(k: int) -> Any:
            self._charge(k)
            total = None
            for j in range(1, k + 1):
                weight = _sub(_mul(r, j), k - j)
                p = _mul(weight, _mul(taylor_term(a, j, self), taylor_term(y, k - j, self)))
                total = p if total is None else _add(total, p)
            return _div(total, _mul(k, taylor_term(a, 0, self)))

        y = self._node(ans, more)
        return y

    def _general(self, prim: Primitive, args: tuple, params: dict, ans: Any) -> Any:
        box: list = []

        def more(k: int) -> Any:
            if not box:  # y'(t) from the jvp rules, run once on the series
                box.append(self._rate(prim, args, params, y))
            return _div(taylor_term(box[0], k - 1, self), k)

        y = self._node(ans, more)
        return y

    def _rate(self, prim: Primitive, args: tuple, params: dict, y: TaylorTracer) -> Any:
        """``y'(t)``: the sum of the jvp rules applied to the derivatives of the inputs.
        Its coefficients are needed one order below ``y``'s: so are those of the series
        the rules make (that bounds the chain sin -> cos -> -sin -> ...)."""
        outer = self.limit
        self.limit = (self.coefs_wanted if y.limit is None else y.limit) - 1
        try:
            out = None
            for i, a in enumerate(args):
                rule = prim.jvp[i]
                if rule is None or not self._ours(a):
                    continue
                c = run_rule(rule, self._derivative(a), y, args, params)
                if c is not None:
                    out = c if out is None else _add(out, c)
        finally:
            self.limit = outer
        return _zeros_like(y) if out is None else out

    def _derivative(self, x: TaylorTracer) -> TaylorTracer:
        """The series of ``x'(t)``: coefficient ``j`` is ``(j + 1) x_(j+1)``."""
        return TaylorTracer(self, taylor_term(x, 1, self),
                            lambda j: _mul(j + 1, taylor_term(x, j + 1, self)))

    def _charge(self, n: int) -> None:
        if self.budget is not None:
            self.budget.charge(n, _WHAT)


_BILINEAR = ("multiply", "matmul", "einsum")


# Coefficient arithmetic goes through the primitives, never Python operators: on Python
# floats these redo the work in NumPy where Python would raise or overflow silently.
def _add(x: Any, y: Any) -> Any:
    return _prim("add")(x, y)


def _sub(x: Any, y: Any) -> Any:
    return _prim("subtract")(x, y)


def _mul(x: Any, y: Any) -> Any:
    return _prim("multiply")(x, y)


def _div(x: Any, y: Any) -> Any:
    return _prim("divide")(x, y)
_PRIMS: dict = {}


def _prim(name: str) -> Callable:
    """A registered primitive, bound (the numpy layer registers them; core cannot import
    it)."""
    if name not in _PRIMS:
        from .primitive import registry
        _PRIMS[name] = registry()[name]
    prim = _PRIMS[name]
    return lambda *args: bind(prim, *args)
