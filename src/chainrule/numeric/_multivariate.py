"""``gradient``, ``jacobian``, ``hessian`` and ``hvp`` of functions of several variables,
by the same extrapolation engine as :func:`derivative`, run along coordinates and
directions, with a per-entry error estimate and status.

Second derivatives come from second differences along directions (polarization):
``d2/dt2 f(x + t u) = u^T H u``, so ``H_ii`` is the second derivative along ``e_i``,
``H_ij = (D(e_i + e_j) - H_ii - H_jj) / 2`` and ``(H v)_i = (D(e_i + v) - D(e_i - v)) / 4``.

>>> import numpy as np
>>> f = lambda x: x[0] ** 2 * x[1] + np.sin(x[1])
>>> gradient(f, [1.0, 0.0]).round(10).tolist()
[0.0, 2.0]
>>> hessian(f, [1.0, 0.0]).round(8).tolist()
[[0.0, 2.0], [2.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._confirm import solve
from ._derivative import DEFAULT_RTOL, first_step
from ._engine import Estimate, Problem
from ._precision import Precision
from ._result import DerivativeResult, combine_status, warn_if_needed

__all__ = ["gradient", "hessian", "hvp", "jacobian"]


class _Lanes:
    """``f`` along the directions ``dirs`` (rows, in flattened x) through ``x``."""

    def __init__(self, f: Callable, x: Any, fname: str) -> None:
        self.f, self.fname = f, fname
        arr = np.asarray(x)
        if not (np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)):
            raise TypeError(f"{fname}: x must be a real array, got dtype {arr.dtype}")
        self.x = arr.astype(np.float64)
        self.flat = self.x.reshape(-1)
        self.calls = 0
        self.precision = Precision()
        self.f0 = self.call(self.flat)
        self.out_shape = np.shape(self._last)

    def call(self, point: np.ndarray) -> np.ndarray:
        """``f`` at a point given flat, as a flat float array (counted); notes the
        precision of ``f``'s values (float32 and float16 carry fewer digits)."""
        self.calls += 1
        with np.errstate(all="ignore"):
            out = np.asarray(self.f(point.reshape(self.x.shape)))
        if np.iscomplexobj(out):
            raise TypeError(f"{self.fname}: f returned complex values; differentiate the "
                            "real and imaginary parts separately (lambda x: f(x).real, ...)")
        self.precision.observe(out)
        self._last = np.asarray(out, dtype=np.float64)
        return self._last.reshape(-1)

    def solve(self, dirs: np.ndarray, order: int, step: Any, rtol: float | None) -> Estimate:
        """The ``order``-th derivative along each row of ``dirs``, by the central method;
        a lane's scale is the largest ``|x_i|`` its direction moves (at least 1)."""
        support = np.where(dirs != 0, np.abs(self.flat)[None, :], 0.0)
        scale = np.maximum(1.0, support.max(axis=1, initial=0.0))
        if step is not None and not (isinstance(step, (int, float, np.number))
                                     and not isinstance(step, bool)
                                     and np.isfinite(step) and step > 0):
            raise ValueError(f"{self.fname}: step must be positive and finite, got {step!r}")
        h0 = first_step(scale, order) if step is None else np.full(len(dirs), float(step))
        m = self.f0.size

        def fun(t: np.ndarray, lanes: np.ndarray) -> np.ndarray:
            out = np.full((len(dirs), m), np.nan)
            for i in np.flatnonzero(lanes):
                out[i] = self.call(self.flat + t[i] * dirs[i])
            return out

        f0 = np.broadcast_to(self.f0, (len(dirs), m))
        if rtol is not None and not (isinstance(rtol, (int, float, np.floating))
                                     and 0 < rtol < 1):
            raise ValueError(f"{self.fname}: rtol must be a number between 0 and 1, got "
                             f"{rtol!r}")
        rtol = DEFAULT_RTOL[order] if rtol is None else float(rtol)
        h0 = np.where(np.isfinite(h0) & (h0 > 0), h0, 1.0)  # x not finite: f(x) tells
        settle = None if step is None else first_step(scale, order)
        return solve(Problem(fun, f0, h0, scale, order, "central", rtol,
                             eps=self.precision.eps, precision=self.precision.detected,
                             settle=settle))

    def scalar(self) -> None:
        """Refuse functions with non-scalar output (gradient, hessian, hvp)."""
        if self.f0.size != 1 or self.out_shape != ():
            raise TypeError(f"{self.fname} needs a function with a scalar output, but it "
                            f"returned shape {self.out_shape}; use jacobian for vector outputs")


def _finish(lanes: _Lanes, parts: dict, shape: tuple, full_output: bool, what: str,
            name: Callable[[int], str]) -> Any:
    """Build the result from ``parts`` (value, error, status, step, left, right arrays)."""
    res = DerivativeResult(
        parts["value"].reshape(shape), parts["error"].reshape(shape),
        np.asarray(parts["status"], dtype=object).reshape(shape).astype(str),
        parts["step"].reshape(shape), lanes.calls,
        parts.get("left", np.full(shape, np.nan)).reshape(shape),
        parts.get("right", np.full(shape, np.nan)).reshape(shape))
    if full_output:
        return res
    warn_if_needed(res, name, what, stacklevel=4)
    return res.value


def _index(shape: tuple) -> Callable[[int], str]:
    def name(i: int) -> str:
        idx = np.unravel_index(i, shape) if shape else ()
        return "x[" + ", ".join(str(int(k)) for k in idx) + "]" if shape else "x"
    return name


def _parts(est: Estimate, transpose: bool = False) -> dict:
    keys = ("value", "error", "status", "step", "left", "right")
    return {k: (getattr(est, k).T if transpose else getattr(est, k)) for k in keys}


def gradient(f: Callable, x: Any, *, step: float | None = None, rtol: float | None = None,
             full_output: bool = False) -> Any:
    """The gradient of a scalar function ``f`` at ``x``, by central differences with
    Richardson extrapolation along each coordinate.

    Same options and reporting as :func:`derivative` (``full_output=True`` gives a
    :class:`DerivativeResult` of arrays shaped like ``x``, with one status per partial
    derivative and ``evaluations`` the total number of calls to ``f``).

    >>> r = gradient(lambda x: (x ** 2).sum(), [1.0, -2.0], full_output=True)
    >>> r.value.round(12).tolist(), r.status.tolist(), bool(r.error.max() < 1e-12)
    ([2.0, -4.0], ['ok', 'ok'], True)
    """
    lanes = _Lanes(f, x, "gradient")
    lanes.scalar()
    est = lanes.solve(np.eye(lanes.flat.size), 1, step, rtol)
    return _finish(lanes, _parts(est), lanes.x.shape, full_output, "partial derivative",
                   _index(lanes.x.shape))


def jacobian(f: Callable, x: Any, *, step: float | None = None, rtol: float | None = None,
             full_output: bool = False) -> Any:
    """The Jacobian of ``f`` at ``x``, shape ``f(x).shape + x.shape``, one column per
    coordinate (each column is one run of the engine over all outputs).

    >>> jacobian(lambda x: np.array([x[0] * x[1], x[0] + x[1]]), [2.0, 3.0]).round(10).tolist()
    [[3.0, 2.0], [1.0, 1.0]]
    """
    lanes = _Lanes(f, x, "jacobian")
    est = lanes.solve(np.eye(lanes.flat.size), 1, step, rtol)
    shape = tuple(lanes.out_shape) + lanes.x.shape
    return _finish(lanes, _parts(est, transpose=True), shape, full_output,
                   "Jacobian entry", _pair_index(lanes.out_shape, lanes.x.shape))


def _pair_index(out_shape: tuple, in_shape: tuple) -> Callable[[int], str]:
    def name(i: int) -> str:
        idx = np.unravel_index(i, tuple(out_shape) + tuple(in_shape))
        return "[" + ", ".join(str(int(k)) for k in idx) + "]"
    return name


def hessian(f: Callable, x: Any, *, step: float | None = None, rtol: float | None = None,
            full_output: bool = False) -> Any:
    """The Hessian of a scalar ``f`` at ``x``, shape ``x.shape + x.shape``: second
    differences along ``e_i`` (diagonal) and ``e_i + e_j`` (off-diagonal, by
    polarization), each extrapolated, with errors and statuses combined per entry.

    >>> r = hessian(lambda x: x[0] ** 3 * x[1], [1.0, 2.0], full_output=True)
    >>> r.value.round(8).tolist(), bool(r.ok)
    ([[12.0, 3.0], [3.0, 0.0]], True)
    """
    lanes = _Lanes(f, x, "hessian")
    lanes.scalar()
    n = lanes.flat.size
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    dirs = np.eye(n)
    if pairs:
        dirs = np.vstack([dirs] + [np.eye(n)[i] + np.eye(n)[j] for i, j in pairs])
    est = lanes.solve(dirs, 2, step, rtol)
    d, e, s, h = (getattr(est, k)[:, 0] for k in ("value", "error", "status", "step"))
    value, error = np.diag(d[:n]), np.diag(e[:n])
    status = np.diag(s[:n]).astype(object)
    status[~np.eye(n, dtype=bool)] = "ok"
    step_ = np.diag(h[:n])
    for k, (i, j) in enumerate(pairs, start=n):
        with np.errstate(all="ignore"):  # inf - inf at kinks: NaN, status nonfinite
            value[i, j] = value[j, i] = 0.5 * (d[k] - d[i] - d[j])
            error[i, j] = error[j, i] = 0.5 * (e[k] + e[i] + e[j])
        status[i, j] = status[j, i] = combine_status(s[k], s[i], s[j])
        step_[i, j] = step_[j, i] = h[k]
    parts = {"value": value, "error": error, "status": status, "step": step_}
    return _finish(lanes, parts, lanes.x.shape * 2, full_output, "Hessian entry",
                   _pair_index(lanes.x.shape, lanes.x.shape))


def hvp(f: Callable, x: Any, v: Any, *, step: float | None = None,
        rtol: float | None = None, full_output: bool = False) -> Any:
    """The Hessian-vector product ``H(x) v`` of a scalar ``f``, without forming ``H``:
    ``2 n`` second differences along ``e_i +- v / |v|_inf``.

    >>> hvp(lambda x: x[0] ** 2 * x[1], [1.0, 2.0], [1.0, 0.0]).round(8).tolist()
    [4.0, 2.0]
    """
    lanes = _Lanes(f, x, "hvp")
    lanes.scalar()
    vv = np.asarray(v, dtype=np.float64).reshape(-1)
    if vv.shape != lanes.flat.shape:
        raise ValueError(f"hvp: v has {vv.size} entries but x has {lanes.flat.size}")
    norm = float(np.max(np.abs(vv), initial=0.0))
    if norm == 0.0 or not np.isfinite(norm):
        zero = np.zeros(lanes.x.shape) if norm == 0.0 else np.full(lanes.x.shape, np.nan)
        parts = {"value": zero, "error": zero.copy(), "step": zero.copy(),
                 "status": np.full(lanes.x.shape, "ok" if norm == 0.0 else "nonfinite")}
        return _finish(lanes, parts, lanes.x.shape, full_output, "Hessian-vector entry",
                       _index(lanes.x.shape))
    u, n = vv / norm, lanes.flat.size
    est = lanes.solve(np.vstack([np.eye(n) + u, np.eye(n) - u]), 2, step, rtol)
    d, e, s, h = (getattr(est, k)[:, 0] for k in ("value", "error", "status", "step"))
    with np.errstate(all="ignore"):
        parts = {"value": norm * 0.25 * (d[:n] - d[n:]), "error": norm * 0.25 * (e[:n] + e[n:]),
                 "status": combine_status(s[:n], s[n:]), "step": np.minimum(h[:n], h[n:])}
    return _finish(lanes, parts, lanes.x.shape, full_output, "Hessian-vector entry",
                   _index(lanes.x.shape))
