"""Comparisons that answer with booleans: ``allclose``, ``isclose``, ``array_equal``.

They accept traced values and compare their primal (plain) values, as autograd does: the
answer is piecewise constant, so it carries no derivative and stays a plain Python or NumPy
boolean, usable in ``if``.
"""

from __future__ import annotations

import numpy as np

from ..core import primal_value

__all__ = ["allclose", "isclose", "array_equal"]


def _plain(a):
    """The primal value of ``a``; lists and tuples holding tracers become plain arrays."""
    if isinstance(a, (list, tuple)):
        return [_plain(x) for x in a]
    return primal_value(a)


def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise ``|a - b| <= atol + rtol * |b|`` on the values, as ``numpy.isclose``.

    >>> import chainrule.numpy as cnp
    >>> cnp.isclose([1.0, 2.0], [1.0, 2.1])
    array([ True, False])
    """
    return np.isclose(_plain(a), _plain(b), rtol=_plain(rtol), atol=_plain(atol),
                      equal_nan=equal_nan)


def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if every element of ``a`` is close to ``b`` (``numpy.allclose``).

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> float(cr.grad(lambda x: x * 2 if cnp.allclose(x, 1.0) else x)(1.0))
    2.0
    """
    return np.allclose(_plain(a), _plain(b), rtol=_plain(rtol), atol=_plain(atol),
                       equal_nan=equal_nan)


def array_equal(a1, a2, equal_nan=False):
    """True if the values have the same shape and elements (``numpy.array_equal``).

    >>> import chainrule.numpy as cnp
    >>> cnp.array_equal(cnp.ones(2), [1.0, 1.0])
    True
    """
    return np.array_equal(_plain(a1), _plain(a2), equal_nan=equal_nan)
