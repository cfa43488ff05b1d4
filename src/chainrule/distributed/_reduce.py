"""``chunk_sum``: any per-chunk statistic, added up over the chunks on the workers.

The models use it for what they compute in closed form (Gram matrices, Newton's
Hessian of the log-loss, k-means' cluster sums); users can too.

>>> import numpy as np, dask.array as da
>>> X = da.from_array(np.arange(6.0).reshape(3, 2), chunks=(2, 2))
>>> chunk_sum(lambda shared, Xb: (len(Xb), Xb.T @ Xb), X)[1].tolist()
[[20.0, 26.0], [26.0, 35.0]]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..optim.validate import check_callable
from ._chunks import align, chunk_starts, map_chunks
from ._scheduler import broadcast

__all__ = ["chunk_sum"]


def chunk_sum(fn: Callable, X: Any, y: Any = None, shared: Any = None,
              check: bool = True) -> Any:
    """``sum over chunks of fn(shared, X_chunk[, y_chunk])``, computed on the active
    scheduler; ``fn`` returns a number, an array, or tuples, lists and dicts of them.
    ``shared`` is sent once to each worker. Empty chunks are skipped (the result is
    ``None`` when every chunk is empty); with ``check``, chunks with NaN or infinity
    raise ``ValueError`` naming the chunk."""
    check_callable(fn, "fn", "chunk_sum")
    X, y = align(X, y, "chunk_sum")
    blocks = list(X.to_delayed().ravel())
    pairs = list(zip(blocks, y.to_delayed().ravel())) if y is not None else \
        [(b,) for b in blocks]
    return map_chunks(fn, broadcast(shared), pairs, chunk_starts(X), check).compute()
