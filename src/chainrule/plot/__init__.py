"""Plots for chainrule: derivatives, tangents, optimizer paths, loss curves, models.

matplotlib is an optional extra (``pip install "chainrule[plot]"``); it is imported only
when a plot is made. Every function returns a matplotlib Figure and takes ``ax=`` to draw
into existing axes. Functions may be given as a formula string, an Expr or a Python
callable, everywhere (one adapter, :func:`._function.as_function`, reads them all).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .calculus import (
    critical_points_plot,
    error_curve_plot,
    function_and_derivatives,
    tangents,
    taylor_polynomials,
)
from .contours import contour_paths, surface
from .models import decision_boundary, kmeans_clusters
from .optim import curve_paths, learning_rate_comparison, loss_curves


def save(fig: Any, path: Any, *, dpi: int = 120) -> Path:
    """Save ``fig`` as PNG or SVG (chosen by the extension) with a tight layout, into a
    folder that exists (none is created)."""
    path = Path(path)
    ext = path.suffix.lower().lstrip(".")
    if ext not in ("png", "svg"):
        raise ValueError(f"save writes .png or .svg files, got {path.name!r}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"directory does not exist: {path.parent}")
    fig.savefig(path, format=ext, dpi=dpi, bbox_inches="tight")
    return path


__all__ = [
    "contour_paths",
    "critical_points_plot",
    "curve_paths",
    "decision_boundary",
    "error_curve_plot",
    "function_and_derivatives",
    "kmeans_clusters",
    "learning_rate_comparison",
    "loss_curves",
    "save",
    "surface",
    "tangents",
    "taylor_polynomials",
]
