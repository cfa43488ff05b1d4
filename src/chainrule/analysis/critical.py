"""Critical points, found and classified, with an honest word on completeness.

In one variable, a critical point is where ``f'`` is zero or changes sign (a kink such as
``abs`` at 0 counts: ``f'`` jumps across zero there). Each is classified by the sign of
``f'`` on its two sides -- minus then plus is a minimum, plus then minus a maximum, the
same sign an inflection -- which needs no threshold on the size of ``f`` or ``f''``.

- When ``f'`` is a polynomial with rational coefficients, its distinct real roots are
  proven: located from the companion matrix, bracketed by exact signs, and counted by a
  Sturm sequence. Then the answer is *complete*, and roots outside the box are reported.
- Otherwise ``f'`` is scanned for sign changes, each bisected to neighbouring floats, and
  dips of ``|f'|`` are refined by Newton's method: a search, not proven complete.

In several variables, Newton's method on the gradient runs from a bounded set of starts
(a grid in two variables, quasi-random Halton points beyond), under the budget; points are
classified by the eigenvalues of the Hessian, relative to the largest. Only a linear
gradient (``f`` quadratic) is solved completely.

>>> from chainrule.symbolic import parse
>>> from chainrule.analysis import critical_points
>>> result = critical_points(parse("x^3 - 3x^2 + 2"), ["x"], [(-5, 5)])
>>> [(p.point, p.kind) for p in result.points]
[((0.0,), 'maximum'), ((2.0,), 'minimum')]
>>> result.complete
True
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from .._display import html_table
from ..core import Primitive
from ..core.budget import budgeted, charge, check_time
from ..symbolic.calculus import _symbol, diff, lambdify
from ..symbolic.expr import Expr, as_expr, walk_postorder
from . import _poly
from ._roots1d import GRID, sign_changes

__all__ = ["CriticalPoint", "CriticalPoints", "critical_points"]

MAX_STARTS = 400      # Newton starts in several variables, whatever the dimension
NEWTON_STEPS = 60
FLAT = 1e-6           # a Hessian eigenvalue below this fraction of the largest is "zero"


@dataclass(frozen=True)
class CriticalPoint:
    """One critical point. ``kind``: "minimum", "maximum", "saddle", "inflection" (f'
    keeps its sign: not an extremum) or "degenerate" (the test cannot decide);
    ``eigenvalues``: of the Hessian (``(f'',)`` in one variable); ``kink``: f' jumps
    there (f is not differentiable), so the kind comes from the signs of f' alone."""

    point: tuple
    value: float
    kind: str
    eigenvalues: tuple
    kink: bool = False


@dataclass
class CriticalPoints:
    """The critical points in the box, whether the list is proven complete, a note on
    how they were found, and (for polynomials in one variable) the known critical points
    outside the box."""

    points: list
    complete: bool
    note: str
    vars: list = field(default_factory=list)
    box: list = field(default_factory=list)
    outside: list = field(default_factory=list)

    def __str__(self) -> str:
        names = ", ".join(v.args[0] for v in self.vars)
        where = ", ".join(f"{v.args[0]} in [{lo:g}, {hi:g}]"
                          for v, (lo, hi) in zip(self.vars, self.box))
        lines = [_line(p) for p in self.points] or ["no critical points found in the box"]
        if self.outside:
            lines.append(f"outside the box ({len(self.outside)}, all of them):")
            lines += ["  " + _line(p) for p in self.outside]
        head = f"critical points in ({names})" + (f", box {where}" if where else "")
        return f"{head}:\n  " + "\n  ".join(lines) + f"\nnote: {self.note}"

    def _repr_html_(self) -> str:
        """In a notebook: one row per point (those outside the box marked), and the note."""
        names = [v.args[0] for v in self.vars]
        rows = [[*p.point, p.kind + (" (kink)" if p.kink else ""), p.value, ""]
                for p in self.points]
        rows += [[*p.point, p.kind, p.value, "outside the box"] for p in self.outside]
        where = ", ".join(f"{n} in [{lo:g}, {hi:g}]" for n, (lo, hi) in zip(names, self.box))
        complete = "complete (proven)" if self.complete else "not proven complete"
        return html_table([*names, "kind", "f", ""], rows,
                          caption=f"critical points, {where}: {complete}",
                          footer=f"note: {self.note}")


def _line(p: CriticalPoint) -> str:
    kink = ""
    if p.kink:
        kink = " (kink: f' jumps across 0)" if len(p.point) == 1 else " (kink: by f nearby)"
    return f"({_fmt(p.point)}): {p.kind}{kink}, f = {p.value:.6g}"


def _fmt(point: tuple) -> str:
    return ", ".join(f"{v:.6g}" for v in point)


def _kind_1d(left: int, right: int) -> str:
    """The first-derivative test: the signs of f' just left and right of the point."""
    if left < 0 < right:
        return "minimum"
    if left > 0 > right:
        return "maximum"
    if left == right != 0:
        return "inflection"
    return "degenerate"


def _kinks(expr: Expr) -> list[str]:
    """Names of the non-smooth primitives in ``expr``: those with kinks or jumps (the
    registry's ``kinks`` facts) and the piecewise-constant ones (no derivative rules)."""
    names = {n.op.name for n in walk_postorder(expr)
             if isinstance(n.op, Primitive) and (n.op.kinks or not n.op.differentiable)}
    return sorted(names)


@budgeted
def critical_points(expr: Any, vars: list, box: list, grid: int = 7) -> CriticalPoints:
    """Critical points of ``expr`` in the box ``[(lo, hi), ...]``, one pair per variable.

    ``grid`` sets the starts per variable of the search in two variables; in more, at most
    :data:`MAX_STARTS` quasi-random starts are used. Runs under the active budget
    (:func:`chainrule.budget`), raising ``BudgetExceeded`` when it is spent.
    """
    expr = as_expr(expr)
    xs = [_symbol(v) for v in vars]
    if len(box) != len(xs):
        raise ValueError("give one (lo, hi) interval per variable")
    box = [(float(lo), float(hi)) for lo, hi in box]
    if any(not (np.isfinite(lo) and np.isfinite(hi) and lo < hi) for lo, hi in box):
        raise ValueError(f"each interval must be finite with lo < hi, got {box}")
    if len(xs) == 1:
        result = _critical_1d(expr, xs[0], *box[0])
    else:
        result = _critical_nd(expr, xs, box, grid)
    result.box = box
    return result


def _critical_1d(expr: Expr, x: Expr, lo: float, hi: float) -> CriticalPoints:
    d1 = diff(expr, x)
    if d1.op == "const" and d1.value == 0:
        kinks = _kinks(expr)
        if kinks:
            return CriticalPoints([], False, f"f' is zero wherever it exists: f is piecewise "
                                  f"constant ({', '.join(kinks)}), so every point where it "
                                  "does not jump is critical", [x])
        return CriticalPoints([], False, "f' is identically zero: f is constant, so every "
                              "point of the interval is critical", [x])
    poly = _poly.poly_from_expr(expr, x)
    if poly is not None:
        return _critical_poly(poly, x, lo, hi)
    return _critical_scan(expr, d1, x, lo, hi)


def _critical_poly(poly: list, x: Expr, lo: float, hi: float) -> CriticalPoints:
    """A polynomial f: the real roots of f' exactly, classified by exact signs."""
    p = _poly.derivative(poly)
    p2 = _poly.derivative(p)
    roots, proven = _poly.real_roots(p)
    inside, outside = [], []
    for r in roots:
        kind = _kind_1d(*_poly.side_signs(p, r))
        at = Fraction(r.value)
        point = CriticalPoint((r.value + 0.0,), float(_poly.evaluate(poly, at)), kind,
                              (float(_poly.evaluate(p2, at)),))
        (inside if lo <= r.value <= hi else outside).append(point)
    if proven:
        note = (f"complete: f' is a polynomial; all {len(roots)} of its distinct real roots "
                "were isolated and counted exactly (Sturm sequence), and each is classified "
                "by the sign of f' on its two sides")
    else:
        note = ("search, not proven complete: f' is a polynomial, but the count of its real "
                "roots could not be confirmed within the budget; the points shown are proven")
    return CriticalPoints(inside, proven, note, [x], outside=outside if proven else [])


def _critical_scan(expr: Expr, d1: Expr, x: Expr, lo: float, hi: float) -> CriticalPoints:
    """Any other f: sign changes of f' on a grid, bisected; dips refined by Newton."""
    d2 = diff(d1, x)
    f, f1, f2 = lambdify(expr, [x]), lambdify(d1, [x]), lambdify(d2, [x])
    points = []
    for c in sign_changes(f1, lo, hi, f2):
        with np.errstate(all="ignore"):
            value, second = float(np.asarray(f(c.value))), float(np.asarray(f2(c.value)))
        if not np.isfinite(value):
            continue  # a pole of f, where f' changes sign without f having a value
        points.append(CriticalPoint((c.value + 0.0,), value + 0.0, _kind_1d(c.left, c.right),
                                    (second,), c.jump))
    spacing = (hi - lo) / (GRID - 1)
    note = (f"numerical search, not proven complete: f' was scanned at {GRID} points "
            f"(spacing {spacing:.3g}), each sign change bisected to neighbouring floats and "
            "each dip of |f'| searched on finer grids; roots of f' that share a grid cell "
            "without a visible dip may be missed")
    kinks = _kinks(expr)
    if kinks:
        note += (f". f has kinks ({', '.join(kinks)}): a point where f' jumps across 0 is "
                 "classified by the sign of f' on each side")
    return CriticalPoints(points, False, note, [x])


def _halton(count: int, dim: int) -> np.ndarray:
    """The first ``count`` points of the Halton sequence in ``[0, 1)^dim``."""
    primes = [p for p in range(2, 600) if all(p % q for q in range(2, int(p ** 0.5) + 1))]
    out = np.zeros((count, dim))
    for d in range(dim):
        base = primes[d]
        for i in range(count):
            f, k, v = 1.0, i + 1, 0.0
            while k:
                f /= base
                v += f * (k % base)
                k //= base
            out[i, d] = v
    return out


def _starts(lo: np.ndarray, hi: np.ndarray, grid: int) -> tuple[np.ndarray, str]:
    n = len(lo)
    if grid ** n <= MAX_STARTS:
        axes = [np.linspace(a, b, grid) for a, b in zip(lo, hi)]
        return np.array(list(itertools.product(*axes))), f"a {grid}^{n} grid"
    pts = np.vstack([(lo + hi) / 2, lo + (hi - lo) * _halton(MAX_STARTS - 1, n)])
    return pts, f"{MAX_STARTS} quasi-random (Halton) points"


class _Field:
    """The gradient and Hessian of f, evaluated at many points at once."""

    def __init__(self, expr: Expr, xs: list) -> None:
        grads = [diff(expr, v) for v in xs]
        self.hess = [[diff(g, v) for v in xs] for g in grads]
        self.f = lambdify(expr, xs)
        self.gf = [lambdify(g, xs) for g in grads]
        self.hf = [[lambdify(h, xs) for h in row] for row in self.hess]
        self.n = len(xs)

    def _at(self, fn: Any, pts: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(fn(*pts.T), dtype=float), (len(pts),))

    def grad(self, pts: np.ndarray) -> np.ndarray:
        charge(len(pts) * self.n, "searching for critical points")
        return np.stack([self._at(g, pts) for g in self.gf], axis=1)

    def hessian(self, pts: np.ndarray) -> np.ndarray:
        charge(len(pts) * self.n ** 2, "searching for critical points")
        rows = [np.stack([self._at(h, pts) for h in row], axis=1) for row in self.hf]
        h = np.stack(rows, axis=1)
        return (h + np.swapaxes(h, 1, 2)) / 2


def _newton(field: _Field, starts: np.ndarray, lo: np.ndarray,
            hi: np.ndarray) -> np.ndarray:
    """Newton's method from every start at once (pseudo-inverse steps, so singular
    Hessians do not stop it); returns the points that converged inside the box."""
    x = starts.copy()
    g0 = np.linalg.norm(field.grad(x), axis=1)
    gscale = float(np.max(g0[np.isfinite(g0)], initial=0.0)) or 1.0
    step = np.full(len(x), np.inf)
    for _ in range(NEWTON_STEPS):
        check_time("searching for critical points")
        g, h = field.grad(x), field.hessian(x)
        ok = np.all(np.isfinite(g), axis=1) & np.all(np.isfinite(h), axis=(1, 2))
        x, g, h, step = x[ok], g[ok], h[ok], step[ok]
        if not len(x):
            break
        with np.errstate(all="ignore"):
            d = np.einsum("sij,sj->si", np.linalg.pinv(h), g)
        x = x - d
        step = np.linalg.norm(d, axis=1)
        if np.all(step <= 1e-13 * np.maximum(1.0, np.linalg.norm(x, axis=1))):
            break
    if not len(x):
        return x
    gn = np.linalg.norm(field.grad(x), axis=1)
    size = np.maximum(1.0, np.linalg.norm(x, axis=1))
    width = hi - lo
    good = (gn <= 1e-8 * gscale) & (step <= 1e-8 * size)
    good &= np.all((x >= lo - 1e-9 * width) & (x <= hi + 1e-9 * width), axis=1)
    return x[good]


def _distinct(points: np.ndarray) -> list[np.ndarray]:
    found: list[np.ndarray] = []
    for r in points[np.lexsort(points.T[::-1])] if len(points) else []:
        if all(np.linalg.norm(r - q) > 1e-7 * max(1.0, np.linalg.norm(r)) for q in found):
            found.append(r)
    return found


def _kind(eigs: np.ndarray, typical: float) -> str:
    """The second-derivative test, scale-free: an eigenvalue is zero when it is below
    :data:`FLAT` times the largest, or the largest below :data:`FLAT` times ``typical``
    (the size of the Hessian over the box: f is flat to second order here)."""
    top = float(np.max(np.abs(eigs), initial=0.0))
    if (not np.all(np.isfinite(eigs)) or top <= FLAT * typical
            or np.any(np.abs(eigs) <= FLAT * top)):
        return "degenerate"
    if np.all(eigs > 0):
        return "minimum"
    if np.all(eigs < 0):
        return "maximum"
    return "saddle"


def _probe_kind(field: _Field, r: np.ndarray, value: float, width: float) -> tuple:
    """At a point of a non-smooth f where the Hessian says nothing: compare f at nearby
    points in many directions (the several-variable form of the sign test). All higher
    (beyond round-off): a minimum; all lower: a maximum; both: a saddle. Returns the kind
    and whether it was decided this way."""
    n = len(r)
    dirs = np.vstack([np.eye(n), -np.eye(n), 2 * _halton(4 * n + 8, n) - 1])
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    pts = r + 1e-5 * width * dirs
    with np.errstate(all="ignore"):
        vals = np.broadcast_to(np.asarray(field.f(*pts.T), dtype=float), (len(pts),))
    noise = 8 * np.finfo(float).eps * max(abs(value), float(np.max(np.abs(vals))))
    if not np.all(np.isfinite(vals)):
        return "degenerate", False
    if np.all(vals > value + noise):
        return "minimum", True
    if np.all(vals < value - noise):
        return "maximum", True
    if np.any(vals > value + noise) and np.any(vals < value - noise):
        return "saddle", True
    return "degenerate", False


def _critical_nd(expr: Expr, xs: list, box: list, grid: int) -> CriticalPoints:
    field = _Field(expr, xs)
    lo, hi = np.array(box, float).T
    kinks = _kinks(expr)  # abs, sign...: a zero Hessian does not make the gradient linear
    linear = not kinks and all(e.op == "const" for row in field.hess for e in row)
    if linear:
        starts, how = ((lo + hi) / 2)[None, :], ""
    else:
        starts, how = _starts(lo, hi, grid)
    sizes = np.linalg.norm(field.hessian(starts), axis=(1, 2))
    typical = float(np.median(sizes[np.isfinite(sizes)])) if np.isfinite(sizes).any() else 0.0
    points = []
    for r in _distinct(_newton(field, starts, lo, hi)):
        h = field.hessian(r[None, :])[0]
        eigs = np.linalg.eigvalsh(h)
        with np.errstate(all="ignore"):
            value = float(np.asarray(field.f(*r)))
        kind, kink = _kind(eigs, typical), False
        if kind == "degenerate" and kinks:
            kind, kink = _probe_kind(field, r, value, float(np.max(hi - lo)))
        points.append(CriticalPoint(tuple(float(v) + 0.0 for v in r), value + 0.0, kind,
                                    tuple(float(e) for e in eigs), kink))
    if linear and np.linalg.matrix_rank(field.hessian(starts)[0]) < len(xs):
        return CriticalPoints(points, False, "the gradient is linear but the Hessian is "
                              "singular: the critical points form a line or plane, of which "
                              "one point is shown", xs)
    if linear:
        note = ("complete: the gradient is linear, so the one solution of grad f = 0 is the "
                "only critical point")
    else:
        note = (f"numerical search, not proven complete: Newton's method from {len(starts)} "
                f"starts ({how}) in the box; critical points whose basins miss every start may be "
                "missed")
    if kinks:
        note += (f". f has kinks ({', '.join(kinks)}): Newton's method finds a critical "
                 "point at a kink only when a start lies on it, so such points may be missed; "
                 "those found are classified by comparing f at nearby points")
    return CriticalPoints(points, linear, note, xs)
