"""Figures a teacher would not redraw: properties of the figure objects, not pixels.

Poles do not set the y-range and lines break at poles and jumps; contour plots mark the
critical points, use log-spaced levels when values span decades and keep the aspect;
runs are labelled by learning rate or method; the oscillating run is visible; decision
boundaries are smooth p = 1/2 contours; every function takes a formula, an Expr or a
callable.
"""

import math
import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402

from chainrule import plot  # noqa: E402
from chainrule.optim import minimize  # noqa: E402
from chainrule.plot._curves import robust_limits, sample  # noqa: E402
from chainrule.plot._function import as_function  # noqa: E402
from chainrule.symbolic import parse  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    with warnings.catch_warnings():
        warnings.simplefilter("error")      # no NumPy or matplotlib warning, anywhere here
        yield
    plt.close("all")


def _line(ax, label):
    return next(ln for ln in ax.get_lines() if ln.get_label() == label)


def _labels(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []


# ---------------------------------------------------------------------------------------
# Poles and jumps.

@pytest.mark.parametrize("f, xlim, bound", [("tan(x)", (-3, 3), 50), ("1/x", (-3, 3), 50),
                                            ("1/x^2", (-1, 1), 500),
                                            ("1/(x - 0.1234)", (-3, 3), 50)])
def test_poles_do_not_set_the_y_range(f, xlim, bound):
    ax = plot.function_and_derivatives(f, xlim=xlim, orders=()).axes[0]
    lo, hi = ax.get_ylim()
    assert math.isfinite(lo) and math.isfinite(hi) and -bound < lo < hi < bound
    y = _line(ax, "f").get_ydata()
    assert np.isnan(y).any(), "the line must break at the pole"


def test_tall_finite_peak_is_kept():
    ax = plot.function_and_derivatives("tanh(1000*x)", xlim=(-1, 1), orders=(1,)).axes[0]
    assert ax.get_ylim()[1] > 1000        # the derivative's peak is 1000, not a pole


def _vertical_segments(line, tol):
    x, y = np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)
    dx, dy = np.diff(x), np.diff(y)
    ok = np.isfinite(dx) & np.isfinite(dy)
    return int(np.sum(ok & (np.abs(dy) > tol) & (np.abs(dx) < 0.05)))


@pytest.mark.parametrize("f, order", [("abs(x)", 1), ("relu(x)", 1), ("floor(x)", 0),
                                      ("sign(x)", 0), ("sign(x - 0.1234)", 0)])
def test_jumps_are_not_drawn_as_vertical_lines(f, order):
    fn = as_function(f)
    c = sample(fn.derivative(order) if order else fn, (-3, 3))
    assert np.isnan(c.y).any()
    line = plt.plot(c.x, c.y)[0]
    assert _vertical_segments(line, tol=0.5) == 0


def test_jump_values_on_both_sides_are_kept():
    c = sample(lambda x: np.where(x < 0.3, -1.0, 2.0), (-1, 1), n=11)
    assert c.breaks == [pytest.approx(0.3, abs=1e-9)]
    i = int(np.flatnonzero(np.isnan(c.y))[0])
    assert c.y[i - 1] == -1.0 and c.y[i + 1] == 2.0


def test_robust_limits_of_nothing_finite():
    assert robust_limits([sample(lambda x: np.full_like(x, np.nan), (0, 1))]) is None


# ---------------------------------------------------------------------------------------
# Contours.

def test_saddle_is_marked_on_contours():
    ax = plot.contour_paths("x^2 - y^2", (-2, 2), (-2, 2)).axes[0]
    marks = [ln for ln in ax.get_lines() if ln.get_label().startswith("saddle")]
    assert len(marks) == 1
    assert (marks[0].get_xdata()[0], marks[0].get_ydata()[0]) == (0.0, 0.0)
    assert "saddle (0, 0)" in _labels(ax)
    assert ax.get_aspect() == 1.0


def test_rosenbrock_uses_log_spaced_levels():
    fig = plot.contour_paths("(1-x)^2 + 100(y-x^2)^2", (-2, 2), (-1, 3))
    ax = fig.axes[0]
    filled = next(c for c in ax.collections if getattr(c, "filled", False))
    assert isinstance(filled.norm, LogNorm)
    levels = np.asarray(filled.levels)
    ratios = levels[1:] / levels[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-9)      # geometric
    assert "minimum (1, 1)" in _labels(ax)
    assert "log" in fig.axes[1].get_ylabel()


def test_bowl_keeps_linear_levels():
    ax = plot.contour_paths("x^2 + y^2", (-3, 3), (-3, 3)).axes[0]
    filled = next(c for c in ax.collections if getattr(c, "filled", False))
    assert not isinstance(filled.norm, LogNorm)
    assert "minimum (0, 0)" in _labels(ax)


def test_paths_are_labelled_by_learning_rate():
    def f(p):
        return p[0] ** 2 + 3 * p[1] ** 2

    runs = [minimize(f, np.array([2.0, 1.0]), learning_rate=lr, maxiter=20)
            for lr in (0.05, 0.1)]
    ax = plot.contour_paths(f, (-3, 3), (-2, 2), histories=runs).axes[0]
    labels = _labels(ax)
    assert any(t.startswith("lr = 0.05 (") for t in labels)
    assert any(t.startswith("lr = 0.1 (") for t in labels)
    assert not any(t.startswith(("path", "run")) for t in labels)


def test_callable_of_two_arguments_and_formula_agree():
    a = plot.contour_paths(lambda x, y: x * y, (-1, 1), (-1, 1), critical=False).axes[0]
    b = plot.contour_paths("x*y", (-1, 1), (-1, 1), critical=False).axes[0]
    za = next(c for c in a.collections if getattr(c, "filled", False)).levels
    zb = next(c for c in b.collections if getattr(c, "filled", False)).levels
    np.testing.assert_allclose(za, zb)


# ---------------------------------------------------------------------------------------
# Learning rates and losses.

def test_learning_rate_comparison_takes_a_formula_and_shows_the_oscillation():
    fig = plot.learning_rate_comparison("x**2", 4.0, rates=(0.01, 0.1, 0.9), steps=20)
    loss_ax, x_ax = fig.axes
    assert loss_ax.get_yscale() == "log"
    lines = loss_ax.get_lines()
    styles = {(ln.get_linestyle(), ln.get_marker()) for ln in lines}
    assert len(styles) == 3, "runs that coincide must still be told apart"
    assert "oscillates" in lines[2].get_label()
    x_osc = np.asarray(x_ax.get_lines()[2].get_ydata())
    assert np.all(np.sign(x_osc[1:]) != np.sign(x_osc[:-1]))   # the zigzag is drawn


@pytest.mark.parametrize("f", ["x**2", parse("x^2"), lambda x: x**2])
def test_learning_rate_comparison_accepts_every_kind_of_f(f):
    fig = plot.learning_rate_comparison(f, 4.0, rates=(0.1, 1.5), steps=10)
    assert "diverges" in fig.axes[0].get_lines()[1].get_label()


def test_loss_curves_default_labels_are_learning_rates():
    r = minimize(lambda x: x**2, 3.0, learning_rate=0.2, maxiter=5)
    ax = plot.loss_curves([r]).axes[0]
    assert ax.get_lines()[0].get_label() == "lr = 0.2"


# ---------------------------------------------------------------------------------------
# Critical points, tangents, every kind of f.

@pytest.mark.parametrize("f", ["x^3 - 3x", parse("x^3 - 3x"), lambda x: x**3 - 3 * x,
                               lambda x: math.sin(x) * 0 + x**3 - 3 * x])
def test_critical_points_plot_accepts_every_kind_of_f(f):
    ax = plot.critical_points_plot(f, xlim=(-2.5, 2.5)).axes[0]
    marks = {ln.get_label(): (ln.get_xdata()[0], ln.get_ydata()[0]) for ln in ax.get_lines()}
    assert marks["maximum"] == pytest.approx((-1.0, 2.0), abs=1e-6)
    assert marks["minimum"] == pytest.approx((1.0, -2.0), abs=1e-6)


def test_function_and_derivatives_with_tangent_has_informative_legend(tmp_path):
    from chainrule.cli import main

    out = tmp_path / "f.png"
    fig_before = set(plt.get_fignums())
    import chainrule.cli.plotting as cli_plotting

    kept = []
    real_save = cli_plotting.save
    cli_plotting.save = lambda p, fig, path: kept.append(fig) or real_save(p, fig, path)
    try:
        assert main(["plot", "x^3 - x", "--derivative", "--tangent-at", "1",
                     "-o", str(out)]) == 0
    finally:
        cli_plotting.save = real_save
    assert set(plt.get_fignums()) == fig_before
    ax = kept[0].axes[0]
    labels = _labels(ax)
    assert labels and all(t.strip() and not t.startswith("_") for t in labels)
    assert any(t.startswith("tangent at 1: slope 2") for t in labels)
    assert "x**3 - x" in ax.get_title() and "tangent" in ax.get_title()


def test_untraceable_callable_still_plots():
    ax = plot.function_and_derivatives(lambda x: math.exp(x), xlim=(0, 1)).axes[0]
    xs = np.asarray(_line(ax, "f'").get_xdata())
    np.testing.assert_allclose(_line(ax, "f'").get_ydata(), np.exp(xs), rtol=1e-6)


def test_non_vectorized_sum_is_not_taken_for_a_constant():
    fn = as_function(lambda p: float(np.sum(np.asarray(p) ** 2)), 2)
    X = np.array([[0.0, 1.0]])
    np.testing.assert_allclose(fn(X, X), [[0.0, 2.0]])


# ---------------------------------------------------------------------------------------
# Decision boundaries.

def test_decision_boundary_is_the_smooth_half_probability_contour():
    from chainrule.models import LogisticRegression

    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-1.5, 1, (40, 2)), rng.normal(1.5, 1, (40, 2))])
    y = np.repeat([0, 1], 40)
    model = LogisticRegression().fit(X, y)
    ax = plot.decision_boundary(model, X, y).axes[0]
    assert "decision boundary (p = 1/2)" in _labels(ax)
    lines = [c for c in ax.collections if not getattr(c, "filled", True)]
    verts = np.vstack([p.vertices for c in lines for p in c.get_paths()])
    w, b = np.ravel(model.coef_), float(np.ravel(model.intercept_)[0])
    np.testing.assert_allclose(verts @ w + b, 0.0, atol=1e-2)     # on the line p = 1/2
    steps = np.diff(verts, axis=0)
    axis_aligned = np.mean((np.abs(steps) < 1e-12).any(axis=1))
    assert axis_aligned < 0.05, "a staircase of pixels"
    assert f"{model.score(X, y):.1%}" in ax.get_title()


def test_loss_curves_stay_linear_when_a_loss_is_negative():
    r = minimize(lambda x: x**4 - 3 * x, 2.0, learning_rate=0.1, maxiter=20)
    assert r.history.loss.min() < 0
    ax = plot.loss_curves([r]).axes[0]
    assert ax.get_yscale() == "linear"


def test_curve_paths_draw_the_iterates_on_the_curve():
    r = minimize(lambda x: x**4 - 3 * x, 2.0, learning_rate=0.1, maxiter=20)
    ax = plot.curve_paths("x^4 - 3x", [r], labels=["gd"]).axes[0]
    line = next(ln for ln in ax.get_lines() if ln.get_label().startswith("gd ("))
    xs = np.asarray(r.history.params, dtype=float)
    np.testing.assert_allclose(line.get_xdata(), xs)
    np.testing.assert_allclose(line.get_ydata(), xs**4 - 3 * xs)
    lo, hi = ax.get_xlim()
    assert lo < xs.min() and xs.max() < hi


@pytest.mark.parametrize("draw", [
    lambda: plot.function_and_derivatives("log(-x^2 - 1)"),
    lambda: plot.tangents("sqrt(x)", at=-1, xlim=(-3, -1)),
    lambda: plot.contour_paths("log(-x^2 - y^2 - 1)"),
])
def test_nothing_finite_to_draw_is_an_error(draw):
    with pytest.raises(ValueError, match="nothing to draw"):
        draw()


def test_critical_point_search_out_of_time_is_said(monkeypatch):
    import chainrule.analysis as analysis
    from chainrule.core.budget import BudgetExceeded

    def out_of_time(*args, **kwargs):
        raise BudgetExceeded("seconds", 10, "searching")
    monkeypatch.setattr(analysis, "critical_points", out_of_time)
    ax = plot.contour_paths("x^2 - y^2", (-1, 1), (-1, 1)).axes[0]
    assert "ran out of time; none are marked" in ax.get_title()
