"""On a LocalCluster of two worker processes: the fits give the in-memory answer, the
a worker killed in the middle of a fit changes
nothing, and an unreachable scheduler is a clear error."""

import os
import signal
import threading

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule.models import KMeans, LogisticRegression
from chainrule.optim import minimize

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
from chainrule.distributed import (  # noqa: E402
    Objective,
    SchedulerUnreachable,
    active_client,
    connect,
)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=50)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(600, 4)) * [1.0, 2.0, 0.5, 1.0]
    y = (X @ [1.0, -0.5, 2.0, 0.0] + rng.normal(size=600) > 0).astype(int)
    return X, y


def nll(w, X, y):
    z = X @ w[:-1] + w[-1]
    return cnp.mean(cnp.softplus(z) - y * z) + 1e-3 * cnp.sum(w * w)


def test_fits_on_the_cluster_equal_the_in_memory_fits(client, data):
    X, y = data
    assert active_client() is client
    Xd = da.from_array(X, chunks=(150, 4)).persist()
    yd = da.from_array(y, chunks=150).persist()
    a = LogisticRegression(solver="newton", tol=1e-10).fit(X, y)
    b = LogisticRegression(solver="newton", tol=1e-10).fit(Xd, yd)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=0, atol=1e-6)
    assert (b.predict(Xd).compute() == a.predict(X)).all()
    km = KMeans(2, init=X[:2].copy()).fit(Xd)
    np.testing.assert_allclose(km.cluster_centers_,
                               KMeans(2, init=X[:2].copy()).fit(X).cluster_centers_,
                               atol=1e-12)


class KillsAWorker(Objective):
    """An objective that kills one worker process, from a thread, at its third pass."""

    def value_and_grad(self, params):
        if self.passes == 3:
            client = active_client()
            victim = sorted(client.scheduler_info()["workers"])[0]
            pid = client.run(os.getpid, workers=[victim])[victim]
            self.killed = victim
            kill = threading.Thread(target=os.kill, args=(pid, signal.SIGKILL))
            kill.start()
            kill.join()
        return super().value_and_grad(params)


def test_a_worker_killed_mid_fit_changes_nothing(client, data):
    X, y = data
    Xd = da.from_array(X, chunks=(100, 4)).persist()
    yd = da.from_array(y, chunks=100).persist()
    distributed.wait([Xd, yd])
    expected = minimize(nll, np.zeros(5), method="lbfgs", args=(X, y), gtol=1e-10)
    f = KillsAWorker(nll, Xd, yd)
    res = minimize(f, np.zeros(5), method="lbfgs", gtol=1e-10)
    assert f.killed not in client.scheduler_info()["workers"]  # it really died
    assert f.passes > 4 and res.success
    np.testing.assert_allclose(res.x, expected.x, rtol=0, atol=1e-9)


def test_an_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(SchedulerUnreachable, match="no Dask scheduler answered at "
                                                   "'tcp://127.0.0.1:9' within 1 s"):
        connect("tcp://127.0.0.1:9", timeout=1)
