"""Warm start of built-in programs (``sabio.training._warm``).

The conformance test runs one probe program twice in a single-threaded helper process, as
a fresh ``python -m`` and as a pre-forked warm child, and requires that both see the same
job: environment, argv, cwd, ``sys.path``, stdin, stdio buffering, signal dispositions,
exit status and output. The end-to-end tests run real built-in jobs through the standby.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sabio.session import Session
from sabio.supervision import backend_for, job_env
from sabio.supervision.backends import LocalBackend
from sabio.training import TRAINING
from sabio.training._warm import can_fork

from ._helpers import job_log

PROBE = """
import json, os, signal, sys


def main():
    print("probe stdout")
    print("probe stderr", file=sys.stderr)
    report = {
        "argv": sys.argv[1:],
        "argv0": os.path.basename(sys.argv[0]),
        "cwd": os.getcwd(),
        "path0": sys.path[0],
        "path1": sys.path[1],
        "env": {k: v for k, v in os.environ.items() if k.startswith(("SM_", "PROBE", "PYTHONP"))},
        "stdin": sys.stdin.read(),
        "stdout_write_through": sys.stdout.write_through,
        "stderr_line_buffering": sys.stderr.line_buffering,
        "sigterm": str(signal.getsignal(signal.SIGTERM)),
        "sigint": str(signal.getsignal(signal.SIGINT)),
        "sigpipe": str(signal.getsignal(signal.SIGPIPE)),
        "name": __name__,
    }
    with open(os.environ["PROBE_OUT"], "w") as fh:
        json.dump(report, fh)
    sys.exit(int(os.environ.get("PROBE_EXIT", "0")))


if __name__ == "__main__":  # warm_up imports this module without running it
    main()
"""

DRIVER = """
import json, os, subprocess, sys
sys.path.insert(0, sys.argv[1])
from sabio.training._warm import prefork, warm_up
from sabio.training._process import HostProcess
import threading

assert warm_up(["probe_pkg"]) == ["probe_pkg"]
work = sys.argv[2]
results = {}
for mode in ("cold", "warm"):
    env = dict(os.environ)
    env.update({"SM_MODEL_DIR": "/m", "PROBE_OUT": os.path.join(work, mode + ".json"),
                "PROBE_EXIT": "3", "PYTHONPATH": os.pathsep.join([work, sys.argv[1]]),
                "PYTHONUNBUFFERED": "1"})
    children = prefork("probe_pkg", 1) if mode == "warm" else []
    lines = []
    done = threading.Event()
    cmd = [sys.executable, "-m", "probe_pkg", "--epochs", "2"]
    proc = HostProcess("algo-1", cmd, work, env, lambda h, s, l: lines.append([s, l]), done,
                       children[0] if children else None)
    done.wait(60)
    proc.join()
    results[mode] = {"code": proc.proc.returncode, "lines": sorted(lines), "warm": proc.warm}
print(json.dumps(results))
"""


def test_warm_child_matches_fresh_process(tmp_path: Path) -> None:
    pkg_root = tmp_path / "pkgs"
    (pkg_root / "probe_pkg").mkdir(parents=True)
    (pkg_root / "probe_pkg" / "__init__.py").write_text("")
    (pkg_root / "probe_pkg" / "__main__.py").write_text(textwrap.dedent(PROBE))
    work = tmp_path / "work"
    work.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(pkg_root), str(work)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    results = json.loads(out.stdout.strip().splitlines()[-1])
    assert results["warm"]["warm"] is True and results["cold"]["warm"] is False
    assert results["warm"]["code"] == results["cold"]["code"] == 3
    assert results["warm"]["lines"] == results["cold"]["lines"]
    cold = json.loads((work / "cold.json").read_text())
    warm = json.loads((work / "warm.json").read_text())
    assert warm["env"].pop("PROBE_OUT").endswith("warm.json")
    assert cold["env"].pop("PROBE_OUT").endswith("cold.json")
    assert warm == cold
    assert cold["argv"] == ["--epochs", "2"] and cold["cwd"] == str(work)


def test_warm_can_fork_refuses_startup_variables() -> None:
    import os

    base = dict(os.environ)
    assert can_fork({**base, "SM_HPS": "{}", "OMP_NUM_THREADS": "1", "PYTHONPATH": "/x"})
    assert not can_fork({**base, "PYTHONHASHSEED": "0"})
    assert not can_fork({**base, "OPENBLAS_NUM_THREADS": "7"})
    assert not can_fork({**base, "LD_PRELOAD": "/lib/x.so"})


def _wait_ready(session: Session, timeout: float = 120.0) -> None:
    backend = backend_for("local")
    assert isinstance(backend, LocalBackend)
    if not backend.pool.wait_ready(TRAINING, job_env(session.settings), timeout):
        pytest.fail("the standby supervisor did not warm up in time")


def test_warm_builtin_jobs_run_from_fork(session: Session, tmp_path: Path) -> None:
    from sabio.algorithms import XGBoost
    from sabio.exceptions import JobFailedError

    rows = [f"{2.0 * i + 1.0},{float(i)},{float(i % 3)}" for i in range(40)]
    data = tmp_path / "train.csv"
    data.write_text("\n".join(rows) + "\n")
    uri = session.upload_data(str(data), key_prefix="warm/train")
    est = XGBoost(sagemaker_session=session, num_round=3, objective="reg:squarederror")
    for i in range(2):  # the second job of a process starts a standby warming XGBoost
        est.fit({"train": uri}, logs=False, job_name=f"prime-{i}")
    _wait_ready(session)

    est.fit({"train": uri}, logs=False, job_name="warm-ok")
    log = job_log(session, "warm-ok")
    assert "started the built-in from a pre-imported process" in log
    assert "[2]#011train-rmse:" in log or "[2]\ttrain-rmse:" in log
    described = session.describe_training_job("warm-ok")
    assert described["TrainingJobStatus"] == "Completed"
    assert "train:rmse" in {m["MetricName"] for m in described["FinalMetricDataList"]}

    bad = XGBoost(sagemaker_session=session, num_round=3, objective="binary:logistic")
    with pytest.raises(JobFailedError, match="ClientError"):
        bad.fit({"train": uri}, logs=False, job_name="warm-bad")
    assert "pre-imported" in job_log(session, "warm-bad")
    described = session.describe_training_job("warm-bad")
    assert described["TrainingJobStatus"] == "Failed"
    assert described["FailureReason"].startswith("ClientError:")
