"""A tiny trial script and workspace set-up shared by the tuning tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sabio.estimator import Estimator
from sabio.session import Session

#: Objective: (x - 0.3)² (+0.1 unless kind == "b"), reported per step and as a final line.
TRIAL_SCRIPT = """
import argparse, sys, time
from sabio.runtime import log_metric

p = argparse.ArgumentParser()
p.add_argument("--x", type=float, default=0.0)
p.add_argument("--kind", type=str, default="a")
p.add_argument("--steps", type=int, default=2)
p.add_argument("--sleep", type=float, default=0.0)
p.add_argument("--fail_above", type=float, default=2.0)
a = p.parse_args()
if a.x > a.fail_above:
    sys.exit(f"x={a.x} is too large")
loss = (a.x - 0.3) ** 2 + (0.0 if a.kind == "b" else 0.1)
for step in range(a.steps):
    log_metric("validation:loss", loss, step=step)
    time.sleep(a.sleep)
print(f"final loss: {loss}")
"""
METRICS = [{"Name": "validation:final", "Regex": r"final loss: ([0-9.e+-]+)"}]


def make_estimator(tmp_path: Path, **hyperparameters: object) -> Estimator:
    """An Estimator of :data:`TRIAL_SCRIPT` with its metric definition."""
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(TRIAL_SCRIPT).lstrip())
    return Estimator(
        entry_point=str(script),
        hyperparameters=dict(hyperparameters),
        metric_definitions=list(METRICS),
    )


def upload_data(session: Session) -> str:
    """A one-file ``train`` channel; returns its URI."""
    session.upload_string_as_file_body("1,2\n", session.default_bucket(), "tune/train/a.csv")
    return f"s3://{session.default_bucket()}/tune/train"
