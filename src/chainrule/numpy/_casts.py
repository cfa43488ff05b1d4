"""NumPy's integer scalar types, accepting traced values as autograd's do.

``cnp.int64(x)`` reads the value of a traced ``x`` and truncates it, so it can serve as an
index or a count inside a differentiated function. An integer has no derivative (the
truncation is piecewise constant), so nothing is lost. The classes are subclasses of
NumPy's, so they work as dtypes too: ``cnp.zeros(3, cnp.int64)``, ``x.astype(cnp.int32)``.

>>> import chainrule as cr
>>> def f(x):
...     i = int64(x)          # 2 for x = 2.7
...     return x * np.array([1.0, 10.0, 100.0])[i]
>>> float(cr.grad(f)(2.7))
100.0
"""

from __future__ import annotations

import numpy as np

from ..core import primal_value

__all__ = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "intp", "int_"]


def _reading(base: type) -> type:
    def __new__(cls, value=0, *args):  # noqa: N807 (the constructor of a NumPy scalar)
        return base(primal_value(value), *args)

    return type(base.__name__, (base,), {"__new__": __new__, "__module__": __name__,
                                         "__doc__": f"``numpy.{base.__name__}``; a traced "
                                         "value is read without its derivative."})


int8, int16, int32, int64 = (_reading(t) for t in (np.int8, np.int16, np.int32, np.int64))
uint8, uint16, uint32, uint64 = (_reading(t)
                                 for t in (np.uint8, np.uint16, np.uint32, np.uint64))
intp = int_ = int64 if np.dtype(np.intp) == np.int64 else _reading(np.intp)
