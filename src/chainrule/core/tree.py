"""Pytrees: nested tuples, lists, dicts (and named tuples) of arrays.

Transformations accept and return pytrees. A tree is flattened into its leaves and a
``TreeDef`` that can rebuild the same structure around new leaves. ``None`` is an empty
subtree, as in JAX; dict keys are visited in sorted order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

__all__ = ["TreeDef", "tree_flatten", "tree_unflatten", "tree_map", "tree_leaves"]


class TreeDef(NamedTuple):
    kind: Any          # "leaf", None, tuple, list, dict, or a namedtuple class
    meta: Any          # dict keys, or None
    children: tuple    # TreeDefs of the children

    @property
    def num_leaves(self) -> int:
        if self.kind == "leaf":
            return 1
        return sum(c.num_leaves for c in self.children)


_LEAF = TreeDef("leaf", None, ())
_NONE = TreeDef(None, None, ())


def _is_namedtuple(x: Any) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def tree_flatten(tree: Any) -> tuple[list, TreeDef]:
    """Leaves of ``tree`` in a fixed order, and the structure around them."""
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(x: Any, leaves: list) -> TreeDef:
    if x is None:
        return _NONE
    if isinstance(x, (tuple, list)):
        kind = type(x) if _is_namedtuple(x) else (tuple if isinstance(x, tuple) else list)
        return TreeDef(kind, None, tuple(_flatten(c, leaves) for c in x))
    if isinstance(x, dict):
        keys = sorted(x)
        return TreeDef(dict, tuple(keys), tuple(_flatten(x[k], leaves) for k in keys))
    leaves.append(x)
    return _LEAF


def tree_unflatten(treedef: TreeDef, leaves: list) -> Any:
    """Rebuild a tree of the structure ``treedef`` around ``leaves``."""
    it = iter(leaves)
    out = _unflatten(treedef, it)
    return out


def _unflatten(td: TreeDef, it) -> Any:
    if td.kind == "leaf":
        return next(it)
    if td.kind is None:
        return None
    children = [_unflatten(c, it) for c in td.children]
    if td.kind is dict:
        return dict(zip(td.meta, children))
    if td.kind in (tuple, list):
        return td.kind(children)
    return td.kind(*children)


def tree_leaves(tree: Any) -> list:
    return tree_flatten(tree)[0]


def tree_map(f: Callable, tree: Any, *rest: Any) -> Any:
    """Apply ``f`` to corresponding leaves of ``tree`` and the trees in ``rest``."""
    leaves, td = tree_flatten(tree)
    others = [tree_flatten(r)[0] for r in rest]
    for o in others:
        if len(o) != len(leaves):
            raise ValueError("tree_map: the trees have different structures")
    return tree_unflatten(td, [f(*xs) for xs in zip(leaves, *others)])
