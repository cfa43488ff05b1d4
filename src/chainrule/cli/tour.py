"""``chainrule tour``: the classic worked examples of derivatives for machine learning.

The tour is a list of small steps. Each step takes the folder for figures (or None for
text only), does its example with the library, and returns its text; steps that draw save
one figure there. Tests call the steps one by one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..analysis import critical_points
from ..numeric import derivative
from ..optim import minimize
from ..symbolic import diff, evaluate, gradient, lambdify, parse, steps
from ._train import train
from .commands import UsageError
from .plotting import load_plot, save

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


def _value(e: Any, **at: float) -> float:
    return float(evaluate(e, at))


def derivative_at_a_point(out: Path | None) -> str:
    f, x0 = parse("x^2"), 3.0
    d = diff(f, "x")
    slope = _value(d, x=x0)
    text = (f"The derivative is the slope of the tangent line. For f(x) = {f},\n"
            f"  f'(x) = {d}, so at x = {x0:g} the slope is f'({x0:g}) = {slope:g}:\n"
            f"  near x = {x0:g}, f grows about {slope:g} times as fast as x.")
    return text + _figure(out, "01-tangent.png",
                          lambda p: p.tangents(f, at=[1.0, x0], xlim=(-1, 4)))


def partial_derivatives(out: Path | None) -> str:
    f = parse("x^2 + 3xy + y^2")
    gx, gy = gradient(f, ["x", "y"])
    at = {"x": 1.0, "y": 2.0}
    vx, vy = (float(evaluate(g, at)) for g in (gx, gy))
    return (f"A partial derivative moves one variable and holds the others still.\n"
            f"  f = {f}: df/dx = {gx}, df/dy = {gy}\n"
            f"  at ({at['x']:g}, {at['y']:g}) the gradient is ({vx:g}, {vy:g}), the "
            "direction of steepest ascent.")


def chain_rule(out: Path | None) -> str:
    f, x0 = parse("(3x + 2)^2"), 1.0
    d = diff(f, "x")
    return ("The chain rule: differentiate the outside, keep the inside, multiply by the\n"
            f"  inside's derivative. For f = {f}, f' = {d}, and f'({x0:g}) = "
            f"{_value(d, x=x0):g}.\n" + _indent(steps(f, "x").text()))


def product_and_quotient_rules(out: Path | None) -> str:
    p, q = parse("x^2*sin(x)"), parse("sin(x)/x")
    return ("Products and quotients have their own rules; each line names the rule used.\n"
            + _indent(steps(p, "x").text()) + "\n" + _indent(steps(q, "x").text()))


def sigmoid_check(out: Path | None) -> str:
    s = parse("sigmoid(x)")
    d = diff(s, "x")
    x0 = 0.5
    r = derivative(_f("sigmoid(x)"), x0, full_output=True)
    exact = _value(parse("sigmoid(x)*(1 - sigmoid(x))"), x=x0)
    gap = abs(r.value - exact)
    verdict = ("they agree within the estimate" if gap <= max(r.error, 1e-15)
               else f"they differ by {gap:.1e}, more than the estimate")
    text = (f"The sigmoid squashes numbers into (0, 1); its derivative is {d}.\n"
            f"  Check at x = {x0:g}: finite differences give {r.value:.12f} "
            f"(status {r.status}, error estimate {r.error:.0e}),\n"
            f"  sigma(1 - sigma) gives {exact:.12f}: {verdict}.")
    return text + _figure(out, "02-sigmoid.png",
                          lambda p: p.function_and_derivatives(s, xlim=(-6, 6)))


def gradient_descent(out: Path | None) -> str:
    f, x0, lr = parse("x^2"), 4.0, 0.1
    d = diff(f, "x")
    curvature = _value(diff(f, "x", 2), x=x0)
    r = minimize(_f(str(f)), x0, learning_rate=lr, maxiter=5)
    xs = ", ".join(f"{v:.6g}" for v in r.history.params)
    return (f"Gradient descent steps downhill: x <- x - lr * f'(x). On f = {f} from "
            f"x = {x0:g}\n  with lr = {lr:g}, f'(x) = {d}, so each step multiplies x by "
            f"1 - {lr:g} * {curvature:g} = {1 - lr * curvature:g}:\n  x = {xs}, ...")


def learning_rates(out: Path | None) -> str:
    from ..plot.optim import learning_rate_verdicts

    f, x0, rates, steps_ = parse("x^2"), 4.0, (0.01, 0.1, 1.1), 30
    curvature = _value(diff(f, "x", 2), x=x0)
    runs = [minimize(_f(str(f)), x0, learning_rate=lr, maxiter=steps_) for lr in rates]
    verdicts = learning_rate_verdicts(rates, [r.history.loss for r in runs])
    lines = ["The learning rate is a dilemma: too small crawls, too large overshoots."]
    for lr, r, verdict in zip(rates, runs, verdicts):
        lines.append(f"  lr = {lr:<4g} ({verdict}): x = {float(r.x):.4g} after {r.nit} "
                     f"steps ({_stop(r.message)})")
    lines.append(f"  On {f} the curvature is {curvature:g}, so descent is stable only for "
                 f"lr < 2/{curvature:g} = {2 / curvature:g}.")
    return "\n".join(lines) + _figure(
        out, "03-learning-rates.png",
        lambda p: p.learning_rate_comparison(f, x0, rates=rates, steps=steps_))


def _stop(message: str) -> str:
    """Why a run stopped, in its first words: "converged", "diverged", "maxiter = 30
    reached"..."""
    return re.split(r":| \(| with ", message, maxsplit=1)[0].strip()


def house_prices(out: Path | None) -> str:
    from ..models import LinearRegression

    X, y = [[50.0], [100.0], [150.0]], [100.0, 200.0, 300.0]
    gd = LinearRegression(method="gd").fit(X, y)
    exact = LinearRegression().fit(X, y)
    return ("House prices: 50, 100, 150 m2 sell for 100, 200, 300 (thousands). Gradient\n"
            "  descent on the mean squared error of price = w * size + b finds\n"
            f"  w = {gd.coef_[0]:.4g} (thousand per m2), b = {gd.intercept_:.2g}; "
            "least squares\n  in closed form gives "
            f"w = {exact.coef_[0]:.4g}, b = {exact.intercept_:.2g}.")


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
    w0, w1 = (float(w) for w in r.history.params[:2])
    g, c = _value(d1, w=w0), _value(d2, w=w0)
    after = _value(d1, w=w1)
    return ("Newton's method divides the slope by the curvature: w <- w - f'(w) / f''(w).\n"
            f"  f = {f}: f' = {d1}, f'' = {d2}. From w = {w0:g}: "
            f"w = {w0:g} - ({g:g}) / {c:g} = {w1:g},\n"
            f"  where f'({w1:g}) = {after:g}: "
            + ("the minimum in one step, since a quadratic is its own model."
               if after == 0 else "not yet the minimum."))


def saddle_point(out: Path | None) -> str:
    f = parse("x^2 - y^2")
    box = [(-2.0, 2.0), (-2.0, 2.0)]
    result = critical_points(f, ["x", "y"], box)
    pt = result.points[0]
    where = ", ".join(f"{v:g}" for v in pt.point)
    eig = ", ".join(f"{v:g}" for v in pt.eigenvalues)
    at = dict(zip(["x", "y"], (float(v) for v in pt.point)))
    fxx, fyy = (_value(diff(f, v, 2), **at) for v in ("x", "y"))
    bend = {True: "up", False: "down"}
    return (f"The gradient of f = {f} vanishes at ({where}), yet it is no minimum: the\n"
            f"  Hessian's eigenvalues are ({eig}); f_xx = {fxx:g} and f_yy = {fyy:g}:\n"
            f"  it curves {bend[fxx > 0]} along x and {bend[fyy > 0]} along y, so the point "
            f"is a {pt.kind}." + _figure(
                out, "06-saddle.png",
                lambda p: p.contour_paths(f, xlim=box[0], ylim=box[1])))


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


def _folder(out: str | Path) -> Path:
    """The figures' folder: created if missing, but only inside a folder that exists."""
    folder = Path(out)
    if not folder.parent.is_dir():
        raise UsageError(f"--out: directory does not exist: {folder.parent}")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as err:
        raise UsageError(f"cannot create {folder}: {err.strerror or err}") from None
    if not folder.is_dir():
        raise UsageError(f"--out: {folder} is not a directory")
    return folder


def run_tour(out: str | Path | None = "chainrule-tour", end: str | None = None) -> str:
    """Run every step; figures go to ``out`` (None: text only). Returns the text, whose
    last line is ``end`` if given."""
    folder = None
    if out is not None:
        load_plot()                      # fail early, before any work, without matplotlib
        folder = _folder(out)
    parts = [f"{i}. {title}\n{step(folder)}" for i, (title, step) in enumerate(STEPS, 1)]
    if end is None:
        end = (f"figures written to {folder}/" if folder is not None
               else "no figures (--no-plots)")
    return "chainrule tour\n\n" + "\n\n".join(parts) + f"\n\n{end}"
