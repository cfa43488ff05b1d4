"""``gradcheck``: compare chainrule's forward- and reverse-mode derivatives with numerical
ones, entry by entry, and say exactly which entries disagree.

The numerical side always runs in float64 (float32 inputs are upcast), with the
extrapolation engine's error estimate and status for every entry; entries where it finds a
kink or a tie (one-sided derivatives that disagree), a domain edge, a non-finite value or
an unreliable estimate are flagged and listed rather than failed. Tolerances follow the
dtype of the analytic computation.

>>> import chainrule.numpy as cnp
>>> gradcheck(lambda x, y: cnp.sin(x) * y, (0.5, 2.0)).ok
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import numpy as cnp
from .._api import jvp, vjp
from .._display import html_table
from ..core import Primitive, is_complex, tree_flatten, tree_map, tree_unflatten
from ._multivariate import _Lanes

__all__ = ["GradcheckEntry", "GradcheckReport", "check_grads", "gradcheck"]

#: (rtol, atol) by the analytic side's dtype; atol is relative to max(1, max|J|).
TOLERANCES = {np.dtype(np.float64): (1e-6, 1e-8), np.dtype(np.float32): (5e-4, 5e-5),
              np.dtype(np.float16): (2e-2, 1e-2)}


@dataclass(frozen=True)
class GradcheckEntry:
    """One compared number: a Jacobian entry (full mode) or ``<u, J v>`` (directional)."""

    mode: str
    index: str
    analytic: float
    numeric: float
    numeric_error: float
    status: str
    left: float = float("nan")
    right: float = float("nan")

    @property
    def abs_error(self) -> float:
        """``|analytic - numeric|``."""
        return abs(self.analytic - self.numeric)

    def describe(self) -> str:
        """The status, with the one-sided derivatives for a kink."""
        if self.status == "kink":
            return f"kink (left {self.left:.6g}, right {self.right:.6g})"
        return self.status

    @property
    def rel_error(self) -> float:
        """The absolute error over the larger magnitude (0 when both are 0)."""
        den = max(abs(self.analytic), abs(self.numeric))
        return self.abs_error / den if den > 0 else 0.0


@dataclass
class GradcheckReport:
    """What :func:`gradcheck` found: ``ok`` is False if any entry failed.

    ``failures`` and ``flagged`` (kinks, ties, domain edges, non-finite or unreliable
    numerical values: not failures) list entries; :meth:`table` formats them.
    """

    name: str
    mode: str
    dtype: str
    rtol: float
    atol: float
    scale: float
    entries: list[GradcheckEntry] = field(default_factory=list)
    order: int = 1  # which derivative of the function under test (see check_grads)

    @property
    def failures(self) -> list[GradcheckEntry]:
        """Entries where the analytic and numerical derivatives disagree."""
        return [e for e in self.entries if e.status == "FAIL"]

    @property
    def flagged(self) -> list[GradcheckEntry]:
        """Entries not judged: kinks, ties, domain edges, unreliable numerical values."""
        return [e for e in self.entries if e.status not in ("ok", "FAIL")]

    @property
    def ok(self) -> bool:
        """No entry failed (flagged entries do not count)."""
        return not self.failures

    def table(self, all: bool = False) -> str:
        """A per-entry table: failures and flagged entries (every entry with ``all``)."""
        rows = self.entries if all else self.failures + self.flagged
        if self.ok and self.entries and len(self.flagged) == len(self.entries):
            verdict = (f"no failure, but none of the {len(self.entries)} entries could be "
                       "judged: every one is flagged")
        elif self.ok:
            verdict = (f"ok, {len(self.entries)} entries checked, {len(self.flagged)} "
                       "flagged")
        else:
            verdict = f"FAILED: {len(self.failures)} of {len(self.entries)} entries disagree"
        which = f", order {self.order}" if self.order > 1 else ""
        head = (f"gradcheck of {self.name}{which} ({self.mode} mode, analytic in "
                f"{self.dtype}, numeric in float64): {verdict}")
        width = max([len(e.index) for e in rows] + [5])
        lines = [head, f"{'mode':<5} {'entry':<{width}} {'analytic':>15} {'numeric':>15} "
                 f"{'num. error':>10} {'abs error':>10} {'rel error':>10}  status"]
        for e in rows:
            lines.append(f"{e.mode:<5} {e.index:<{width}} {e.analytic:>15.8g} {e.numeric:>15.8g} "
                         f"{e.numeric_error:>10.2g} {e.abs_error:>10.2g} {e.rel_error:>10.2g}  "
                         f"{e.describe()}")
        lines.append(f"pass: |analytic - numeric| <= atol*scale + rtol*max(|analytic|, "
                     f"|numeric|) + 2*num. error, with rtol={self.rtol:g}, atol={self.atol:g}, "
                     f"scale={self.scale:.3g}. Flagged entries are not failures: the "
                     "numerical side cannot judge them (kink = one-sided derivatives disagree, "
                     "a kink or a tie; domain_edge, nonfinite; inaccurate, unreliable, "
                     "low_precision = no trustworthy numerical value)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def _repr_html_(self) -> str:
        """In a notebook: the verdict, then the failures and flagged entries as a table."""
        rows = [[e.mode, e.index, e.analytic, e.numeric, e.numeric_error, e.abs_error,
                 e.rel_error, e.describe()] for e in self.failures + self.flagged]
        head = self.table().split("\n")[0]
        if not rows:
            return html_table(["gradcheck"], [[head]])
        return html_table(["mode", "entry", "analytic", "numeric", "num. error", "abs error",
                           "rel error", "status"], rows, caption=head,
                          footer=self.table().split("\n")[-1])


def _realified(f: Callable, args: Any) -> tuple:
    """``f`` and ``args`` with every complex argument split into a pair ``(real, imag)``
    and every complex output into ``(real(o), imag(o))``: the same derivatives, checked
    entry by entry as a map between real vector spaces."""
    args = tuple(args) if isinstance(args, (tuple, list)) else (args,)
    leaves, tree = tree_flatten(args)
    cplx = [np.iscomplexobj(v) for v in leaves]

    def split_out(out: Any) -> Any:
        return tree_map(lambda o: (cnp.real(o), cnp.imag(o)) if is_complex(o) else o, out)

    if not any(cplx):
        if not any(np.iscomplexobj(o) for o in tree_flatten(f(*args))[0]):
            return f, args
        return (lambda *a: split_out(f(*a))), args
    pairs = [(np.real(v), np.imag(v)) if c else v for v, c in zip(leaves, cplx)]

    def g(*parts: Any) -> Any:
        flat = [p[0] + 1j * p[1] if c else p for p, c in zip(parts, cplx)]
        return split_out(f(*tree_unflatten(tree, flat)))
    return g, tuple(pairs)


class _Problem:
    """The function and its arguments, flattened: leaves, dtypes, names."""

    def __init__(self, f: Callable, args: Any) -> None:
        self.f = f
        self.args = tuple(args) if isinstance(args, (tuple, list)) else (args,)
        self.leaves, self.tree = tree_flatten(self.args)
        for leaf in self.leaves:
            kind = np.asarray(leaf).dtype
            if not np.issubdtype(kind, np.floating):
                raise TypeError(f"gradcheck needs real floating-point arguments, got {kind}; "
                                "close over the others (lambda x: f(x, idx))")
        self.shapes = [np.shape(v) for v in self.leaves]
        self.sizes = [int(np.prod(s)) for s in self.shapes]
        self.x64 = np.concatenate([np.asarray(v, np.float64).reshape(-1)
                                   for v in self.leaves]) if self.leaves else np.zeros(0)
        out = f(*self.args)
        self.out_leaves, self.out_tree = tree_flatten(out)
        self.out_shapes = [np.shape(o) for o in self.out_leaves]
        kinds = [np.asarray(v).dtype for v in self.leaves + self.out_leaves]
        self.dtype = np.result_type(*[k for k in kinds if np.issubdtype(k, np.floating)])

    def unflat(self, vec: np.ndarray, like: list) -> Any:
        """The argument tuple from a flat vector, leaves typed like ``like``."""
        parts, k = [], 0
        for leaf, shape, size in zip(like, self.shapes, self.sizes):
            chunk = vec[k:k + size].reshape(shape)
            k += size
            kind = np.asarray(leaf).dtype
            parts.append(float(chunk) if leaf.__class__ is float else chunk.astype(kind))
        return tree_unflatten(self.tree, parts)

    def f64(self, vec: np.ndarray) -> np.ndarray:
        """The function on float64 inputs, flattened to a float64 vector."""
        parts, k = [], 0
        for shape, size in zip(self.shapes, self.sizes):
            parts.append(np.asarray(vec[k:k + size], np.float64).reshape(shape))
            k += size
        out = self.f(*tree_unflatten(self.tree, parts))
        return _flat(out)

    def unflat_out(self, vec: np.ndarray) -> Any:
        """A cotangent tree shaped (and typed) like the output, from a flat vector."""
        leaves, k = [], 0
        for o, shape in zip(self.out_leaves, self.out_shapes):
            size = int(np.prod(shape))
            leaves.append(np.asarray(vec[k:k + size]).reshape(shape).astype(np.asarray(o).dtype))
            k += size
        return tree_unflatten(self.out_tree, leaves)

    def basis_out(self, i: int) -> Any:
        """The ``i``-th one-hot cotangent, shaped like the output."""
        seed = np.zeros(sum(int(np.prod(s)) for s in self.out_shapes))
        seed[i] = 1
        return self.unflat_out(seed)

    def names(self, which: str) -> list[str]:
        """Names of the flat entries of the inputs (``"x"``) or outputs (``"out"``):
        ``x[1, 2]``, or ``x0[...]``, ``x1[...]`` for several leaves in flattening order."""
        shapes = self.shapes if which == "x" else self.out_shapes
        out = []
        for k, shape in enumerate(shapes):
            base = which if len(shapes) == 1 else f"{which}{k}"
            for idx in np.ndindex(*shape):
                out.append(base + ("[" + ", ".join(map(str, idx)) + "]" if shape else ""))
        return out


def _flat(tree: Any) -> np.ndarray:
    """All leaves of a pytree, raveled and concatenated as float64."""
    leaves = tree_flatten(tree)[0]
    if not leaves:
        return np.zeros(0)
    return np.concatenate([np.asarray(v, np.float64).reshape(-1) for v in leaves])


def _analytic_jacobians(p: _Problem, modes: Sequence[str]) -> dict[str, np.ndarray]:
    """The flat Jacobian by reverse mode (one vjp per output entry) and by forward mode
    (one jvp per input entry)."""
    m, n = sum(int(np.prod(s)) for s in p.out_shapes), p.x64.size
    out: dict[str, np.ndarray] = {}
    if "rev" in modes:
        _, pullback = vjp(p.f, *p.args)
        out["rev"] = np.array([_flat(pullback(p.basis_out(i))) for i in range(m)]).reshape(m, n)
    if "fwd" in modes:
        cols = []
        for i in range(n):
            seed = np.zeros(n)
            seed[i] = 1
            cols.append(_flat(jvp(p.f, p.args, tuple(p.unflat(seed, p.leaves)))[1]))
        out["fwd"] = np.array(cols).reshape(n, m).T
    return out


def _judge(a: float, num: float, err: float, status: str, rtol: float, atol: float) -> str:
    """``"ok"``, ``"FAIL"``, or the numerical status when that is not ``"ok"``."""
    if status != "ok":
        return status
    if not np.isfinite(a):
        return "FAIL"
    allowed = atol + rtol * max(abs(a), abs(num)) + 2 * err
    return "ok" if abs(a - num) <= allowed else "FAIL"


def gradcheck(f: Callable, args: Any, *, mode: str = "full",
              modes: Sequence[str] = ("fwd", "rev"), atol: float | None = None,
              rtol: float | None = None, raise_on_failure: bool = True, seed: int = 0,
              step: float | None = None) -> GradcheckReport:
    """Check ``f``'s automatic derivatives against numerical ones.

    Args:
        f: a function of float arrays (pytrees allowed), written with chainrule.numpy.
        args: the point: a tuple of positional arguments (a single array is one argument).
        mode: ``"full"`` compares every Jacobian entry (one numerical derivative per input
            coordinate); ``"directional"`` compares ``<u, J v>`` for random ``u``, ``v``
            (one numerical derivative in all: fast, for big inputs).
        modes: which AD modes to check: ``"fwd"`` (jvp) and/or ``"rev"`` (vjp).
        atol, rtol: tolerances; by default from the analytic dtype (float64: 1e-8, 1e-6;
            float32: 5e-5, 5e-4). ``atol`` is relative to ``max(1, max|J|)``.
        raise_on_failure: raise ``AssertionError`` (its message is the table) on failure.
        seed: for the random directions of the directional mode.
        step: first step for the numerical side (default: automatic).

    Returns:
        A :class:`GradcheckReport`; ``report.table()`` shows failures and flagged entries.

    >>> import numpy as np, chainrule.numpy as cnp
    >>> r = gradcheck(cnp.abs, (np.array([0.0, 2.0]),), raise_on_failure=False)
    >>> r.ok, [e.status for e in r.flagged]
    (True, ['kink', 'kink'])
    """
    if mode not in ("full", "directional"):
        raise ValueError(f"gradcheck: mode must be 'full' or 'directional', got {mode!r}")
    if not set(modes) <= {"fwd", "rev"} or not modes:
        raise ValueError(f"gradcheck: modes must be among ('fwd', 'rev'), got {modes!r}")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if tol is not None and not (isinstance(tol, (int, float)) and 0 <= tol < np.inf):
            raise ValueError(f"gradcheck: {name} must be a finite number >= 0, got {tol!r}")
    with np.errstate(all="ignore"):  # kinks and edges make inf/NaN: reported, not warned
        p = _Problem(*_realified(f, args))
        d_rtol, d_atol = TOLERANCES.get(np.dtype(p.dtype), TOLERANCES[np.dtype(np.float64)])
        rtol = d_rtol if rtol is None else rtol
        atol = d_atol if atol is None else atol
        check = _full if mode == "full" else _directional
        report = check(p, modes, rtol, atol, seed, step)
    if raise_on_failure and not report.ok:
        raise AssertionError(report.table())
    return report


def _name(f: Callable) -> str:
    """A readable name for ``f`` (the primitive's name for ``prim`` or ``prim.bind``)."""
    prim = f if isinstance(f, Primitive) else getattr(f, "__self__", None)
    if isinstance(prim, Primitive):
        return prim.name
    return getattr(f, "__name__", None) or type(f).__name__


def _full(p: _Problem, modes: Sequence[str], rtol: float, atol: float, seed: int,
          step: float | None) -> GradcheckReport:
    """Every Jacobian entry, analytic against numerical (one lane per input entry)."""
    lanes = _Lanes(p.f64, p.x64, "gradcheck")
    est = lanes.solve(np.eye(p.x64.size), 1, step, None)
    num, err, stat = est.value.T, est.error.T, est.status.T
    left, right = est.left.T, est.right.T
    finite = np.abs(num[np.isfinite(num)])
    scale = max(1.0, float(finite.max(initial=0.0)))
    report = GradcheckReport(_name(p.f), "full", str(p.dtype), rtol, atol, scale)
    outs, ins = p.names("out"), p.names("x")
    single_out = len(outs) == 1 and p.out_shapes == [()]
    for name, jac in _analytic_jacobians(p, modes).items():
        for (i, j), a in np.ndenumerate(jac):
            index = ins[j] if single_out else f"{outs[i]} / {ins[j]}"
            status = _judge(float(a), float(num[i, j]), float(err[i, j]), str(stat[i, j]),
                            rtol, atol * scale)
            report.entries.append(GradcheckEntry(name, index, float(a), float(num[i, j]),
                                                 float(err[i, j]), status,
                                                 float(left[i, j]), float(right[i, j])))
    return report


def _directional(p: _Problem, modes: Sequence[str], rtol: float, atol: float, seed: int,
                 step: float | None) -> GradcheckReport:
    """``<u, J v>`` for random ``u``, ``v``: one numerical derivative in all."""
    rng = np.random.default_rng(seed)
    v = rng.standard_normal(p.x64.size)
    v /= max(1.0, float(np.abs(v).max(initial=0.0)))
    u = rng.standard_normal(sum(int(np.prod(s)) for s in p.out_shapes))
    lanes = _Lanes(lambda vec: float(u @ p.f64(vec)), p.x64, "gradcheck")
    est = lanes.solve(v[None, :], 1, step, None)
    num, err, stat = float(est.value[0, 0]), float(est.error[0, 0]), str(est.status[0, 0])
    scale = max(1.0, float(np.linalg.norm(u) * np.linalg.norm(v)))
    report = GradcheckReport(_name(p.f), "directional", str(p.dtype), rtol, atol, scale)
    for name in modes:
        if name == "fwd":
            a = float(u @ _flat(jvp(p.f, p.args, tuple(p.unflat(v, p.leaves)))[1]))
        else:
            _, pullback = vjp(p.f, *p.args)
            a = float(_flat(pullback(p.unflat_out(u))) @ v)
        report.entries.append(GradcheckEntry(
            name, "<u, J v>", a, num, err, _judge(a, num, err, stat, rtol, atol * scale),
            float(est.left[0, 0]), float(est.right[0, 0])))
    return report


def check_grads(f: Callable, args: Sequence, modes: Sequence[str] = ("fwd", "rev"),
                order: int = 2, *, eps: float | None = None, rtol: float | None = None,
                atol: float | None = None, seed: int = 0,
                mode: str = "directional") -> list[GradcheckReport]:
    """:func:`chainrule.testing.check_grads` with this module's numerical side: checks
    the first derivatives of ``f`` with :func:`gradcheck`, then (``order > 1``) those of
    its derivative functions -- ``jvp`` along a random ``v`` and ``vjp`` with a random
    ``u`` -- which are the second derivatives of ``f``, and so on.

    Orders are checked from the first up, and the first order that fails stops the check:
    the ``AssertionError`` names it ("the first derivative of f is wrong"), says that the
    orders below passed, and shows the per-entry table. Same signature as the original
    (``eps`` sets the first numerical step, default automatic), plus ``mode``; returns the
    reports (each with its ``order``).

    >>> import chainrule.numpy as cnp
    >>> [r.order for r in check_grads(cnp.tanh, (0.3,), order=2)]
    [1, 2, 2]
    """
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"check_grads: order must be a positive integer, got {order!r}")
    opts = {"mode": mode, "modes": modes, "atol": atol, "rtol": rtol, "step": eps}
    return _check_order(f, args, order, 1, _name(f), _name(f), opts, seed)


_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}


def _check_order(f: Callable, args: Any, order: int, level: int, base: str, label: str,
                 opts: dict, seed: int) -> list[GradcheckReport]:
    """Check ``f`` (the ``level - 1``-th derivative of ``base``, described by ``label``),
    then its derivative functions, up to ``order``."""
    report = gradcheck(f, args, raise_on_failure=False, seed=seed, **opts)
    report.name, report.order = label, level
    if not report.ok:
        nth = _ORDINALS.get(level, f"{level}th")
        lower = "; the lower orders passed" if level > 1 else ""
        raise AssertionError(f"check_grads: the {nth} derivative of {base} is wrong (checked "
                             f"as the derivatives of {label}){lower}; higher orders were not "
                             f"checked.\n" + report.table())
    if level >= order:
        return [report]
    p = _Problem(f, args)
    rng = np.random.default_rng(seed + 1)
    v = tuple(p.unflat(rng.standard_normal(p.x64.size), p.leaves))
    u = p.unflat_out(rng.standard_normal(sum(int(np.prod(s)) for s in p.out_shapes)))
    subs = []
    if "fwd" in opts["modes"]:
        subs.append((lambda *a: jvp(f, a, v)[1], f"jvp of {label} along a random v"))
    if "rev" in opts["modes"]:
        subs.append((lambda *a: vjp(f, *a)[1](u), f"vjp of {label} with a random u"))
    reports = [report]
    for g, sub in subs:
        reports += _check_order(g, p.args, order, level + 1, base, sub, opts, seed + 2)
    return reports
