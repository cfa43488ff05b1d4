"""Lists of expressions that typeset themselves in a notebook: gradients (a column) and
Jacobians and Hessians (a matrix). They are plain lists in every other way.

>>> from chainrule.symbolic import hessian, parse
>>> h = hessian(parse("x^2*y"), ["x", "y"])
>>> h == [[h[0][0], h[0][1]], [h[1][0], h[1][1]]], h._repr_latex_()[:24]
(True, '$\\\\begin{pmatrix}2 y & 2 ')
"""

from __future__ import annotations

__all__ = ["ExprVector", "ExprMatrix"]


def _tex(e) -> str:
    from .printing import latex
    return latex(e)


class ExprVector(list):
    """A list of expressions, shown as a column vector."""

    def _repr_latex_(self) -> str:
        return "$\\begin{pmatrix}" + " \\\\ ".join(_tex(e) for e in self) + "\\end{pmatrix}$"


class ExprMatrix(list):
    """A list of rows of expressions, shown as a matrix."""

    def _repr_latex_(self) -> str:
        rows = (" & ".join(_tex(e) for e in row) for row in self)
        return "$\\begin{pmatrix}" + " \\\\ ".join(rows) + "\\end{pmatrix}$"
