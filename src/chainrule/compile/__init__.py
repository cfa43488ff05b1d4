"""``jit``: stage a function into a graph, simplify it, and emit straight-line NumPy.

``_stage`` traces (on example values, with nodes that refuse Python control flow),
``_graph`` shares, folds and prunes, ``_emit`` writes the source (its docstring says why
the source can hold no user text), ``_jit`` caches one compiled version per signature.

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
