"""Structure checks for the pytrees an optimizer pairs leaf by leaf.

``apply_updates`` and every transformation's ``update`` compare the tree definitions
(:class:`chainrule.core.TreeDef`) of the trees they combine, so that ``{"a", "b"}`` is
never paired with ``{"b", "c"}`` by position; the error names the differing keys or
paths. Leaves must also keep the parameter's shape.

>>> check_same_structure({"a": 0, "b": 0}, {"b": 1, "c": 5}, "apply_updates",
...                      "params", "updates")
Traceback (most recent call last):
...
ValueError: apply_updates: updates do not have the structure of params: at the top \
level, key 'a' is missing and key 'c' is not in params
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ..core import TreeDef, tree_flatten

__all__ = ["check_same_structure", "check_same_shapes", "leaf_paths"]


def _kind(td: TreeDef) -> str:
    if td.kind == "leaf":
        return "a leaf"
    if td.kind is None:
        return "None"
    return f"a {getattr(td.kind, '__name__', td.kind)}"


def _describe(a: TreeDef, b: TreeDef, path: str, b_name: str) -> Iterator[str]:
    where = f"at {path}" if path else "at the top level"
    if a.kind != b.kind:
        yield f"{where}, {_kind(a)} was expected and {_kind(b)} was given"
        return
    if a.kind is dict and a.meta != b.meta:
        missing = [k for k in a.meta if k not in b.meta]
        extra = [k for k in b.meta if k not in a.meta]
        parts = [f"key {k!r} is missing" for k in missing]
        parts += [f"key {k!r} is not in {b_name}" for k in extra]
        yield f"{where}, " + " and ".join(parts)
        return
    if len(a.children) != len(b.children):
        yield f"{where}, {len(a.children)} entries were expected and {len(b.children)} given"
        return
    labels = a.meta if a.kind is dict else range(len(a.children))
    for label, ca, cb in zip(labels, a.children, b.children):
        yield from _describe(ca, cb, f"{path}[{label!r}]", b_name)


def check_same_structure(expected: Any, got: Any, where: str, expected_name: str,
                         got_name: str) -> None:
    """Raise ``ValueError`` unless ``got`` has the tree structure of ``expected``."""
    ta, tb = tree_flatten(expected)[1], tree_flatten(got)[1]
    if ta == tb:
        return
    diffs = list(_describe(ta, tb, "", expected_name))[:5]
    raise ValueError(f"{where}: {got_name} do not have the structure of {expected_name}: "
                     + "; ".join(diffs))


def leaf_paths(tree: Any, path: str = "") -> Iterator[str]:
    """The path of each leaf, in the order of ``tree_flatten`` (dict keys sorted).

    >>> list(leaf_paths({"w": [1.0, 2.0], "b": 0.0}))
    ["['b']", "['w'][0]", "['w'][1]"]
    """
    if tree is None:
        return
    if isinstance(tree, (tuple, list)):
        for i, child in enumerate(tree):
            yield from leaf_paths(child, f"{path}[{i}]")
    elif isinstance(tree, dict):
        for key in sorted(tree):
            yield from leaf_paths(tree[key], f"{path}[{key!r}]")
    else:
        yield path


def check_same_shapes(params: Any, updates: Any, where: str) -> None:
    """Raise ``ValueError`` if adding an update leaf would change a parameter's shape
    (structures are assumed equal)."""
    p_leaves, u_leaves = tree_flatten(params)[0], tree_flatten(updates)[0]
    for k, (p, u) in enumerate(zip(p_leaves, u_leaves)):
        ps, us = np.shape(p), np.shape(u)
        if ps == us:
            continue
        try:
            ok = np.broadcast_shapes(ps, us) == ps
        except ValueError:
            ok = False
        if not ok:
            path = list(leaf_paths(params))[k] or "the top level"
            raise ValueError(f"{where}: the update at {path} has shape {us}, which does not "
                             f"fit the parameter's shape {ps}")
