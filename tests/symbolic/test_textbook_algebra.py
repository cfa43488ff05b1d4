"""expand, together, cancel, factor, collect, trigsimp and tidy: SymPy's meanings, the
values kept, and the domain never widened (random formulas with planted cancellations)."""

import random

import numpy as np
import pytest
import sympy
from test_symbolic_domain import _formula

from chainrule.core.budget import BudgetExceeded, budget
from chainrule.symbolic import (
    ParseError,
    cancel,
    collect,
    evaluate,
    expand,
    factor,
    parse,
    simplify,
    tidy,
    to_sympy,
    together,
    trigsimp,
)

OPS = {"expand": expand, "together": together, "cancel": cancel, "factor": factor,
       "trigsimp": trigsimp, "tidy": tidy, "textbook": lambda e: simplify(e, textbook=True)}


@pytest.mark.parametrize("fn, text, want", [
    (expand, "(x + 1)**3", "x**3 + 3*x**2 + 3*x + 1"),
    (expand, "(x + y)*(x - y)", "x**2 - y**2"),
    (expand, "sin((x + 1)**2)", "sin(x**2 + 2*x + 1)"),
    (together, "1/x + 1/y", "(x + y)/(x*y)"),
    (together, "x/2 + 1/3", "(3*x + 2)/6"),
    (cancel, "(x**2 - 1)/(x - 1)", "x + 1"),
    (cancel, "(x**3 - x)/(x**2 + x)", "x - 1"),
    (cancel, "(x**2 + 2*x + 1)/(x + 1)**3", "1/(x + 1)"),
    (factor, "x**2 - 1", "(x - 1)*(x + 1)"),
    (factor, "2*x**3 - 2*x", "2*x*(x - 1)*(x + 1)"),
    (factor, "x**4 - 2*x**2 + 1", "(x - 1)**2*(x + 1)**2"),
    (factor, "6*x**2 - x - 1", "(2*x - 1)*(3*x + 1)"),
    (factor, "x**2 + 1", "x**2 + 1"),
    (trigsimp, "sin(x)**2 + cos(x)**2", "1"),
    (trigsimp, "1 - cos(x)**2", "sin(x)**2"),
])
def test_like_sympy(fn, text, want):
    assert fn(parse(text)) is simplify(parse(want))


def test_collect_groups_powers():
    e = collect(parse("a*x + b*x + a*x**2 + 3"), "x")
    assert str(e) == "3 + a*x**2 + x*(a + b)" or sympy.simplify(
        to_sympy(e) - to_sympy(parse("x*(a + b) + a*x**2 + 3"))) == 0


def test_strings_are_formulas():
    assert str(cancel("(x^2 - 1)/(x - 1)")) == "x + 1"


@pytest.mark.parametrize("text", [
    "sqrt(x)/sqrt(x)", "log(x)/log(x)", "(sqrt(x) - 1)*(sqrt(x) + 1)/(x - 1)",
    "exp(log(x))", "(x - 1)*sqrt(x - 1)/(x - 1)", "(log(x) - log(x) + x)/x",
    "log(x) - log(x)",
])
def test_no_widening_on_known_cases(text):
    pts = {"x": np.array([-2.0, -0.5, 0.5, 2.0])}
    e = parse(text)
    before = np.broadcast_to(evaluate(e, pts), (4,))
    for name, fn in OPS.items():
        after = np.broadcast_to(evaluate(fn(e), pts), (4,))
        assert np.all(np.isnan(after[np.isnan(before)])), (name, text, str(fn(e)))


def _check(seed: int, count: int) -> None:
    rng = random.Random(seed)
    npr = np.random.default_rng(seed)
    pts = {"x": npr.uniform(-3, 3, 30), "y": npr.uniform(-3, 3, 30)}
    for _ in range(count):
        text = _formula(rng, 3)
        try:
            e = parse(text)
        except ParseError:
            continue
        with np.errstate(all="ignore"):
            before = np.broadcast_to(np.asarray(evaluate(e, pts), dtype=float), (30,))
            for name, fn in OPS.items():
                s = fn(e)
                after = np.broadcast_to(np.asarray(evaluate(s, pts), dtype=float), (30,))
                bad = np.isnan(before) & ~np.isnan(after) & (np.abs(before) < 1e100)
                assert not bad.any(), f"{name}: {text} -> {s}"
                ok = np.isfinite(before) & np.isfinite(after) & (np.abs(before) < 1e6)
                assert np.allclose(after[ok], before[ok], rtol=1e-6, atol=1e-6), \
                    (name, text, str(s))


def test_random_formulas_keep_value_and_domain():
    _check(seed=11, count=60)


def test_expansion_is_bounded_by_the_budget():
    with pytest.raises(BudgetExceeded):
        with budget(nodes=5_000):
            expand(parse("(x + y + 1)^60"))
