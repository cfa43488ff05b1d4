"""The extrapolation engine behind every numerical derivative in ``chainrule.numeric``.

A *problem* is a set of lanes (independent one-dimensional derivatives: points, coordinates
or directions), each with one or more output entries. For lane ``l`` the engine evaluates
``g_l(t)`` at ``t = +-h_k``, forms each stencil's estimate ``T[k][0]``, and extrapolates
with Neville's scheme on the actual steps (the error of a symmetric stencil expands in even
powers of ``h``, that of a one-sided stencil in all powers).

- Steps halve from level to level. They shrink eight-fold instead while a side is not
  finite (the step is looking for the domain), or when two rows in a row failed to halve
  an error that is still unacceptable (the step is far too large for the function).
- Every entry ``T[k][j]`` gets an error estimate: the largest of its distances to its
  neighbours in the tableau (resting on at least three rows) and of its round-off (the
  function's relative precision, ``EPS * |f|``, pushed through the weights); the next row
  rechecks it. The best entry has the smallest estimate among those that resolve their
  value (error below a quarter of it), if any.
- A lane stops when its best estimate is at the round-off floor, when it is acceptable and
  the round-off of the newest step already exceeds it or two rows failed to improve it
  (round-off larger than modelled, as in ``x**5 - 3*x**2 + x`` where the terms cancel),
  or at the budget.

The central method runs three tableaux on the same points: the symmetric one gives the
value, the forward and backward ones (which also use ``g(0)``) give the one-sided
derivatives that reveal kinks, domain edges and infinite slopes.

>>> import numpy as np
>>> from chainrule.numeric._engine import Problem, solve
>>> x = np.array([1.0])
>>> fun = lambda t, lanes: np.exp(x + t)[:, None]
>>> est = solve(Problem(fun, np.exp(x)[:, None], np.array([0.125]), np.ones(1), 1, "central"))
>>> bool(abs(est.value[0, 0] - np.e) < 1e-12), str(est.status[0, 0])
(True, 'ok')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._stencil import Stencil, central, one_sided
from ._tableau import RESOLVED, Tableau

__all__ = ["EPS", "Estimate", "Problem", "solve"]

EPS = 2.0 ** -52      # relative precision assumed for function values
MAX_LEVELS = 18       # budget: at most this many step sizes per lane
MIN_ROWS = 3          # never stop before three valid rows
SAFE = 2.0            # an error within this factor of its round-off is at the floor
JUMP = 8.0            # step shrink factor while one side is not finite, or stalled
STALL = 2             # rows without halving the error that count as stalled
H_MIN = 2.0 ** -40    # smallest step, relative to the lane's scale
KINK_FACTOR = 10.0    # one-sided estimates must differ by this many error estimates...
KINK_RTOL = 1e-7      # ... and by this fraction of their size, to be called a kink


@dataclass
class Problem:
    """Lanes of one-dimensional derivatives to estimate together.

    Attributes:
        fun: ``fun(t, lanes)`` returns the values ``g_l(t_l)`` as an ``(L, M)`` array for
            the lanes where the boolean mask ``lanes`` is true (others may be anything).
        f0: ``g_l(0)``, shape ``(L, M)``.
        h0: the first step of each lane, shape ``(L,)``.
        scale: the size of each lane's variable (``max(1, |x|)``), shape ``(L,)``.
        order: derivative order, 1 to 4.
        method: ``"central"``, ``"forward"`` or ``"backward"``.
        rtol: an estimate whose error exceeds ``rtol * max(|value|, typical)`` is
            ``"inaccurate"``.
        evaluates_all: ``fun`` always evaluates every lane (count them all).
        eps: the relative precision of the function values (``2**-52`` for float64;
            larger when ``f`` returns float32 or float16).
        precision: called after the runs, the precision the values showed (see
            :mod:`chainrule.numeric._precision`); ``None``: ``eps``.
        settle: per lane, a step the lane must have passed before it may stop (the
            default first step, when the caller chose a larger one: agreement among
            steps too large for ``f`` proves nothing, as the Runge function shows).
    """

    fun: Callable[[np.ndarray, np.ndarray], np.ndarray]
    f0: np.ndarray
    h0: np.ndarray
    scale: np.ndarray
    order: int
    method: str
    rtol: float = 1e-6
    evaluates_all: bool = False
    eps: float = EPS
    precision: Callable[[], float] | None = None
    settle: np.ndarray | None = None


@dataclass
class Estimate:
    """Per-entry results, each of shape ``(L, M)``; ``evaluations`` has shape ``(L,)``."""

    value: np.ndarray
    error: np.ndarray
    status: np.ndarray
    step: np.ndarray
    left: np.ndarray
    right: np.ndarray
    evaluations: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    natural: np.ndarray | None = None  # the size that rtol is relative to, at least


@dataclass
class _Level:
    h: np.ndarray
    plus: np.ndarray | None
    minus: np.ndarray | None


def _stencil_row(st: Stencil, k: int, levels: list[_Level], f0: np.ndarray,
                 eps: float = EPS) -> tuple:
    """The stencil's estimate at level ``k`` and its round-off, NaN where unavailable."""
    h = levels[k].h
    acc = np.zeros_like(f0)
    fmax = np.zeros_like(f0)
    ok = np.ones(h.shape, bool)
    for s, w in zip(st.offsets, st.weights):
        if s == 0:
            v = f0
        else:
            p = abs(s).bit_length() - 1
            lev = levels[k - p] if k - p >= 0 else None
            v = None if lev is None else (lev.plus if s > 0 else lev.minus)
            if v is None:
                nan = np.full(f0.shape, np.nan)
                return nan, nan
            if p:
                ok &= lev.h == h * 2.0 ** p
        with np.errstate(all="ignore"):  # inf - inf where f overflows: NaN, no estimate
            acc = acc + w * v
        fmax = np.maximum(fmax, np.abs(v))
    hn = (h ** st.order)[:, None]
    with np.errstate(all="ignore"):
        t = acc / hn
    t = np.where(ok[:, None] & np.isfinite(t), t, np.nan)
    return t, eps * st.abs_weight * fmax / hn


def _tableaux(order: int, method: str, shape: tuple[int, int]) -> dict[str, Tableau]:
    if method == "central":
        return {"main": Tableau(central(order), shape),
                "right": Tableau(one_sided(order, 1), shape),
                "left": Tableau(one_sided(order, -1), shape)}
    sign = 1 if method == "forward" else -1
    return {"main": Tableau(one_sided(order, sign), shape)}


def _effective(tabs: dict[str, Tableau]) -> tuple[Tableau | None, np.ndarray]:
    """Per entry, which tableau answers: the main one, or one side where the main has
    nothing (a domain edge). Returns the one-sided choice (``right`` for ties) and a mask
    of entries that fall back to it."""
    main = tabs["main"]
    if "right" not in tabs:
        return None, np.zeros(main.best.shape, bool)
    r, left = tabs["right"], tabs["left"]
    side = np.isfinite(r.err) | ~np.isfinite(left.err)
    return side, ~np.isfinite(main.err)


def _pick(tabs: dict[str, Tableau], attr: str) -> np.ndarray:
    side, fallback = _effective(tabs)
    main = getattr(tabs["main"], attr)
    if side is None:
        return main
    one = np.where(side, getattr(tabs["right"], attr), getattr(tabs["left"], attr))
    return np.where(fallback, one, main)


def _typical(f0abs: np.ndarray, vals: Any, prob: Problem) -> np.ndarray:
    """The smallest derivative a plain difference quotient resolves,
    ``eps**(2 / (order + 2)) * max|f| / scale**order``: below it, accuracy is judged in
    absolute terms."""
    for v in vals:
        f0abs = np.maximum(f0abs, np.where(np.isfinite(v), np.abs(v), 0))
    return prob.eps ** (2 / (prob.order + 2)) * f0abs / (prob.scale ** prob.order)[:, None]


def _ready(tabs: dict) -> np.ndarray:
    """Enough rows to trust an answer; the central method also waits for both one-sided
    estimates, which decide about kinks."""
    ready = _pick(tabs, "valid") >= MIN_ROWS
    if "left" in tabs:
        ready &= np.isfinite(tabs["left"].err) & np.isfinite(tabs["right"].err)
    return ready


def _stopping(tabs: dict, prob: Problem, typical: np.ndarray) -> np.ndarray:
    """Entries whose answer cannot improve any more: at the round-off floor, or acceptable
    while the round-off of the newest step already exceeds the best error."""
    err, noise = _pick(tabs, "err"), _pick(tabs, "noise")
    hopeless = (_pick(tabs, "base_noise") >= err) & _acceptable(tabs, prob, typical)
    return _ready(tabs) & ((err <= SAFE * noise) | hopeless)


def _acceptable(tabs: dict, prob: Problem, typical: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return _pick(tabs, "err") <= prob.rtol * np.maximum(np.abs(_pick(tabs, "best")),
                                                             typical)


def solve(prob: Problem) -> Estimate:
    """Run the level loop for every lane; return values, errors and statuses."""
    f0 = np.asarray(prob.f0, float)
    tabs = _tableaux(prob.order, prob.method, f0.shape)
    live = np.isfinite(f0)
    h = np.asarray(prob.h0, float).copy()
    evals = np.where(live.any(axis=1) | prob.evaluates_all, 1, 0)
    sides = {"central": (1, -1), "forward": (1,), "backward": (-1,)}[prob.method]
    levels: list[_Level] = []
    typical = np.abs(f0)
    stall, idle = np.zeros(f0.shape, int), np.zeros(f0.shape, int)
    halved = np.full(h.shape, prob.order)
    for k in range(MAX_LEVELS):
        lanes = live.any(axis=1)
        if not lanes.any():
            break
        vals = {s: np.asarray(prob.fun(s * h, lanes), float).reshape(f0.shape) for s in sides}
        evals += len(sides) * (np.ones_like(lanes) if prob.evaluates_all else lanes)
        levels.append(_Level(h.copy(), vals.get(1), vals.get(-1)))
        if k >= 4:  # stencils reach back at most three levels
            levels[k - 4] = _Level(levels[k - 4].h, None, None)
        if k == 0:
            typical = _typical(typical, vals.values(), prob)
            for tab in tabs.values():
                tab.typical = typical
        before = _pick(tabs, "err")
        for tab in tabs.values():
            tab.push(*_stencil_row(tab.st, k, levels, f0, prob.eps), h, live)
        stalled, good = _stalled(tabs, before), _acceptable(tabs, prob, typical)
        stall = np.where(stalled, stall + 1, 0)
        idle += stalled & good
        searching = np.any([live & ~np.isfinite(v) for v in vals.values()], axis=(0, 2))
        done = _stopping(tabs, prob, typical) | ((idle >= STALL) & good & _ready(tabs))
        if prob.settle is not None:  # a large first step must be followed down
            done &= (h <= prob.settle)[:, None]
        live &= ~(done & ~searching[:, None])
        jump = searching | np.any((stall >= STALL) & ~good & live, axis=1)
        jump &= halved >= prob.order - 1  # stencils over several levels need halvings
        halved = np.where(jump, 0, halved + 1)
        h = np.where(jump, h / JUMP, h / 2.0)
        live &= (h >= H_MIN * prob.scale)[:, None]
    with np.errstate(all="ignore"):
        return _assemble(tabs, prob, f0, typical, evals)


def _stalled(tabs: dict, before: np.ndarray) -> np.ndarray:
    """Entries whose newest row failed to halve the error (after at least three valid
    rows in a row): round-off has taken over, or the step is still far too large."""
    return ~(_pick(tabs, "err") <= 0.5 * before) & (_pick(tabs, "fresh") >= 3)


def _assemble(tabs: dict, prob: Problem, f0: np.ndarray, typical: np.ndarray,
              evals: np.ndarray) -> Estimate:
    """Turn the tableaux into values and statuses."""
    main = tabs["main"]
    value, error, step = _pick(tabs, "best"), _pick(tabs, "err"), _pick(tabs, "step")
    status = np.full(f0.shape, "ok", dtype=object)
    nan = np.full(f0.shape, np.nan)
    left = tabs["left"].best if "left" in tabs else nan
    right = tabs["right"].best if "right" in tabs else nan
    natural = typical / prob.eps ** (2 / (prob.order + 2))
    with np.errstate(all="ignore"):
        inaccurate = ~(error <= prob.rtol * np.maximum(np.abs(value), natural))
        inaccurate |= ~(error <= RESOLVED * np.maximum(np.abs(value), typical))
    status[inaccurate] = "inaccurate"
    if "left" in tabs:
        kink = _kinks(tabs, typical) & np.isfinite(main.err)
        status[kink] = "kink"
        value = np.where(kink, 0.5 * (left + right), value)
        error = np.where(kink, 0.5 * np.abs(right - left) + tabs["left"].err
                         + tabs["right"].err, error)
        error = _confirm_sides(tabs, status, value, error, typical, prob.rtol * np.maximum(
            np.abs(value), natural))
        side, fallback = _effective(tabs)
        edge = fallback & np.isfinite(error)
        status[edge] = "domain_edge"
        value, error, left, right = _infinite(tabs, side, fallback, value, error, status)
    else:
        div = main.diverging()
        value = np.where(div, np.sign(main.last_base()) * np.inf, value)
        error = np.where(div, np.inf, error)
        status[div] = "nonfinite"
    none = ~np.isfinite(f0) | (~np.isfinite(value) & (status != "domain_edge"))
    status[none] = "nonfinite"
    value = np.where(~np.isfinite(f0), np.nan, value)
    return Estimate(value, error, status, step, left, right, evals, natural)


def _confirm_sides(tabs: dict, status: np.ndarray, value: np.ndarray, error: np.ndarray,
                   typical: np.ndarray, tol: np.ndarray) -> np.ndarray:
    """The central estimate must be consistent with a one-sided one, which also uses
    ``f(x)``: steps far too large for the scale of ``f`` (the Runge function with a step
    of 1e4) give central differences that agree with each other but say nothing about
    ``x``. Where both one-sided estimates contradict an ``ok`` entry (differ by more than
    twice the sum of the errors), it gets the error ``|central - one-sided|`` (plus that
    estimate's error) and the status ``unreliable`` when this misses the tolerance."""
    gaps = []
    with np.errstate(all="ignore"):
        for name in ("left", "right"):
            t = tabs[name]
            gap = np.abs(t.best - value)
            agree = gap <= 2.0 * (t.err + error)
            gaps.append(np.where(agree, 0.0, np.where(np.isfinite(gap), gap + t.err, np.inf)))
        unconfirmed = (status == "ok") & (np.minimum(*gaps) > 0)
        error = np.where(unconfirmed, np.maximum(error, np.minimum(*gaps)), error)
        status[unconfirmed & ~(error <= tol)] = "unreliable"
    return error


def _kinks(tabs: dict, typical: np.ndarray) -> np.ndarray:
    """Entries where the forward and backward derivatives clearly disagree, with the
    central estimate (their mean, at a kink) well between them."""
    lt, rt, mid = tabs["left"].best, tabs["right"].best, tabs["main"].best
    gap = np.abs(lt - rt)
    size = np.maximum(np.maximum(np.abs(lt), np.abs(rt)), typical)
    between = np.minimum(np.abs(lt - mid), np.abs(rt - mid)) > 0.25 * gap
    with np.errstate(all="ignore"):
        clear = (gap > KINK_FACTOR * (tabs["left"].err + tabs["right"].err))
        return clear & (gap > KINK_RTOL * size) & between


def _infinite(tabs: dict, side: np.ndarray, fallback: np.ndarray, value: np.ndarray,
              error: np.ndarray, status: np.ndarray) -> tuple:
    """Replace diverging estimates by signed infinities (status ``nonfinite``, or
    ``domain_edge`` for a one-sided infinite slope such as ``sqrt`` at 0). A central
    estimate that grows while the one-sided ones grow with opposite signs has a pole
    within its steps: it stays finite (and ``inaccurate``)."""
    main, rt, lt = tabs["main"], tabs["right"], tabs["left"]
    r_div, l_div = rt.diverging(), lt.diverging()
    r_sign, l_sign = np.sign(rt.last_base()), np.sign(lt.last_base())
    one_div = np.where(side, r_div, l_div) & fallback
    value = np.where(one_div, np.where(side, r_sign, l_sign) * np.inf, value)
    error = np.where(one_div, np.inf, error)
    status[one_div] = "domain_edge"
    pole = r_div & l_div & (r_sign != l_sign)
    div = main.diverging() & ~fallback & (status != "kink") & ~pole
    value = np.where(div, np.sign(main.last_base()) * np.inf, value)
    error = np.where(div, np.inf, error)
    status[div] = "nonfinite"
    left = np.where(l_div, l_sign * np.inf, lt.best)
    right = np.where(r_div, r_sign * np.inf, rt.best)
    return value, error, left, right
