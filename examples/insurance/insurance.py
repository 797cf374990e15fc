"""Insurance costs with a neural network: the MLP built-in, tuned, deployed, evaluated.

    python examples/insurance/insurance.py [--data DIR] [--fast] [--out DIR]

# requires: insurance.csv

The notebook ``insurance.ipynb`` has the same cells.
"""

# %% [markdown]
# # Insurance costs with a neural network
#
# Predict yearly medical charges from age, sex, BMI, children, smoking and region. A neural
# network needs its inputs scaled and its categories one-hot encoded; sabio's `mlp` built-in
# does both and saves that preprocessing with the model, so raw rows go in at prediction time.
# We train it with defaults, tune learning rate, batch size, neurons and activation like the
# course did, deploy the best model, look at who it fails (smokers vs non-smokers, women vs
# men), and run the same network as a script-mode PyTorch job.

# %%
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
sys.path.insert(0, str(HERE.parent))

import numpy as np
import pandas as pd
from _common import example_args, fetch_evaluation, print_subgroups
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import train_test_split

import sabio as sagemaker
from sabio.deserializers import CSVDeserializer
from sabio.estimator import Estimator
from sabio.parameter import CategoricalParameter, ContinuousParameter, IntegerParameter
from sabio.pytorch import PyTorch
from sabio.serializers import CSVSerializer
from sabio.tuner import HyperparameterTuner

args = example_args("insurance", "Insurance costs with a neural network")
session = sagemaker.Session()
epochs = 20 if args.fast else 100

# %% [markdown]
# ## Data: 80/20 split (seed 0), CSV with a header, target `charges`

# %%
frame = pd.read_csv(args.dataset("insurance.csv"))
train, test = train_test_split(frame, test_size=0.2, random_state=0)
for name, part in (("train", train), ("test", test)):
    (args.out / name).mkdir(exist_ok=True)
    part.to_csv(args.out / name / f"{name}.csv", index=False)
train_uri = session.upload_data(str(args.out / "train"), key_prefix="insurance/train")
test_uri = session.upload_data(str(args.out / "test"), key_prefix="insurance/test")
print(frame.describe().round(1))

# %% [markdown]
# ## The MLP built-in with its defaults
# `target` names the label column; `subgroup_columns` adds per-group metrics to the evaluation
# report; 20% of the training rows are held out for validation.

# %%
mlp = Estimator(
    image_uri=sagemaker.image_uris.retrieve("mlp"),
    role=sagemaker.get_execution_role(),
    instance_count=1,
    instance_type="local",
    hyperparameters={
        "target": "charges",
        "predictor_type": "regressor",
        "epochs": epochs,
        "validation_split": 0.2,
        "subgroup_columns": "smoker,sex",
    },
    base_job_name="insurance-mlp",
)
mlp.fit({"train": train_uri, "test": test_uri}, logs=False)
defaults = fetch_evaluation(mlp.model_data, args.out)["regression_metrics"]
print({name: round(defaults[name]["value"], 3) for name in ("r2", "rmse", "mae")})

# %% [markdown]
# ## Tune: learning rate, batch size, neurons, activation
# Objective: the validation MSE, minimised. Each trial is an ordinary training job.

# %%
tuner = HyperparameterTuner(
    mlp,
    objective_metric_name="validation:mse",
    objective_type="Minimize",
    hyperparameter_ranges={
        "learning_rate": ContinuousParameter(1e-4, 0.1, scaling_type="Logarithmic"),
        "batch_size": IntegerParameter(32, 128),
        "num_neurons": CategoricalParameter([2, 4, 8, 16, 32, 64, 128]),
        "activation": CategoricalParameter(["relu", "tanh", "sigmoid"]),
    },
    max_jobs=4 if args.fast else 20,
    max_parallel_jobs=2,
    random_seed=0,
)
tuner.fit({"train": train_uri, "test": test_uri}, wait=True)
trials = tuner.analytics().dataframe().sort_values("FinalObjectiveValue")
columns = ["learning_rate", "batch_size", "num_neurons", "activation", "FinalObjectiveValue"]
print(trials[columns].head(5).to_string(index=False))
tuner.analytics().plot().savefig(args.out / "tuning.png")

# %% [markdown]
# ## Deploy the best model and predict raw rows

# %%
predictor = tuner.deploy(
    initial_instance_count=1,
    instance_type="local",
    serializer=CSVSerializer(),
    deserializer=CSVDeserializer(),
)
raw = test.drop(columns="charges")
predicted = np.asarray(predictor.predict(raw.to_numpy().tolist()), dtype=float).ravel()
print(raw.head(3).assign(predicted=predicted[:3].round(0), actual=test["charges"].head(3)))
r2, mae = r2_score(test["charges"], predicted), mean_absolute_error(test["charges"], predicted)
print(f"endpoint on the test set: R² {r2:.3f}, MAE {mae:,.0f}")

# %% [markdown]
# ## Who does the model fail? The evaluation report by subgroup
# Smokers' charges are higher and more spread out, so errors are larger there; the full
# report with plots is `report.html` in the model artefact (copied to the output folder).

# %%
best = fetch_evaluation(tuner.best_estimator().model_data, args.out)
tuned = best["regression_metrics"]
print(f"{'':<6}{'defaults':>10}{'tuned':>10}")
for name in ("r2", "rmse", "mae"):
    print(f"{name:<6}{defaults[name]['value']:>10.3f}{tuned[name]['value']:>10.3f}")
print_subgroups(best)
print("report:", args.out / "report.html")

# %% [markdown]
# ## The same network as a script-mode PyTorch job
# `code/train.py` is a plain SageMaker PyTorch script; it reports `validation mse` per epoch,
# which the estimator's metric definition turns into a metric.

# %%
best_hps = tuner.best_estimator().hyperparameters()
script = PyTorch(
    entry_point="train.py",
    source_dir=str(HERE / "code"),
    role=sagemaker.get_execution_role(),
    instance_count=1,
    instance_type="local",
    framework_version="2.1",
    py_version="py310",
    hyperparameters={
        "learning-rate": float(best_hps["learning_rate"]),
        "batch-size": int(best_hps["batch_size"]),
        "num-neurons": int(best_hps["num_neurons"]),
        "activation": str(best_hps["activation"]).strip('"'),
        "epochs": epochs,
    },
    metric_definitions=[{"Name": "validation:mse", "Regex": r"validation mse: ([0-9\.]+)"}],
    base_job_name="insurance-pytorch",
)
script.fit({"train": train_uri}, logs=False)
final = {m["MetricName"]: m["Value"] for m in script.describe()["FinalMetricDataList"]}
print(f"script-mode PyTorch validation RMSE: {final['validation:mse'] ** 0.5:,.0f}")

# %% [markdown]
# ## Clean up

# %%
predictor.delete_endpoint()
print("endpoint deleted")
