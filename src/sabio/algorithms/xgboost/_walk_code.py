"""Trees as Python code: the fastest way to score a few rows in CPython.

A NumPy walk pays about 1 µs per array call, several calls per depth level, whatever the
number of rows. For one row it is faster to run each tree as nested ``if`` statements —
``if x3 < 0.52: ... else: ...`` — in one generated function: a few nanoseconds a split. The
source is built only from integers (feature indices) and finite floats written with
``repr`` (split and leaf values, each a float32 exactly representable as a Python float),
so comparing a float32 row converted to Python floats takes exactly XGBoost's branches. A
missing value (NaN) follows each node's default direction as in XGBoost, at no cost: every
comparison with NaN is false, so a node whose default is the left child is written
``if not x3 >= 0.52:`` (the same branch as ``x3 < 0.52`` for a number).

The function returns the leaf values packed as float32 (``struct``), which NumPy reads
without converting a hundred Python floats one by one; the caller adds them in float32,
in tree order, as XGBoost does.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["LeafFunction", "leaf_function"]

#: ``leaves(row)`` → the ``start`` value (when one was given) and each tree's leaf value,
#: packed as native float32; ``row`` is a list of Python floats (NaN for a missing value).
LeafFunction = Callable[[list[float]], bytes]

_MAX_NODES = 200_000  # bigger models compile slowly and gain little: NumPy walk only
_MAX_DEPTH = 48  # CPython refuses much deeper indentation (100 levels)
# Up to this many features the row is unpacked into local variables first (a local is
# cheaper to read than a list item); wider rows are indexed.
_MAX_LOCALS = 256


def _literal(value: Any) -> str | None:
    number = float(np.float32(value))
    return repr(number) if math.isfinite(number) else None


def _emit(tree: dict[str, Any], index: int, lines: list[str], unpacked: bool) -> bool:
    left, right = tree["left_children"], tree["right_children"]
    features, conditions = tree["split_indices"], tree["split_conditions"]
    default_left = tree["default_left"]
    stack: list[tuple[int, int, bool]] = [(0, 1, False)]  # (node, depth, an else branch)
    while stack:
        node, depth, is_else = stack.pop()
        if depth > _MAX_DEPTH:
            return False
        pad = "    " * depth
        if is_else:
            lines.append(pad[:-4] + "else:")
        value = _literal(conditions[node])
        if value is None:
            return False
        if left[node] < 0:
            lines.append(f"{pad}v{index} = {value}")
            continue
        feature = f"x{int(features[node])}" if unpacked else f"x[{int(features[node])}]"
        if default_left[node]:
            lines.append(f"{pad}if not {feature} >= {value}:")
        else:
            lines.append(f"{pad}if {feature} < {value}:")
        # The right subtree is written after the left one: push it first.
        stack.append((int(right[node]), depth + 1, True))
        stack.append((int(left[node]), depth + 1, False))
    return True


def leaf_function(
    trees: list[dict[str, Any]], n_features: int, start: float | None = None
) -> LeafFunction | None:
    """The generated ``leaves(row)`` for XGBoost JSON ``trees`` over rows of ``n_features``
    values, or None when the model is too big or holds a value that is not a finite number.

    ``start`` (a single-output model's base margin) comes first, so that one sequential
    float32 sum of the values gives the margin.
    """
    if sum(len(tree["left_children"]) for tree in trees) > _MAX_NODES:
        return None
    values = [f"v{i}" for i in range(len(trees))]
    if start is not None:
        literal = _literal(start)
        if literal is None:
            return None
        values.insert(0, literal)
    unpacked = 0 < n_features <= _MAX_LOCALS and all(
        max(tree["split_indices"], default=0) < n_features for tree in trees
    )
    lines = ["def leaves(x):"]
    if unpacked:
        lines.append(f"    {''.join(f'x{i}, ' for i in range(n_features))}= x")
    for index, tree in enumerate(trees):
        if not _emit(tree, index, lines, unpacked):
            return None
    lines.append(f"    return pack({', '.join(values)})")
    # Every value is a finite float32, so packing it is exact and cannot overflow.
    namespace: dict[str, Any] = {"pack": struct.Struct(f"={len(values)}f").pack}
    exec(compile("\n".join(lines), "<sabio xgboost trees>", "exec"), namespace)
    function: LeafFunction = namespace["leaves"]
    return function
