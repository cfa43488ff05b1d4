"""Rich display in notebooks: small HTML tables and inline SVG sparklines.

Jupyter calls ``_repr_html_`` (and ``_repr_latex_``) on the value of a cell; chainrule's
result objects build theirs from these helpers. Everything is escaped text built here —
no template engine, no script, nothing fetched — so a result renders the same offline,
in a notebook that is not trusted, and in exported HTML.

>>> html_table(["x", "kind"], [[1.5, "a <b>"]])[-45:]
'<td>1.5</td><td>a &lt;b&gt;</td></tr></table>'
>>> sparkline([3.0, 2.0, 1.5])[:4]
'<svg'
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["html_table", "sparkline", "cell", "details"]

_STYLE = ("border-collapse:collapse;font-family:monospace;font-size:90%")


def cell(value: Any) -> str:
    """One table cell's text: numbers to 6 significant digits, everything escaped."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    return html.escape(str(value))


def html_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str = "",
               footer: str = "") -> str:
    """An HTML table of already-formatted or plain values (escaped here).

    Cells given as :class:`Markup` (see :func:`sparkline`) are inserted as they are.
    """
    out = [f'<table class="chainrule" style="{_STYLE}">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append("<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in headers) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{_html(v)}</td>" for v in row) + "</tr>")
    out.append("</table>")
    if footer:
        out.append(f"<p style='font-size:85%'>{html.escape(footer)}</p>")
    return "".join(out)


class Markup(str):
    """Text that is already HTML (made by this module), inserted without escaping."""


def _html(value: Any) -> str:
    return str(value) if isinstance(value, Markup) else cell(value)


def sparkline(values: Sequence[float], *, width: int = 160, height: int = 32,
              log: bool = False) -> Markup:
    """A small inline SVG line of ``values`` (non-finite values leave gaps)."""
    ys = [math.log10(v) if log and v > 0 else (v if not log else math.nan) for v in values]
    finite = [y for y in ys if math.isfinite(y)]
    if len(finite) < 2:
        return Markup(f'<svg width="{width}" height="{height}"></svg>')
    lo, hi = min(finite), max(finite)
    span = hi - lo or 1.0
    step = width / max(len(ys) - 1, 1)
    parts, run = [], []
    for i, y in enumerate(ys):
        if math.isfinite(y):
            run.append(f"{i * step:.1f},{height - 2 - (y - lo) / span * (height - 4):.1f}")
        elif run:
            parts.append(run)
            run = []
    if run:
        parts.append(run)
    lines = "".join(f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" '
                    f'points="{" ".join(p)}"/>' if len(p) > 1 else _dot(p[0]) for p in parts)
    return Markup(f'<svg width="{width}" height="{height}" '
                  f'xmlns="http://www.w3.org/2000/svg">{lines}</svg>')


def _dot(point: str) -> str:
    x, y = point.split(",")
    return f'<circle cx="{x}" cy="{y}" r="1.5" fill="#1f77b4"/>'


def details(summary: str, body_html: str, open_: bool = False) -> Markup:
    """A collapsible block (``<details>``): ``summary`` is escaped, ``body_html`` is not."""
    flag = " open" if open_ else ""
    return Markup(f"<details{flag}><summary>{html.escape(summary)}</summary>"
                  f"<div style='margin-left:1.2em'>{body_html}</div></details>")
