"""The lab's JSON API through Starlette's TestClient: every endpoint, the errors (400 with
the column, 404, 405, 413, 503 under a tiny deadline), the security headers, the static
files without path traversal, and the descent stream parsed as server-sent events.

(Named test_api_endpoints.py: tests/test_api.py already holds the module name test_api.)
"""

import json
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # Starlette may warn about its httpx-based client
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import chainrule.lab.app as lab_app  # noqa: E402
from chainrule.lab import CSP, create_app  # noqa: E402
from chainrule.symbolic import diff, evaluate, parse  # noqa: E402


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), raise_server_exceptions=False)


def events(response):
    """The JSON payloads of a text/event-stream body."""
    assert response.headers["content-type"].startswith("text/event-stream"), response.text
    out = []
    for block in response.text.split("\n\n"):
        if block.strip():
            assert block.startswith("data: ")
            out.append(json.loads(block[len("data: "):]))
    return out


def test_diff_answers_text_latex_mathml_and_steps(client):
    r = client.post("/api/diff", json={"formula": "x^2*sin(x)", "var": "x", "order": 1})
    assert r.status_code == 200
    d = r.json()
    assert d["var"] == "x" and d["variables"] == ["x"] and d["order"] == 1
    assert parse(d["derivative"]) is not None
    truth = diff(parse("x^2*sin(x)"), "x")
    assert abs(float(evaluate(parse(d["derivative"]), x=0.3)) - float(evaluate(truth, x=0.3))) \
        < 1e-12
    assert ET.fromstring(d["mathml"]).tag.endswith("math")
    assert ET.fromstring(d["formula_mathml"]).tag.endswith("math")
    assert "\\sin" in d["latex"]
    root = d["steps"][0]
    assert root["rule"] and root["text"].startswith("d/dx [") and root["check"]["ok"]
    for step in _walk(root):
        assert set(step) >= {"rule", "statement", "text", "latex", "mathml", "check", "children"}
        ET.fromstring(step["mathml"])


def _walk(step):
    stack = [step]
    while stack:
        s = stack.pop()
        yield s
        stack.extend(s["children"])


def test_diff_higher_order_and_variables(client):
    d = client.post("/api/diff", json={"formula": "x^5", "order": 3}).json()
    assert d["derivative"] == "60*x**2" and d["steps"] == []
    r = client.post("/api/diff", json={"formula": "x*y"})
    assert r.status_code == 400 and "x, y" in r.json()["error"]
    assert client.post("/api/diff", json={"formula": "x*y", "var": "y"}).json()["derivative"] \
        == "x"
    assert client.post("/api/diff", json={"formula": "3"}).json()["var"] == "x"


@pytest.mark.parametrize("formula, column", [("sin(x", 4), ("x +* 2", 4), ("2x)", 3)])
def test_bad_formula_is_400_with_the_column(client, formula, column):
    r = client.post("/api/diff", json={"formula": formula})
    assert r.status_code == 400
    body = r.json()
    assert body["column"] == column and body["error"]


@pytest.mark.parametrize("body, word", [
    ({"formula": "x", "order": 11}, "order"), ({"formula": 3}, "formula"),
    ({}, "formula"), ({"formula": "x^2 = 4"}, "equation"), ({"formula": "x", "var": "2"}, "var")])
def test_bad_fields_are_400(client, body, word):
    r = client.post("/api/diff", json=body)
    assert r.status_code == 400 and word in r.json()["error"] and r.json()["column"] is None


def test_plot_tangent_taylor(client):
    p = client.post("/api/plot1d", json={"formula": "log(x)", "xmin": -1, "xmax": 1, "n": 5})
    assert p.json() == {"x": [-1.0, -0.5, 0.0, 0.5, 1.0], "f": [None, None, None,
                        pytest.approx(np.log(0.5)), 0.0], "df": [-1.0, -2.0, None, 2.0, 1.0]}
    assert len(client.post("/api/plot1d", json={"formula": "2"}).json()["f"]) == 400
    t = client.post("/api/tangent", json={"formula": "x^3", "at": 2}).json()
    assert (t["x0"], t["y0"], t["slope"], t["text"]) == (2.0, 8.0, 12.0, "y = 12*x - 16")
    ET.fromstring(t["mathml"])
    r = client.post("/api/tangent", json={"formula": "log(x)", "at": -1})
    assert r.status_code == 400
    y = client.post("/api/taylor", json={"formula": "exp(x)", "at": 0, "order": 2, "xmin": 0,
                                         "xmax": 1, "n": 2}).json()
    assert y["text"] == "x**2/2 + x + 1" and y["y"] == [1.0, 2.5]


def test_analyze2d(client):
    a = client.post("/api/analyze2d", json={"formula": "x^3 - 3x + y^2", "n": 4}).json()
    assert a["vars"] == ["x", "y"] and a["gradient"] == ["3*x**2 - 3", "2*y"]
    assert a["hessian"] == [["6*x", "0"], ["0", "2"]]
    kinds = {tuple(round(v, 9) for v in p["point"]): p["kind"] for p in a["critical_points"]}
    assert kinds == {(-1.0, 0.0): "saddle", (1.0, 0.0): "minimum"}
    assert len(a["contour"]["z"]) == 4 and len(a["contour"]["z"][0]) == 4
    assert a["contour"]["z"][0][0] == pytest.approx((-3) ** 3 + 9 + 9)
    ET.fromstring(a["hessian_mathml"])
    one = client.post("/api/analyze2d", json={"formula": "x^2", "n": 2}).json()
    assert one["vars"] == ["x", "y"] and one["gradient"] == ["2*x", "0"]
    bad = client.post("/api/analyze2d", json={"formula": "x*y*z"})
    assert bad.status_code == 400


def test_numeric(client):
    n = client.post("/api/numeric", json={"formula": "exp(x)", "at": 1}).json()
    assert n["exact"] == pytest.approx(np.e, rel=1e-15)
    assert abs(n["estimate"] - np.e) <= 4 * n["error_estimate"] + 1e-15
    assert len(n["h"]) == len(n["error"]) and n["kink"] is False and n["status"] == "ok"
    errs = np.array([np.nan if e is None else e for e in n["error"]])
    assert np.nanmin(errs) < 1e-9 < errs[0]  # the V: round-off at tiny h
    k = client.post("/api/numeric", json={"formula": "abs(x - 1)", "at": 1}).json()
    assert k["kink"] is True and "kink" in k["message"]


def test_presets_and_descent_stream(client):
    presets = client.get("/api/presets").json()["presets"]
    names = {p["name"] for p in presets}
    assert {"bowl", "elongated bowl", "rosenbrock", "saddle", "beale"} <= names
    for p in presets:
        assert parse(p["formula"]) is not None and len(p["start"]) == 2
    body = {"formula": "x^2 + 10y^2", "start": [2, 1], "steps": 120,
            "optimizers": [{"name": "gd", "lr": 0.05}, {"name": "adam", "lr": 0.1,
                                                          "schedule": "cosine"},
                           {"name": "newton"}, {"name": "gd", "lr": 0.2}]}
    ev = events(client.post("/api/descent", json=body))
    assert ev[-1] == {"type": "done"}
    progress = [e for e in ev if e["type"] == "progress"]
    assert all(len(e["steps"]) <= 50 and len(e["points"]) == len(e["loss"]) for e in progress)
    assert [e["optimizer"] for e in progress[:4]] == [0, 1, 2, 3]  # interleaved
    first = [e for e in progress if e["optimizer"] == 0]
    steps = [k for e in first for k in e["steps"]]
    assert steps == list(range(121))
    assert first[0]["points"][0] == [2.0, 1.0]
    x1 = first[0]["points"][1]  # one gradient step by the library's minimize
    assert x1 == pytest.approx([2 - 0.05 * 4, 1 - 0.05 * 20])
    summary = {e["optimizer"]: e for e in ev if e["type"] == "summary"}
    assert summary[2]["converged"] and summary[2]["final"] == pytest.approx([0, 0], abs=1e-9)
    assert "2/L" in summary[3]["messages"][0]  # lr 0.2 > 2/L = 0.1: diverges, with the hint


def test_descent_errors_are_plain_statuses(client):
    r = client.post("/api/descent", json={"formula": "x^2", "optimizers": [{"name": "sgdx"}]})
    assert r.status_code == 400 and "name" in r.json()["error"]
    r = client.post("/api/descent", json={"formula": "x^2", "optimizers": [{}] * 7})
    assert r.status_code == 400
    r = client.post("/api/descent", json={"formula": "x^2+", "start": [1, 1]})
    assert r.status_code == 400 and r.json()["column"] == 5


def test_unknown_paths_methods_and_ids(client):
    assert client.get("/api/nothing").status_code == 404
    assert client.get("/api/diff").status_code == 405
    assert client.post("/api/train/0123/step", json={"steps": 1}).status_code == 404
    assert client.delete("/api/train/0123").status_code == 404
    assert client.get("/api/train/0123/stream").status_code == 404


def test_body_limit_413(client):
    big = b'{"formula": "' + b"x+" * 40_000 + b'x"}'
    r = client.post("/api/diff", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "64 KiB" in r.json()["error"]

    def chunks():  # no Content-Length: the streamed size is counted
        for _ in range(70):
            yield b" " * 1024

    r = client.post("/api/diff", content=chunks())
    assert r.status_code == 413
    assert client.post("/api/diff", content=b"[1, 2").status_code == 400
    assert client.post("/api/diff", content=b"[1, 2]").status_code == 400
    assert client.post("/api/diff", content=b'{"formula": NaN}').status_code == 400


def test_deadline_gives_503_and_the_server_still_answers():
    c = TestClient(create_app(seconds=0.05), raise_server_exceptions=False)
    r = c.post("/api/diff", json={"formula": "tan(tan(tan(tan(x^x))))", "order": 10})
    assert r.status_code == 503 and "too much work" in r.json()["error"]
    assert c.get("/api/presets").status_code == 200
    work = TestClient(create_app(nodes=1000), raise_server_exceptions=False)
    r = work.post("/api/diff", json={"formula": "sin(x)^x*cos(x)^x", "order": 6})
    assert r.status_code == 503


def test_csp_and_headers_on_every_response(client):
    for r in (client.get("/api/presets"), client.get("/nope"), client.post("/api/diff"),
              client.post("/api/diff", content=b"x" * 70_000)):
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self';" in CSP and "unsafe-inline" not in CSP.split("script-src")[1] \
        .split(";")[0]


def test_static_files_only_from_the_static_folder(tmp_path, monkeypatch, client):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "index.html").write_text("<!doctype html><title>lab</title>")
    (static / "js" / "lab.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("TOP-SECRET-CONTENT")
    monkeypatch.setattr(lab_app, "STATIC", static.resolve())
    assert "lab" in client.get("/").text
    r = client.get("/static/js/lab.js")
    assert r.status_code == 200 and r.text == "console.log(1)"
    for path in ("/static/../secret.txt", "/static/..%2fsecret.txt", "/static/%2e%2e/secret.txt",
                 "/static/js/../../secret.txt", "/static//etc/passwd", "/static/%00",
                 "/static/js", "/static/nothing.js", "/static/..%5csecret.txt"):
        r = client.get(path)
        assert r.status_code == 404 and "TOP-SECRET" not in r.text, path


def test_plotly_comes_from_the_installed_package(client):
    pytest.importorskip("plotly")
    r = client.get("/vendor/plotly.min.js")
    assert r.status_code == 200 and len(r.content) > 1_000_000
