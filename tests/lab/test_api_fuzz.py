"""Random JSON bodies (and random bytes) on every endpoint of the lab: never a 500, always
a JSON answer or an event stream. A bounded run here; more examples under ``-m slow``."""

import json
import warnings

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from chainrule.lab import create_app  # noqa: E402

FIELDS = ["formula", "var", "vars", "order", "xmin", "xmax", "ymin", "ymax", "n", "at", "start",
          "steps", "optimizers", "name", "lr", "momentum", "schedule", "dataset", "n_samples",
          "noise", "hidden", "activation", "optimizer", "l2", "seed", "index", "every"]
FORMULAS = st.one_of(
    st.text(alphabet="xy0123456789+-*/^().,= sinlogexpabsqrt|eπ²", max_size=30),
    st.sampled_from(["x^2", "sin(x", "x*y", "log(x)", "1/x", "x^x^x^x", "abs(x)", "x^2+y^2",
                     "tan(x)^20", "exp(exp(exp(x)))", "(1-x)^2+100(y-x^2)^2", ""]))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
                    st.sampled_from(["gd", "adam", "newton", "xor", "tanh", "x", "y", "cosine"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)),
    max_leaves=12)
BODIES = st.dictionaries(st.sampled_from(FIELDS), st.one_of(VALUES, FORMULAS), max_size=8)
POSTS = ["/api/diff", "/api/plot1d", "/api/tangent", "/api/taylor", "/api/analyze2d",
         "/api/numeric", "/api/descent", "/api/train", "/api/train/{id}/step",
         "/api/train/{id}/tableau"]


@pytest.fixture(scope="module")
def lab():
    client = TestClient(create_app(seconds=0.3, new_runs_per_minute=10**6),
                        raise_server_exceptions=False)
    run = client.post("/api/train", json={"n_samples": 8, "hidden": [2]}).json()["id"]
    return client, run


def check(r):
    assert r.status_code != 500 and r.status_code < 600, r.text
    if r.headers["content-type"].startswith("text/event-stream"):
        for block in r.text.split("\n\n"):
            if block.strip():
                json.loads(block[len("data: "):])
    else:
        body = r.json()
        assert r.status_code == 200 or isinstance(body.get("error"), str)


def fuzz(lab, data):
    client, run = lab
    path = data.draw(st.sampled_from(POSTS)).replace("{id}", data.draw(
        st.sampled_from([run, "nope", "../../etc"])))
    kind = data.draw(st.sampled_from(["body", "body", "body", "json", "bytes"]))
    if kind == "body":
        content = json.dumps(data.draw(BODIES)).encode()
    elif kind == "json":
        content = json.dumps(data.draw(VALUES)).encode()
    else:
        content = data.draw(st.binary(max_size=200))
    check(client.post(path, content=content, headers={"content-type": "application/json"}))
    if data.draw(st.booleans()):
        query = data.draw(st.one_of(  # small step counts: a long stream is legitimate work
            st.text(alphabet="steps=every&01-x%", max_size=12),
            st.builds("steps={}&every={}".format, st.integers(-3, 40), st.integers(-3, 50))))
        check(client.get(f"/api/train/{run}/stream?{query}"))


@settings(max_examples=120, suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_fuzz_bounded(lab, data):
    fuzz(lab, data)


@pytest.mark.slow
@settings(max_examples=3000, suppress_health_check=list(HealthCheck), deadline=None)
@given(data=st.data())
def test_fuzz_long(lab, data):
    fuzz(lab, data)
