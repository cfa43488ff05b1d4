"""How many digits a function's values really carry.

A function that computes in float16 or float32 has values good to about ``2**-10`` or
``2**-23`` of their size, and no finite-difference error estimate built on float64
round-off applies to it. The precision shows in the dtype of the values, or -- when ``f``
converts back to float64 -- in the values themselves: when every one of them is exactly a
float16 (or float32) number, ``f`` computed in that precision. (A float64 computation
lands on a float32 number about once in 2**29 values.)

>>> p = Precision()
>>> p.observe(np.float32([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]).astype(float))
>>> p.detected() == float(np.finfo(np.float32).eps)
True
"""

from __future__ import annotations

import numpy as np

__all__ = ["EPS64", "Precision"]

EPS64 = float(np.finfo(np.float64).eps)
MIN_VALUES = 8  # distinct non-zero values needed before the values alone decide


class Precision:
    """Watches a function's outputs; :attr:`eps` is known from the dtype at once,
    :meth:`detected` also reads the values."""

    def __init__(self) -> None:
        self.eps = EPS64
        self.fits = {np.float16: True, np.float32: True}
        self.values: set[float] = set()

    def observe(self, out: np.ndarray) -> None:
        """Take note of one array of outputs (real or complex)."""
        if np.issubdtype(out.dtype, np.inexact):
            self.eps = max(self.eps, float(np.finfo(out.dtype).eps))
        parts = (out.real, out.imag) if np.iscomplexobj(out) else (out,)
        for part in parts:
            v = np.asarray(part, dtype=np.float64).ravel()
            v = v[np.isfinite(v) & (v != 0)]
            if not v.size:
                continue
            if len(self.values) < 4 * MIN_VALUES:
                self.values.update(v[:4 * MIN_VALUES].tolist())
            for kind in self.fits:
                if self.fits[kind]:
                    with np.errstate(all="ignore"):
                        self.fits[kind] = bool(np.all(v.astype(kind).astype(float) == v))

    def detected(self) -> float:
        """The relative precision of the values seen so far."""
        eps = self.eps
        if len(self.values) >= MIN_VALUES:
            for kind in (np.float16, np.float32):
                if self.fits[kind]:
                    return max(eps, float(np.finfo(kind).eps))
        return eps
