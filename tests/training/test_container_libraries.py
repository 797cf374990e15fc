"""A training script imports SageMaker's container-side libraries and they describe the job."""

from __future__ import annotations

import importlib.util
import json

import pytest

from sabio.session import Session
from sabio.xgboost import XGBoost

from ._helpers import tar_members
from .conftest import WriteFile

SCRIPT = """
import json
import os

import sagemaker_containers
from sagemaker_xgboost_container.data_utils import get_dmatrix

env = sagemaker_containers.training_env()
train = get_dmatrix(env.channel_input_dirs["train"], "csv")
facts = {
    "containers_hosts": env.hosts,
    "containers_hps": env.hyperparameters,
    "rows": train.num_row(),
}
try:
    from sagemaker_training import environment
except ImportError:
    pass
else:
    toolkit = environment.Environment()
    facts["toolkit_channels"] = sorted(toolkit.channel_input_dirs)
    facts["toolkit_model_dir_is_job"] = toolkit.model_dir == os.environ["SM_MODEL_DIR"]
with open(os.path.join(env.model_dir, "facts.json"), "w") as out:
    json.dump(facts, out)
"""


@pytest.mark.slow
def test_training_script_imports_container_libraries(
    session: Session, write_file: WriteFile
) -> None:
    script = write_file("train.py", SCRIPT)
    data = write_file("data/train.csv", "1,2,3\n0,4,5\n")
    estimator = XGBoost(
        entry_point=str(script), hyperparameters={"max_depth": 3}, sagemaker_session=session
    )
    estimator.fit({"train": str(data.parent)}, logs=False)
    facts = json.loads(tar_members(session, estimator.model_data)["facts.json"])
    assert facts["containers_hosts"] == ["algo-1"]
    assert facts["containers_hps"] == {"max_depth": 3}
    assert facts["rows"] == 2
    if importlib.util.find_spec("sagemaker_training") is not None:
        assert facts["toolkit_channels"] == ["train"]
        assert facts["toolkit_model_dir_is_job"] is True
