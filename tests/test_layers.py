"""Import direction between the package's layers, read from the source with ``ast``.

Layers, bottom to top: ``core`` (the engine), ``numpy`` (the rule tables and the
NumPy namespace), ``_api`` and ``testing`` (the transformations), then everything else
(``symbolic``, ``optim``, ``models``, ``plot``, ``cli``, ``lab``, the package itself...).
A module may import from its own layer or a lower one, never from a higher one.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "chainrule"
LAYER_NAMES = ["core", "numpy", "_api/testing", "the rest"]


def _module_name(path: Path) -> str:
    parts = ("chainrule",) + path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict:
    """Dotted module name -> (path, is_package)."""
    return {_module_name(p): (p, p.name == "__init__.py") for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()


def layer(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    if top == "core":
        return 0
    if top in ("numpy", "scipy"):  # scipy/ registers primitives beside numpy/
        return 1
    if top in ("_api", "testing"):
        return 2
    return 3


def imported_modules(source: str, module: str, is_package: bool, known) -> list:
    """(line, target) for every chainrule module that ``source`` imports, at any depth
    (imports inside functions count too)."""
    package = module if is_package else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for a in node.names:
                sub = f"{base}.{a.name}"
                out.append((node.lineno, sub if sub in known else base))
    return [(line, t) for line, t in out if t == "chainrule" or t.startswith("chainrule.")]


def violations(source: str, module: str, is_package: bool = False, known=MODULES) -> list:
    here = layer(module)
    return [f"{module}:{line} imports {t} ({LAYER_NAMES[layer(t)]}, above "
            f"{LAYER_NAMES[here]})"
            for line, t in imported_modules(source, module, is_package, known)
            if layer(t) > here]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_upward_imports(module):
    path, is_package = MODULES[module]
    assert violations(path.read_text(), module, is_package) == []


def test_the_scan_sees_the_package():
    assert {"chainrule.core.trace", "chainrule.numpy._base", "chainrule._api",
            "chainrule.testing"} <= set(MODULES)
    edges = set()
    for module, (path, is_package) in MODULES.items():
        for _, t in imported_modules(path.read_text(), module, is_package, MODULES):
            edges.add((module, t))
    # relative, package-relative, function-level and cross-layer imports are all resolved
    assert ("chainrule.numpy._base", "chainrule.core") in edges
    assert ("chainrule.core.reverse", "chainrule.core.primitive") in edges
    assert ("chainrule.numpy._methods", "chainrule.numpy") in edges
    assert ("chainrule._api._jacobians", "chainrule.numpy") in edges
    assert ("chainrule.testing", "chainrule._api") in edges


FORBIDDEN = [
    ("chainrule.core.trace", False, "from ..numpy import sin", "chainrule.numpy"),
    ("chainrule.core.trace", False, "from .. import numpy", "chainrule.numpy"),
    ("chainrule.core", True, "from .._api import grad", "chainrule._api"),
    ("chainrule.core.forward", False, "import chainrule.symbolic", "chainrule.symbolic"),
    ("chainrule.core.forward", False, "def f():\n    from ..optim import sgd", "chainrule.optim"),
    ("chainrule.core.tree", False, "from chainrule.models import mlp", "chainrule.models"),
    ("chainrule.core.tree", False, "from ..plot import show", "chainrule.plot"),
    ("chainrule.core.tree", False, "from .. import cli", "chainrule.cli"),
    ("chainrule.core.tree", False, "import chainrule.lab.ui", "chainrule.lab.ui"),
    ("chainrule.numpy._arrays", False, "from .._api import grad", "chainrule._api"),
    ("chainrule.numpy._ml", False, "from ..testing import check_grads", "chainrule.testing"),
    ("chainrule.numpy", True, "from .. import grad", "chainrule"),
    ("chainrule.numpy.linalg", False, "from ..symbolic.expr import Expr",
     "chainrule.symbolic.expr"),
    ("chainrule._api", False, "from .symbolic import diff", "chainrule.symbolic"),
    ("chainrule.testing", False, "import chainrule", "chainrule"),
]


@pytest.mark.parametrize("module,is_package,source,target", FORBIDDEN,
                         ids=[f"{m}<-{t}" for m, _, _, t in FORBIDDEN])
def test_upward_imports_are_caught(module, is_package, source, target):
    known = set(MODULES) | {"chainrule.optim", "chainrule.models", "chainrule.plot",
                            "chainrule.cli", "chainrule.symbolic", "chainrule.lab"}
    found = violations(source, module, is_package, known)
    assert len(found) == 1 and f"imports {target} " in found[0], found


ALLOWED = [
    ("chainrule.numpy._base", False, "from ..core import bind"),
    ("chainrule.numpy._methods", False, "def f():\n    from .. import numpy as cnp"),
    ("chainrule._api", False, "from .numpy._base import dtype\nfrom .core import bind"),
    ("chainrule.symbolic.expr", False, "from .._api import grad\nfrom ..core import Tracer"),
    ("chainrule", True, "from . import numpy, testing\nfrom ._api import grad"),
    ("chainrule.core.trace", False, "import numpy as np\nfrom __future__ import annotations"),
]


@pytest.mark.parametrize("module,is_package,source", ALLOWED, ids=[a[0] for a in ALLOWED])
def test_downward_imports_are_allowed(module, is_package, source):
    assert imported_modules(source, module, is_package, MODULES) or "numpy as np" in source
    assert violations(source, module, is_package) == []
