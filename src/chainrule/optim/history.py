"""The per-step record kept by :func:`~chainrule.optim.minimize` and
:func:`~chainrule.optim.fit`.

Entry ``k`` describes the parameters after ``k`` steps (entry 0 is the start): the
parameters, the loss and the gradient norm there, and the learning rate and clipping of
the step taken from there. The last entry took no step, so its learning rate is NaN and
its ``clipped`` is False.

>>> h = History()
>>> h.record(4.0, 16.0, 8.0)
>>> h.mark_step(0.1, False)
>>> h.record(3.2, 10.24, 6.4)
>>> h.loss.tolist(), h.learning_rate.tolist(), len(h)
([16.0, 10.24], [0.1, nan], 2)
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from .._display import html_table, sparkline
from .states import ClipByGlobalNormState, ScaleByLearningRateState

__all__ = ["History", "step_info", "history_html"]


class History:
    """Per-step ``params`` (a list), ``loss``, ``grad_norm``, ``learning_rate`` (float
    arrays) and ``clipped`` (a bool array), all of the same length.

    >>> h = History()
    >>> h.record({"w": 1.0}, 2.0, 3.0)
    >>> sorted(h.as_dict())
    ['clipped', 'grad_norm', 'learning_rate', 'loss', 'params']
    """

    def __init__(self) -> None:
        self.params: list = []
        self._loss: list[float] = []
        self._grad_norm: list[float] = []
        self._lr: list[float] = []
        self._clipped: list[bool] = []

    def record(self, params: Any, loss: float, grad_norm: float) -> None:
        """Add an entry for ``params``; its step is filled in by :meth:`mark_step`."""
        self.params.append(params)
        self._loss.append(float(loss))
        self._grad_norm.append(float(grad_norm))
        self._lr.append(math.nan)
        self._clipped.append(False)

    def mark_step(self, learning_rate: float, clipped: bool) -> None:
        """Record the learning rate and clipping of the step taken from the last entry."""
        self._lr[-1] = float(learning_rate)
        self._clipped[-1] = bool(clipped)

    @property
    def loss(self) -> np.ndarray:
        return np.array(self._loss, dtype=float)

    @property
    def grad_norm(self) -> np.ndarray:
        return np.array(self._grad_norm, dtype=float)

    @property
    def learning_rate(self) -> np.ndarray:
        return np.array(self._lr, dtype=float)

    @property
    def clipped(self) -> np.ndarray:
        return np.array(self._clipped, dtype=bool)

    def __len__(self) -> int:
        return len(self._loss)

    def __iter__(self) -> Iterator[dict]:
        """One dict per entry."""
        for k in range(len(self)):
            yield {"params": self.params[k], "loss": self._loss[k],
                   "grad_norm": self._grad_norm[k], "learning_rate": self._lr[k],
                   "clipped": self._clipped[k]}

    def as_dict(self) -> dict[str, Any]:
        """The columns as a dict: ``params`` a list, the others NumPy arrays."""
        return {"params": list(self.params), "loss": self.loss, "grad_norm": self.grad_norm,
                "learning_rate": self.learning_rate, "clipped": self.clipped}

    def __repr__(self) -> str:
        last = f", last loss {self._loss[-1]:.6g}" if self._loss else ""
        return f"History({len(self)} entries{last})"

    def _repr_html_(self) -> str:
        """In a notebook: the loss and gradient-norm curves as sparklines (log scale when
        positive), and the first, last and a few middle steps as a table."""
        return history_html(self)


def _states(state: Any) -> Iterator[Any]:
    yield state
    if isinstance(state, (tuple, list)):
        for s in state:
            yield from _states(s)
    elif isinstance(state, dict):
        for s in state.values():
            yield from _states(s)


def step_info(opt_state: Any) -> tuple[float, bool]:
    """The learning rate of the latest update and whether it was clipped, read from an
    optimizer state (NaN / False when the state does not say).

    >>> from chainrule.optim import adam, chain, clip_by_global_norm
    >>> opt = chain(clip_by_global_norm(1.0), adam(0.5))
    >>> step_info(opt.update(3.0, opt.init(0.0), 0.0)[1])
    (0.5, True)
    """
    lr, clipped = math.nan, False
    for s in _states(opt_state):
        if isinstance(s, ScaleByLearningRateState):
            lr = s.learning_rate
        elif isinstance(s, ClipByGlobalNormState):
            clipped = clipped or bool(s.clipped)
    return lr, clipped


def _shown_rows(n: int, most: int = 8) -> list[int]:
    if n <= most:
        return list(range(n))
    head = list(range(most // 2))
    return head + [-1] + list(range(n - most // 2, n))


def history_html(h: History, title: str = "") -> str:
    """The notebook display of a :class:`History` (used by results that hold one)."""
    loss, gn = h.loss, h.grad_norm
    positive = bool(len(loss)) and bool(np.all(loss[np.isfinite(loss)] > 0))
    lines = html_table(
        ["", "first", "last", "curve"],
        [["loss", float(loss[0]) if len(loss) else "", float(loss[-1]) if len(loss) else "",
          sparkline(list(loss), log=positive)],
         ["|grad|", float(gn[0]) if len(gn) else "", float(gn[-1]) if len(gn) else "",
          sparkline(list(gn), log=True)]],
        caption=title or f"History: {len(h)} entries")
    rows = []
    for k in _shown_rows(len(h)):
        if k < 0:
            rows.append(["...", "", "", "", ""])
            continue
        rows.append([k, h._loss[k], h._grad_norm[k], h._lr[k], h._clipped[k]])
    return lines + html_table(["step", "loss", "|grad|", "learning rate", "clipped"], rows)

