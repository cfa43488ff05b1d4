"""chainrule.distributed: data-parallel gradients and model fits on Dask.

Write the loss of one chunk of rows with ``chainrule.numpy``; chainrule maps it over the
row chunks of Dask arrays on the workers of the active scheduler (a
``dask.distributed.Client``, or Dask's local scheduler when there is none) and adds up
the losses and gradients. ``chainrule.optim.minimize`` and ``fit`` and the models in
``chainrule.models`` accept Dask arrays through it. Needs ``pip install
'chainrule[dask]'``; nothing else in chainrule imports Dask.

>>> import numpy as np, dask.array as da, chainrule.numpy as cnp
>>> from chainrule.optim import minimize
>>> X = da.from_array(np.array([[0.0], [1.0], [2.0], [3.0]]), chunks=(2, 1))
>>> y = da.from_array(np.array([1.0, 3.0, 5.0, 7.0]), chunks=2)
>>> f = objective(lambda w, Xb, yb: cnp.mean((Xb[:, 0] * w[0] + w[1] - yb) ** 2), X, y)
>>> minimize(f, np.zeros(2), method="newton").x.round(6).tolist()
[2.0, 1.0]
"""

from ._chunks import is_dask
from ._grad import MAX_HESSIAN, Objective, hessian, hvp, objective, value_and_grad
from ._reduce import chunk_sum
from ._scheduler import SchedulerUnreachable, active_client, connect

__all__ = ["Objective", "objective", "value_and_grad", "hvp", "hessian", "MAX_HESSIAN",
           "chunk_sum", "connect", "active_client", "SchedulerUnreachable", "is_dask"]
