"""``jit``: stage a function into a graph, simplify it, and emit straight-line NumPy.

>>> import numpy as np
>>> import chainrule.numpy as cnp
>>> from chainrule.compile import jit
>>> f = jit(lambda x: cnp.tanh(x) @ x)
>>> float(f(np.ones(3))) == float(np.tanh(np.ones(3)) @ np.ones(3))
True
"""

from ._jit import Jitted, jit
from ._stage import TracedValueError

__all__ = ["jit", "Jitted", "TracedValueError"]
