"""``chainrule tour``: the classic worked examples of derivatives for machine learning.

The tour is a list of small steps. Each step takes the folder for figures (or None for
text only), does its example with the library, and returns its text; steps that draw save
one figure there. Tests call the steps one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..analysis import critical_points
from ..numeric import derivative
from ..optim import minimize
from ..symbolic import diff, evaluate, gradient, lambdify, parse, steps
from .commands import UsageError
from .plotting import load_plot, save, train

__all__ = ["STEPS", "run_tour"]

Step = Callable[[Path | None], str]


def _figure(out: Path | None, name: str, make: Callable[[Any], Any]) -> str:
    """Draw with ``make(plot)`` and save to ``out/name``; the line that says so."""
    if out is None:
        return ""
    plot = load_plot()
    return f"\n  figure: {save(plot, make(plot), str(out / name))}"


def _f(text: str) -> Callable:
    return lambdify(parse(text), ["x"])


def derivative_at_a_point(out: Path | None) -> str:
    f = parse("x^2")
    d = diff(f, "x")
    text = (f"The derivative is the slope of the tangent line. For f(x) = {f},\n"
            f"  f'(x) = {d}, so at x = 3 the slope is f'(3) = {float(evaluate(d, {'x': 3})):g}:\n"
            "  near x = 3, f grows about 6 times as fast as x.")
    return text + _figure(out, "01-tangent.png",
                          lambda p: p.tangents(f, at=[1.0, 3.0], xlim=(-1, 4)))


def partial_derivatives(out: Path | None) -> str:
    f = parse("x^2 + 3xy + y^2")
    gx, gy = gradient(f, ["x", "y"])
    at = {"x": 1, "y": 2}
    vx, vy = (float(evaluate(g, at)) for g in (gx, gy))
    return (f"A partial derivative moves one variable and holds the others still.\n"
            f"  f = {f}: df/dx = {gx}, df/dy = {gy}\n"
            f"  at (1, 2) the gradient is ({vx:g}, {vy:g}), the direction of steepest ascent.")


def chain_rule(out: Path | None) -> str:
    f = parse("(3x + 2)^2")
    d = diff(f, "x")
    return ("The chain rule: differentiate the outside, keep the inside, multiply by the\n"
            f"  inside's derivative. For f = {f}, f' = {d}, and f'(1) = "
            f"{float(evaluate(d, {'x': 1})):g}.\n" + _indent(steps(f, "x").text()))


def product_and_quotient_rules(out: Path | None) -> str:
    p, q = parse("x^2*sin(x)"), parse("sin(x)/x")
    return ("Products and quotients have their own rules; each line names the rule used.\n"
            + _indent(steps(p, "x").text()) + "\n" + _indent(steps(q, "x").text()))


def sigmoid_check(out: Path | None) -> str:
    s = parse("sigmoid(x)")
    d = diff(s, "x")
    x0 = 0.5
    r = derivative(_f("sigmoid(x)"), x0, full_output=True)
    exact = float(evaluate(parse("sigmoid(x)*(1 - sigmoid(x))"), {"x": x0}))
    text = (f"The sigmoid squashes numbers into (0, 1); its derivative is {d}.\n"
            f"  Check at x = {x0:g}: finite differences give {r.value:.12f} "
            f"(error ~{r.error:.0e}),\n"
            f"  sigma(1 - sigma) gives {exact:.12f}: they agree.")
    return text + _figure(out, "02-sigmoid.png",
                          lambda p: p.function_and_derivatives(s, xlim=(-6, 6)))


def gradient_descent(out: Path | None) -> str:
    r = minimize(_f("x^2"), 4.0, learning_rate=0.1, maxiter=5)
    xs = ", ".join(f"{v:.6g}" for v in r.history.params)
    return ("Gradient descent steps downhill: x <- x - lr * f'(x). On f = x^2 from x = 4\n"
            f"  with lr = 0.1, each step multiplies x by 1 - 0.1 * 2 = 0.8:\n  x = {xs}, ...")


def learning_rates(out: Path | None) -> str:
    f = _f("x^2")
    lines = ["The learning rate is a dilemma: too small crawls, too large overshoots."]
    for lr, verdict in ((0.01, "too small"), (0.1, "about right"), (1.1, "too large")):
        r = minimize(f, 4.0, learning_rate=lr, maxiter=30)
        lines.append(f"  lr = {lr:<4g} ({verdict}): after 30 steps x = {float(r.x):.4g}; "
                     f"{r.message.split(':')[0] if not r.message.startswith('max') else 'ok'}")
    lines.append("  On x^2 the curvature is 2, so descent is stable only for lr < 2/2 = 1.")
    return "\n".join(lines) + _figure(
        out, "03-learning-rates.png",
        lambda p: p.learning_rate_comparison(f, 4.0, rates=(0.01, 0.1, 1.1), steps=30))


def house_prices(out: Path | None) -> str:
    from ..models import LinearRegression

    X, y = [[50.0], [100.0], [150.0]], [100.0, 200.0, 300.0]
    m = LinearRegression(method="gd").fit(X, y)
    return ("House prices: 50, 100, 150 m2 sell for 100, 200, 300 (thousands). Gradient\n"
            "  descent on the mean squared error of price = w * size + b finds\n"
            f"  w = {m.coef_[0]:.4g} (2 thousand per m2), b = {abs(m.intercept_):.3f}.")


def regressions(out: Path | None) -> str:
    lin, *_, lin_text = train("linear")
    log, X, y, log_text = train("logistic")
    return ("Linear regression fits a line; logistic regression passes it through the sigmoid\n"
            "  to get a probability, and draws a boundary where it is 1/2.\n"
            + _indent(lin_text) + "\n" + _indent(log_text)
            + _figure(out, "04-logistic.png", lambda p: p.decision_boundary(log, X, y)))


def xor_network(out: Path | None) -> str:
    m, X, y, text = train("xor")
    return ("XOR cannot be split by one line, but a small network can bend the boundary.\n"
            "  Backpropagation is the chain rule run backwards through its layers.\n"
            + _indent(text) + _figure(out, "05-xor.png", lambda p: p.decision_boundary(m, X, y)))


def newtons_method(out: Path | None) -> str:
    f = parse("w^2 - 4w + 4")
    d1, d2 = diff(f, "w"), diff(f, "w", 2)
    r = minimize(lambdify(f, ["w"]), 0.0, method="newton", maxiter=1)
    w0, w1 = r.history.params[:2]
    g, c = (float(evaluate(d, {"w": w0})) for d in (d1, d2))
    return ("Newton's method divides the slope by the curvature: w <- w - f'(w) / f''(w).\n"
            f"  f = {f}: f' = {d1}, f'' = {d2}. From w = {w0:g}: "
            f"w = {w0:g} - ({g:g}) / {c:g}"
            f" = {w1:g},\n  the minimum in one step, since a quadratic is its own model.")


def saddle_point(out: Path | None) -> str:
    f = parse("x^2 - y^2")
    (pt,) = critical_points(f, ["x", "y"], [(-2, 2), (-2, 2)]).points
    where = ", ".join(f"{v:g}" for v in pt.point)
    eig = ", ".join(f"{v:g}" for v in pt.eigenvalues)
    return (f"The gradient of f = {f} vanishes at ({where}), yet it is no minimum: the\n"
            f"  Hessian's eigenvalues are ({eig}), curving up along x and down along y,\n"
            f"  so the point is a {pt.kind}." + _figure(
                out, "06-saddle.png", lambda p: p.contour_paths(f, xlim=(-2, 2), ylim=(-2, 2))))


def kmeans(out: Path | None) -> str:
    m, X, _, text = train("kmeans")
    return ("k-means alternates two steps: give each point to its nearest center, move each\n"
            "  center to the mean of its points (a Newton step on the squared distances).\n"
            + _indent(text) + _figure(out, "07-kmeans.png", lambda p: p.kmeans_clusters(m, X)))


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


STEPS: list[tuple[str, Step]] = [
    ("the derivative at a point", derivative_at_a_point),
    ("partial derivatives", partial_derivatives),
    ("the chain rule", chain_rule),
    ("product and quotient rules", product_and_quotient_rules),
    ("the sigmoid's derivative", sigmoid_check),
    ("gradient descent", gradient_descent),
    ("the learning-rate dilemma", learning_rates),
    ("house prices", house_prices),
    ("linear and logistic regression", regressions),
    ("the XOR network", xor_network),
    ("Newton's method", newtons_method),
    ("a saddle point", saddle_point),
    ("k-means", kmeans),
]


def run_tour(out: str | Path | None = "chainrule-tour") -> str:
    """Run every step; figures go to ``out`` (None: text only). Returns the text."""
    folder = None
    if out is not None:
        load_plot()                      # fail early, before any work, without matplotlib
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise UsageError(f"cannot create {folder}: {err.strerror or err}") from None
    parts = [f"{i}. {title}\n{step(folder)}" for i, (title, step) in enumerate(STEPS, 1)]
    end = (f"figures written to {folder}/" if folder is not None
           else "no figures (--no-plots)")
    return "chainrule tour\n\n" + "\n\n".join(parts) + f"\n\n{end}"
