"""Without matplotlib (an optional extra) the tour runs text-only with a one-line note, and
the commands that must draw exit with status 2 and one line: never a traceback."""

import sys

import pytest


@pytest.fixture(autouse=True)
def _in_a_scratch_folder(tmp_path, monkeypatch):
    """Commands that write a default file (chainrule-plot.png) write it here."""
    monkeypatch.chdir(tmp_path)


NOTE = 'pip install "chainrule[plot]"'


@pytest.fixture
def no_matplotlib(monkeypatch):
    """Make ``import matplotlib`` (and its submodules) fail, as on a fresh machine."""
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


def test_tour_runs_text_only_with_a_note(run, no_matplotlib, tmp_path):
    status, out, err = run("tour", "--out", str(tmp_path / "tour"))
    assert status == 0, err
    assert "13. k-means" in out and "figure:" not in out
    last = out.rstrip().splitlines()[-1]
    assert last.startswith("no figures:") and NOTE in last
    assert not (tmp_path / "tour").exists()


@pytest.mark.parametrize("argv", [
    ["plot", "x^2", "-o", "{tmp}/f.png"],
    ["plot", "x*y", "-o", "{tmp}/g.png"],
    ["train", "xor", "--plot", "{tmp}/m.png"],
    ["optimize", "x^2 + y^2", "--start", "1,2", "--plot", "{tmp}/p.png"],
])
def test_drawing_commands_exit_2_with_one_line(run, no_matplotlib, tmp_path, argv):
    status, out, err = run(*[a.format(tmp=tmp_path) for a in argv])
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and NOTE in err
    assert not list(tmp_path.iterdir())


def test_text_commands_do_not_need_matplotlib(run, no_matplotlib):
    status, out, _ = run("optimize", "x^2", "--start", "1", "--trace", "--steps", "3")
    assert status == 0 and "learning rate" in out
    status, out, _ = run("train", "kmeans")
    assert status == 0 and "3 clusters" in out
