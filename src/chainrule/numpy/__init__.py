"""``chainrule.numpy``: NumPy's names and semantics, differentiable.

Write functions with ``import chainrule.numpy as cnp`` and differentiate them with
:func:`chainrule.grad` and friends. Outside a transformation every function returns
exactly what NumPy returns; inside one, values are tracers that behave like arrays.

>>> import chainrule.numpy as cnp
>>> from chainrule import grad
>>> float(grad(lambda x: cnp.sin(x) * x)(0.0))
0.0
"""

import numpy as _np
from numpy import (  # noqa: F401 (re-exported constructors and constants)
    bool_,
    complex64,
    complex128,
    e,
    empty,
    euler_gamma,
    eye,
    float16,
    float32,
    float64,
    identity,
    inf,
    nan,
    ndarray,
    newaxis,
    ones,
    pi,
    zeros,
)

from ..core import primal_value as _primal
from ..core.primitive import set_sequence_converter as _set_sequence_converter
from . import _arrays, _methods, fft, linalg
from ._arrays import (
    amax,
    amin,
    argmax,
    argmin,
    array,
    asarray,
    astype,
    atleast_1d,
    atleast_2d,
    broadcast_to,
    clip,
    concatenate,
    cumsum,
    diag,
    diagonal,
    expand_dims,
    flip,
    hstack,
    max,
    mean,
    min,
    moveaxis,
    ones_like,
    prod,
    ravel,
    repeat,
    reshape,
    split,
    squeeze,
    stack,
    std,
    sum,
    swapaxes,
    take,
    tile,
    trace,
    transpose,
    var,
    vstack,
    zeros_like,
)
from ._casts import int8, int16, int32, int64, int_, intp, uint8, uint16, uint32, uint64
from ._compare import allclose, array_equal, isclose
from ._complex import (
    angle,
    conj,
    conjugate,
    imag,
    iscomplex,
    iscomplexobj,
    isreal,
    isrealobj,
    real,
    real_if_close,
    sign,
)
from ._constructors import full, full_like
from ._elementwise import (
    absolute,
    add,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    cbrt,
    ceil,
    cos,
    cosh,
    divide,
    divmod,
    equal,
    exp,
    exp2,
    expm1,
    floor,
    floor_divide,
    fmod,
    greater,
    greater_equal,
    hypot,
    isfinite,
    isinf,
    isnan,
    less,
    less_equal,
    log,
    log1p,
    log2,
    log10,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    power,
    relu,
    remainder,
    round,
    sigmoid,
    sin,
    sinh,
    softplus,
    sqrt,
    subtract,
    tan,
    tanh,
    trunc,
)
from ._elementwise import where as _where
from ._extra import (
    append,
    array_split,
    atleast_3d,
    column_stack,
    convolve,
    cross,
    cumprod,
    deg2rad,
    degrees,
    diff,
    dsplit,
    fabs,
    fliplr,
    flipud,
    fmax,
    fmin,
    hsplit,
    kron,
    logaddexp,
    logaddexp2,
    nan_to_num,
    pad,
    rad2deg,
    radians,
    roll,
    rollaxis,
    rot90,
    select,
    sinc,
    tril,
    triu,
    vsplit,
)
from ._gradient import gradient
from ._index_tricks import c_, r_
from ._linalg import matmul
from ._methods import at
from ._ml import (
    dot,
    einsum,
    expit,
    inner,
    leaky_relu,
    log_softmax,
    logsumexp,
    outer,
    reciprocal,
    softmax,
    square,
    tensordot,
    vdot,
)
from ._passthrough import (
    all,
    any,
    argwhere,
    around,
    array_equiv,
    count_nonzero,
    empty_like,
    fix,
    flatnonzero,
    isneginf,
    isposinf,
    isscalar,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    ndim,
    nonzero,
    result_type,
    rint,
    searchsorted,
    shape,
    size,
)
from ._sorting import (
    argpartition,
    argsort,
    median,
    partition,
    percentile,
    quantile,
    sort,
)
from ._stacking import dstack, row_stack

abs = absolute
true_divide = divide
mod = remainder


def arange(*args, **kwargs):
    """``numpy.arange``; traced bounds are read as plain numbers (no derivative)."""
    return _np.arange(*map(_primal, args), **{k: _primal(v) for k, v in kwargs.items()})


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    """``numpy.linspace``, differentiable in ``start`` and ``stop``."""
    steps = _np.linspace(0.0, 1.0, num, endpoint=endpoint)
    out = start + (stop - start) * steps
    return out if dtype is None else astype(out, dtype)


def where(condition, x=None, y=None):
    """Choose ``x`` where ``condition`` holds and ``y`` elsewhere; the condition itself
    has no derivative. With only a condition, the indices where it holds."""
    if x is None and y is None:
        return _np.where(_primal(condition))
    try:
        cond = _np.asarray(_primal(condition))
    except TypeError:  # its values are not known yet (jit is compiling): it stays traced
        cond = condition
    return _where(cond, x, y)

# NumPy 2's names from the array API standard
acos, acosh, asin, asinh = arccos, arccosh, arcsin, arcsinh
atan, atan2, atanh, pow = arctan, arctan2, arctanh, power


def permute_dims(a, axes=None):
    """``numpy.permute_dims``: :func:`transpose` by its array-API name."""
    return transpose(a, axes)


_methods.install()
_set_sequence_converter(_arrays.as_array_args)

__all__ = [
    "abs", "absolute", "add", "amax", "amin", "arange", "arccos", "arccosh", "arcsin",
    "arcsinh", "arctan", "arctan2", "arctanh", "argmax", "argmin", "array", "asarray",
    "astype", "at", "atleast_1d", "atleast_2d", "bool_", "broadcast_to", "cbrt", "ceil",
    "clip", "concatenate", "cos", "cosh", "cumsum", "diag", "diagonal", "divide", "divmod", "dot",
    "e", "einsum", "empty", "equal", "euler_gamma", "exp", "exp2", "expand_dims", "expit",
    "expm1", "eye", "flip", "float16", "float32", "float64", "floor", "floor_divide", "fmod",
    "full", "full_like", "greater", "greater_equal", "hstack", "hypot", "identity", "inf",
    "inner", "int32", "int64", "isfinite", "isinf", "isnan", "leaky_relu", "less",
    "less_equal", "linalg", "linspace", "log", "log10", "log1p", "log2", "log_softmax",
    "logsumexp", "matmul", "max", "maximum", "mean", "min", "minimum", "mod", "moveaxis",
    "multiply", "nan", "ndarray", "negative", "newaxis", "not_equal", "ones", "ones_like",
    "outer", "pi", "power", "prod", "ravel", "reciprocal", "relu", "remainder", "repeat",
    "reshape", "round", "sigmoid", "sign", "sin", "sinh", "softmax", "softplus", "split",
    "sqrt", "square", "squeeze", "stack", "std", "subtract", "sum", "swapaxes", "take",
    "tan", "tanh", "tensordot", "tile", "trace", "transpose", "true_divide", "trunc",
    "var", "vdot", "vstack", "where", "zeros", "zeros_like",
]
__all__ += [
    "append", "argpartition", "argsort", "array_split", "atleast_3d", "column_stack",
    "cross", "cumprod", "deg2rad", "degrees", "diff", "dsplit", "fabs", "fliplr", "flipud",
    "fmax", "fmin", "hsplit", "kron", "logaddexp", "logaddexp2", "median", "nan_to_num",
    "pad", "partition", "percentile", "quantile", "rad2deg", "radians", "roll", "rollaxis",
    "rot90", "row_stack", "select", "sinc", "sort", "tril", "triu", "vsplit",
    "convolve",
]
__all__ += [
    "angle", "complex64", "complex128", "conj", "conjugate", "fft", "imag", "int8", "int16",
    "int_",
    "intp", "iscomplex", "iscomplexobj", "isreal", "isrealobj", "real", "real_if_close",
    "uint8", "uint16", "uint32", "uint64",
]
__all__ += ["allclose", "array_equal", "c_", "dstack", "gradient", "isclose", "r_"]
__all__ += [
    "acos", "acosh", "all", "any", "argwhere", "around", "array_equiv", "asin", "asinh", "atan",
    "atan2", "atanh", "count_nonzero", "empty_like", "fix", "flatnonzero", "isneginf",
    "isposinf", "isscalar", "logical_and", "logical_not", "logical_or", "logical_xor", "ndim",
    "nonzero", "permute_dims", "pow", "result_type", "rint", "searchsorted", "shape", "size",
]
