"""Complex numbers: ``real``, ``imag``, ``conj``, ``angle`` and the tests of complexness.

chainrule follows the convention of JAX and autograd. A rule is the transpose of the
linear map its jvp computes, taken for the *bilinear* pairing ``Re(sum(u * v))`` — never
a conjugate transpose — so the rules of holomorphic functions (``exp``, ``sin``,
``matmul``...) are the real ones, unchanged. For a real-valued ``f`` of ``z = x + iy`` the
gradient is then ``df/dx - i df/dy``: the *conjugate* of the direction of steepest
ascent. Gradient descent on complex parameters steps along ``-conj(grad)``; for a
holomorphic ``f``, ``grad(f, holomorphic=True)`` is ``f'(z)``.

The functions that are not holomorphic — ``real``, ``imag``, ``conj``, ``absolute``, the
real part hidden in ``var`` and the norms — have rules written for that pairing here:
``real`` maps a cotangent ``g`` to ``g``, ``imag`` to ``-i g``, ``conj`` to ``conj(g)``.
"""

from __future__ import annotations

import numpy as np

from ..core import Sample, Tracer, primal_value
from ..core.reverse import is_complex, set_complex_embedding
from ._base import PRIMS, defprim

__all__ = ["real", "imag", "conj", "conjugate", "angle", "abs2", "is_complex", "sign",
           "iscomplex", "isreal", "iscomplexobj", "isrealobj", "real_if_close"]


def _samples(name: str):
    """Real samples: every registry sweep runs on them; tests/test_complex.py adds an
    imaginary part to every sample of every primitive."""
    def make():
        rng = np.random.default_rng(len(name) * 7919)
        return [Sample((rng.uniform(-2, 2, (3,)),)), Sample((rng.uniform(-2, 2, (2, 3)),)),
                Sample((0.7,))]
    return make


def _real_vjp(g, ans, x):
    return g  # Re is real-linear; its transpose embeds the (real) cotangent


def _imag_vjp(g, ans, x):
    if not is_complex(x):
        return None  # the imaginary part of a real number is the constant 0
    return multiply(g, -1j)


def _imag_jvp(t, ans, x):
    return imag(t) if is_complex(x) else None


real = defprim(
    "real", np.real, jvp=(lambda t, ans, x: real(t),), vjp=(_real_vjp,),
    rule="real part", statement="Re(u)' = Re(u')", linear=True, elementwise=True,
    samples=_samples("real"), save_ans=False)

imag = defprim(
    "imag", np.imag, jvp=(_imag_jvp,), vjp=(_imag_vjp,),
    rule="imaginary part", statement="Im(u)' = Im(u')", linear=True, elementwise=True,
    samples=_samples("imag"), save_ans=False)

conjugate = defprim(
    "conjugate", np.conjugate, jvp=(lambda t, ans, x: conjugate(t),),
    vjp=(lambda g, ans, x: conjugate(g),),
    rule="complex conjugate", statement="conj(u)' = conj(u')", linear=True,
    elementwise=True, samples=_samples("conjugate"), save_args=False,
    save_ans=False)
conj = conjugate


def multiply(x, y):
    return PRIMS["multiply"](x, y)


def abs2(x):
    """``|x|**2`` as a real number, ``x * conj(x)`` without a square root."""
    if is_complex(x):
        return real(x) ** 2 + imag(x) ** 2
    return x * x


def angle(z, deg: bool = False):
    """The argument of a complex number, ``arctan2(imag(z), real(z))`` (``numpy.angle``).

    >>> import chainrule as cr
    >>> round(float(cr.grad(lambda z: angle(z))(1.0 + 1.0j).imag), 6)  # -d/dy of atan2
    -0.5
    """
    a = PRIMS["arctan2"](imag(z), real(z))
    return a * (180.0 / np.pi) if deg else a


def sign(x):
    """``numpy.sign``: -1, 0 or 1 for real numbers (derivative 0), ``z / |z|`` (0 at 0)
    for complex ones, which is differentiable away from 0."""
    if not (is_complex(x) and isinstance(x, Tracer)):
        return PRIMS["sign"](x)
    a = PRIMS["absolute"](x)
    zero = np.asarray(primal_value(a) == 0)
    where = PRIMS["where"]
    return where(zero, 0j, PRIMS["divide"](x, where(zero, 1.0, a)))


def _kind(x) -> str:
    d = getattr(x, "dtype", None)
    return (d if d is not None else np.asarray(primal_value(x)).dtype).kind


def iscomplex(x):
    """Elementwise: whether the imaginary part is nonzero (``numpy.iscomplex``)."""
    return np.iscomplex(primal_value(x))


def isreal(x):
    """Elementwise: whether the imaginary part is zero (``numpy.isreal``)."""
    return np.isreal(primal_value(x))


def iscomplexobj(x) -> bool:
    """Whether ``x`` has a complex dtype (``numpy.iscomplexobj``), traced or not."""
    return _kind(x) == "c"


def isrealobj(x) -> bool:
    """Whether ``x`` has a non-complex dtype (``numpy.isrealobj``), traced or not."""
    return _kind(x) != "c"


def real_if_close(a, tol: float = 100):
    """``real(a)`` if every imaginary part is within ``tol`` machine epsilons of 0, else
    ``a`` (``numpy.real_if_close``); the choice is made on the values, the result stays
    traced."""
    if not is_complex(a):
        return a
    keep = np.real_if_close(np.asarray(primal_value(a)), tol=tol)
    return real(a) if keep.dtype.kind != "c" else a


set_complex_embedding(PRIMS["astype"])
