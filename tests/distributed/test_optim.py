"""``chainrule.optim.minimize`` and ``fit`` with Dask arrays give the in-memory runs."""

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule.optim import adam, fit, minimize, sgd
from chainrule.optim.validate import InvalidParameterError

da = pytest.importorskip("dask.array")


def loss(p, X, y):
    return cnp.mean((X @ p["w"] + p["b"] - y) ** 2)


P0 = {"w": np.zeros(3), "b": 0.0}


@pytest.mark.parametrize("method", ["lbfgs", "newton", "gd", "adam"])
def test_minimize_with_dask_args_equals_the_in_memory_run(regression, method):
    X, y, Xd, yd = regression
    a = minimize(loss, P0, method=method, args=(X, y), maxiter=40, learning_rate=None)
    b = minimize(loss, P0, method=method, args=(Xd, yd), maxiter=40)
    assert (a.nit, a.success) == (b.nit, b.success)
    np.testing.assert_allclose(b.x["w"], a.x["w"], rtol=0, atol=1e-9)
    assert b.x["b"] == pytest.approx(a.x["b"], abs=1e-9)
    np.testing.assert_allclose(b.history.loss, a.history.loss, rtol=1e-9)


def test_minimize_args_bind_data_in_memory_too_and_must_be_a_tuple(regression):
    X, y, _, _ = regression
    res = minimize(loss, P0, method="newton", args=[X, y])
    w = np.linalg.lstsq(np.hstack([X, np.ones((len(X), 1))]), y, rcond=None)[0]
    np.testing.assert_allclose(res.x["w"], w[:3], atol=1e-9)
    with pytest.raises(InvalidParameterError, match="args must be a tuple"):
        minimize(loss, P0, args=X)


def test_full_batch_fit_equals_the_in_memory_fit(regression):
    X, y, Xd, yd = regression
    a = fit(loss, P0, (X, y), adam(0.1), epochs=15, progress=False)
    b = fit(loss, P0, (Xd, yd), adam(0.1), epochs=15, progress=False)
    np.testing.assert_allclose(b.params["w"], a.params["w"], atol=1e-12)
    np.testing.assert_allclose(b.history.loss, a.history.loss, rtol=1e-10)


def test_mini_batches_come_from_chunks_and_callbacks_stop(regression):
    _, y, Xd, yd = regression
    res = fit(loss, P0, (Xd, yd), sgd(0.02), epochs=2, batch_size=32, progress=False)
    # chunks of 70, 0, 90 and 80 rows: 3 + 0 + 3 + 3 batches per epoch, plus the last entry
    assert len(res.history) == 2 * 9 + 1
    assert res.history.loss[-1] < res.history.loss[0]
    seen = []
    fit(loss, P0, (Xd, yd), sgd(0.02), epochs=5, batch_size=32, progress=False,
        callbacks=[lambda step, p, loss: seen.append(step) or step == 4])
    assert seen == [1, 2, 3, 4]


def test_mini_batch_with_nan_names_the_chunk(regression):
    X, y, _, _ = regression
    bad = X.copy()
    bad[100, 0] = np.nan
    with pytest.raises(ValueError, match=r"rows 80 to 159 of X \(chunk 1\) contains NaN"):
        fit(loss, P0, (da.from_array(bad, chunks=(80, 3)), y), sgd(0.01), epochs=1,
            batch_size=200, shuffle=False, progress=False)
