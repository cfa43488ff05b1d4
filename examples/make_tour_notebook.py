"""Write examples/tour.ipynb, the notebook tour (run: python examples/make_tour_notebook.py).

The notebook is kept without outputs; tests/test_notebook.py executes it in a fresh
kernel and checks what each cell displays (the ``expect`` entry of its metadata: how many
outputs of each kind: LaTeX, HTML, PNG images).
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    ("md", "# chainrule in a notebook\n\nEvery result below displays itself: formulas are "
           "typeset, tables and step trees are HTML, plots appear once. Run the cells in "
           "order."),
    ("code", "import numpy as np\n\nimport chainrule as cr\nimport chainrule.numpy as cnp\n"
             "import chainrule.plot as plot\n"
             "from chainrule.analysis import critical_points, tangent, taylor\n"
             "from chainrule.numeric import gradcheck\nfrom chainrule.optim import minimize\n"
             "from chainrule.symbolic import diff, hessian, parse, steps",
     {}),
    ("md", "## Symbolic derivatives\n\nA formula, its derivative, and how the derivative is "
           "found, step by step (click a step to open it)."),
    ("code", 'f = parse("x^2*sin(x)")\nf', {"latex": 1}),
    ("code", 'diff(f, "x")', {"latex": 1}),
    ("code", 'steps(f, "x")', {"html": 1, "latex": 1}),
    ("code", 'taylor(parse("exp(x)"), "x", 0, 4)', {"latex": 1}),
    ("code", 'tangent(f, "x", 1.0)', {"latex": 1}),
    ("code", 'hessian(parse("x^2*y + y^3"), ["x", "y"])', {"latex": 1}),
    ("md", "## Critical points\n\nFound and classified; the note says whether the list is "
           "proven complete."),
    ("code", 'critical_points(parse("x^3 - 3*x"), ["x"], [(-3, 3)])', {"html": 1}),
    ("md", "## Automatic differentiation and optimization"),
    ("code", "cr.grad(lambda x: cnp.sum(cnp.sin(x) ** 2))(np.linspace(0.0, 1.0, 4))", {}),
    ("code", "rosenbrock = lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2\n"
             "result = minimize(rosenbrock, np.array([-1.0, 1.0]), method='adam',\n"
             "                  learning_rate=0.05, maxiter=300)\nresult", {"html": 1}),
    ("code", "gradcheck(lambda x: cnp.sin(x) * x, (np.linspace(0.0, 1.0, 3),))", {"html": 1}),
    ("md", "## Plots\n\nEach figure appears once."),
    ("code", 'plot.tangents("x^2*sin(x)", at=[0.5, 2.0])', {"png": 1}),
    ("code", "plot.contour_paths(rosenbrock, xlim=(-1.5, 1.5), ylim=(-0.5, 1.5),\n"
             "                   histories=[result.history], labels=['adam'])",
     {"png": 1}),
]


def build() -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for kind, text, *expect in CELLS:
        if kind == "md":
            nb.cells.append(new_markdown_cell(text))
        else:
            cell = new_code_cell(text)
            cell.metadata["chainrule"] = {"expect": expect[0]}
            nb.cells.append(cell)
    return nb


if __name__ == "__main__":
    path = Path(__file__).with_name("tour.ipynb")
    nbformat.write(build(), path)
    print(f"wrote {path}")
