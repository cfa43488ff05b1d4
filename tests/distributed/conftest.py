"""Shared data for the Dask tests; every module here skips cleanly without Dask."""

import numpy as np
import pytest

try:
    import dask.array as da
except ImportError:  # the dask extra is not installed: nothing here is collected
    da = None
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="module")
def regression():
    """A small regression problem in memory and as Dask arrays with uneven row chunks
    (and an empty chunk) whose y is chunked differently from X."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 3)) * [1.0, 4.0, 0.5] + [0.0, 2.0, -1.0]
    y = X @ np.array([1.0, -0.5, 2.0]) + 0.3 + 0.1 * rng.normal(size=240)
    Xd = da.from_array(X, chunks=((70, 0, 90, 80), (2, 1)))
    yd = da.from_array(y, chunks=100)
    return X, y, Xd, yd
