"""Curves a teacher would draw: broken at poles and jumps, inside a sensible y-range.

Sampling a function on a grid and joining the dots draws a vertical line wherever the
function jumps (``sign``, the derivative of ``abs`` or ``relu``) or has a pole (``tan``,
``1/x``), and one huge value near a pole sets the y-axis to millions. Here:

- :func:`sample` evaluates f on a grid and finds every interval where f is not continuous:
  intervals whose change is out of line with their neighbours are bisected, and if the
  change does not shrink as the interval does, f jumps there. A NaN is inserted at the
  jump (matplotlib leaves a gap), with the values on either side, so a step is drawn as
  two flat pieces and a pole as two branches.
- :func:`robust_limits` chooses a y-range that shows every value except those next to a
  pole or a gap, which run off to infinity (a tall but finite peak is kept).

>>> c = sample(lambda x: np.sign(x), (-1, 1), n=10)
>>> int(np.isnan(c.y).sum()), [abs(round(float(b), 6)) for b in c.breaks]
(1, [0.0])
>>> lo, hi = robust_limits([sample(lambda x: 1 / x**2, (-1, 1), n=10)])
>>> hi < 1000
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

__all__ = ["Curve", "grid", "robust_limits", "sample"]

_BISECTIONS = 40
_MAX_CANDIDATES = 400


def grid(lo: float, hi: float, n: int) -> np.ndarray:
    """``n`` evenly spaced points from lo to hi, without overflow for huge ranges."""
    t = np.linspace(0.0, 1.0, n)
    return lo * (1.0 - t) + hi * t


def _eval(fn: Callable, x: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        y = np.array(fn(x), dtype=float, copy=True).reshape(x.shape)
    y[~np.isfinite(y)] = np.nan
    return y


def _candidates(ys: np.ndarray) -> np.ndarray:
    """Intervals whose change is far larger than one neighbour's, or opposite to both:
    where a jump may hide. Changes below 0.1% of the range of f are not looked at."""
    dy = np.diff(ys)
    mag = np.abs(dy)
    left = np.concatenate([[0.0], mag[:-1]])
    right = np.concatenate([mag[1:], [0.0]])
    big = mag > 2.0 * np.minimum(left, right)
    sign = np.sign(dy)
    flips = (sign != np.concatenate([[0.0], sign[:-1]])) & (
        sign != np.concatenate([sign[1:], [0.0]]))
    finite = ys[np.isfinite(ys)]
    scale = float(finite.max() - finite.min()) if finite.size else 0.0
    idx = np.flatnonzero((big | flips) & np.isfinite(dy) & (mag > 1e-3 * scale))
    if idx.size > _MAX_CANDIDATES:      # keep the largest changes
        idx = np.sort(idx[np.argsort(mag[idx])[-_MAX_CANDIDATES:]])
    return idx


def _jumps(fn: Callable, xs: np.ndarray, ys: np.ndarray) -> list[tuple[float, float, float,
                                                                        float]]:
    """``(a, ya, b, yb)``, the ends of a tiny interval around each discontinuity."""
    idx = _candidates(ys)
    if idx.size == 0:
        return []
    a, b = xs[idx].copy(), xs[idx + 1].copy()
    ya, yb = ys[idx].copy(), ys[idx + 1].copy()
    first = np.abs(yb - ya)
    for _ in range(_BISECTIONS):
        m = 0.5 * (a + b)
        ym = _eval(fn, m)
        left = np.abs(ym - ya) >= np.abs(yb - ym)
        left |= np.isnan(ym) & np.isnan(ya)
        b, yb = np.where(left, m, b), np.where(left, ym, yb)
        a, ya = np.where(left, a, m), np.where(left, ya, ym)
    gap = np.abs(yb - ya)
    broken = ~(gap < 0.5 * first)       # NaN (a hole at the jump) counts as broken
    return [(a[i], ya[i], b[i], yb[i]) for i in np.flatnonzero(broken)]


def _peaks(fn: Callable, xs: np.ndarray, ys: np.ndarray) -> list[float]:
    """Where |f| has a pole with the same sign on both sides (``1/x**2``, ``tan'``): a local
    maximum of |f| that keeps growing as it is refined (a ternary search)."""
    mag = np.abs(ys)
    inner = np.arange(1, len(ys) - 1)
    bulk = np.nanmedian(mag) if np.isfinite(mag).any() else 0.0
    peak = (mag[inner] > mag[inner - 1]) & (mag[inner] > mag[inner + 1])
    idx = inner[peak & (mag[inner] > 10.0 * bulk)]
    if idx.size == 0:
        return []
    idx = idx[np.argsort(mag[idx])[-_MAX_CANDIDATES:]]
    a, b = xs[idx - 1].copy(), xs[idx + 1].copy()
    best = mag[idx].copy()
    for _ in range(_BISECTIONS):
        m1, m2 = a + (b - a) / 3.0, b - (b - a) / 3.0
        f1, f2 = np.abs(_eval(fn, m1)), np.abs(_eval(fn, m2))
        f1, f2 = np.nan_to_num(f1, nan=np.inf), np.nan_to_num(f2, nan=np.inf)
        right = f2 >= f1
        a, b = np.where(right, m1, a), np.where(right, b, m2)
        best = np.maximum(best, np.maximum(f1, f2))
    grows = ~(best < 100.0 * mag[idx])
    return [float(v) for v in (0.5 * (a + b))[grows]]


class Curve(NamedTuple):
    """Samples of a function: ``x``, ``y`` (NaN in the gaps) and the ``breaks``: where f
    jumps or has a pole."""

    x: np.ndarray
    y: np.ndarray
    breaks: list


def sample(fn: Callable, xlim: Sequence[float], n: int = 801, *,
           name: str | None = None) -> Curve:
    """f on a grid of ``n`` points, with NaN for non-finite values and a NaN gap at every
    jump or pole, flanked by the one-sided values there.

    Raises:
        ValueError: when ``name`` is given and f has no finite value on the grid (there
            would be nothing to draw).
    """
    xs = grid(float(xlim[0]), float(xlim[1]), n)
    ys = _eval(fn, xs)
    if name is not None and not np.isfinite(ys).any():
        raise ValueError(f"{name} has no finite value for x in [{float(xlim[0]):g}, "
                         f"{float(xlim[1]):g}]: nothing to draw")
    jumps = _jumps(fn, xs, ys)
    poles = _peaks(fn, xs, ys)
    mids = [0.5 * (a + b) for a, _, b, _ in jumps]
    tiny = 1e-6 * (xs[-1] - xs[0])      # a pole found both ways is one break
    breaks = sorted(mids + [p for p in poles if all(abs(p - m) > tiny for m in mids)])
    if not breaks:
        return Curve(xs, ys, [])
    ends = [(a, ya) for a, ya, _, _ in jumps] + [(b, yb) for _, _, b, yb in jumps]
    x_all = np.concatenate([xs, [x for x, _ in ends], breaks])
    y_all = np.concatenate([ys, [y for _, y in ends], np.full(len(breaks), np.nan)])
    order = np.argsort(x_all, kind="stable")
    return Curve(x_all[order], y_all[order], breaks)


def _near_breaks(c: Curve, width: float) -> np.ndarray:
    """A mask of the samples within ``width`` of a break or a NaN gap."""
    bad = np.sort(np.concatenate([np.asarray(c.breaks, dtype=float), c.x[np.isnan(c.y)]]))
    if bad.size == 0:
        return np.zeros(c.x.shape, dtype=bool)
    pos = np.clip(np.searchsorted(bad, c.x), 1, bad.size) - 1
    near = np.minimum(np.abs(c.x - bad[pos]),
                      np.abs(c.x - bad[np.minimum(pos + 1, bad.size - 1)]))
    return near <= width


def _limits(c: Curve) -> tuple[float, float] | None:
    """The y-range of one curve: all of it if it has no break or gap; else the values
    away from them (cut to their bulk), widened by half to show the start of each branch."""
    finite = np.isfinite(c.y)
    if not finite.any():
        return None
    if not c.breaks and finite.all():
        return float(c.y.min()), float(c.y.max())
    near = _near_breaks(c, 0.05 * (c.x[-1] - c.x[0]))
    rest = c.y[finite & ~near]
    if rest.size < 10:
        rest = c.y[finite]
    q_lo, q_hi = np.quantile(rest, [0.05, 0.95])
    spread = q_hi - q_lo
    lo, hi = max(rest.min(), q_lo - 2 * spread), min(rest.max(), q_hi + 2 * spread)
    reach = 0.5 * max(hi - lo, 1e-12)
    every = c.y[finite]
    return (float(max(every.min(), lo - reach)), float(min(every.max(), hi + reach)))


def robust_limits(curves: Sequence[Curve], pad: float = 0.08) -> tuple[float, float] | None:
    """A y-range showing every curve, except where values run off to infinity next to a
    pole or a gap: there the branches are cut a little beyond the rest of the curve. A
    tall but finite peak is kept. None if nothing is finite."""
    ranges = [r for r in (_limits(c) for c in curves) if r is not None]
    if not ranges:
        return None
    lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
    if hi <= lo:
        lo, hi = lo - 1.0, hi + 1.0
    margin = pad * (hi - lo)
    return lo - margin, hi + margin
