"""The lab in a real browser: Chromium driven by Playwright against the real app.

Each test fails on any console error or page error (see conftest.py) and saves screenshots at
1280x800 (and the phone test at 390 px) under pytest's tmp dir.
"""

from __future__ import annotations

import math
import re

import pytest

PLOT_READY = "id => { const gd = document.getElementById(id); return gd && gd._fullLayout; }"


def open_tab(page, lab_url, tab):
    """Open a tab of the lab; returns the locator of its section."""
    page.goto(f"{lab_url}#{tab}")
    page.wait_for_selector(f"#page-{tab}:not([hidden])")
    return page.locator(f"#page-{tab}")


def to_pixels(page, plot_id, x, y=None):
    """Viewport pixels of the data point (x, y) on a plotly plot (y: the middle when None)."""
    return page.evaluate(
        """([id, x, y]) => {
            const gd = document.getElementById(id);
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const r = gd.getBoundingClientRect();
            const py = y === null ? ya._length / 2 : ya.d2p(y);
            return [r.left + xa._offset + xa.d2p(x), r.top + ya._offset + py];
        }""",
        [plot_id, x, y],
    )


def submit_formula(page, formula):
    box = page.get_by_label("Formula", exact=True)
    box.fill(formula)
    box.press("Enter")


def rendered_math_matches(page, selector, mathml):
    """The <math> shown under `selector` reads like the API's MathML and has a size on screen."""
    return page.evaluate(
        """([sel, mathml]) => {
            const el = document.querySelector(sel + ' math');
            if (!el) return false;
            const doc = new DOMParser().parseFromString(mathml, 'text/html');
            const r = el.getBoundingClientRect();
            return el.textContent === doc.body.textContent && r.width > 0 && r.height > 0;
        }""",
        [selector, mathml],
    )


def test_derivative_typeset_with_steps(page, lab_url, shots):
    open_tab(page, lab_url, "derivative")
    formula = "x**3*exp(x)"
    with page.expect_response("**/api/diff") as answer:
        submit_formula(page, formula)
    data = answer.value.json()
    assert data["derivative"]
    page.wait_for_function(
        "t => document.querySelector('#d-formula-math').textContent.length > 0", arg=formula
    )
    page.wait_for_function(
        "m => { const d = new DOMParser().parseFromString(m, 'text/html');"
        " const el = document.querySelector('#d-result math');"
        " return el && el.textContent === d.body.textContent; }",
        arg=data["mathml"],
    )
    assert rendered_math_matches(page, "#d-result", data["mathml"])
    top = page.locator("#d-steps > details.step").first
    assert top.locator("> summary .rule").inner_text() == data["steps"][0]["rule"]
    rules = page.locator("#d-steps .rule").all_inner_texts()
    assert "product rule" in rules
    checks = page.locator("#d-steps .check.ok").count()
    assert checks == len(rules) and checks >= 3
    # a closed step opens on click and shows its statement
    closed = page.locator("#d-steps details.step:not([open])").first
    if closed.count():
        closed.locator("> summary").click()
        assert closed.evaluate("d => d.open")
    shots(page, "derivative-1280")
    # a higher order on demand
    with page.expect_response("**/api/diff") as second:
        page.get_by_label("Order", exact=True).select_option("2")
    page.wait_for_function("() => document.querySelector('#d-lhs').textContent.startsWith('f″')")
    page.wait_for_function(
        "m => { const d = new DOMParser().parseFromString(m, 'text/html');"
        " const el = document.querySelector('#d-result math');"
        " return el && el.textContent === d.body.textContent; }",
        arg=second.value.json()["mathml"],
    )


def test_bad_formula_shows_caret(page, lab_url, console):
    console.allow("400")
    open_tab(page, lab_url, "derivative")
    page.wait_for_function(PLOT_READY, arg="d-plot")
    formula = "x**2 + * 3"
    with page.expect_response("**/api/diff") as answer:
        submit_formula(page, formula)
    assert answer.value.status == 400
    column = answer.value.json()["column"]
    error = page.locator("#d-error")
    error.wait_for(state="visible")
    assert answer.value.json()["error"] in error.inner_text()
    echoed, caret = page.locator("#d-error pre.caret").inner_text().split("\n")[:2]
    assert echoed == formula
    assert caret == " " * (column - 1) + "^"


def _slope(page):
    return page.locator("#d-slope").inner_text()


def test_drag_tangent_point_changes_slope(page, lab_url, shots):
    open_tab(page, lab_url, "derivative")
    submit_formula(page, "x**2*sin(x)")
    page.wait_for_function(PLOT_READY, arg="d-plot")
    page.wait_for_function("() => /[0-9]/.test(document.querySelector('#d-slope').textContent)")
    before = _slope(page)
    x0, y0 = to_pixels(page, "d-plot", float(page.locator("#d-at").input_value()))
    x1, _ = to_pixels(page, "d-plot", -3.0)
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y0, steps=4)
    page.mouse.move(x1, y0, steps=4)
    page.mouse.up()
    at = float(page.locator("#d-at").input_value())
    assert abs(at + 3.0) < 0.1
    expected = 2 * at * math.sin(at) + at * at * math.cos(at)
    page.wait_for_function(
        "b => { const t = document.querySelector('#d-slope').textContent; return t !== b; }",
        arg=before,
    )
    page.wait_for_function(
        "e => Math.abs(Number(document.querySelector('#d-slope').textContent) - e)"
        " <= 1e-3 * Math.max(1, Math.abs(e))",
        arg=expected,
    )
    tangent = page.evaluate("() => document.getElementById('d-plot').data[2]")
    slope = (tangent["y"][1] - tangent["y"][0]) / (tangent["x"][1] - tangent["x"][0])
    assert slope == pytest.approx(expected, rel=1e-3)
    # the Taylor polynomial of a chosen order joins the plot
    page.get_by_label("Taylor order", exact=True).fill("4")
    page.get_by_label("Taylor polynomial of order").check()
    page.wait_for_function(
        "() => { const t = document.getElementById('d-plot').data[3];"
        " return t.visible === true && t.x.length > 10; }"
    )
    shots(page, "derivative-tangent-1280")


def test_two_variables_gradient_hessian_critical_points(page, lab_url, shots):
    open_tab(page, lab_url, "derivative")
    submit_formula(page, "x**3 - 3*x*y + y**3")
    page.locator("#d-two").wait_for(state="visible")
    page.wait_for_function(PLOT_READY, arg="d2-plot")
    page.wait_for_function("() => document.querySelectorAll('#d2-crit tbody tr').length >= 2")
    kinds = page.locator("#d2-crit tbody td.kind").all_inner_texts()
    assert sorted(kinds) == ["minimum", "saddle"]
    assert page.locator("#d2-grad math").count() == 1
    assert page.locator("#d2-hess math").count() == 1
    page.locator("#d2-steps .rule").first.wait_for()
    shots(page, "derivative-2d-1280")


def test_descent_race_two_optimizers(page, lab_url, shots):
    tab = open_tab(page, lab_url, "descent")
    page.wait_for_function("() => document.querySelectorAll('#g-preset option').length > 3")
    page.wait_for_function(PLOT_READY, arg="g-plot")
    for name, on in [("gradient descent", True), ("momentum", False), ("Adam", True)]:
        box = tab.get_by_label(name, exact=True)
        box.check() if on else box.uncheck()
    # click on the contours to choose the start
    x, y = to_pixels(page, "g-plot", -2.0, 1.0)
    page.mouse.click(x, y)
    start = page.evaluate("() => document.getElementById('g-plot').data[1]")
    assert start["x"][0] == pytest.approx(-2.0, abs=0.1)
    assert start["y"][0] == pytest.approx(1.0, abs=0.1)
    tab.get_by_label("Steps", exact=True).fill("120")
    page.get_by_role("button", name="Race").click()
    page.wait_for_function("() => document.querySelectorAll('#g-messages li').length === 2")
    paths = page.evaluate(
        "() => document.getElementById('g-plot').data.slice(2).map(t => t.x.length)"
    )
    assert len(paths) == 2 and all(n > 50 for n in paths)
    losses = page.evaluate("() => document.getElementById('g-loss').data.map(t => t.name)")
    assert losses == ["gradient descent", "Adam"]
    messages = page.locator("#g-messages li").all_inner_texts()
    assert messages[0].startswith("gradient descent") and messages[1].startswith("Adam")
    shots(page, "descent-1280")


def test_network_trains_xor_and_shows_tableau(page, lab_url, shots, console):
    # A run still closing its stream after Pause may answer 409 once; the page retries.
    console.allow("status of 409")
    tab = open_tab(page, lab_url, "network")
    page.wait_for_function(PLOT_READY, arg="n-plot")
    tab.get_by_label("Dataset", exact=True).select_option("xor")
    tab.get_by_label("Noise", exact=True).fill("0")
    tab.get_by_label("Hidden layers (units per layer)", exact=True).fill("8")
    tab.get_by_label("Activation", exact=True).select_option("tanh")
    tab.get_by_label("Optimizer", exact=True).select_option("adam")
    tab.get_by_label("Learning rate", exact=True).fill("0.05")
    page.get_by_role("button", name="New network").click()
    page.wait_for_function("() => document.querySelector('#n-stepno').textContent === '0'")
    page.get_by_role("button", name="Step").click()
    page.wait_for_function("() => document.querySelector('#n-stepno').textContent === '1'")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "() => document.querySelector('#n-acc').textContent === '100.0%'", timeout=40_000
    )
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    assert int(page.locator("#n-stepno").inner_text()) > 1
    tab.get_by_label("Example #", exact=True).fill("3")
    page.get_by_role("button", name="Show backprop").click()
    chain = page.locator("#n-tableau-out .chain > .node")
    chain.first.wait_for()
    assert chain.count() >= 4  # the example, a hidden layer (affine, activation), ..., the loss
    assert re.search(r"\bL\b|loss", chain.last.locator(".node-label").inner_text())
    # the loss node's adjoint is dL/dL = 1; every node shows a value and an adjoint
    assert chain.last.locator(".adjoint .cell").all_inner_texts() == ["1"]
    for k in range(chain.count()):
        assert chain.nth(k).locator(".forward .cell").count() >= 1
    # the parameters' adjoints (their gradients) open on demand
    params = page.locator("#n-tableau-out details.params")
    params.locator("summary").click()
    assert params.locator(".node").first.is_visible()
    page.evaluate("() => window.scrollTo(0, 0)")
    # clicking a point of the plot picks that example for the tableau
    x, y, index = page.evaluate(
        """() => { const gd = document.getElementById('n-plot'), t = gd.data[3];
            const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
            const r = gd.getBoundingClientRect();
            return [r.left + xa._offset + xa.d2p(t.x[0]), r.top + ya._offset + ya.d2p(t.y[0]),
                    t.customdata[0]]; }"""
    )
    with page.expect_response("**/tableau"):
        page.mouse.click(x, y)
    assert tab.get_by_label("Example #", exact=True).input_value() == str(index)
    shots(page, "network-1280")
    # changing a control builds a new network at once, as TensorFlow Playground does
    with page.expect_response("**/api/train"):
        tab.get_by_label("Dataset", exact=True).select_option("circles")
    page.wait_for_function("() => document.querySelector('#n-stepno').textContent === '0'")
    assert page.locator("#n-tableau-out").inner_text() == ""


def test_numeric_error_curve(page, lab_url, shots):
    tab = open_tab(page, lab_url, "numeric")
    tab.get_by_label("Function", exact=True).fill("exp(x)*sin(x)")
    tab.get_by_label("at x =", exact=True).fill("1")
    with page.expect_response("**/api/numeric") as answer:
        page.get_by_role("button", name="Plot error").click()
    data = answer.value.json()
    assert data["exact"] == pytest.approx(math.e * (math.sin(1) + math.cos(1)), rel=1e-12)
    page.wait_for_function(PLOT_READY, arg="m-plot")
    curve = page.evaluate(
        "() => { const gd = document.getElementById('m-plot');"
        " return {n: gd.data[0].x.length, shapes: gd.layout.shapes.map(s => s.x0),"
        " xtype: gd._fullLayout.xaxis.type, ytype: gd._fullLayout.yaxis.type}; }"
    )
    assert curve["n"] >= 10 and curve["xtype"] == "log" and curve["ytype"] == "log"
    assert curve["shapes"] == [pytest.approx(data["chosen_h"])]
    assert page.locator("#m-facts dd").first.inner_text() != "—"
    shots(page, "numeric-1280")


def test_phone_width_tabs_without_sideways_scroll(phone, lab_url, shots):
    open_tab(phone, lab_url, "derivative")
    plots = {"derivative": "d-plot", "descent": "g-plot", "network": "n-plot", "numeric": "m-plot"}
    for tab, plot in plots.items():
        link = phone.get_by_role("tab", name=tab.capitalize())
        link.click()
        phone.wait_for_selector(f"#page-{tab}:not([hidden])")
        assert link.get_attribute("aria-selected") == "true"
        phone.wait_for_function(PLOT_READY, arg=plot)
        phone.wait_for_timeout(300)  # let the page's first answers land before the picture
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390, tab
        shots(phone, f"{tab}-390")
