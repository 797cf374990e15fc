"""XGBoost predictions for a few rows without XGBoost's per-call overhead.

``Booster.inplace_predict`` spends about 0.3 ms on a single row of a 100-tree model, nearly
all of it fixed cost (configuration, thread dispatch), which is most of a request to a model
server. :class:`TreeWalker` lays every tree of a ``gbtree`` model out in flat NumPy arrays
and walks all trees for all rows one depth level at a time, the way XGBoost's CPU predictor
does it: features compared in float32 (``x < split``, a missing value follows the node's
default direction) and leaf values added in tree order to the base margin in float32. Up to
:data:`CODE_MAX_ROWS` rows run the trees as generated Python code instead
(:mod:`~sabio.algorithms.xgboost._walk_code`), and a single-output model's sigmoid or
exponential is then computed on Python floats rounded to float32 after each operation,
which reproduces XGBoost's ``expf``-based transform (NumPy's float32 ``exp`` is off by
one unit in the last place for about one margin in ten).

A walker is only built when a self-check on probe rows (drawn around the model's own split
values, missing values included) agrees with the booster; anything it does not cover
(categorical splits, vector leaves, DART, linear boosters, other objectives) leaves
:meth:`TreeWalker.compile` returning None, and callers keep using the booster.
"""

from __future__ import annotations

import json
import math
from array import array
from typing import Any

import numpy as np
import numpy.typing as npt

from sabio.algorithms.xgboost._walk_code import LeafFunction, leaf_function

__all__ = ["CODE_MAX_ROWS", "WALK_MAX_CELLS", "TreeWalker"]

Arr = npt.NDArray[Any]

#: Above this many rows x trees a request goes to the booster: XGBoost's own loop wins
#: there (on 100 trees of depth 6 the two are even at about 50 rows).
WALK_MAX_CELLS = 4096
#: Up to this many rows run the trees as generated Python code.
CODE_MAX_ROWS = 8
_PROBE_ROWS = 256
_TOLERANCE = 1e-6

# Output transforms of the objectives the walker reproduces (XGBoost's PredTransform).
_SIGMOID = frozenset({"binary:logistic", "reg:logistic"})
_IDENTITY = frozenset(
    {
        "reg:squarederror",
        "reg:linear",
        "reg:squaredlogerror",
        "reg:pseudohubererror",
        "reg:absoluteerror",
        "reg:quantileerror",
        "binary:logitraw",
        "rank:pairwise",
        "rank:ndcg",
        "rank:map",
    }
)
_EXP = frozenset({"count:poisson", "reg:gamma", "reg:tweedie", "survival:cox"})
_MULTI = frozenset({"multi:softprob", "multi:softmax"})
# XGBoost's sigmoid computes expf(min(-margin, 88.7f)), so that the exponential stays finite.
_SIGMOID_CLAMP = float(np.float32(88.7))
# math.exp overflows (raises) above this; expf is already infinite above 88.73.
_EXP_LIMIT = 709.0


# A float stored into an array("f") is rounded to the nearest float32 (infinite beyond
# its range, as a C cast); each call makes its own array, so threads never share one.
def _sigmoid(margin: float) -> float:
    """XGBoost's float32 sigmoid ``1 / (1 + expf(min(-margin, 88.7)))`` of one margin."""
    value = array("f", (math.exp(min(-margin, _SIGMOID_CLAMP)),))
    value[0] = 1.0 + value[0]
    value[0] = 1.0 / value[0]
    return value[0]


def _exp(margin: float) -> float:
    """XGBoost's float32 ``expf(margin)`` of one margin."""
    return array("f", (math.exp(margin),))[0] if margin < _EXP_LIMIT else math.inf


def _base_margins(objective: str, text: str, n_groups: int) -> Arr | None:
    """XGBoost's ProbToMargin of the stored base score(s): one starting margin per group.

    XGBoost 3 stores one intercept per class (``"[a,b,c]"``), older versions one number.
    """
    values = json.loads(text) if text.lstrip().startswith("[") else [float(text)]
    scores = np.asarray(values, dtype=np.float32)
    if scores.shape[0] == 1:
        scores = np.repeat(scores, n_groups)
    if scores.shape[0] != n_groups:
        return None
    # XGBoost's logf, like its expf, is the float64 logarithm rounded to float32 (NumPy's
    # float32 log is one unit in the last place off for some scores).
    if objective in _SIGMOID:
        odds = np.float32(1.0) / scores - np.float32(1.0)  # in float32, as XGBoost
        return np.asarray(-np.log(odds.astype(np.float64)), dtype=np.float32)
    if objective in _EXP:
        return np.asarray(np.log(scores.astype(np.float64)), dtype=np.float32)
    return scores


class TreeWalker:
    """A ``gbtree`` booster's trees in flat arrays, predicting like ``inplace_predict``.

    Build with :meth:`compile`; call :meth:`predict`.
    """

    def __init__(
        self,
        *,
        objective: str,
        n_features: int,
        base_margins: Arr,
        roots: Arr,
        tree_groups: Arr,
        nodes: dict[str, Arr],
        depth: int,
        leaves_of_row: LeafFunction | None = None,
    ) -> None:
        self.objective = objective
        self.n_features = n_features
        self.n_groups = base_margins.shape[0]
        self.base_margins = base_margins
        self.depth = depth
        # Every array is indexed by a "slot" 2 * node + branch, so one step of the walk is
        # ``slot = next_slot[slot + (x[feature[slot]] < split[slot])]``: branch 1 is the
        # left child (x < split), branch 0 the right one; a leaf leads back to itself.
        double = np.repeat
        self._roots = 2 * roots
        self._feature = double(nodes["feature"], 2)
        self._split = double(nodes["split"], 2)
        self._default_left = double(nodes["default_left"], 2)
        self._leaf_value = double(nodes["value"], 2)
        self._next = nodes["next"]
        self._internal = nodes["internal"]
        self._group_trees = [np.flatnonzero(tree_groups == g) for g in range(self.n_groups)]
        # A single-output model's generated code returns its base margin before the leaves.
        self._leaves_of_row = leaves_of_row
        # The output transform of one margin (None: the identity, or several classes).
        self._scalar = _sigmoid if objective in _SIGMOID else _exp if objective in _EXP else None

    # ------------------------------------------------------------------ building
    @classmethod
    def compile(cls, booster: Any) -> TreeWalker | None:
        """The walker for ``booster``, or None when it is not covered or disagrees."""
        try:
            walker = cls._from_json(json.loads(bytes(booster.save_raw(raw_format="json"))))
        except (KeyError, ValueError, TypeError, IndexError):
            return None
        if walker is None or not walker._agrees_with(booster):
            return None
        return walker

    @classmethod
    def _from_json(cls, model: dict[str, Any]) -> TreeWalker | None:
        learner = model["learner"]
        objective = learner["objective"]["name"]
        booster = learner["gradient_booster"]
        if booster.get("name") != "gbtree":
            return None  # dart weights trees, gblinear has none
        if objective not in _SIGMOID | _IDENTITY | _EXP | _MULTI:
            return None
        params = learner["learner_model_param"]
        if int(params.get("num_target", "1")) > 1:
            return None
        n_groups = max(1, int(params.get("num_class", "0")))
        base_margins = _base_margins(objective, params["base_score"], n_groups)
        if base_margins is None:
            return None
        trees = booster["model"]["trees"]
        if not trees:
            return None
        feature, split, steps, default_left, value, internal, roots = ([] for _ in range(7))
        depth, offset = 0, 0
        for tree in trees:
            if int(tree["tree_param"].get("size_leaf_vector", "1")) > 1:
                return None
            if any(int(kind) != 0 for kind in tree.get("split_type", [])):
                return None  # categorical splits
            left = np.asarray(tree["left_children"], dtype=np.int64)
            right = np.asarray(tree["right_children"], dtype=np.int64)
            own = np.arange(left.shape[0], dtype=np.int64)
            leaf = left < 0
            step = np.empty((left.shape[0], 2), dtype=np.int64)
            step[:, 0] = 2 * (np.where(leaf, own, right) + offset)
            step[:, 1] = 2 * (np.where(leaf, own, left) + offset)
            steps.append(step.reshape(-1))
            feature.append(np.where(leaf, 0, np.asarray(tree["split_indices"], dtype=np.int64)))
            conditions = np.asarray(tree["split_conditions"], dtype=np.float32)
            split.append(np.where(leaf, np.float32(0), conditions))
            value.append(np.where(leaf, conditions, np.float32(0)))
            default_left.append(np.asarray(tree["default_left"], dtype=bool))
            internal.append(~leaf)
            roots.append(offset)
            depth = max(depth, _tree_depth(left, right))
            offset += left.shape[0]
        return cls(
            objective=objective,
            n_features=int(params["num_feature"]),
            base_margins=base_margins,
            roots=np.asarray(roots, dtype=np.int64),
            tree_groups=np.asarray(booster["model"]["tree_info"], dtype=np.int64),
            nodes={
                "feature": np.concatenate(feature).astype(np.intp),
                "split": np.concatenate(split).astype(np.float32),
                "next": np.concatenate(steps).astype(np.intp),
                "default_left": np.concatenate(default_left),
                "value": np.concatenate(value).astype(np.float32),
                "internal": np.concatenate(internal),
            },
            depth=depth,
            leaves_of_row=leaf_function(
                trees,
                int(params["num_feature"]),
                start=float(base_margins[0]) if n_groups == 1 else None,
            ),
        )

    def _probe_rows(self) -> Arr:
        """Rows whose features sit on, just below and just above the model's split values."""
        rng = np.random.default_rng(0)
        rows = rng.normal(size=(_PROBE_ROWS, self.n_features)).astype(np.float32)
        splits = self._split[0::2][self._internal]
        features = self._feature[0::2][self._internal]
        for column in range(self.n_features):
            values = splits[features == column]
            if values.size:
                picked = rng.choice(values, size=_PROBE_ROWS)
                # The split value itself, or the float32 just below or just above it.
                toward = rng.choice(np.asarray([-np.inf, np.nan, np.inf], np.float32), _PROBE_ROWS)
                toward = np.where(np.isnan(toward), picked, toward)
                rows[:, column] = np.nextafter(picked, toward)
        rows[rng.random(rows.shape) < 0.05] = np.nan
        return rows

    def _agrees_with(self, booster: Any) -> bool:
        rows = self._probe_rows()
        if self._leaves_of_row is not None:
            # The generated code must pick exactly the leaves the walk picks (the walk
            # itself is checked against XGBoost below).
            code = self._code_leaves(rows)[:, 1:] if self.n_groups == 1 else self._code_leaves(rows)
            if not np.array_equal(code, self._walk_leaves(rows, True)):
                self._leaves_of_row = None
        # All probe rows take the walk; the first few also the code (and scalar transforms).
        for block in (rows, rows[:CODE_MAX_ROWS]):
            for margin in (False, True):
                cells = block.shape[0] * self._roots.shape[0]
                ours = self.predict(block, margin=margin, max_cells=cells)
                if ours is None:
                    return False
                kind = "margin" if margin else "value"
                theirs = np.asarray(booster.inplace_predict(block, predict_type=kind))
                if ours.shape != theirs.shape:
                    return False
                if not np.allclose(ours, theirs, rtol=_TOLERANCE, atol=_TOLERANCE):
                    return False
        return True

    # ---------------------------------------------------------------- predicting
    def predict(
        self, x: Any, *, margin: bool = False, max_cells: int = WALK_MAX_CELLS
    ) -> Arr | None:
        """``booster.inplace_predict(x)`` (``predict_type="margin"`` when ``margin``).

        Returns None (call the booster) when ``x`` is not a 2-D numeric array of the model's
        width, or when rows x trees exceeds ``max_cells``.
        """
        if not isinstance(x, np.ndarray) or x.ndim != 2 or x.dtype.kind not in "fiub":
            return None
        if x.shape[1] != self.n_features or x.shape[0] == 0:
            return None
        if x.shape[0] * self._roots.shape[0] > max_cells:
            return None
        if self._leaves_of_row is not None and x.shape[0] <= CODE_MAX_ROWS:
            if self.n_groups == 1:
                return self._code_predict(x, margin)
            leaves = self._code_leaves(x)
        else:
            rows = np.ascontiguousarray(x, dtype=np.float32)
            total = rows.sum()
            missing = bool(total != total)  # NaN anywhere (or inf - inf: the walk decides)
            leaves = self._walk_leaves(rows, missing)
        if self.n_groups == 1:
            # (base + leaf 0) + leaf 1 + ... in float32, one tree at a time, as XGBoost adds
            # (cumsum is sequential, unlike sum's pairwise reduction).
            leaves[:, 0] += self.base_margins[0]
            return self._transform(leaves.cumsum(axis=1)[:, -1], margin)
        margins = np.empty((x.shape[0], self.n_groups), dtype=np.float32)
        for group, trees in enumerate(self._group_trees):
            margins[:, group] = self._sum(leaves[:, trees], group)
        return self._transform(margins, margin)

    # Few rows: each NumPy call costs about a microsecond (several on a server whose caches
    # the network stack keeps evicting), so these take as few as they can.
    def _packed_leaves(self, x: Arr) -> bytes:
        """The generated code's output for each row of ``x`` (float32 bytes, concatenated)."""
        code = self._leaves_of_row
        if code is None:
            raise RuntimeError("This walker has no generated code.")
        # The features as float32 (an array("f") rounds as NumPy's cast does) in Python floats.
        if x.dtype.kind == "f" and x.dtype.itemsize <= 8:
            rows = [array("f", row).tolist() for row in x.tolist()]
        else:  # integers (and long doubles) take NumPy's direct conversion to float32
            rows = x.astype(np.float32).tolist()
        if len(rows) == 1:
            return code(rows[0])
        return b"".join([code(row) for row in rows])

    def _code_leaves(self, x: Arr) -> Arr:
        """What the generated code returns per row: each tree's leaf value, after the base
        margin for a single-output model."""
        packed = self._packed_leaves(x)
        leaves: Arr = np.frombuffer(packed, dtype=np.float32).reshape(x.shape[0], -1)
        return leaves

    def _code_predict(self, x: Arr, margin: bool) -> Arr:
        """:meth:`predict` of a single-output model through the generated code."""
        transform = None if margin else self._scalar
        if x.shape[0] == 1:
            # base + leaf 0 + leaf 1 ... in float32, sequentially (accumulate, unlike sum).
            total = np.add.accumulate(np.frombuffer(self._packed_leaves(x), np.float32)).item(-1)
            return np.array([total if transform is None else transform(total)], np.float32)
        margins: Arr = np.add.accumulate(self._code_leaves(x), axis=1)[:, -1]
        if transform is None:
            return margins
        return np.array([transform(value) for value in margins.tolist()], dtype=np.float32)

    def _walk_leaves(self, rows: Arr, missing: bool) -> Arr:
        """Each tree's leaf value per row, walking all trees one depth level at a time."""
        n_rows, n_trees = rows.shape[0], self._roots.shape[0]
        flat = rows.reshape(-1)
        slots = self._roots if n_rows == 1 else np.tile(self._roots, n_rows)
        row_start = None if n_rows == 1 else np.repeat(np.arange(n_rows) * self.n_features, n_trees)
        for _ in range(self.depth):
            column = self._feature.take(slots)
            if row_start is not None:
                column += row_start
            values = flat.take(column)
            left = values < self._split.take(slots)
            if missing:
                left = np.where(np.isnan(values), self._default_left.take(slots), left)
            slots = self._next.take(slots + left)
        leaves: Arr = self._leaf_value.take(slots).reshape(n_rows, n_trees)
        return leaves

    def _sum(self, leaves: Arr, group: int) -> Arr:
        """Leaf values added one tree at a time to the base margin, in float32, as XGBoost
        does (cumsum adds sequentially, unlike sum's pairwise reduction)."""
        terms = np.empty((leaves.shape[0], leaves.shape[1] + 1), dtype=np.float32)
        terms[:, 0] = self.base_margins[group]
        terms[:, 1:] = leaves
        total: Arr = terms.cumsum(axis=1)[:, -1]
        return total

    def _transform(self, margins: Arr, margin: bool) -> Arr:
        """Margins (one column per class, or one value per row) → predictions."""
        if margin:
            return margins
        if self.objective in _MULTI:
            if self.objective == "multi:softmax":
                classes: Arr = np.argmax(margins, axis=1).astype(np.float32)
                return classes
            shifted = margins - margins.max(axis=1, keepdims=True)
            exp = np.exp(shifted)
            probabilities: Arr = exp / exp.sum(axis=1, keepdims=True)
            return probabilities
        # The exponential in float64 rounded to float32 is XGBoost's expf (as in _sigmoid
        # and _exp); float32 addition and division are exact IEEE operations already.
        if self.objective in _SIGMOID:
            clamped = np.minimum(np.negative(margins), np.float32(_SIGMOID_CLAMP))
            values: Arr = np.exp(clamped, dtype=np.float64).astype(np.float32)
            values += np.float32(1.0)
            np.reciprocal(values, out=values)
            return values
        if self.objective in _EXP:
            with np.errstate(over="ignore"):  # infinite, as expf is
                exp_values: Arr = np.exp(margins, dtype=np.float64).astype(np.float32)
            return exp_values
        return margins


def _tree_depth(left: Arr, right: Arr) -> int:
    depth = np.zeros(left.shape[0], dtype=np.int64)
    for node in range(left.shape[0]):  # XGBoost numbers a child after its parent
        if left[node] >= 0:
            depth[left[node]] = depth[right[node]] = depth[node] + 1
    return int(depth.max())
