"""Where a function of one variable changes sign, found by scanning and bracketing.

Used for the critical points of a non-polynomial ``f``: the points where ``f'`` changes
sign (smooth extrema, and kinks such as ``abs`` at 0, where ``f'`` jumps across zero) and
the points where ``f'`` touches zero without changing sign (seen as dips of ``|f'|``).
Each sign change is bisected to neighbouring floats, so roots any distance apart that fall
in different grid cells are kept apart; the signs on both sides are what classify the
point, with no threshold on the size of ``f''``. This is a search: roots of ``f'`` that
share a grid cell without a visible dip can be missed, and the caller says so.

>>> import numpy as np
>>> [(round(c.value, 12), c.left, c.right) for c in sign_changes(np.cos, 0.0, 4.0)]
[(1.570796326795, 1, -1)]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..core.budget import charge

__all__ = ["Change", "sign_changes"]

GRID = 4001
SUBGRID = 129


@dataclass(frozen=True)
class Change:
    """A root of ``g`` (or a jump of ``g`` across zero): ``value``, the signs of ``g`` just
    left and right of it, and whether ``g`` jumps there (a kink of ``f``)."""

    value: float
    left: int
    right: int
    jump: bool = False


def _eval(g: Callable, x: np.ndarray | float) -> np.ndarray:
    with np.errstate(all="ignore"):
        out = np.asarray(g(x), dtype=float)
    return out * np.ones_like(np.asarray(x, dtype=float))


def _sign(v: float) -> int:
    v = float(v)
    return 0 if not math.isfinite(v) else int(v > 0) - int(v < 0)


def _bisect(g: Callable, a: float, b: float, sa: int) -> tuple[float, float]:
    """Shrink a sign-change bracket of ``g`` to neighbouring floats (or to one float
    where ``g`` is exactly 0)."""
    for _ in range(2200):
        charge(1, "bisecting a root of f'")
        mid = a + (b - a) / 2
        if not a < mid < b:
            break
        s = _sign(float(_eval(g, mid)))
        if s == 0:
            return mid, mid
        a, b = (mid, b) if s == sa else (a, mid)
    return a, b


def _change(g: Callable, a: float, b: float, sa: int, scale: float) -> Change:
    a, b = _bisect(g, a, b, sa)
    if a == b:  # an exact zero inside a sign change: the signs are those of the bracket
        return Change(a, sa, -sa)
    ga, gb = float(_eval(g, a)), float(_eval(g, b))
    jump = min(abs(ga), abs(gb)) > 1e-6 * scale
    if jump:  # a kink lies between two floats: take the simpler one (0 for abs at 0)
        x = a if abs(a) <= abs(b) else b
    else:
        x = a if abs(ga) <= abs(gb) else b
    return Change(x, _sign(ga), _sign(gb), jump)


def _probe(g: Callable, x: float, scale: float, width: float = 0.0) -> Change:
    """The signs of ``g`` on both sides of an exact zero ``x``: the first non-zero sign
    at distances growing from one ulp to ``width``."""
    sides, sizes = [], []
    for direction in (-1.0, 1.0):
        d, s, v = math.ulp(x) or 5e-324, 0, 0.0
        while s == 0 and d <= max(width, 64 * math.ulp(x)):
            v = float(_eval(g, x + direction * d))
            s = _sign(v)
            d *= 4
        sides.append(s)
        sizes.append(abs(v))
    jump = sides[0] != sides[1] and min(sizes) > 1e-6 * scale
    return Change(x, sides[0], sides[1], jump)


def _dip(g: Callable, dg: Callable, lo: float, hi: float, scale: float, local: float,
         depth: int = 3) -> list[Change]:
    """A dip of ``|g|`` on ``(lo, hi)`` without a sign change at the ends: scan it on a
    finer grid (twice more at most) for sign changes -- two roots of ``g`` close together;
    if none shows, Newton's method looks for a zero that ``g`` touches without crossing
    (an inflection), accepted when ``|g|`` there is below ``1e-6 * local`` (``local``: the
    size of ``g`` at the grid points around the dip)."""
    xs = np.linspace(lo, hi, SUBGRID)
    ys = _eval(g, xs)
    charge(SUBGRID, "refining a dip of f'")
    found = _scan(g, xs, ys, scale)
    if found:
        return found
    a = np.abs(np.where(np.isfinite(ys), ys, np.inf))
    i = int(np.argmin(a))
    if depth > 1 and 0 < i < SUBGRID - 1:
        return _dip(g, dg, float(xs[i - 1]), float(xs[i + 1]), scale, local, depth - 1)
    x = float(xs[i])
    for _ in range(100):
        gx, dx = float(_eval(g, x)), float(_eval(dg, x))
        if gx == 0 or not (math.isfinite(gx) and math.isfinite(dx)) or dx == 0:
            break
        nxt = min(max(x - gx / dx, lo), hi)
        if nxt == x:
            break
        x = nxt
    if not abs(float(_eval(g, x))) <= 1e-6 * local:
        return []
    return [Change(x, _sign(float(ys[0])), _sign(float(ys[-1])))]


def _scan(g: Callable, xs: np.ndarray, ys: np.ndarray, scale: float) -> list[Change]:
    """Exact zeros and bisected sign changes of ``g`` sampled as ``ys`` on ``xs``."""
    sg = np.where(np.isfinite(ys), np.sign(ys), np.nan)
    width = float(xs[1] - xs[0])
    out = []
    for i in range(len(xs)):
        if sg[i] == 0:  # the neighbours' signs, beyond the round-off around the zero
            c = _probe(g, float(xs[i]), scale, width)
            left = int(sg[i - 1]) if i > 0 and sg[i - 1] in (-1, 1) else c.left
            right = int(sg[i + 1]) if i + 1 < len(xs) and sg[i + 1] in (-1, 1) else c.right
            out.append(Change(c.value, left, right, c.jump))
        elif i + 1 < len(xs) and sg[i] * sg[i + 1] < 0:
            out.append(_change(g, float(xs[i]), float(xs[i + 1]), int(sg[i]), scale))
    return out


def sign_changes(g: Callable, lo: float, hi: float, dg: Callable | None = None,
                 n: int = GRID) -> list[Change]:
    """The points of ``[lo, hi]`` where ``g`` is zero or changes sign, sorted: every sign
    change between neighbouring grid points, bisected; exact zeros on the grid; and, with
    ``g``'s derivative ``dg``, those inside dips of ``|g|`` (see :func:`_dip`)."""
    xs = np.linspace(lo, hi, n)
    ys = _eval(g, xs)
    charge(n, "scanning f' for sign changes")
    finite = np.isfinite(ys)
    scale = float(np.max(np.abs(ys[finite]), initial=0.0)) or 1.0
    out = _scan(g, xs, ys, scale)
    if dg is not None:
        a, sg = np.abs(ys), np.sign(ys)
        for i in range(1, n - 1):
            if (finite[i - 1:i + 2].all() and a[i] < a[i - 1] and a[i] <= a[i + 1]
                    and sg[i - 1] == sg[i + 1] != 0 and sg[i] in (0, sg[i - 1])):
                lo_i, hi_i = float(xs[i - 1]), float(xs[i + 1])
                more = _dip(g, dg, lo_i, hi_i, scale, float(max(a[i - 1], a[i + 1])))
                if sg[i] == 0 and len(more) > 1:  # two roots, not one touch: replace it
                    out = [c for c in out if not lo_i < c.value < hi_i]
                out += more if sg[i] != 0 or len(more) > 1 else []
    out.sort(key=lambda c: c.value)
    return [c for k, c in enumerate(out)
            if k == 0 or c.value - out[k - 1].value > 4 * math.ulp(c.value)]
