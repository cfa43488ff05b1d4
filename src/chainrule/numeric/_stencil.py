"""Finite-difference stencils: exact weights (Fornberg's algorithm) and the stencil shapes
the extrapolation engine uses.

Every stencil's offsets are 0 or plus/minus a power of two, in units of the step ``h`` of
the level it belongs to. With steps that halve from one level to the next, the point
``x + 2**p * h_k`` is the point ``x + h_(k-p)`` of an earlier level, so a stencil of any
order needs only two new evaluations per level (one for one-sided stencils).

>>> central(3).offsets, central(3).weights
((-2, -1, 1, 2), (-0.5, 1.0, -1.0, 0.5))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Stencil", "central", "fd_weights", "one_sided"]


def fd_weights(offsets: Sequence[int], order: int) -> tuple[float, ...]:
    """Weights ``w`` with ``sum(w[i] * f(x + offsets[i] * h)) / h**order ~ f^(order)(x)``.

    Fornberg's algorithm, in exact rational arithmetic, then rounded once to floats.

    >>> fd_weights([-1, 0, 1], 2)
    (1.0, -2.0, 1.0)
    >>> fd_weights([0, 1, 2], 1)
    (-1.5, 2.0, -0.5)
    """
    z = [Fraction(s) for s in offsets]
    if len(set(z)) != len(z) or order >= len(z) or order < 0:
        raise ValueError(f"fd_weights: need {order + 1} or more distinct offsets, got {offsets}")
    m, n = order, len(z) - 1
    c = [[Fraction(0)] * (m + 1) for _ in range(n + 1)]
    c[0][0] = Fraction(1)
    c1, c4 = Fraction(1), z[0]
    for i in range(1, n + 1):
        mn, c2, c5, c4 = min(i, m), Fraction(1), c4, z[i]
        for j in range(i):
            c3 = z[i] - z[j]
            c2 *= c3
            if j == i - 1:
                for k in range(mn, 0, -1):
                    c[i][k] = c1 * (k * c[i - 1][k - 1] - c5 * c[i - 1][k]) / c2
                c[i][0] = -c1 * c5 * c[i - 1][0] / c2
            for k in range(mn, 0, -1):
                c[j][k] = (c4 * c[j][k] - k * c[j][k - 1]) / c3
            c[j][0] = c4 * c[j][0] / c3
        c1 = c2
    return tuple(float(c[i][m]) for i in range(n + 1))


@dataclass(frozen=True)
class Stencil:
    """One finite-difference formula for the ``order``-th derivative.

    Attributes:
        order: the derivative it approximates.
        offsets: 0 or +-2**p, in units of the level's step.
        weights: the matching weights (divide the sum by ``h**order``).
        power: the error expands in powers of ``h**power`` (2: symmetric, 1: one-sided).
    """

    order: int
    offsets: tuple[int, ...]
    weights: tuple[float, ...]
    power: int

    @property
    def abs_weight(self) -> float:
        """Sum of the absolute weights: how much the stencil amplifies round-off."""
        return sum(abs(w) for w in self.weights)


def _make(order: int, offsets: tuple[int, ...], power: int) -> Stencil:
    return Stencil(order, offsets, fd_weights(offsets, order), power)


def central(order: int) -> Stencil:
    """The shortest symmetric stencil: its error has only even powers of ``h``.

    >>> central(1).weights
    (-0.5, 0.5)
    """
    offsets = {1: (-1, 1), 2: (-1, 0, 1), 3: (-2, -1, 1, 2), 4: (-2, -1, 0, 1, 2)}
    if order not in offsets:
        raise ValueError(f"orders 1 to 4 are supported, got {order!r}")
    return _make(order, offsets[order], 2)


def one_sided(order: int, sign: int) -> Stencil:
    """A one-sided stencil on ``0, s, 2s, 4s, ...`` (``s = sign``): it needs ``f`` only at
    ``x`` and on one side of it.

    >>> one_sided(1, -1).offsets, one_sided(1, -1).weights
    ((0, -1), (1.0, -1.0))
    """
    if order not in (1, 2, 3, 4):
        raise ValueError(f"orders 1 to 4 are supported, got {order!r}")
    return _make(order, (0,) + tuple(sign * 2 ** p for p in range(order)), 1)
