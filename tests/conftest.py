"""Test-wide settings and fixtures.

Hypothesis runs derandomized (the same examples every run, so CI cannot flake); set
HYPOTHESIS_PROFILE=explore for fresh random examples.
"""

import importlib.util
import os

import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("chainrule", derandomize=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "chainrule"))

if importlib.util.find_spec("dask") is None:  # the dask extra is missing: skip its tests
    collect_ignore_glob = ["distributed/test_*.py"]


@pytest.fixture
def run(capsys):
    """Run ``chainrule`` in-process: ``run(*argv) -> (status, stdout, stderr)``. argparse's
    own errors come back as their exit code, and no traceback may ever be printed."""
    from chainrule.cli import main

    def runner(*argv):
        try:
            status = main(list(argv))
        except SystemExit as exc:
            status = exc.code
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return status, out, err
    return runner


@pytest.fixture(scope="module")
def regression():
    """For tests/distributed: a small regression problem in memory and as Dask arrays with
    uneven row chunks (and an empty chunk) whose y is chunked differently from X. (Here, not
    in a conftest of that folder: two folders' conftests given to one pytest command clash.)"""
    import dask.array as da
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 3)) * [1.0, 4.0, 0.5] + [0.0, 2.0, -1.0]
    y = X @ np.array([1.0, -0.5, 2.0]) + 0.3 + 0.1 * rng.normal(size=240)
    Xd = da.from_array(X, chunks=((70, 0, 90, 80), (2, 1)))
    yd = da.from_array(y, chunks=100)
    return X, y, Xd, yd
