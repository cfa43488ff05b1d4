"""Functions machine learning code reaches for, composed from primitives.

Only ``sigmoid``, ``softplus``, ``relu`` and ``logsumexp`` are primitives (for speed and
numerical stability); everything here is a composition and needs no rule of its own.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.array_utils import normalize_axis_tuple

from . import _reductions as R
from ._arrays import _axes, asarray, reshape, takes_arraylikes
from ._base import ndim
from ._complex import conj, is_complex
from ._elementwise import exp, greater, multiply, sigmoid, where
from ._linalg import einsum_p, matmul

__all__ = [
    "logsumexp", "softmax", "log_softmax", "leaky_relu", "expit", "reciprocal", "square",
    "dot", "vdot", "inner", "outer", "tensordot", "einsum",
]

expit = sigmoid


@takes_arraylikes()
def logsumexp(a, axis=None, keepdims=False):
    """``log(sum(exp(a)))`` over the given axes, computed without overflow."""
    return R.logsumexp(a, axis=_axes(axis, ndim(a)), keepdims=bool(keepdims))


@takes_arraylikes()
def log_softmax(x, axis=-1):
    """``x - logsumexp(x)`` along ``axis``: log-probabilities that sum (in exp) to one."""
    return x - logsumexp(x, axis=axis, keepdims=True)


@takes_arraylikes()
def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x))`` along ``axis``, computed stably."""
    return exp(log_softmax(x, axis=axis))


def leaky_relu(x, negative_slope=0.01):
    """``x`` where positive, ``negative_slope * x`` elsewhere (derivative at 0 is the slope)."""
    x = asarray(x)
    return where(greater(x, 0), x, negative_slope * x)


def reciprocal(x):
    return 1 / asarray(x)


def square(x):
    x = asarray(x)
    return x * x


def _letters(n: int, skip: str = "") -> str:
    pool = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in skip]
    if n > len(pool):
        raise ValueError("too many dimensions for einsum")
    return "".join(pool[:n])


def _parse_einsum(subscripts: str, ndims: list) -> tuple:
    """Explicit subscripts ``((in_1, ..., in_n), out)`` with ``...`` spelled out."""
    text = subscripts.replace(" ", "")
    if "->" in text:
        lhs, out = text.split("->")
    else:
        lhs, out = text, None
    ins = lhs.split(",")
    if len(ins) != len(ndims):
        raise ValueError(f"einsum: {len(ins)} operand subscripts for {len(ndims)} operands")
    used = "".join(c for c in text if c.isalpha())
    ell_nd = max([n - len(s.replace("...", "")) for s, n in zip(ins, ndims) if "..." in s],
                 default=0)
    ell = _letters(ell_nd, skip=used)
    spelled = []
    for s, n in zip(ins, ndims):
        if "..." in s:
            k = n - len(s.replace("...", ""))
            s = s.replace("...", ell[ell_nd - k:] if k else "")
        if len(s) != n or not s.isalpha():
            raise ValueError(f"einsum: subscripts {s!r} do not fit an operand with {n} axes")
        spelled.append(s)
    if out is None:
        counts = {c: "".join(spelled).count(c) for c in set("".join(spelled))}
        out = ell + "".join(sorted(c for c, k in counts.items() if k == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return tuple(spelled), out


def _sublist_letters(sub) -> str:
    """NumPy's sublist ``[0, 1, Ellipsis]`` as subscripts ``"AB..."`` (0-25 are A-Z,
    26-51 are a-z)."""
    out = []
    for k in sub:
        if k is Ellipsis:
            out.append("...")
        elif isinstance(k, (int, np.integer)) and not isinstance(k, bool):
            if not 0 <= k < 52:
                raise ValueError("subscript is not within the valid range [0, 52)")
            out.append(chr(ord("A") + k) if k < 26 else chr(ord("a") + k - 26))
        else:
            raise TypeError("each subscript must be either an integer or an ellipsis")
    return "".join(out)


def _from_sublists(args: tuple) -> tuple:
    """``(op0, sub0, op1, sub1, ..., [sub_out])`` as ``(subscripts, operands)``."""
    operands, subs = list(args[0::2]), [_sublist_letters(s) for s in args[1::2]]
    out = None
    if len(args) % 2:
        out = _sublist_letters(operands.pop())
    text = ",".join(subs)
    return (text if out is None else text + "->" + out), operands


def einsum(*operands, optimize=False):
    """Einstein summation (``numpy.einsum``), differentiable in every operand.

    Subscripts are a string (``einsum("ij,jk->ik", a, b)``) or NumPy's sublists, an
    integer list after each operand and an optional output list at the end
    (``einsum(a, [0, 1], b, [1, 2], [0, 2])``, with ``Ellipsis`` for ``...``).
    ``optimize`` is accepted for NumPy compatibility (the contraction is the same).

    >>> import chainrule.numpy as cnp
    >>> cnp.einsum(cnp.eye(2) * 3.0, [0, 0])
    np.float64(6.0)
    """
    if not operands:
        raise TypeError("einsum: expected subscripts and operands")
    if isinstance(operands[0], str):
        subscripts, operands = operands[0], operands[1:]
    else:
        subscripts, operands = _from_sublists(operands)
    operands = [asarray(o) if isinstance(o, (list, tuple)) else o for o in operands]
    spec = _parse_einsum(subscripts, [ndim(o) for o in operands])
    return einsum_p(*operands, spec=spec)


@takes_arraylikes(2)
def tensordot(a, b, axes=2):
    """Sum products over the given axes of ``a`` and ``b`` (``numpy.tensordot``)."""
    na, nb = ndim(a), ndim(b)
    if isinstance(axes, (int, np.integer)):
        ax_a, ax_b = tuple(range(na - axes, na)), tuple(range(axes))
    else:
        ax_a = normalize_axis_tuple(axes[0], na)
        ax_b = normalize_axis_tuple(axes[1], nb)
    letters = _letters(na + nb)
    sa = list(letters[:na])
    sb = list(letters[na:na + nb])
    for i, j in zip(ax_a, ax_b):
        sb[j] = sa[i]
    out = "".join(c for i, c in enumerate(sa) if i not in ax_a)
    out += "".join(c for j, c in enumerate(sb) if j not in ax_b)
    return einsum_p(a, b, spec=(("".join(sa), "".join(sb)), out))


@takes_arraylikes(2)
def dot(a, b):
    """``numpy.dot``: products for scalars, matrix products, or a sum over the last axis
    of ``a`` and the second-to-last of ``b``."""
    if ndim(a) == 0 or ndim(b) == 0:
        return multiply(a, b)
    if ndim(b) <= 2:
        return matmul(a, b)
    return tensordot(a, b, axes=([-1], [-2]))


@takes_arraylikes(2)
def inner(a, b):
    if ndim(a) == 0 or ndim(b) == 0:
        return multiply(a, b)
    return tensordot(a, b, axes=([-1], [-1]))


@takes_arraylikes(2)
def vdot(a, b):
    """``sum(conj(a) * b)`` over the flattened arrays (``numpy.vdot``)."""
    return dot(reshape(conj(a) if is_complex(a) else a, (-1,)), reshape(b, (-1,)))


@takes_arraylikes(2)
def outer(a, b):
    a, b = reshape(a, (-1, 1)), reshape(b, (1, -1))
    return a * b
