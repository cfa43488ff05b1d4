"""The data-parallel derivatives against chainrule's in-memory ones (Dask's local
scheduler), and the errors for bad input."""

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule import hessian, value_and_grad
from chainrule._api import hvp

da = pytest.importorskip("dask.array")
from chainrule.distributed import MAX_HESSIAN, Objective, objective  # noqa: E402
from chainrule.distributed import hessian as dhessian  # noqa: E402
from chainrule.distributed import hvp as dhvp  # noqa: E402
from chainrule.distributed import value_and_grad as dvalue_and_grad  # noqa: E402
from chainrule.distributed._grad import _vg_chunk  # noqa: E402


def mean_loss(p, X, y):
    r = cnp.tanh(X @ p["w"]) * p["s"][0] + p["s"][1] - y
    return cnp.mean(r * r)


def sum_loss(p, X, y):
    return cnp.sum((X @ p["w"] + p["s"][1] - y) ** 2)


PARAMS = {"w": np.array([0.3, -0.2, 0.5]), "s": np.array([1.5, 0.1])}


def test_mean_loss_value_and_gradient_equal_the_in_memory_ones(regression):
    X, y, Xd, yd = regression
    loss, g = dvalue_and_grad(mean_loss, Xd, yd)(PARAMS)
    loss0, g0 = value_and_grad(mean_loss)(PARAMS, X, y)
    assert loss == pytest.approx(float(loss0), rel=1e-12)
    for k in PARAMS:
        np.testing.assert_allclose(g[k], g0[k], rtol=1e-11, atol=1e-13)


def test_sum_loss_with_a_penalty_added_once(regression):
    X, y, Xd, yd = regression
    pen = lambda p: 0.5 * cnp.sum(p["w"] * p["w"])  # noqa: E731
    f = objective(sum_loss, Xd, yd, reduction="sum", penalty=pen)
    loss, g = f.value_and_grad(PARAMS)
    loss0, g0 = value_and_grad(lambda p: sum_loss(p, X, y) + pen(p))(PARAMS)
    assert loss == pytest.approx(float(loss0), rel=1e-12)
    np.testing.assert_allclose(g["w"], g0["w"], rtol=1e-11)
    assert f(PARAMS) == pytest.approx(loss, rel=1e-12)


def test_hvp_and_hessian_equal_the_in_memory_ones(regression):
    X, y, Xd, yd = regression
    v = {"w": np.array([1.0, 0.0, -1.0]), "s": np.array([0.5, 2.0])}
    hv = dhvp(mean_loss, Xd, yd)(PARAMS, v)
    hv0 = hvp(lambda p: mean_loss(p, X, y), PARAMS, v)
    for k in PARAMS:
        np.testing.assert_allclose(hv[k], hv0[k], rtol=1e-10, atol=1e-12)
    flat = lambda t: mean_loss({"s": t[:2], "w": t[2:]}, X, y)  # noqa: E731 - sorted keys
    h0 = hessian(flat)(np.concatenate([PARAMS["s"], PARAMS["w"]]))
    np.testing.assert_allclose(dhessian(mean_loss, Xd, yd)(PARAMS), h0, rtol=1e-10,
                               atol=1e-12)


def test_without_y_and_with_one_chunk():
    X = np.arange(12.0).reshape(6, 2)
    f = objective(lambda w, Xb: cnp.mean((Xb @ w) ** 2), da.from_array(X, chunks=(6, 2)))
    assert f.value_and_grad(np.ones(2))[0] == pytest.approx(np.mean((X @ np.ones(2)) ** 2))


def test_nan_in_a_chunk_is_named(regression):
    X, y, _, _ = regression
    bad = X.copy()
    bad[171, 1] = np.nan
    Xd = da.from_array(bad, chunks=(80, 3))
    with pytest.raises(ValueError, match=r"the chunk of rows 160 to 239 of X \(chunk 2\) "
                                         r"contains NaN \(row 171, column 1\)"):
        dvalue_and_grad(mean_loss, Xd, y)(PARAMS)
    yb = y.copy()
    yb[5] = np.inf
    with pytest.raises(ValueError, match=r"rows 0 to 79 of y \(chunk 0\) contains infinity"):
        dvalue_and_grad(mean_loss, da.from_array(X, chunks=(80, 3)), yb)(PARAMS)


def test_mismatched_rows_unknown_chunks_and_non_dask_input_are_refused(regression):
    X, y, Xd, _ = regression
    with pytest.raises(ValueError, match="different numbers of rows"):
        objective(mean_loss, Xd, da.from_array(y[:-1], chunks=50))
    unknown = Xd[da.from_array(y > 0, chunks=Xd.chunks[0])]
    with pytest.raises(ValueError, match="compute_chunk_sizes"):
        objective(mean_loss, unknown, None)
    with pytest.raises(TypeError, match="must be a Dask array"):
        objective(mean_loss, X, y)
    with pytest.raises(ValueError, match="0 rows"):
        objective(mean_loss, da.zeros((0, 3), chunks=(1, 3)), da.zeros(0, chunks=1))
    with pytest.raises(ValueError, match="reduction must be one of"):
        objective(mean_loss, Xd, y, reduction="max")


def test_misaligned_y_is_rechunked_to_x_and_empty_chunks_dropped(regression):
    X, y, Xd, yd = regression
    f = Objective(mean_loss, Xd, yd)
    assert f.y.chunks[0] == f.X.chunks[0] == (70, 90, 80)
    assert len(f.X.chunks[1]) == 1  # columns in one chunk


def test_tracing_an_objective_is_refused_and_big_hessians_too(regression):
    _, _, Xd, yd = regression
    f = objective(lambda w, Xb, yb: cnp.mean(Xb[:, 0] * cnp.sum(w)), Xd, yd)
    with pytest.raises(TypeError, match="cannot be traced"):
        value_and_grad(f)(np.zeros(2))
    with pytest.raises(ValueError, match="MAX_HESSIAN"):
        f.hessian(np.zeros(MAX_HESSIAN + 1))


def test_the_parameters_are_one_task_of_each_step_graph(regression):
    _, _, Xd, yd = regression
    f = objective(mean_loss, Xd, yd)
    graph = dict(f._step(_vg_chunk, PARAMS).__dask_graph__())
    shared = [k for k in graph if str(k).startswith("chainrule-shared-")]
    assert len(shared) == 1  # sent once, read by the tasks of all three chunks
    readers = [k for k, task in graph.items() if shared[0] in getattr(task, "dependencies",
                                                                     ())]
    assert len(readers) == 3
