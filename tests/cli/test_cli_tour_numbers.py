"""The tour prints what it computed: change the computation and the text follows.

Each test runs a tour step with the library patched to give other results, and checks that
the text reports those results, so no number in the prose can be a stale constant.
"""

import re

import numpy as np
import pytest

from chainrule.cli import tour
from chainrule.optim import minimize


def _short_runs(monkeypatch, most):
    def limited(f, x0, maxiter=1000, **kw):
        return minimize(f, x0, maxiter=min(maxiter, most), **kw)
    monkeypatch.setattr(tour, "minimize", limited)


LINE = re.compile(r"lr = (\S+)\s+\((.*?)\): x = (\S+) after (\d+) steps \((.*)\)")


def test_learning_rate_lines_report_the_runs(monkeypatch):
    _short_runs(monkeypatch, 7)
    text = tour.learning_rates(None)
    lines = LINE.findall(text)
    assert len(lines) == 3
    for lr, verdict, x, nit, why in lines:
        r = minimize(lambda v: v**2, 4.0, learning_rate=float(lr), maxiter=7)
        assert int(nit) == r.nit <= 7
        assert x == f"{float(r.x):.4g}"
        assert why == tour._stop(r.message)
    assert "after 30 steps" not in text


def test_learning_rate_verdicts_come_from_the_losses():
    from chainrule.plot.optim import learning_rate_verdicts

    text = tour.learning_rates(None)
    rates = [float(lr) for lr, *_ in LINE.findall(text)]
    runs = [minimize(lambda v: v**2, 4.0, learning_rate=lr, maxiter=30) for lr in rates]
    want = learning_rate_verdicts(rates, [r.history.loss for r in runs])
    assert [v for _, v, *_ in LINE.findall(text)] == want


def test_gradient_descent_prints_its_iterates(monkeypatch):
    _short_runs(monkeypatch, 2)
    text = tour.gradient_descent(None)
    assert text.rstrip().endswith("x = 4, 3.2, 2.56, ...")


def test_house_prices_print_the_fits(monkeypatch):
    from chainrule import models

    class Shifted(models.LinearRegression):
        def fit(self, X, y):
            super().fit(X, y)
            self.coef_ = self.coef_ + 0.25
            return self

    monkeypatch.setattr(models, "LinearRegression", Shifted)
    text = tour.house_prices(None)
    assert "w = 2.25 (thousand per m2)" in text
    assert "closed form gives w = 2.25" in text


def test_derivative_step_prints_the_slope():
    text = tour.derivative_at_a_point(None)
    assert "f'(3) = 6:" in text and "about 6 times as fast" in text


def test_accuracy_in_the_text_is_the_figure_title():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from chainrule import plot
    from chainrule.cli._train import train

    model, X, y, text = train("logistic")
    shown = re.search(r"accuracy: (\S+%)", text).group(1)
    fig = plot.decision_boundary(model, X, y)
    assert f"(accuracy {shown})" in fig.axes[0].get_title()
    right = int(np.sum(model.predict(X) == y))
    assert f"({right} of {len(y)})" in text


def test_newton_step_checks_its_claim(monkeypatch):
    def no_step(f, x0, maxiter=1000, **kw):        # a "Newton step" that lands elsewhere
        r = minimize(f, x0, maxiter=maxiter, **kw)
        r.history.params[1] = 1.5
        return r
    monkeypatch.setattr(tour, "minimize", no_step)
    text = tour.newtons_method(None)
    assert "not yet the minimum" in text and "f'(1.5) = -1" in text
