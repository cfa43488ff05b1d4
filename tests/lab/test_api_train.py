"""Training through the lab's API: XOR to 100 %, the snapshot stream, the backprop tableau
against chainrule's gradients and finite differences, and the bounds on runs."""

import json
import warnings

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from chainrule import grad  # noqa: E402
from chainrule.lab import create_app  # noqa: E402
from chainrule.models.neural import forward  # noqa: E402
from chainrule.numeric import gradient as numeric_gradient  # noqa: E402


def client(**limits):
    return TestClient(create_app(**limits), raise_server_exceptions=False)


def events(response):
    assert response.headers["content-type"].startswith("text/event-stream"), response.text
    return [json.loads(b[len("data: "):]) for b in response.text.split("\n\n") if b.strip()]


def test_xor_reaches_100_percent():
    c = client()
    r = c.post("/api/train", json={"dataset": "xor", "n_samples": 200, "hidden": [8],
                                   "activation": "tanh", "optimizer": "adam", "lr": 0.05,
                                   "seed": 1})
    assert r.status_code == 200
    run, snap = r.json()["id"], r.json()["snapshot"]
    assert snap["step"] == 0 and snap["loss"] is None and 0 <= snap["accuracy"] <= 1
    X, y = np.array(snap["points"]["X"]), np.array(snap["points"]["y"])
    assert X.shape == (200, 2) and set(y) == {0, 1}
    assert np.all((X[:, 0] * X[:, 1] < 0) == (y == 1))  # XOR labels
    z = np.array(snap["boundary"]["z"], dtype=float)
    assert z.shape == (60, 60) and np.all((z >= 0) & (z <= 1))
    accuracy = 0.0
    for _ in range(6):
        s = c.post(f"/api/train/{run}/step", json={"steps": 100}).json()
        accuracy = s["accuracy"]
        if accuracy == 1.0:
            break
    assert accuracy == 1.0, s["loss"]
    assert s["loss_history"][-1] == s["loss"] and s["step"] == len(s["loss_history"])


def test_stream_of_snapshots_and_pause():
    c = client()
    run = c.post("/api/train", json={"dataset": "circles", "n_samples": 60}).json()["id"]
    ev = events(c.get(f"/api/train/{run}/stream?steps=30&every=10"))
    assert [e["type"] for e in ev] == ["snapshot"] * 3 + ["done"]
    assert [e["step"] for e in ev[:3]] == [10, 20, 30]
    more = c.post(f"/api/train/{run}/step", json={"steps": 5}).json()
    assert more["step"] == 35  # the state was kept
    few = events(c.get(f"/api/train/{run}/stream?steps=201&every=1"))
    assert len(few) == 102  # every is raised: at most 200 snapshots a stream
    assert c.get(f"/api/train/{run}/stream?steps=0").status_code == 400
    assert c.get(f"/api/train/{run}/stream?steps=9999").status_code == 400
    assert c.get(f"/api/train/{run}/stream?every=x").status_code == 400


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_tableau_adjoints_are_chainrules_gradients(activation):
    c = client()
    run = c.post("/api/train", json={"dataset": "moons", "n_samples": 40, "hidden": [3, 2],
                                     "activation": activation, "seed": 3}).json()["id"]
    c.post(f"/api/train/{run}/step", json={"steps": 20})
    t = c.post(f"/api/train/{run}/tableau", json={"index": 7}).json()
    nodes = {n["label"]: n for n in t["nodes"]}
    assert [n["id"] for n in t["nodes"]] == list(range(len(t["nodes"])))
    for n in t["nodes"]:
        assert all(i < n["id"] for i in n["inputs"])  # forward order
    assert t["nodes"][-1]["op"] == "softmax_cross_entropy" and t["nodes"][-1]["adjoint"] == [1.0]
    x, label = np.array([t["example"]["x"]]), t["example"]["y"]
    params = [(np.array(nodes[f"W{i}"]["value"]).reshape(nodes[f"W{i}"]["shape"]),
               np.array(nodes[f"b{i}"]["value"])) for i in (1, 2, 3)]
    target = np.eye(2)[[label]]

    def loss(params, x):
        out = forward(params, x, activation)
        shifted = out - out.max()
        return -(shifted[0, label] - np.log(np.exp(shifted).sum()))

    def chainrule_loss(params, x):
        import chainrule.numpy as cnp
        out = forward(params, x, activation)
        return -cnp.sum(target * cnp.log_softmax(out, axis=1))

    assert t["loss"] == pytest.approx(loss(params, x), rel=1e-12)
    g_params, g_x = grad(chainrule_loss, argnums=(0, 1))(params, x)
    for i, (dW, db) in enumerate(g_params, start=1):
        np.testing.assert_allclose(nodes[f"W{i}"]["adjoint"], np.ravel(dW), rtol=1e-12,
                                   atol=1e-15)
        np.testing.assert_allclose(nodes[f"b{i}"]["adjoint"], np.ravel(db), rtol=1e-12,
                                   atol=1e-15)
    np.testing.assert_allclose(nodes["x (the example)"]["adjoint"], np.ravel(g_x), rtol=1e-12)
    # and against finite differences, for the input's adjoint
    fd = numeric_gradient(lambda v: loss(params, v.reshape(1, 2)), x.ravel())
    np.testing.assert_allclose(nodes["x (the example)"]["adjoint"], fd, rtol=1e-6, atol=1e-9)
    # the output node's adjoint is softmax(o) - onehot(y)
    o = np.array(nodes["o = a2 W3 + b3"]["value"])
    p = np.exp(o - o.max()) / np.exp(o - o.max()).sum()
    np.testing.assert_allclose(nodes["o = a2 W3 + b3"]["adjoint"], p - target[0], atol=1e-12)
    assert c.post(f"/api/train/{run}/tableau", json={"index": 40}).status_code == 400


def test_bounds_on_runs():
    c = client(runs_per_client=2, runs_total=3, run_steps=30, new_runs_per_minute=5)
    ids = [c.post("/api/train", json={"n_samples": 8}).json()["id"] for _ in range(3)]
    assert c.post(f"/api/train/{ids[0]}/step", json={"steps": 1}).status_code == 404  # dropped
    assert c.post(f"/api/train/{ids[2]}/step", json={"steps": 1}).status_code == 200
    r = c.post(f"/api/train/{ids[2]}/step", json={"steps": 30})
    assert r.status_code == 400 and "at most 30 steps" in r.json()["error"]
    assert c.post(f"/api/train/{ids[2]}/step", json={"steps": 501}).status_code == 400
    assert c.delete(f"/api/train/{ids[2]}").json() == {"ok": True}
    assert c.delete(f"/api/train/{ids[2]}").status_code == 404
    c.post("/api/train", json={"n_samples": 8})
    c.post("/api/train", json={"n_samples": 8})
    r = c.post("/api/train", json={"n_samples": 8})
    assert r.status_code == 429 and "a minute" in r.json()["error"]


@pytest.mark.parametrize("body", [
    {"hidden": [33]}, {"hidden": [1, 1, 1, 1, 1]}, {"hidden": "8"}, {"dataset": "mnist"},
    {"n_samples": 1001}, {"noise": 0.6}, {"activation": "gelu"}, {"optimizer": "lbfgs"},
    {"lr": -1}, {"seed": -1}])
def test_bad_training_settings_are_400(body):
    r = client().post("/api/train", json=body)
    assert r.status_code == 400 and r.json()["error"]


@pytest.mark.parametrize("dataset", ["xor", "circles", "moons", "spiral", "linear"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop"])
def test_every_dataset_and_optimizer_trains(dataset, optimizer):
    c = client()
    run = c.post("/api/train", json={"dataset": dataset, "n_samples": 30, "noise": 0.1,
                                     "optimizer": optimizer, "l2": 0.01}).json()["id"]
    s = c.post(f"/api/train/{run}/step", json={"steps": 3}).json()
    assert s["step"] == 3 and np.isfinite(s["loss"]) and len(s["points"]["y"]) == 30
