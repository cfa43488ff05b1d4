"""The README's coverage table is the generator's output, and the generator's probe tells
functions with a derivative from those without, as the rule table says."""

import pathlib

import numpy as np
import pytest

import chainrule.numpy as cnp
from chainrule import _coverage
from chainrule.core import Primitive

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
COMMAND = "python -m chainrule._coverage --write README.md"


@pytest.fixture(scope="module")
def found():
    pytest.importorskip("scipy")  # the README lists the chainrule.scipy namespaces
    return _coverage.survey()


def test_readme_region_is_the_generated_table(found):
    text = README.read_text(encoding="utf-8")
    current = text.split(_coverage.START)[1].split(_coverage.END)[0].strip("\n")
    expected = _coverage.table(found)
    assert current == expected, (
        f"README.md's coverage table is out of date (functions were added or changed). "
        f"Regenerate it with:  {COMMAND}")


def test_every_function_is_probed(found):
    missing = _coverage.unprobed(found)
    assert not missing, (
        f"the coverage probe could not call {missing}: give their inputs in "
        "chainrule._coverage.CALLS")


def test_probe_agrees_with_the_rule_table():
    """Every primitive exported by chainrule.numpy is probed as the registry declares it."""
    prims = {n: f for n, f in _coverage.namespace_functions(cnp).items()
             if isinstance(f, Primitive)}
    assert len(prims) > 50
    wrong = [n for n, f in prims.items()
             if _coverage.probe(f, f"chainrule.numpy.{n}").differentiable != f.differentiable]
    assert not wrong, f"probe disagrees with the registry on {wrong}"


def test_probe_on_known_cases():
    assert _coverage.probe(cnp.tanh).differentiable
    assert not _coverage.probe(cnp.argsort).differentiable
    assert not _coverage.probe(cnp.zeros_like).differentiable  # constant in its input
    assert not _coverage.probe(lambda x: cnp.floor(x) * 2.0).differentiable
    assert _coverage.probe(lambda x, y: cnp.sum(x) * cnp.sum(y)).differentiable
    assert not _coverage.probe(lambda s: {}[s]).probed  # cannot be called: reported


def test_parameters_held_fixed_are_marked():
    special = pytest.importorskip("chainrule.scipy.special")
    info = _coverage.probe(special.gammainc)
    assert info.differentiable and info.held_fixed
    assert not _coverage.probe(special.gammaln).held_fixed


def test_region_replacement():
    text = f"intro\n{_coverage.START}\nold\n{_coverage.END}\noutro\n"
    assert _coverage.replace_region(text, "new") == \
        f"intro\n{_coverage.START}\nnew\n{_coverage.END}\noutro\n"
    for bad in ("no markers", f"{_coverage.END} {_coverage.START}",
                f"{_coverage.START}{_coverage.START}{_coverage.END}"):
        with pytest.raises(ValueError, match="coverage:start"):
            _coverage.replace_region(bad, "x")


def test_table_shape(found):
    lines = _coverage.table(found).splitlines()
    assert lines[0].startswith("| namespace |")
    assert all(len(line) <= 100 for line in lines if not line.startswith("|"))
    assert any("`chainrule.numpy.linalg`" in line for line in lines)
    assert np.all([ns in dict(_coverage.NAMESPACES) for ns in found])
