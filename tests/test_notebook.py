"""The notebook tour (examples/tour.ipynb) runs in a fresh kernel, and every cell shows
what it should: formulas as LaTeX, tables and steps as HTML, each plot exactly once."""

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

ROOT = Path(__file__).resolve().parents[1]
TOUR = ROOT / "examples" / "tour.ipynb"
KINDS = {"text/latex": "latex", "text/html": "html", "image/png": "png"}


@pytest.fixture(scope="module")
def executed(tmp_path_factory, monkeypatch_module):
    # A kernel spec for this interpreter alone: the tour runs with the chainrule under
    # test, whatever kernels the machine has.
    spec_dir = tmp_path_factory.mktemp("jupyter") / "kernels" / "chainrule-test"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "chainrule test", "language": "python"}))
    monkeypatch_module.setenv("JUPYTER_PATH", str(spec_dir.parent.parent))
    monkeypatch_module.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(TOUR, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="chainrule-test",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    return nb


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _shown(cell) -> Counter:
    kinds = Counter()
    for out in cell.outputs:
        for mime in out.get("data", {}):
            if mime in KINDS:
                kinds[KINDS[mime]] += 1
    return kinds


def test_the_tour_is_kept_without_outputs():
    nb = nbformat.read(TOUR, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_the_tour_is_generated_from_its_script():
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import make_tour_notebook
    finally:
        sys.path.pop(0)
    nb = nbformat.read(TOUR, as_version=4)
    built = make_tour_notebook.build()
    assert [c.source for c in nb.cells] == [c.source for c in built.cells]


def test_every_cell_runs_and_shows_what_it_should(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code
    for cell in code:
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{cell.source!r} raised {errors[0].ename}: {errors[0].evalue}"
        want = Counter(cell.metadata["chainrule"]["expect"])
        got = _shown(cell)
        assert got == want, f"{cell.source!r} showed {dict(got)}, expected {dict(want)}"


def test_contents_of_the_displays(executed):
    text = {c.source: c for c in executed.cells if c.cell_type == "code"}
    derivative = next(c for s, c in text.items() if s.startswith("diff("))
    latex = derivative.outputs[0]["data"]["text/latex"]
    assert latex.startswith("$") and "\\cos" in latex and "\\sin" in latex
    steps = next(c for s, c in text.items() if s.startswith("steps("))
    assert "<details" in steps.outputs[0]["data"]["text/html"]
    table = next(c for s, c in text.items() if s.startswith("critical_points("))
    html = table.outputs[0]["data"]["text/html"]
    assert "maximum" in html and "minimum" in html
