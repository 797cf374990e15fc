"""Insurance costs as a SageMaker pipeline: preprocess, tune, evaluate, register, transform.

    python examples/insurance_pipeline/insurance_pipeline.py [--data DIR] [--fast] [--out DIR]

# requires: insurance.csv

The notebook ``insurance_pipeline.ipynb`` has the same cells.
"""

# %% [markdown]
# # Insurance costs as a pipeline
#
# The insurance case study as one SageMaker pipeline, run on this machine: a processing step
# splits the data, a tuning step tunes the MLP built-in, a second processing step evaluates
# the best model on the held-out rows and writes `evaluation.json`, a condition reads its R²
# with `JsonGet`, and only a good enough model is registered (pending approval) and scores
# the test rows in a batch transform. Starting the pipeline again with the same parameters
# reuses every cached step.

# %%
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
sys.path.insert(0, str(HERE.parent))

from _common import example_args

import sabio as sagemaker
from sabio.estimator import Estimator
from sabio.model import Model
from sabio.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter
from sabio.processing import ProcessingInput, ProcessingOutput
from sabio.sklearn.processing import SKLearnProcessor
from sabio.transformer import Transformer
from sabio.tuner import HyperparameterTuner
from sabio.workflow.condition_step import ConditionStep
from sabio.workflow.conditions import ConditionGreaterThanOrEqualTo
from sabio.workflow.fail_step import FailStep
from sabio.workflow.functions import Join, JsonGet
from sabio.workflow.model_step import ModelStep
from sabio.workflow.parameters import ParameterFloat, ParameterString
from sabio.workflow.pipeline import Pipeline
from sabio.workflow.pipeline_context import PipelineSession
from sabio.workflow.properties import PropertyFile
from sabio.workflow.steps import CacheConfig, ProcessingStep, TransformStep, TuningStep

args = example_args("insurance_pipeline", "Insurance costs as a pipeline")
session = PipelineSession()
bucket = session.default_bucket()
prefix = f"s3://{bucket}/insurance-pipeline"
role = sagemaker.get_execution_role()
cache = CacheConfig(enable_caching=True, expire_after="PT1H")
# Processing scripts get their folders as arguments (sabio maps /opt/ml paths in arguments).
ROOT = "/opt/ml/processing"

# %% [markdown]
# ## Parameters
# The raw data, the R² a model needs to be registered, and the approval status it gets.

# %%
raw_uri = session.upload_data(str(args.dataset("insurance.csv")), key_prefix="insurance-raw")
input_data = ParameterString("InputData", default_value=raw_uri)
min_r2 = ParameterFloat("MinR2", default_value=0.7)
approval = ParameterString("ModelApprovalStatus", default_value="PendingManualApproval")

# %% [markdown]
# ## Preprocess: an 80/20 split in a processing job (`code/preprocess.py`)

# %%
processor = SKLearnProcessor(
    framework_version="1.2-1",
    role=role,
    instance_type="local",
    instance_count=1,
    sagemaker_session=session,
)
step_process = ProcessingStep(
    name="Preprocess",
    step_args=processor.run(
        code=str(HERE / "code" / "preprocess.py"),
        inputs=[ProcessingInput(source=input_data, destination="/opt/ml/processing/input")],
        outputs=[
            ProcessingOutput(
                output_name=name,
                source=f"/opt/ml/processing/{name}",
                destination=f"{prefix}/data/{name}",
            )
            for name in ("train", "test", "batch")
        ],
        arguments=["--test-size", "0.2", "--seed", "0"]
        + [f"--{name}={ROOT}/{name}" for name in ("input", "train", "test", "batch")],
    ),
    cache_config=cache,
)
outputs = step_process.properties.ProcessingOutputConfig.Outputs

# %% [markdown]
# ## Tune the MLP built-in on the split

# %%
mlp = Estimator(
    image_uri=sagemaker.image_uris.retrieve("mlp"),
    role=role,
    instance_count=1,
    instance_type="local",
    output_path=f"{prefix}/models",
    hyperparameters={
        "target": "charges",
        "predictor_type": "regressor",
        "epochs": 15 if args.fast else 100,
        "validation_split": 0.2,
    },
    sagemaker_session=session,
)
tuner = HyperparameterTuner(
    mlp,
    objective_metric_name="validation:mse",
    objective_type="Minimize",
    hyperparameter_ranges={
        "learning_rate": ContinuousParameter(1e-3, 0.1, scaling_type="Logarithmic"),
        "batch_size": IntegerParameter(32, 128),
        "num_neurons": CategoricalParameter([16, 32, 64]),
    },
    max_jobs=2 if args.fast else 12,
    max_parallel_jobs=2,
    random_seed=0,
)
step_tune = TuningStep(
    name="TuneMLP",
    step_args=tuner.fit(
        {
            "train": outputs["train"].S3Output.S3Uri,
            "test": outputs["test"].S3Output.S3Uri,
        }
    ),
    cache_config=cache,
)
best_model = step_tune.get_top_model_s3_uri(
    top_k=0, s3_bucket=bucket, prefix="insurance-pipeline/models"
)

# %% [markdown]
# ## Evaluate the best model on the test rows (`code/evaluate.py` writes `evaluation.json`)

# %%
evaluation = PropertyFile(name="EvaluationReport", output_name="evaluation", path="evaluation.json")
step_eval = ProcessingStep(
    name="Evaluate",
    step_args=processor.run(
        code=str(HERE / "code" / "evaluate.py"),
        inputs=[
            ProcessingInput(source=best_model, destination="/opt/ml/processing/model"),
            ProcessingInput(
                source=outputs["test"].S3Output.S3Uri, destination="/opt/ml/processing/test"
            ),
        ],
        outputs=[
            ProcessingOutput(
                output_name="evaluation",
                source="/opt/ml/processing/evaluation",
                destination=f"{prefix}/evaluation",
            )
        ],
        arguments=[f"--{name}={ROOT}/{name}" for name in ("model", "test", "evaluation")],
    ),
    property_files=[evaluation],
    cache_config=cache,
)

# %% [markdown]
# ## Register and batch-score the model only when its R² is high enough

# %%
model = Model(
    image_uri=sagemaker.image_uris.retrieve("mlp"),
    model_data=best_model,
    role=role,
    sagemaker_session=session,
)
step_register = ModelStep(
    name="RegisterInsuranceModel",
    step_args=model.register(
        content_types=["text/csv"],
        response_types=["text/csv"],
        model_package_group_name="insurance-costs",
        approval_status=approval,
    ),
)
step_model = ModelStep(name="InsuranceModel", step_args=model.create(instance_type="local"))
transformer = Transformer(
    model_name=step_model.properties.ModelName,
    instance_count=1,
    instance_type="local",
    accept="text/csv",
    assemble_with="Line",
    output_path=f"{prefix}/predictions",
    sagemaker_session=session,
)
step_transform = TransformStep(
    name="ScoreTestRows",
    step_args=transformer.transform(
        outputs["batch"].S3Output.S3Uri, content_type="text/csv", split_type="Line"
    ),
    cache_config=cache,
)
r2 = JsonGet(
    step_name=step_eval.name, property_file=evaluation, json_path="regression_metrics.r2.value"
)
step_check = ConditionStep(
    name="CheckR2",
    conditions=[ConditionGreaterThanOrEqualTo(left=r2, right=min_r2)],
    if_steps=[step_register, step_model, step_transform],
    else_steps=[
        FailStep(
            name="R2TooLow",
            error_message=Join(
                on=" ", values=["R² below", min_r2, "- the model is not registered"]
            ),
        )
    ],
)
pipeline = Pipeline(
    name="insurance-costs",
    parameters=[input_data, min_r2, approval],
    steps=[step_process, step_tune, step_eval, step_check],
    sagemaker_session=session,
)
pipeline.upsert(role_arn=role)
print([step["Name"] for step in json.loads(pipeline.definition())["Steps"]])

# %% [markdown]
# ## Run it: an execution is a supervised job, it outlives this notebook

# %%
started = time.perf_counter()
execution = pipeline.start()
execution.wait(delay=5, max_attempts=360)
first = time.perf_counter() - started
for step in reversed(execution.list_steps()):
    print(f"{step['StepName']:<40}{step['StepStatus']:<11}")
print(f"first run: {first:.1f} s")

# %% [markdown]
# ## What the evaluation found, and the registered version (pending approval)

# %%
report = json.loads(session.read_s3_file(bucket, "insurance-pipeline/evaluation/evaluation.json"))
print({name: round(metric["value"], 3) for name, metric in report["regression_metrics"].items()})
versions = session.list_model_packages(model_package_group_name="insurance-costs")
for version in versions["ModelPackageSummaryList"]:
    print(version["ModelPackageArn"], version["ModelApprovalStatus"])
predictions = session.list_s3_files(bucket, "insurance-pipeline/predictions")
print(predictions)
print(session.read_s3_file(bucket, predictions[0]).splitlines()[:3])

# %% [markdown]
# ## Start it again with the same parameters: the cached steps are reused
# Each cached step points at the execution whose result it reuses; the registration runs
# again (as in SageMaker, registering is not cached), so the group gets a second version.

# %%
started = time.perf_counter()
again = pipeline.start()
again.wait(delay=5, max_attempts=360)
second = time.perf_counter() - started
for step in reversed(again.list_steps()):
    hit = step.get("CacheHitResult", {}).get("SourcePipelineExecutionArn", "")
    print(f"{step['StepName']:<40}{step['StepStatus']:<11}{'cache hit' if hit else ''}")
print(f"first run {first:.1f} s, cached run {second:.1f} s")
