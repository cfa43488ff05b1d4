"""One Neville tableau: the estimates of one stencil at shrinking steps, extrapolated,
each with an error estimate, and the best entry so far (per lane and output entry).

>>> import numpy as np
>>> from chainrule.numeric._stencil import central
>>> tab = Tableau(central(1), (1, 1))
>>> for h in (0.1, 0.05, 0.025):
...     t0 = np.array([[(np.sin(1 + h) - np.sin(1 - h)) / (2 * h)]])
...     tab.push(t0, np.full((1, 1), 1e-15), np.array([h]), np.ones((1, 1), bool))
>>> bool(abs(tab.best[0, 0] - np.cos(1)) < 1e-9), bool(tab.err[0, 0] < 1e-6)
(True, True)
"""

from __future__ import annotations

import numpy as np

from ._stencil import Stencil

__all__ = ["MAX_DEPTH", "RESOLVED", "Tableau"]

MAX_DEPTH = 8         # deepest extrapolation column
RESOLVED = 0.25       # an estimate with a smaller relative error beats any that is not


class Tableau:
    """Neville extrapolation of one stencil's estimates, keeping the best entry."""

    def __init__(self, stencil: Stencil, shape: tuple[int, int]) -> None:
        self.st = stencil
        self.rows: list[tuple[list, list]] = []
        self.hs: list[np.ndarray] = []
        self.bases: list[np.ndarray] = []
        self.best = np.full(shape, np.nan)
        self.err = np.full(shape, np.inf)
        self.noise = np.full(shape, np.inf)
        self.step = np.full(shape, np.nan)
        self.base_noise = np.zeros(shape)
        self.valid = np.zeros(shape, int)
        self.tier = np.full(shape, 2)
        self.fresh = np.zeros(shape, int)
        self.typical = np.zeros(shape)
        self.best_at = np.full(shape, -1)  # the column of a best entry from the last row

    def push(self, t0: np.ndarray, n0: np.ndarray, h: np.ndarray, update: np.ndarray) -> None:
        """Add the row for step ``h``; update the best entry where ``update`` is true.

        A lane whose stencil could not be formed at all at this step (its levels are not
        in the ratio it needs, after the step jumped) skips the row: its history stays as
        it was, so extrapolation resumes across the gap."""
        skip = np.all(np.isnan(t0), axis=1) & (len(self.rows) > 0)
        tab, nz, cands = self._extend(t0, n0, h)
        self._recheck(tab, nz, update & ~skip[:, None])
        keep = skip[:, None]
        if self.rows:
            last = self.rows[-1]
            first = self.rows[-2] if len(self.rows) > 1 else _nan_row(last)
            self.rows = [_where_row(keep, first, last), _where_row(keep, last, (tab, nz))]
        else:
            self.rows = [(tab, nz)]
        self.hs = _advance(self.hs, h, skip, MAX_DEPTH + 1)
        self.bases = _advance(self.bases, np.where(update, t0, np.nan), keep, 9)
        self.base_noise = np.where(keep, self.base_noise, n0)
        self.valid = self.valid + (np.isfinite(t0) & update)
        self.fresh = np.where(keep, self.fresh, np.where(np.isfinite(t0), self.fresh + 1, 0))
        self.best_at = np.where(keep, self.best_at, -1)
        for j, t, e, n in cands:
            self._offer(j, t, np.where(np.isnan(e), np.inf, e), n, h, update & ~keep)

    def _extend(self, t0: np.ndarray, n0: np.ndarray, h: np.ndarray) -> tuple:
        """The new row of the tableau, its round-off, and the candidates it offers as
        ``(column, value, error, round-off)``. A candidate's error must rest on at least
        three rows: two rows that agree by coincidence (aliasing) would look converged."""
        tab, nz, cands = [t0], [n0], []
        if not self.rows:
            return tab, nz, cands
        tp, npv = self.rows[-1]
        if len(self.rows) >= 2:
            tpp = self.rows[-2][0][0]
            cands.append((0, t0, np.maximum(np.maximum(np.abs(t0 - tp[0]), np.abs(t0 - tpp)),
                                            n0), n0))
        for j in range(1, min(len(tp), MAX_DEPTH) + 1):
            rho = (self.hs[-j] / h)[:, None] ** self.st.power
            tj = tab[j - 1] + (tab[j - 1] - tp[j - 1]) / (rho - 1.0)
            nj = (rho * nz[j - 1] + npv[j - 1]) / (rho - 1.0)
            ej = np.maximum(np.maximum(np.abs(tj - tab[j - 1]), np.abs(tj - tp[j - 1])), nj)
            tab.append(tj)
            nz.append(nj)
            if j < len(tp):
                cands.append((j, tj, np.maximum(ej, np.abs(tj - tp[j])), nj))
            elif len(self.rows) >= 2:
                cands.append((j, tj, ej, nj))
        return tab, nz, cands

    def _offer(self, j: int, t: np.ndarray, e: np.ndarray, n: np.ndarray, h: np.ndarray,
               update: np.ndarray) -> None:
        """Keep the candidate where it beats the best: estimates that resolve their value
        (error below a quarter of it) beat those that do not, then smaller errors win."""
        with np.errstate(all="ignore"):
            tier = np.where(e <= RESOLVED * np.maximum(np.abs(t), self.typical), 0, 1)
            self._contradict(t, e, tier, update)
        better = update & np.isfinite(e) & ((tier < self.tier)
                                            | ((tier == self.tier) & (e < self.err)))
        self.tier = np.where(better, tier, self.tier)
        self.best = np.where(better, t, self.best)
        self.err = np.where(better, e, self.err)
        self.noise = np.where(better, n, self.noise)
        self.step = np.where(better, h[:, None], self.step)
        self.best_at = np.where(better, j, self.best_at)

    def _contradict(self, t: np.ndarray, e: np.ndarray, tier: np.ndarray,
                    update: np.ndarray) -> None:
        """A newer resolved estimate that differs from the best by more than twice their
        errors shows that the best's error was underestimated (rows that agreed by
        coincidence, at steps too large for ``f``): its error becomes the difference
        plus the newer error, so the newer estimate can take over."""
        gap = np.abs(t - self.best)
        clash = (update & (tier == 0) & np.isfinite(e) & np.isfinite(self.err)
                 & (gap > 2.0 * (self.err + e)))
        if clash.any():
            self.err = np.where(clash, gap + e, self.err)
            resolved = self.err <= RESOLVED * np.maximum(np.abs(self.best), self.typical)
            self.tier = np.where(clash, np.where(resolved, 0, 1), self.tier)

    def _recheck(self, tab: list, nz: list, update: np.ndarray) -> None:
        """A best entry from the previous row meets the next entry of its column: their
        distance, less the newer entry's round-off, bounds its error from below (a column
        that only seemed converged)."""
        for j in range(len(tab)):
            sel = update & (self.best_at == j)
            if sel.any():
                gap = np.abs(tab[j] - self.best) - nz[j]
                raise_ = sel & np.isfinite(gap) & (gap > self.err)
                self.err = np.where(raise_, gap, self.err)
                with np.errstate(all="ignore"):
                    resolved = self.err <= RESOLVED * np.maximum(np.abs(self.best), self.typical)
                self.tier = np.where(raise_, np.where(resolved, 0, 1), self.tier)

    def last_base(self) -> np.ndarray:
        """The newest plain (unextrapolated) stencil estimate."""
        return self.bases[-1] if self.bases else np.full(self.best.shape, np.nan)

    def diverging(self) -> np.ndarray:
        """Entries whose base estimates grow without converging: an infinite derivative
        (``sqrt`` at 0 from the right, ``cbrt`` at 0, ``x**x`` at 0). The growth exponent
        ``log|T_(k+1)/T_k| / log(h_k/h_(k+1))`` stays put for a power law and decays
        slowly for a logarithm, but collapses when the estimates approach a limit: growth
        must be steady and four-fold over four rows, or sustained over eight."""
        with np.errstate(all="ignore"):
            unsettled = ~(self.err <= 1e-2 * np.abs(self.best))
            above_noise = np.abs(self.last_base()) > 10 * self.base_noise  # not round-off
            growing = self._growth(4, 0.7, 4.0) | self._growth(8, 0.25, 1.0)
            return unsettled & above_noise & growing

    def _growth(self, rows: int, keep: float, factor: float) -> np.ndarray:
        """Steady growth of the base estimates over the last ``rows`` rows: a positive
        growth exponent that keeps ``keep`` of its size, and ``factor``-fold in all."""
        if len(self.bases) < rows + 1:
            return np.zeros(self.best.shape, bool)
        raw = np.stack(self.bases[-rows:])
        b = np.abs(raw)
        steps = np.log(np.stack(self.hs[-rows:]))[:, :, None]
        rate = np.log(b[1:] / b[:-1]) / (steps[:-1] - steps[1:])
        steady = np.all(rate > 0.02, axis=0) & (rate[-1] >= keep * rate[-2 if rows == 4 else 0])
        same_sign = np.all(np.sign(raw) == np.sign(raw[-1]), axis=0)
        return same_sign & steady & np.all(np.isfinite(b), axis=0) & (b[-1] >= factor * b[0])


def _advance(history: list, new: np.ndarray, skip: np.ndarray, cap: int) -> list:
    """Append ``new`` to the history of the lanes that advance; lanes in ``skip`` keep
    theirs (aligned at the end, with NaN in front). At most ``cap`` items are kept."""
    if not history:
        return [np.where(skip, np.nan, new)]
    old = [np.full(new.shape, np.nan)] + history
    moved = history + [new]
    return [np.where(skip, a, b) for a, b in zip(old, moved)][-cap:]


def _nan_row(row: tuple) -> tuple:
    return tuple([np.full(a.shape, np.nan) for a in part] for part in row)


def _where_row(cond: np.ndarray, a: tuple, b: tuple) -> tuple:
    """Row ``a`` where ``cond``, else row ``b``; the shorter is padded with NaN."""
    out = []
    for pa, pb in zip(a, b):
        n = max(len(pa), len(pb))
        nan = np.full(pb[0].shape, np.nan)
        pa, pb = pa + [nan] * (n - len(pa)), pb + [nan] * (n - len(pb))
        out.append([np.where(cond, x, y) for x, y in zip(pa, pb)])
    return tuple(out)
