"""``chainrule plot``, ``optimize``, ``train`` and ``tour``, end to end."""

import importlib.util
import os

import pytest

from chainrule.cli.tour import STEPS

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch):
    """Commands that write a default file (chainrule-plot.png) write it here."""
    monkeypatch.chdir(tmp_path)


HAVE_PLOT = (importlib.util.find_spec("matplotlib") is not None
             and importlib.util.find_spec("chainrule.plot") is not None)
needs_plot = pytest.mark.skipif(not HAVE_PLOT, reason="chainrule.plot or matplotlib missing")


def png(path):
    return path.exists() and path.stat().st_size > 0


@needs_plot
def test_plot_derivative_and_tangent(run, tmp_path):
    status, out, err = run("plot", "x**3 - x", "--derivative", "--tangent-at", "-1",
                           "--xlim", "-2:2", "-o", str(tmp_path / "f.png"))
    assert status == 0, err
    assert "y' = 3*x**2 - 1" in out and "tangent at x = -1: y = 2*x + 2" in out
    assert png(tmp_path / "f.png")


@needs_plot
def test_plot_tangent_only(run, tmp_path):
    status, _, err = run("plot", "x^2", "--tangent-at", "1", "-o", str(tmp_path / "t.png"))
    assert status == 0, err
    assert png(tmp_path / "t.png")


def test_optimize_prints_result(run):
    status, out, err = run("optimize", "x^2 + 2*y^2", "--start", "4,3", "--lr", "0.1")
    assert status == 0, err
    assert "success: True" in out and "final point: x = " in out and "message: converged" in out


@needs_plot
def test_optimize_adam_plot(run, tmp_path):
    status, out, err = run("optimize", "x^2 + 2*y^2", "--start", "4,-3", "--method",
                           "adam", "--lr", "0.1", "--steps", "50",
                           "--plot", str(tmp_path / "p.png"))
    assert status == 0, err
    assert "after 50 steps" in out and png(tmp_path / "p.png")


@pytest.mark.parametrize("argv", [
    ["optimize", "x^2 + y^2", "--start", "1"],
    ["optimize", "x^2", "--start", "1", "--method", "nope"],
    ["optimize", "x^2", "--start", "1", "--lr", "-1"],
    ["optimize", "x^2 +", "--start", "1"],
    ["plot", "x^2", "--xlim", "3:1"],
    ["plot", "x*y*z"],
    ["plot", "x*y", "--derivative"],
    ["train", "spiral"],
    ["tour", "--bogus"],
])
def test_bad_inputs_exit_2(run, argv):
    status, _, err = run(*argv)
    assert status == 2 and err


@pytest.mark.parametrize("name, expected", [
    ("xor", "accuracy: 100.0% (4 of 4)"), ("linear", "w = 2.99"),
    ("logistic", "accuracy: 97.5% (78 of 80)"),
    ("kmeans", "3 clusters on 90 points"),
])
def test_train(run, name, expected):
    status, out, err = run("train", name)
    assert status == 0, err
    assert expected in out


@needs_plot
@pytest.mark.parametrize("name", ["xor", "linear", "kmeans"])
def test_train_plot(run, tmp_path, name):
    status, out, err = run("train", name, "--plot", str(tmp_path / "m.png"))
    assert status == 0, err
    assert png(tmp_path / "m.png")


KEY_NUMBERS = ["f'(3) = 6", "(8, 7)", "f'(1) = 30", "chain rule", "quotient rule",
               "product rule", "4, 3.2, 2.56, 2.048", "w = 2 ", "accuracy: 100.0%",
               "w = 0 - (-4) / 2 = 2", "saddle", "they agree", "too large", "(diverged)"]


def test_tour_text_only(run):
    status, out, err = run("tour", "--no-plots")
    assert status == 0, err
    for key in KEY_NUMBERS:
        assert key in out, key
    assert "figure:" not in out


def test_steps_return_text():
    for title, step in STEPS:
        assert step(None).strip(), title


@needs_plot
def test_tour_writes_figures(run, tmp_path):
    out_dir = tmp_path / "tour"
    status, out, err = run("tour", "--out", str(out_dir))
    assert status == 0, err
    for key in KEY_NUMBERS:
        assert key in out, key
    pngs = sorted(out_dir.glob("*.png"))
    assert len(pngs) == 7 and all(png(p) for p in pngs)
    assert out.rstrip().endswith(f"figures written to {out_dir}/")
