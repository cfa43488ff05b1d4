"""Critical points, found and classified, with an honest word on completeness.

In one variable, the roots of ``f'`` on an interval are exact when ``f'`` is a polynomial
(its roots are the eigenvalues of the companion matrix) and otherwise found by scanning a
fine grid for sign changes and near-zeros, then refining with Newton's method. In several
variables, Newton's method on the gradient starts from a grid over the box; when the
gradient is linear (``f`` quadratic) the single solve is exact. Each point is classified
by the second-derivative test or by the eigenvalues of the Hessian.

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
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..symbolic.calculus import _symbol, diff, lambdify
from ..symbolic.expr import Expr, as_expr, walk_postorder

__all__ = ["CriticalPoint", "CriticalPoints", "critical_points"]


@dataclass(frozen=True)
class CriticalPoint:
    point: tuple
    value: float
    kind: str          # "minimum", "maximum", "saddle", "inflection" or "degenerate"
    eigenvalues: tuple


@dataclass
class CriticalPoints:
    points: list
    complete: bool
    note: str
    vars: list = field(default_factory=list)

    def __str__(self) -> str:
        names = ", ".join(v.args[0] for v in self.vars)
        lines = [f"({_fmt(p.point)}): {p.kind}, f = {p.value:.6g}" for p in self.points]
        if not lines:
            lines = ["no critical points found"]
        return f"critical points in ({names}):\n  " + "\n  ".join(lines) + f"\nnote: {self.note}"


def _fmt(point: tuple) -> str:
    return ", ".join(f"{v:.6g}" for v in point)


_POLY_OPS = {"add", "subtract", "multiply", "negative"}


def _is_polynomial(expr: Expr, x: Expr) -> bool:
    """Built from x and constants by +, -, *, / by a constant and integer powers >= 0."""
    for node in walk_postorder(expr):
        if node.op in ("const", "sym"):
            continue
        name = node.op.name
        if name == "power":
            n = node.args[1]
            if not (n.op == "const" and float(n.value).is_integer() and n.value >= 0):
                return False
        elif name == "divide":
            if node.args[1].free_symbols():
                return False
        elif name not in _POLY_OPS:
            return False
    return expr.free_symbols() <= {x}


def _poly_coeffs(expr: Expr, x: Expr, max_degree: int = 50) -> list | None:
    """Coefficients (highest first) if ``expr`` is a polynomial in ``x`` alone."""
    if not _is_polynomial(expr, x):
        return None
    d, derivs = expr, [expr]
    for _ in range(max_degree + 1):
        d = diff(d, x)
        if d.op == "const" and d.value == 0:
            break
        derivs.append(d)
    else:
        return None
    at0 = [float(lambdify(e, [x])(0.0)) for e in derivs]
    return [c / math.factorial(k) for k, c in enumerate(at0)][::-1]


def _scale(fn, x0: float) -> float:
    """The size of a derivative near ``x0``: thresholds are relative to it."""
    xs = x0 + np.linspace(-1, 1, 9) * 0.1 * max(1.0, abs(x0))
    with np.errstate(all="ignore"):
        vals = np.abs(np.asarray(fn(xs), dtype=float) * np.ones_like(xs))
    vals = vals[np.isfinite(vals)]
    return float(vals.max()) if vals.size else 0.0


def _classify_1d(derivs: list, x0: float, multiplicity: int = 1) -> tuple[str, tuple]:
    """The first derivative of f (from the 2nd, or past a root's multiplicity in f') that
    does not vanish at x0: even order, an extremum by its sign; odd order, an inflection."""
    second = float(derivs[0](x0))
    for order, d in enumerate(derivs, start=2):
        if order <= multiplicity:
            continue
        v = float(d(x0))
        if abs(v) > 1e-7 * _scale(d, x0):
            if order % 2 == 1:
                return "inflection", (second,)
            return ("minimum" if v > 0 else "maximum"), (second,)
    return "degenerate", (second,)


def _cluster(roots: list, tol: float = 1e-3) -> list:
    """Group numerically split multiple roots: ``(mean, multiplicity)`` per group."""
    groups: list[list] = []
    for r in sorted(roots):
        if groups and abs(r - groups[-1][-1]) <= tol * max(1.0, abs(r)):
            groups[-1].append(r)
        else:
            groups.append([r])
    return [(float(np.mean(g)), len(g)) for g in groups]


def _roots_1d(f1, coeffs, lo: float, hi: float, n: int = 4001) -> tuple[list, bool]:
    """Candidate roots of f' as ``(x, multiplicity)`` pairs, and whether they are exact."""
    if coeffs is not None:
        while coeffs and coeffs[0] == 0:
            coeffs = coeffs[1:]
        if len(coeffs) <= 1:
            return [], True
        r = np.roots(coeffs)
        real = r[np.abs(r.imag) <= 1e-4 * np.maximum(1, np.abs(r))].real
        return [(x, m) for x, m in _cluster(list(real)) if lo <= x <= hi], True
    xs = np.linspace(lo, hi, n)
    with np.errstate(all="ignore"):
        ys = np.asarray(f1(xs), dtype=float) * np.ones_like(xs)
    cands = [xs[i] for i in range(n - 1) if np.isfinite(ys[i]) and np.isfinite(ys[i + 1])
             and (ys[i] == 0 or ys[i] * ys[i + 1] < 0)]
    small = np.abs(ys)
    cands += [xs[i] for i in range(1, n - 1) if small[i] <= small[i - 1] and
              small[i] <= small[i + 1] and small[i] < 1e-3]
    return [(c, 1) for c in cands], False


def _newton(g, h, x0: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray | None:
    x = np.array(x0, dtype=float)
    for _ in range(60):
        gx, hx = g(x), h(x)
        if not np.all(np.isfinite(gx)) or not np.all(np.isfinite(hx)):
            return None
        try:
            step = np.linalg.lstsq(hx, gx, rcond=None)[0]
        except np.linalg.LinAlgError:
            return None
        x = x - step
        if np.linalg.norm(step) <= 1e-13 * max(1.0, np.linalg.norm(x)):
            break
    ok = np.linalg.norm(g(x)) <= 1e-8 * max(1.0, np.linalg.norm(x))
    return x if ok and np.all(x >= lo - 1e-9) and np.all(x <= hi + 1e-9) else None


def _kind(eigs: np.ndarray, scale: float) -> str:
    tol = 1e-8 * max(1.0, scale)
    if np.any(np.abs(eigs) <= tol):
        return "degenerate"
    if np.all(eigs > 0):
        return "minimum"
    if np.all(eigs < 0):
        return "maximum"
    return "saddle"


def critical_points(expr: Any, vars: list, box: list, grid: int = 7) -> CriticalPoints:
    """Critical points of ``expr`` in the box ``[(lo, hi), ...]``, one pair per variable."""
    expr = as_expr(expr)
    xs = [_symbol(v) for v in vars]
    if len(box) != len(xs):
        raise ValueError("give one (lo, hi) interval per variable")
    f = lambdify(expr, xs)
    if len(xs) == 1:
        return _critical_1d(expr, xs[0], f, *map(float, box[0]))
    return _critical_nd(expr, xs, f, box, grid)


def _critical_1d(expr: Expr, x: Expr, f, lo: float, hi: float) -> CriticalPoints:
    d1 = diff(expr, x)
    if d1.op == "const" and d1.value == 0:
        return CriticalPoints([], False, "f' is identically zero: f is constant, so every "
                              "point of the interval is critical", [x])
    higher, d = [], d1
    for _ in range(6):
        d = diff(d, x)
        higher.append(lambdify(d, [x]))
    f1 = lambdify(d1, [x])
    cands, exact = _roots_1d(f1, _poly_coeffs(d1, x), lo, hi)
    roots: list[tuple] = []
    for c, mult in cands:
        r = c if exact else _newton(lambda v: np.atleast_1d(f1(v[0])),
                                    lambda v: np.atleast_2d(higher[0](v[0])),
                                    np.array([c]), np.array([lo]), np.array([hi]))
        r = None if r is None else float(np.atleast_1d(r)[0])
        if r is not None and all(abs(r - q) > 1e-7 * max(1, abs(r)) for q, _ in roots):
            roots.append((r, mult))
    points = []
    for r, mult in sorted(roots):
        kind, eig = _classify_1d(higher, r, mult)
        points.append(CriticalPoint((r + 0.0,), float(f(r)), kind, eig))
    note = ("complete: f' is a polynomial, and all its real roots in the interval were found"
            if exact else "numerical search: f' scanned at 4001 points and refined by Newton's "
            "method; roots closer together than the grid spacing, or where f' touches zero "
            "without a clear dip, may be missed")
    return CriticalPoints(points, exact, note, [x])


def _critical_nd(expr: Expr, xs: list, f, box: list, grid: int) -> CriticalPoints:
    grads = [diff(expr, v) for v in xs]
    hess = [[diff(g, v) for v in xs] for g in grads]
    gf = [lambdify(g, xs) for g in grads]
    hf = [[lambdify(h, xs) for h in row] for row in hess]
    g = lambda p: np.array([float(fn(*p)) for fn in gf])
    h = lambda p: np.array([[float(fn(*p)) for fn in row] for row in hf])
    linear = all(e.op == "const" for row in hess for e in row)
    lo = np.array([b[0] for b in box], float)
    hi = np.array([b[1] for b in box], float)
    starts = [lo + (hi - lo) / 2] if linear else [
        np.array(p) for p in itertools.product(*[np.linspace(a, b, grid) for a, b in box])]
    found: list[np.ndarray] = []
    for s in starts:
        r = _newton(g, h, s, lo, hi)
        if r is not None and all(np.linalg.norm(r - q) > 1e-6 * max(1, np.linalg.norm(r))
                                 for q in found):
            found.append(r)
    points = []
    for r in sorted(found, key=tuple):
        eigs = np.linalg.eigvalsh((h(r) + h(r).T) / 2)
        kind = _kind(eigs, float(np.max(np.abs(eigs))) if len(eigs) else 1.0)
        points.append(CriticalPoint(tuple(float(v) + 0.0 for v in r), float(f(*r)), kind,
                                    tuple(float(e) for e in eigs)))
    if linear and np.linalg.matrix_rank(h(starts[0])) < len(xs):
        return CriticalPoints(points, False, "the gradient is linear but the Hessian is "
                              "singular: the critical points form a line or plane, of which "
                              "one point is shown", xs)
    note = ("complete: the gradient is linear, so the one solution of grad f = 0 is the only "
            "critical point" if linear else f"numerical search: Newton's method from "
            f"{len(starts)} starting points; critical points whose basins miss every start "
            "may be missed")
    return CriticalPoints(points, linear, note, xs)
