"""Hyperparameter tuning jobs on Optuna (the only importer of optuna).

A tuning job is a detached supervisor (``python -m sabio.tuning <folder>``) that runs its
trials as ordinary training jobs tagged with the tuning job's name, searches with Optuna's
samplers and pruners through ask/tell, and keeps its study in an append-only journal file.
Importing this package loads neither optuna nor pandas.
"""

from sabio.tuning._jobs import (
    describe,
    list_tuning_jobs,
    reconcile,
    resume,
    stop,
    submit,
    trials,
    tuning_dir,
    wait,
)
from sabio.tuning._metrics import builtin_metric_names, check_objective_metric
from sabio.tuning._report import plot_trials, trial_rows
from sabio.tuning._spec import (
    CategoricalRange,
    ContinuousRange,
    IntegerRange,
    TuningJobSpec,
    check_tuning_job_name,
    explain,
)

__all__ = [
    "CategoricalRange",
    "ContinuousRange",
    "IntegerRange",
    "TuningJobSpec",
    "builtin_metric_names",
    "check_objective_metric",
    "check_tuning_job_name",
    "describe",
    "explain",
    "list_tuning_jobs",
    "plot_trials",
    "reconcile",
    "resume",
    "stop",
    "submit",
    "trial_rows",
    "trials",
    "tuning_dir",
    "wait",
]
