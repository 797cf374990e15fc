"""``distribution=`` for multi-host jobs: torchrun's environment, and launchers refused."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from sabio.estimator import Estimator
from sabio.exceptions import ValidationError
from sabio.session import Session

DDP = """
import json, os
import torch
import torch.distributed as dist

dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
value = torch.tensor([float(rank + 1)])
dist.all_reduce(value)
keys = ["MASTER_ADDR", "WORLD_SIZE", "RANK", "LOCAL_RANK", "NODE_RANK", "SM_CURRENT_HOST"]
seen = {key: os.environ[key] for key in keys}
seen["sum"] = value.item()
with open(os.path.join(os.environ["SM_OUTPUT_DATA_DIR"], f"rank-{rank}.json"), "w") as fh:
    json.dump(seen, fh)
print(f"rank {rank} of {world}: sum {value.item()}", flush=True)
dist.destroy_process_group()
"""


@pytest.mark.slow
def test_torch_distributed_runs_one_process_group_over_the_hosts(
    sabio_home: Path, tmp_path: Path
) -> None:
    pytest.importorskip("torch")
    script = tmp_path / "ddp.py"
    script.write_text(textwrap.dedent(DDP))
    estimator = Estimator(
        entry_point=str(script),
        instance_type="local",
        instance_count=2,
        distribution={"torch_distributed": {"enabled": True}},
        sagemaker_session=Session(),
    )
    estimator.fit(job_name="ddp-2", logs=False)
    assert estimator.latest_training_job.describe()["TrainingJobStatus"] == "Completed"
    hosts = sabio_home / "jobs" / "ddp-2"
    ranks = [
        json.loads(path.read_text()) for path in sorted(hosts.glob("algo-*/output/data/rank-*"))
    ]
    assert [r["RANK"] for r in ranks] == ["0", "1"]
    assert [r["SM_CURRENT_HOST"] for r in ranks] == ["algo-1", "algo-2"]
    assert all(r["WORLD_SIZE"] == "2" and r["LOCAL_RANK"] == "0" for r in ranks)
    assert all(r["sum"] == 3.0 for r in ranks)  # 1 + 2: both hosts took part


@pytest.mark.parametrize(
    "distribution",
    [{"mpi": {"enabled": True}}, {"smdistributed": {"dataparallel": {"enabled": True}}}],
)
def test_launchers_sabio_does_not_run_are_refused_with_the_alternative(
    sabio_home: Path, distribution: dict[str, object]
) -> None:
    with pytest.raises(ValidationError, match=r"not supported.*torch_distributed"):
        Estimator(entry_point="train.py", distribution=distribution)


def test_pytorchddp_is_torchrun_and_a_typo_gets_a_hint(sabio_home: Path) -> None:
    estimator = Estimator(entry_point="train.py", distribution={"pytorchddp": {"enabled": True}})
    assert estimator.distribution == {"pytorchddp": {"enabled": True}}
    with pytest.raises(ValidationError, match="Did you mean 'torch_distributed'"):
        Estimator(entry_point="train.py", distribution={"torch_distributd": {"enabled": True}})
