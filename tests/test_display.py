"""Rich display in notebooks: what Jupyter shows for chainrule's results."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule._display import html_table, sparkline


def test_tables_escape_everything():
    out = html_table(["<x>"], [["<script>alert(1)</script>"]], caption="a & b", footer="<i>")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "&lt;x&gt;" in out and "a &amp; b" in out and "&lt;i&gt;" in out


def test_sparkline_leaves_gaps_and_handles_short_input():
    svg = sparkline([1.0, np.nan, 2.0, 3.0, np.inf, 1.0])
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 2
    assert "<polyline" not in sparkline([1.0])
    assert "<polyline" in sparkline([10.0, 1.0, 0.1], log=True)


def test_optimizer_results_show_history():
    from chainrule.optim import fit, minimize, sgd
    res = minimize(lambda x: cnp.sum((x - 1.0) ** 2), np.zeros(2), method="gd",
                   learning_rate=0.1, maxiter=500)
    out = res._repr_html_()
    assert "<svg" in out and "<table" in out and "learning rate" in out
    assert res.success and f"converged after {res.nit} steps" in out
    assert "..." in out  # many entries: the middle ones are elided
    assert res.history._repr_html_().count("<tr>") >= 5
    X = np.linspace(-1, 1, 20)[:, None]
    y = 3 * X[:, 0]
    tr = fit(lambda w, xb, yb: cnp.mean((xb[:, 0] * w - yb) ** 2), 0.0, (X, y), sgd(0.1),
             epochs=2, batch_size=5, seed=0)
    assert "trained" in tr._repr_html_()


def test_gradcheck_report_table():
    from chainrule.numeric import gradcheck
    ok = gradcheck(cnp.sin, (np.array([0.1, 0.2]),))
    assert "ok" in ok._repr_html_()
    from chainrule.core import Primitive
    wrong = Primitive("wrong_sin", np.sin, jvp=(lambda t, ans, x: 2 * t * cnp.cos(x),),
                      vjp=(lambda g, ans, x: g * cnp.cos(x),))
    bad = gradcheck(wrong.bind, (np.array([0.3]),), raise_on_failure=False)
    out = bad._repr_html_()
    assert "FAILED" in out and "<td>fwd</td>" in out and "rel error" in out


def test_critical_points_and_tangent():
    from chainrule.analysis import critical_points, tangent
    from chainrule.symbolic import parse
    cp = critical_points(parse("x^3 - 3*x"), ["x"], [(-3, 3)])
    out = cp._repr_html_()
    assert out.count("<tr>") == 3 and "minimum" in out and "complete (proven)" in out
    t = tangent(parse("x^2"), "x", 1.0)
    assert t._repr_latex_().startswith("$y = ") and t._repr_latex_().endswith("$")


def test_plots_are_shown_once_in_a_notebook(monkeypatch):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from chainrule import plot
    from chainrule.plot import _common
    plt.close("all")
    monkeypatch.setattr(_common, "inline_backend", lambda: True)
    fig = plot.function_and_derivatives("x**2")
    assert fig.number not in plt.get_fignums()  # pyplot will not show it a second time
    monkeypatch.setattr(_common, "inline_backend", lambda: False)
    fig = plot.function_and_derivatives("x**2")
    assert fig.number in plt.get_fignums()  # a script's plt.show() still shows it
    plt.close("all")


def test_grad_of_display_is_not_needed_for_values():
    # the display helpers never touch values: results stay plain NumPy
    assert float(cr.grad(lambda x: x ** 2)(3.0)) == 6.0


def test_expressions_are_typeset():
    from chainrule.symbolic import latex, parse
    e = parse("x^2*sin(x)")
    assert e._repr_latex_() == f"${latex(e)}$"
    x = parse("x")
    big = sum((cr.numpy.sin(x * k) for k in range(1, 800)), x)
    assert big._repr_latex_() is None  # too large to help: the notebook shows the text


def test_equations_gradients_and_hessians_are_typeset():
    from chainrule.symbolic import gradient, hessian, jacobian, parse
    assert parse("x^2 + y^2 = 25")._repr_latex_() == "$x^{2} + y^{2} = 25$"
    g = gradient("x^2*y")
    assert g._repr_latex_() == "$\\begin{pmatrix}2 x y \\\\ x^{2}\\end{pmatrix}$"
    h = hessian("x^2*y", ["x", "y"])
    assert h._repr_latex_().count("&") == 2 and isinstance(h, list)
    assert jacobian(["x*y", "x + y"])._repr_latex_().startswith("$\\begin{pmatrix}")
    assert g == list(g) and str(g) == str(list(g))  # a list in every other way
