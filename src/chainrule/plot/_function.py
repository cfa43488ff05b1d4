"""One adapter from what users pass (a formula string, an Expr, a Python callable) to what
the plots need: values on grids, derivatives, a label, and an Expr when there is one.

A callable is first *traced* over symbols (``lambda x: x**2 * cnp.sin(x)`` builds the
Expr ``x**2*sin(x)``), so callables get exact derivatives and critical points like
formulas. The trace is kept only if it agrees with the callable at sample points, so a
callable with Python control flow (``x if x > 0 else -x``) or plain ``math`` calls falls
back to numerical evaluation and ``chainrule.derivative``.

>>> f = as_function("x^2 + 1")
>>> f.names, f.label, f(2.0).item()
(['x'], 'x**2 + 1', 5.0)
>>> g = as_function(lambda x: 3 * x)
>>> g.expr is not None, g.derivative(1)(1.0).item()
(True, 3.0)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["PlotFunction", "as_function"]

_PROBES = np.array([-2.3, -0.7, 0.3, 1.1, 2.9])


class PlotFunction:
    """A function of ``names`` (one or two variables) evaluated on arrays.

    Attributes:
        expr: the Expr, or None for a callable that could not be traced.
        names: the variable names, in order.
        label: how the title and legend call it (the formula, or the callable's name).
    """

    def __init__(self, expr: Any, names: list[str], fn: Callable[..., Any], label: str,
                 source: Any = None) -> None:
        self.expr, self.names, self._fn, self.label = expr, names, fn, label
        self._source = source   # the user's callable, for numerical derivatives

    @property
    def nvars(self) -> int:
        return len(self.names)

    def __call__(self, *arrays: Any) -> np.ndarray:
        """Values as a float array of the broadcast shape; no warnings, NaN where f fails."""
        shape = np.broadcast_shapes(*(np.shape(a) for a in arrays))
        with np.errstate(all="ignore"):
            try:
                out = np.asarray(self._fn(*arrays), dtype=float)
                # a callable that returns one number for a whole grid (np.sum(x**2)) is
                # not vectorized: only a formula may be constant
                if out.shape == shape or (out.ndim == 0 and self.expr is not None):
                    return np.broadcast_to(out, shape).astype(float)
            except Exception:  # noqa: BLE001 - not vectorized: evaluate point by point
                pass
            return _pointwise(self._fn, arrays, shape)

    def derivative(self, order: int = 1, var: str | None = None) -> PlotFunction:
        """The ``order``-th derivative along ``var`` (default: the only variable)."""
        var = var or self.names[0]
        label = f"d{'' if order == 1 else order}f/d{var}{'' if order == 1 else order}"
        if self.expr is not None:
            from chainrule.symbolic import diff

            return from_expr(diff(self.expr, var, order=order), self.names, label)
        if self.nvars != 1:
            raise ValueError("derivatives of an untraceable callable need one variable")
        d = _derivative_of_callable(self._source, order)
        return PlotFunction(None, self.names, d, label, source=d)

    def scalar(self) -> Callable[[Any], Any]:
        """f as ``minimize`` wants it: f(x) for one variable, f(p) with p = (x, y) else."""
        if self.nvars == 1:
            return self._source if self.expr is None else _lambdify(self.expr, self.names)
        g = self._source if self.expr is None else _lambdify(self.expr, self.names)
        return lambda p: g(p[0], p[1])


def _pointwise(fn: Callable, arrays: Sequence[Any], shape: tuple) -> np.ndarray:
    cols = [np.broadcast_to(np.asarray(a, dtype=float), shape).ravel() for a in arrays]
    out = np.empty(cols[0].size if cols else 1)
    for i in range(out.size):
        try:
            out[i] = float(fn(*(c[i] for c in cols)))
        except (ArithmeticError, ValueError, TypeError):
            out[i] = np.nan
    return out.reshape(shape)


def _derivative_of_callable(f: Callable, order: int) -> Callable:
    """Automatic differentiation when chainrule can trace f; else central differences, on
    the whole grid at once (two evaluations a point: a figure needs a curve, not the
    error estimates of :mod:`chainrule.numeric`)."""
    from chainrule import derivative

    d = derivative(f, order=order)
    try:
        float(d(0.5))
        return d
    except Exception:  # noqa: BLE001 - math.*, float(x)...: not traceable
        pass
    lower = f if order == 1 else _derivative_of_callable(f, order - 1)
    values = PlotFunction(None, ["x"], lower, "f", source=lower)

    def central(x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        h = np.finfo(float).eps ** (1.0 / (2.0 + order)) * np.maximum(1.0, np.abs(x))
        return (values(x + h) - values(x - h)) / (2.0 * h)
    return central


def _lambdify(expr: Any, names: list[str]) -> Callable:
    from chainrule.symbolic import lambdify

    return lambdify(expr, names)


def from_expr(expr: Any, names: list[str], label: str | None = None) -> PlotFunction:
    g = _lambdify(expr, names)
    return PlotFunction(expr, names, g, str(expr) if label is None else label)


def _arity(f: Callable) -> int | None:
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                  and p.default is p.empty]
    return len(positional)


def _trace(f: Callable, nvars: int, vector: bool) -> Any:
    """The Expr that ``f`` builds over symbols, if it builds one that agrees with f."""
    from chainrule.symbolic import Expr, symbols

    names = ["x", "y"][:nvars]
    syms = symbols(" ".join(names))
    syms = list(syms) if isinstance(syms, (list, tuple)) else [syms]
    try:
        e = f(syms) if vector else f(*syms)
        if not isinstance(e, Expr):
            return None
        g = _lambdify(e, names)
        probes = [_PROBES, _PROBES[::-1]][:nvars]
        with np.errstate(all="ignore"):
            want = np.array([float(f(np.array(p)) if vector else f(*p)) for p in zip(*probes)])
            got = np.broadcast_to(np.asarray(g(*probes), dtype=float), want.shape)
    except Exception:  # noqa: BLE001 - any failure means: evaluate the callable itself
        return None
    same = np.isclose(got, want, rtol=1e-9, atol=1e-12) | (np.isnan(got) & np.isnan(want))
    return e if same.all() else None


def as_function(f: Any, nvars: int | None = None, names: Sequence[str] | None = None
                ) -> PlotFunction:
    """Turn a formula string, an Expr or a callable into a :class:`PlotFunction`.

    Args:
        f: ``"x^2 sin(x)"``, an Expr, ``f(x)``, ``f(x, y)`` or ``f(p)`` with ``p = (x, y)``.
        nvars: the number of variables the plot draws (1 or 2); None: the formula's own.
        names: the variables' names in order (default: the formula's, sorted).

    Raises:
        TypeError: f is none of these. ValueError: f has a different number of variables.
    """
    from chainrule.symbolic import Expr, parse

    expr = parse(f) if isinstance(f, str) else f if isinstance(f, Expr) else None
    if isinstance(f, str) and not isinstance(expr, Expr):
        raise ValueError(f"expected an expression, not an equation: {f!r}")
    if expr is not None:
        found = sorted(str(s) for s in expr.free_symbols())
        order = list(names) if names is not None else found
        n = nvars or max(len(order), 1)
        if len(order) > n or any(v not in order for v in found):
            raise ValueError(f"expected a function of {n} variable{'s' * (n > 1)}, "
                             f"got one of {', '.join(found)}")
        order = (order + [v for v in ("x", "y", "u", "v") if v not in order])[:n]
        return from_expr(expr, order)
    if not callable(f):
        raise TypeError(f"expected a formula string, an Expr or a callable, got {type(f)!r}")
    n = nvars or (2 if _arity(f) == 2 else 1)
    vector = n == 2 and _arity(f) != 2
    label = getattr(f, "__name__", "f")
    label = "f" if label == "<lambda>" else label
    traced = _trace(f, n, vector)
    order = ["x", "y"][:n]
    if traced is not None:
        return PlotFunction(traced, order, _lambdify(traced, order), str(traced))
    fn = (lambda *a: f(np.stack(np.broadcast_arrays(*a)))) if vector else f
    return PlotFunction(None, order, fn, label, source=f)
