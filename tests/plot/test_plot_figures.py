"""Every chainrule.plot function renders with Agg and draws the expected artists."""

import math

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import chainrule.numpy as cnp  # noqa: E402
from chainrule import plot  # noqa: E402
from chainrule.optim import minimize  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _line(ax, label):
    for line in ax.get_lines():
        if line.get_label() == label:
            return line
    raise AssertionError(f"no line {label!r} in {[x.get_label() for x in ax.get_lines()]}")


def _render(fig):
    fig.canvas.draw()
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    return ax


@pytest.mark.parametrize("f", ["x^2*sin(x)", "callable"])
def test_function_and_derivatives(f):
    func = (lambda x: x**2 * cnp.sin(x)) if f == "callable" else f
    ax = _render(plot.function_and_derivatives(func, xlim=(-2, 2), orders=(1, 2)))
    xs = _line(ax, "f'").get_xdata()
    d1 = 2 * xs * np.sin(xs) + xs**2 * np.cos(xs)
    d2 = 2 * np.sin(xs) + 4 * xs * np.cos(xs) - xs**2 * np.sin(xs)
    np.testing.assert_allclose(_line(ax, "f").get_ydata(), xs**2 * np.sin(xs), atol=1e-12)
    np.testing.assert_allclose(_line(ax, "f'").get_ydata(), d1, atol=1e-10)
    np.testing.assert_allclose(_line(ax, "f''").get_ydata(), d2, atol=1e-9)
    assert ax.get_legend() is not None


@pytest.mark.parametrize("f", ["x^3 - 3x^2 + 2", "callable"])
def test_tangents_pass_through_point_with_slope(f):
    func = (lambda x: x**3 - 3 * x**2 + 2) if f == "callable" else f
    ax = _render(plot.tangents(func, at=[-1.0, 1.5], xlim=(-2, 3)))
    for a in (-1.0, 1.5):
        slope = 3 * a**2 - 6 * a
        line = next(ln for ln in ax.get_lines() if ln.get_label().startswith(f"tangent at {a:g}"))
        assert f"{slope:.4g}" in line.get_label()
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        np.testing.assert_allclose(np.diff(y) / np.diff(x), slope, atol=1e-8)
        np.testing.assert_allclose(np.interp(a, x, y), a**3 - 3 * a**2 + 2, atol=1e-8)
    assert ax.get_legend() is not None


def test_tangent_single_number():
    ax = _render(plot.tangents("x^2", at=3, xlim=(0, 5)))
    line = next(ln for ln in ax.get_lines() if ln.get_label().startswith("tangent"))
    x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
    np.testing.assert_allclose(y, 6 * x - 9, atol=1e-10)


@pytest.mark.parametrize("f", ["exp(x)", "callable"])
def test_taylor_polynomials(f):
    func = cnp.exp if f == "callable" else f
    ax = _render(plot.taylor_polynomials(func, at=0.0, orders=(1, 3), xlim=(-2, 2)))
    line = _line(ax, "order 3")
    x = np.asarray(line.get_xdata())
    np.testing.assert_allclose(line.get_ydata(), 1 + x + x**2 / 2 + x**3 / 6, atol=1e-9)
    np.testing.assert_allclose(_line(ax, "order 1").get_ydata(), 1 + x, atol=1e-9)


def test_critical_points_plot_marks_min_and_max():
    ax = _render(plot.critical_points_plot("x^3 - 3x^2 + 2", xlim=(-1, 3)))
    marked = {ln.get_label(): (ln.get_xdata()[0], ln.get_ydata()[0]) for ln in ax.get_lines()}
    assert marked["maximum"] == pytest.approx((0.0, 2.0))
    assert marked["minimum"] == pytest.approx((2.0, -2.0))
    texts = [t.get_text() for t in ax.texts]
    assert any(t.startswith("max") for t in texts) and any(t.startswith("min") for t in texts)


def test_critical_points_plot_takes_a_callable():
    ax = _render(plot.critical_points_plot(lambda x: x**2))
    assert [ln.get_label() for ln in ax.get_lines()][1:] == ["minimum"]


def _quad(p):
    return (p[0] - 1.0) ** 2 + 3.0 * (p[1] + 0.5) ** 2


@pytest.mark.parametrize("f", ["(x-1)^2 + 3(y+0.5)^2", "callable"])
def test_contour_paths_vertices_equal_history(f):
    func = _quad if f == "callable" else f
    h1 = minimize(_quad, np.array([-2.0, 2.0]), method="gd", learning_rate=0.1, maxiter=15)
    h2 = minimize(_quad, np.array([2.5, -2.0]), method="momentum", maxiter=15)
    fig = plot.contour_paths(
        func, (-3, 3), (-3, 3), histories=[h1.history, h2.history.params], labels=["gd", "mom"]
    )
    ax = _render(fig)
    for name, h in (("gd", h1.history), ("mom", h2.history)):
        line = next(ln for ln in ax.get_lines() if ln.get_label().startswith(name))
        verts = np.column_stack([line.get_xdata(), line.get_ydata()])
        np.testing.assert_array_equal(verts, np.array(h.params))
    assert ax.collections, "contourf and quiver should be drawn"
    assert any(type(c).__name__ == "Quiver" for c in ax.collections)


def test_contour_without_gradient_field():
    ax = _render(plot.contour_paths("x^2 + y^2", (-1, 1), (-1, 1), gradient_field=False))
    assert not any(type(c).__name__ == "Quiver" for c in ax.collections)


def test_surface():
    fig = plot.surface("x^2 - y^2", (-1, 1), (-1, 1))
    fig.canvas.draw()
    assert fig.axes[0].name == "3d"
    assert fig.axes[0].get_title()


def test_loss_curves_data_equals_history():
    from chainrule.models import KMeans

    r1 = minimize(lambda x: x**2, 4.0, learning_rate=0.1, maxiter=10)
    X = np.random.default_rng(0).normal(size=(30, 2))
    km = KMeans(n_clusters=2).fit(X)
    fig = plot.loss_curves([r1.history, [5.0, 2.0, 1.0], km], labels=["gd", "list", "km"])
    ax = _render(fig)
    np.testing.assert_array_equal(_line(ax, "gd").get_ydata(), r1.history.loss)
    np.testing.assert_array_equal(_line(ax, "list").get_ydata(), [5.0, 2.0, 1.0])
    np.testing.assert_array_equal(_line(ax, "km").get_ydata(), km.loss_history_)
    assert ax.get_yscale() == "log"
    assert plot.loss_curves(r1.history, log=False).axes[0].get_yscale() == "linear"


def test_learning_rate_comparison_one_line_per_rate():
    ax = _render(plot.learning_rate_comparison(lambda x: x**2, 4.0, steps=20))
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert len(labels) == 3
    assert "lr = 0.01 (too small" in labels[0]
    assert "lr = 0.1 (" in labels[1] and "lr = 0.9 (" in labels[2]
    assert "0.01" in ax.get_title() and "0.9" in ax.get_title()
    ax = _render(plot.learning_rate_comparison(lambda x: x**2, 4.0, rates=(0.1, 1.5), steps=10))
    assert "diverges" in ax.get_lines()[1].get_label()


def test_error_curve_plot():
    ax = _render(plot.error_curve_plot(np.sin, 1.0))
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    best = [ln for ln in ax.get_lines() if ln.get_label().startswith("best")]
    assert len(best) == 2
    assert best[0].get_xdata()[0] == pytest.approx(1e-8, rel=2)
    assert best[1].get_xdata()[0] == pytest.approx(1e-5, rel=2)


def _blobs():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal([-2, -2], 0.6, (25, 2)), rng.normal([2, 2], 0.6, (25, 2))])
    return X, np.repeat([0, 1], 25)


def test_decision_boundary_draws_contourf():
    from chainrule.models import LogisticRegression

    X, y = _blobs()
    model = LogisticRegression().fit(X, y)
    ax = _render(plot.decision_boundary(model, X, y, resolution=50))
    assert any(getattr(c, "filled", False) for c in ax.collections)
    assert "accuracy" in ax.get_title()
    assert ax.get_legend() is not None


def test_kmeans_draws_centroids():
    from chainrule.models import KMeans

    X, _ = _blobs()
    km = KMeans(n_clusters=2).fit(X)
    ax = _render(plot.kmeans_clusters(km, X))
    cents = next(c for c in ax.collections if c.get_label() == "centroids")
    np.testing.assert_allclose(cents.get_offsets(), km.cluster_centers_)


def test_ax_argument_and_save(tmp_path):
    fig, axes = plt.subplots(1, 2)
    out = plot.function_and_derivatives("sin(x)", ax=axes[1])
    assert out is fig and axes[1].get_lines()
    assert plot.save(fig, tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert b"<svg" in plot.save(fig, tmp_path / "a.svg").read_bytes()[:500]
    with pytest.raises(ValueError):
        plot.save(fig, tmp_path / "a.gif")


def test_math_callable_falls_back_to_scalar_evaluation():
    ax = _render(plot.function_and_derivatives(lambda x: x**3, orders=(1,)))
    x = np.asarray(_line(ax, "f'").get_xdata())
    np.testing.assert_allclose(_line(ax, "f'").get_ydata(), 3 * x**2, atol=1e-10)
    assert math.isclose(float(_line(ax, "f").get_ydata()[0]), -27.0)
