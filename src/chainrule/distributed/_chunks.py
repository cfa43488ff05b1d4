"""Row chunks of Dask arrays: checking and pairing them, running a function on each on
the workers, and adding the results up a tree.

Conventions (the same everywhere in :mod:`chainrule.distributed`):

- ``X`` is 2-D (or 1-D) and chunked along axis 0 only; its columns are put in one chunk
  (``X.rechunk({1: -1})``) when they are not.
- ``y``, when given, must have as many rows as ``X``; a ``y`` chunked differently is
  rechunked to ``X``'s row chunks (the result is the same; the cost is one shuffle of
  ``y``). A NumPy ``y`` is wrapped with ``X``'s chunks.
- Row counts must be known (not NaN): an array from a filter or ``to_dask_array()``
  needs ``compute_chunk_sizes()`` first; the error says so.
- Empty chunks are dropped (``X`` and ``y`` are rechunked without them: Dask's own
  reductions fail on them), so the user's loss is never called on 0 rows.
- A chunk with NaN or infinity raises ``ValueError`` naming the chunk by its rows and
  the first bad entry.

>>> import numpy as np
>>> rows_of((np.array([[1.0, 2.0], [3.0, 4.0], [5.0, np.nan]]),), 7, 10)
Traceback (most recent call last):
...
ValueError: the chunk of rows 10 to 12 of X (chunk 7) contains NaN (row 12, column 1)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ._scheduler import require_dask

__all__ = ["is_dask", "align", "rows_of", "chunk_starts", "tree_sum", "map_chunks"]

NAMES = ("X", "y")
SPLIT_EVERY = 8  # partial sums per reduction task


def is_dask(a: Any) -> bool:
    """Whether ``a`` is a Dask array (without importing Dask when it is not loaded)."""
    return type(a).__module__.startswith("dask.") and hasattr(a, "chunks") \
        and hasattr(a, "to_delayed")


def _known_rows(a: Any, name: str) -> None:
    if any(math.isnan(c) for c in a.chunks[0]):
        raise ValueError(f"{name} has chunks of unknown size (shape {a.shape}); call "
                         f"{name} = {name}.compute_chunk_sizes() first")


def align(X: Any, y: Any = None, where: str = "chainrule.distributed") -> tuple:
    """``(X, y)`` as Dask arrays with the same row chunks and ``X``'s columns in one chunk;
    errors name what does not fit."""
    da = require_dask(where)
    if not is_dask(X):
        raise TypeError(f"{where}: X must be a Dask array, got {type(X).__name__}; wrap "
                        "NumPy data with dask.array.from_array(X, chunks=(rows, -1))")
    if X.ndim not in (1, 2) or X.dtype.kind not in "fiub":
        raise ValueError(f"{where}: X must be a 1-D or 2-D numeric array, got shape "
                         f"{X.shape} and dtype {X.dtype}")
    _known_rows(X, "X")
    rows = tuple(c for c in X.chunks[0] if c) or (0,)
    if rows != X.chunks[0] or (X.ndim == 2 and len(X.chunks[1]) > 1):
        X = X.rechunk({0: rows, 1: -1} if X.ndim == 2 else {0: rows})
    if y is None:
        return X, None
    if not is_dask(y):
        y = da.from_array(np.asarray(y), chunks=(X.chunks[0],) + (-1,) * (np.ndim(y) - 1))
    _known_rows(y, "y")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"{where}: X and y have different numbers of rows: X has shape "
                         f"{X.shape}, y has shape {y.shape}")
    if y.chunks[0] != X.chunks[0] or (y.ndim == 2 and len(y.chunks[1]) > 1):
        y = y.rechunk((X.chunks[0],) + (-1,) * (y.ndim - 1))
    return X, y


def chunk_starts(X: Any) -> list[int]:
    """The first row of each chunk of ``X``."""
    return [0] + np.cumsum(X.chunks[0]).tolist()[:-1]


def rows_of(blocks: tuple, index: int, start: int) -> None:
    """Raise ``ValueError`` if a block (``X``'s, then ``y``'s) has a NaN or an infinity,
    naming the chunk, its rows and the first bad entry."""
    for name, b in zip(NAMES, blocks):
        b = np.asarray(b)
        if b.dtype.kind not in "fc" or np.all(np.isfinite(b)):
            continue
        bad = np.argwhere(~np.isfinite(b))[0]
        what = "NaN" if np.isnan(b[tuple(bad)]) else "infinity"
        at = f"row {start + bad[0]}" + (f", column {bad[1]}" if len(bad) > 1 else "")
        raise ValueError(f"the chunk of rows {start} to {start + len(b) - 1} of {name} "
                         f"(chunk {index}) contains {what} ({at})")


def _sum_two(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, tuple):
        return tuple(_sum_two(u, v) for u, v in zip(a, b))
    if isinstance(a, list):
        return [_sum_two(u, v) for u, v in zip(a, b)]
    if isinstance(a, dict):
        return {k: _sum_two(a[k], b[k]) for k in a}
    return a + b


def _sum_all(*parts: Any) -> Any:
    """The sum of partial results (nested tuples, lists and dicts of numbers and arrays;
    ``None`` is an empty chunk's nothing)."""
    total = None
    for p in parts:
        total = _sum_two(total, p)
    return total


def tree_sum(parts: Sequence[Any]) -> Any:
    """A Dask delayed sum of delayed partial results, ``SPLIT_EVERY`` at a time, so no
    task receives more than a few partial results (the driver receives one)."""
    from dask import delayed

    parts = list(parts)
    while len(parts) > 1:
        parts = [delayed(_sum_all, pure=True)(*parts[i:i + SPLIT_EVERY])
                 for i in range(0, len(parts), SPLIT_EVERY)]
    return parts[0] if parts else delayed(None)


def _run_chunk(fn: Callable, shared: Any, index: int, start: int, check: bool,
               *blocks: Any) -> Any:
    """One task: ``fn(shared, *blocks)`` on a non-empty chunk, with the data checked for
    NaN/infinity first when ``check`` (and whenever the result is not finite)."""
    if len(blocks[0]) == 0:
        return None
    if check:
        rows_of(blocks, index, start)
    out = fn(shared, *blocks)
    if not check and not _all_finite(out):
        rows_of(blocks, index, start)
    return out


def _all_finite(tree: Any) -> bool:
    if isinstance(tree, (tuple, list)):
        return all(_all_finite(t) for t in tree)
    if isinstance(tree, dict):
        return all(_all_finite(t) for t in tree.values())
    return tree is None or bool(np.all(np.isfinite(np.asarray(tree, dtype=complex))))


def map_chunks(fn: Callable, shared: Any, blocks: Sequence[tuple], starts: Sequence[int],
               check: bool) -> Any:
    """The delayed tree sum of ``fn(shared, *chunk)`` over the chunks; ``shared`` is a
    broadcast value (see :func:`~chainrule.distributed._scheduler.broadcast`)."""
    from dask import delayed

    task = delayed(_run_chunk, pure=False)
    parts = [task(fn, shared, i, start, check, *b)
             for i, (b, start) in enumerate(zip(blocks, starts))]
    return tree_sum(parts)
