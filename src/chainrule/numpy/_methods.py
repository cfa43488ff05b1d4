"""The array interface of tracers: operators, attributes and ndarray methods.

Installed on :class:`chainrule.core.Tracer` once, when :mod:`chainrule.numpy` is imported,
so that traced values behave like the arrays they stand for. NumPy functions and ufuncs
called on a tracer are routed to their ``chainrule.numpy`` versions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Tracer, bind, primal_value
from . import _arrays as A
from . import _complex as C
from . import _elementwise as E
from . import _shape as S
from ._base import dtype, shape
from ._linalg import matmul, mT
from ._ml import dot


class _IndexUpdate:
    """``x.at[idx]``: functional versions of ``x[idx] = v`` and ``x[idx] op= v``.

    ``set`` follows NumPy's assignment: where ``idx`` names a position twice, the last
    write wins. The other updates apply *every* update, in order, like ``np.add.at``,
    ``np.multiply.at``... (and JAX's ``.at``): ``x.at[[0, 0]].multiply([2, 3])``
    multiplies ``x[0]`` by 6. Every mode of differentiation follows the same semantics.
    """

    __slots__ = ("x", "idx")

    def __init__(self, x: Any, idx: Any) -> None:
        self.x = x
        self.idx = S.normalize_index(idx)

    def set(self, v: Any) -> Any:
        return S.index_set(self.x, _operand(v), idx=self.idx)

    def add(self, v: Any) -> Any:
        return S.index_add(self.x, _operand(v), idx=self.idx)

    def subtract(self, v: Any) -> Any:
        return S.index_add(self.x, -_operand(v), idx=self.idx)

    def multiply(self, v: Any) -> Any:
        return self._apply(E.multiply, v)

    def divide(self, v: Any) -> Any:
        return self._apply(E.divide, v)

    def power(self, v: Any) -> Any:
        return self._apply(E.power, v)

    def min(self, v: Any) -> Any:
        return self._apply(E.minimum, v)

    def max(self, v: Any) -> Any:
        return self._apply(E.maximum, v)

    def get(self) -> Any:
        return S.getitem(self.x, idx=self.idx)

    def _apply(self, op: Any, v: Any) -> Any:
        """``x[idx] = op(x[idx], v)`` with repeated positions updated once per update, as
        a sequence of rounds that each name a position at most once."""
        x, idx, v = self.x, self.idx, _operand(v)
        rounds = S.update_rounds(shape(x), idx)
        if rounds is None:
            return S.index_set(x, op(S.getitem(x, idx=idx), v), idx=idx)
        target, steps = rounds
        flat = A.reshape(x, (-1,))
        vs = A.reshape(A.broadcast_to(A.asarray(v), target), (-1,))
        for pos, which in steps:
            old = S.getitem(flat, idx=(pos,))
            flat = S.index_set(flat, op(old, S.getitem(vs, idx=(which,))), idx=(pos,))
        return A.reshape(flat, shape(x))


def _operand(v: Any) -> Any:
    """A list or tuple of values as an array (traced if it holds tracers)."""
    return A.asarray(v) if isinstance(v, (list, tuple)) else v


class _At:
    __slots__ = ("x",)

    def __init__(self, x: Any) -> None:
        self.x = x

    def __getitem__(self, idx: Any) -> _IndexUpdate:
        return _IndexUpdate(self.x, idx)


def at(x: Any) -> _At:
    """``at(x)[idx].set(v)`` returns a copy of ``x`` with ``x[idx] = v``; works on plain
    arrays as well as traced ones (which also offer ``x.at[idx]``)."""
    return _At(x if isinstance(x, Tracer) else np.asarray(x))


def _setitem(self, idx, value):
    raise TypeError(
        "traced arrays are immutable: instead of x[idx] = v write x = x.at[idx].set(v) "
        "(or x.at[idx].add(v) for x[idx] += v)")


def _float(self):
    raise TypeError(
        "float() of a traced value would silently drop its derivative. Use chainrule.numpy "
        "functions (import chainrule.numpy as cnp) instead of math.*, or "
        "chainrule.stop_gradient(x) if the derivative should really be ignored.")


def _int(self):
    """``int(x)`` truncates the value: piecewise constant, so no derivative is lost."""
    return int(primal_value(self))


def _getitem(self, idx):
    return S.getitem(self, idx=S.normalize_index(idx))


def _iter(self):
    n = len(self)
    return (S.getitem(self, idx=(i,)) for i in range(n))


def _len(self):
    s = shape(self)
    if not s:
        raise TypeError("len() of a 0-d traced array")
    return s[0]


def _reshape(self, *shape_args, order="C"):
    if len(shape_args) == 1:
        shape_args = shape_args[0]
    return A.reshape(self, shape_args, order=order)


def _transpose(self, *axes):
    if len(axes) == 1 and not isinstance(axes[0], int):
        axes = axes[0]
    return A.transpose(self, axes or None)


_UFUNCS = {
    "add": E.add, "subtract": E.subtract, "multiply": E.multiply, "divide": E.divide,
    "true_divide": E.divide, "power": E.power, "negative": E.negative,
    "absolute": E.absolute, "matmul": matmul,
}


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    from .. import numpy as cnp

    fn = _UFUNCS.get(ufunc.__name__) or getattr(cnp, ufunc.__name__, None)
    if method != "__call__" or kwargs or fn is None:
        raise TypeError(f"numpy.{ufunc.__name__}.{method} with {sorted(kwargs)} is not "
                        "supported on traced arrays; use chainrule.numpy instead")
    return fn(*inputs)


def _array_function(self, func, types, args, kwargs):
    from .. import numpy as cnp

    if func in (np.shape, np.ndim, np.size):  # metadata: no derivative involved
        return func(primal_value(args[0]), *args[1:], **kwargs)
    module = cnp.linalg if func.__module__ == "numpy.linalg" else cnp
    fn = getattr(module, func.__name__, None)
    if fn is None:
        raise TypeError(f"numpy.{func.__name__} has no chainrule version and cannot take a "
                        "traced array; see chainrule.numpy for what is supported")
    return fn(*args, **kwargs)


def _array(self, dtype=None, copy=None):
    raise TypeError(
        "a traced array cannot become a plain numpy array without losing its derivative. "
        "Use chainrule.numpy (import chainrule.numpy as cnp) inside functions you "
        "differentiate.")


# Operators skip bind's search for the innermost trace when it is plain which one it is.
_NO_PARAMS: dict = {}


# Lists and tuples go through bind, which makes them arrays.
_SLOW = (Tracer, list, tuple)


def _fwd(prim):
    def method(self, other):
        trace = self._trace
        if trace.alive and (not isinstance(other, _SLOW) or
                            (isinstance(other, Tracer) and other._trace is trace)):
            return trace.process(prim, (self, other), _NO_PARAMS)
        return bind(prim, self, other)
    return method


def _rev(prim):
    def method(self, other):
        trace = self._trace
        if trace.alive and not isinstance(other, _SLOW):
            return trace.process(prim, (other, self), _NO_PARAMS)
        return bind(prim, other, self)
    return method


def _live(fn):
    """``fn`` as a method that first checks its tracer's transformation is still running."""
    def method(self, *args, **kwargs):
        if not self._trace.alive:
            raise self._trace.escaped()
        return fn(self, *args, **kwargs)
    method.__name__ = getattr(fn, "__name__", "method")
    method.__doc__ = getattr(fn, "__doc__", None)
    return method


def _divmod(self, other):
    return E.divmod(self, other)


def _rdivmod(self, other):
    return E.divmod(other, self)


def _unary(prim):
    def method(self):
        trace = self._trace
        return trace.process(prim, (self,), _NO_PARAMS) if trace.alive else bind(prim, self)
    return method


METHODS = {
    "__add__": _fwd(E.add), "__radd__": _rev(E.add),
    "__sub__": _fwd(E.subtract), "__rsub__": _rev(E.subtract),
    "__mul__": _fwd(E.multiply), "__rmul__": _rev(E.multiply),
    "__truediv__": _fwd(E.divide), "__rtruediv__": _rev(E.divide),
    "__pow__": _fwd(E.power), "__rpow__": _rev(E.power),
    "__matmul__": _fwd(matmul), "__rmatmul__": _rev(matmul),
    "__floordiv__": _fwd(E.floor_divide), "__rfloordiv__": _rev(E.floor_divide),
    "__mod__": _fwd(E.remainder), "__rmod__": _rev(E.remainder),
    "__neg__": _unary(E.negative), "__pos__": lambda self: self,
    "__divmod__": _divmod, "__rdivmod__": _rdivmod,
    "__abs__": _unary(E.absolute),
    "__lt__": _fwd(E.less), "__le__": _fwd(E.less_equal), "__gt__": _fwd(E.greater),
    "__ge__": _fwd(E.greater_equal), "__eq__": _fwd(E.equal), "__ne__": _fwd(E.not_equal),
    "__hash__": None,
    "__getitem__": _getitem, "__setitem__": _setitem, "__iter__": _iter, "__len__": _len,
    "__bool__": lambda self: bool(primal_value(self)),
    "__float__": _float, "__complex__": _float, "__int__": _int,
    "real": property(lambda self: C.real(self)), "imag": property(lambda self: C.imag(self)),
    "conj": C.conj, "conjugate": C.conj,
    "__format__": lambda self, spec: format(primal_value(self), spec),
    "__array__": _array, "__array_ufunc__": _array_ufunc,
    "__array_function__": _array_function,
    "shape": property(lambda self: shape(self.value)),
    "ndim": property(lambda self: len(shape(self.value))),
    "size": property(lambda self: int(np.prod(shape(self.value)))),
    "dtype": property(lambda self: dtype(self.value)),
    "T": property(lambda self: A.transpose(self)),
    "mT": property(mT),
    "at": property(_At),
    "sum": A.sum, "mean": A.mean, "prod": A.prod, "max": A.max, "min": A.min,
    "var": A.var, "std": A.std, "cumsum": A.cumsum, "clip": A.clip,
    "reshape": _reshape, "transpose": _transpose, "ravel": A.ravel, "flatten": A.ravel,
    "squeeze": A.squeeze, "swapaxes": A.swapaxes, "dot": dot, "astype": A.astype,
    "argmax": A.argmax, "argmin": A.argmin, "diagonal": A.diagonal, "trace": A.trace,
    "repeat": A.repeat, "copy": lambda self: self,
    "item": lambda self: _float(self),
}


# Operators built by _fwd, _rev and _unary check for escaped tracers themselves (bind
# does); every other method and property gets the check from _live.
_OPERATORS = {name for name, fn in METHODS.items()
              if getattr(fn, "__qualname__", "").split(".")[0] in ("_fwd", "_rev", "_unary")}


def install() -> None:
    for name, fn in METHODS.items():
        if fn is None or name in _OPERATORS:
            setattr(Tracer, name, fn)
        elif isinstance(fn, property):
            setattr(Tracer, name, property(_live(fn.fget), doc=fn.__doc__))
        else:
            setattr(Tracer, name, _live(fn))
