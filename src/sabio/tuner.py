"""``sabio.tuner.HyperparameterTuner``: SageMaker's tuner, running on Optuna locally.

Example:
    >>> from sabio import image_uris
    >>> from sabio.estimator import Estimator
    >>> from sabio.parameter import CategoricalParameter, ContinuousParameter
    >>> from sabio.tuner import HyperparameterTuner
    >>> est = Estimator(image_uri=image_uris.retrieve("mlp"),
    ...                 hyperparameters={"target": "charges", "epochs": 100})  # doctest: +SKIP
    >>> tuner = HyperparameterTuner(
    ...     est, "validation:mse",
    ...     {"learning_rate": ContinuousParameter(1e-4, 0.1, "Logarithmic"),
    ...      "activation": CategoricalParameter(["relu", "tanh"])},
    ...     objective_type="Minimize", max_jobs=20, max_parallel_jobs=2)  # doctest: +SKIP
    >>> tuner.fit({"train": "s3://sabio-default/insurance/train"})  # doctest: +SKIP
    >>> tuner.analytics().dataframe().sort_values("FinalObjectiveValue").head()  # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sabio._tuner_configs import (
    TuningJobCompletionCriteriaConfig,
    WarmStartConfig,
    WarmStartTypes,
)
from sabio.analytics import HyperparameterTuningJobAnalytics
from sabio.estimator import Estimator, EstimatorBase
from sabio.exceptions import JobFailedError, ValidationError
from sabio.parameter import (
    CategoricalParameter,
    ContinuousParameter,
    IntegerParameter,
    ParameterRange,
    ranges_spec,
)
from sabio.session import Session
from sabio.utils import unique_name
from sabio.workflow.pipeline_context import runnable_by_pipeline

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "HyperparameterTuner",
    "HyperparameterTuningJobAnalytics",
    "TuningJobCompletionCriteriaConfig",
    "WarmStartConfig",
    "WarmStartTypes",
]


def _request(value: Any, what: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return value
    if hasattr(value, "to_input_req"):
        return dict(value.to_input_req())
    raise ValidationError(f"{what} must be a dict (SageMaker's request shape), got {value!r}.")


class HyperparameterTuner:
    """Tune an estimator's hyperparameters with a tuning job (SageMaker's tuner).

    Args:
        estimator: the estimator whose training job each trial runs.
        objective_metric_name: the metric to optimise, e.g. ``"validation:auc"``.
        hyperparameter_ranges: name → :class:`~sabio.parameter.ContinuousParameter`,
            :class:`~sabio.parameter.IntegerParameter` or
            :class:`~sabio.parameter.CategoricalParameter`.
        metric_definitions: regexes for script-mode metrics (added to the estimator's).
        strategy: ``Bayesian`` (TPE), ``Random``, ``Hyperband`` or ``Grid``.
        objective_type: ``Maximize`` or ``Minimize``.
        max_jobs: number of trials (Grid: defaults to every combination).
        max_parallel_jobs: trials running at once.
        max_runtime_in_seconds: end the tuning job after this long.
        base_tuning_job_name: prefix of generated tuning job names.
        warm_start_config: a :class:`WarmStartConfig`.
        strategy_config: e.g. ``{"HyperbandStrategyConfig": {"MinResource": 5,
            "MaxResource": 100}}``.
        completion_criteria_config: a :class:`TuningJobCompletionCriteriaConfig` or dict.
        early_stopping_type: ``Off`` or ``Auto`` (median pruning on intermediate metrics).
        random_seed: seed of the search, for repeatable suggestions.
        hyperparameters_to_keep_static: estimator hyperparameters that must stay fixed
            (naming one of them in the ranges too is an error).
        max_failed_jobs: failed trials tolerated before the tuning job fails (sabio
            extension; default half of ``max_jobs``).
    """

    def __init__(
        self,
        estimator: EstimatorBase,
        objective_metric_name: str,
        hyperparameter_ranges: dict[str, ParameterRange | CategoricalParameter],
        metric_definitions: list[dict[str, str]] | None = None,
        strategy: str = "Bayesian",
        objective_type: str = "Maximize",
        max_jobs: int | None = None,
        max_parallel_jobs: int = 1,
        max_runtime_in_seconds: int | None = None,
        tags: Any = None,
        base_tuning_job_name: str | None = None,
        warm_start_config: WarmStartConfig | None = None,
        strategy_config: Any = None,
        completion_criteria_config: Any = None,
        early_stopping_type: str = "Off",
        estimator_name: str | None = None,
        random_seed: int | None = None,
        hyperparameters_to_keep_static: list[str] | None = None,
        max_failed_jobs: int | None = None,
        **_ignored: Any,
    ) -> None:
        if not isinstance(estimator, EstimatorBase):
            raise ValidationError(
                f"HyperparameterTuner needs an Estimator, got {type(estimator).__name__}."
            )
        if not isinstance(objective_metric_name, str) or not objective_metric_name:
            raise ValidationError(
                "objective_metric_name must be a metric name such as 'validation:auc', got "
                f"{objective_metric_name!r}."
            )
        ranges_spec(hyperparameter_ranges)  # fail now on a range that is not a range
        self.estimator = estimator
        self.objective_metric_name = objective_metric_name
        self._hyperparameter_ranges = dict(hyperparameter_ranges)
        self.metric_definitions = list(metric_definitions or [])
        self.strategy = strategy
        self.objective_type = objective_type
        self.max_jobs = max_jobs if max_jobs is not None or strategy == "Grid" else 1
        self.max_parallel_jobs = max_parallel_jobs
        self.max_runtime_in_seconds = max_runtime_in_seconds
        self.tags = tags
        self.base_tuning_job_name = base_tuning_job_name
        self.warm_start_config = warm_start_config
        self.strategy_config = strategy_config
        self.completion_criteria_config = completion_criteria_config
        self.early_stopping_type = early_stopping_type
        self.random_seed = random_seed
        self.static_hyperparameters_to_keep = list(hyperparameters_to_keep_static or [])
        self.max_failed_jobs = max_failed_jobs
        self.sagemaker_session: Session = estimator.sagemaker_session
        self.latest_tuning_job: _TuningJob | None = None
        self._current_job_name: str | None = None

    # --------------------------------------------------------------- building
    def hyperparameter_ranges(self) -> dict[str, list[dict[str, Any]]]:
        """The ranges in SageMaker's request shape."""
        result: dict[str, list[dict[str, Any]]] = {
            "ContinuousParameterRanges": [],
            "IntegerParameterRanges": [],
            "CategoricalParameterRanges": [],
        }
        for name, item in self._hyperparameter_ranges.items():
            result[f"{item.kind}ParameterRanges"].append(item.as_tuning_range(name))
        return result

    def _spec(self, name: str, inputs: Any, code: bool) -> Any:
        from pydantic import ValidationError as PydanticError

        from sabio.tuning import TuningJobSpec, explain

        tuned = set(self._hyperparameter_ranges)
        keep = set(self.static_hyperparameters_to_keep)
        unknown = sorted(keep - set(self.estimator.hyperparameters()))
        if unknown:
            raise ValidationError(
                f"hyperparameters_to_keep_static names {unknown}, which the estimator does not "
                "set. Set them with estimator.set_hyperparameters(...) first."
            )
        training = self.estimator._build_spec(f"{name}-001-00000000", inputs, code=code)
        definition = training.model_dump(mode="json")
        definition["hyperparameters"] = {
            k: v for k, v in definition["hyperparameters"].items() if k not in tuned or k in keep
        }
        known = {d["Name"] for d in definition["metric_definitions"]}
        definition["metric_definitions"] += [
            d for d in self.metric_definitions if d.get("Name") not in known
        ]
        definition.pop("code_uri", None)
        config = self._job_config()
        request: dict[str, Any] = {
            "HyperParameterTuningJobName": name,
            "HyperParameterTuningJobConfig": config,
            "TrainingJobDefinition": definition,
            "MaxFailedTrainingJobs": self.max_failed_jobs,
        }
        if self.warm_start_config is not None:
            request["WarmStartConfig"] = _request(self.warm_start_config, "warm_start_config")
        try:
            return TuningJobSpec.model_validate(request)
        except PydanticError as exc:
            raise ValidationError(explain(exc, name)) from None

    def _job_config(self) -> dict[str, Any]:
        """``HyperParameterTuningJobConfig`` of the tuning job (SageMaker's request shape)."""
        config: dict[str, Any] = {
            "Strategy": self.strategy,
            "HyperParameterTuningJobObjective": {
                "Type": self.objective_type,
                "MetricName": self.objective_metric_name,
            },
            "ResourceLimits": {
                "MaxNumberOfTrainingJobs": self.max_jobs,
                "MaxParallelTrainingJobs": self.max_parallel_jobs,
                "MaxRuntimeInSeconds": self.max_runtime_in_seconds,
            },
            "ParameterRanges": ranges_spec(self._hyperparameter_ranges),
            "TrainingJobEarlyStoppingType": self.early_stopping_type,
            "RandomSeed": self.random_seed,
        }
        strategy_config = _request(self.strategy_config, "strategy_config")
        if strategy_config:
            config["StrategyConfig"] = strategy_config
        criteria = _request(self.completion_criteria_config, "completion_criteria_config")
        if criteria:
            config["TuningJobCompletionCriteria"] = criteria
        return config

    # -------------------------------------------------------------------- run
    @runnable_by_pipeline
    def fit(
        self,
        inputs: Any = None,
        job_name: str | None = None,
        include_cls_metadata: Any = False,
        estimator_kwargs: Any = None,
        wait: bool = True,
        **_ignored: Any,
    ) -> None:
        """Start the tuning job (and wait for it unless ``wait=False``).

        Raises:
            ValidationError, NotFoundError: bad input, found before any trial starts.
            JobFailedError: the tuning job failed (when waiting).
        """
        from sabio.image_uris import builtin_module
        from sabio.training import lend_warm_pool

        session = self.sagemaker_session
        # A built-in's trials fork from a standby that spends seconds importing the
        # framework: start it before anything else (sabio.tuning imports Optuna).
        image = self.estimator.image_uri
        module = builtin_module(image) if image and not self.estimator.entry_point else None
        # With keep_alive_period_in_seconds this process keeps it afterwards (a warm pool),
        # and an earlier job's warm one is lent instead of a new one started.
        keep_alive = self.estimator.keep_alive_period_in_seconds or 0
        standby = lend_warm_pool(session.settings, module, keep_alive) if module else None
        try:
            from sabio import tuning

            name = tuning.check_tuning_job_name(
                job_name
                or unique_name(self.base_tuning_job_name or self._base_name(), max_length=32)
            )
            with tempfile.TemporaryDirectory(prefix="sabio-tuning-") as tmp:
                entry = self.estimator.entry_point
                archive = self.estimator._pack_code(Path(tmp)) if entry else None
                spec = self._spec(name, inputs, code=archive is not None)
                tuning.submit(
                    session.settings, spec, session.store, code_archive=archive, standby=standby
                )
        finally:
            if standby is not None:
                standby.discard()  # does nothing once submit() has handed it over
        self._current_job_name = name
        self.latest_tuning_job = _TuningJob(name, session)
        if wait:
            self.wait()

    def _base_name(self) -> str:
        return self.estimator.base_job_name or self.estimator._default_base_name()

    def _job(self) -> _TuningJob:
        if self.latest_tuning_job is None:
            raise ValidationError(
                "This tuner has no tuning job yet: call fit() first, or "
                "HyperparameterTuner.attach('tuning-job-name')."
            )
        return self.latest_tuning_job

    def wait(self) -> None:
        """Block until the tuning job ends; raise :class:`JobFailedError` if it failed."""
        self._job().wait()

    def stop_tuning_job(self) -> None:
        """Stop the tuning job; its running trials end ``Stopped``."""
        from sabio import tuning

        tuning.stop(self.sagemaker_session.settings, self._job().name)

    def describe(self) -> dict[str, Any]:
        """DescribeHyperParameterTuningJob of the latest tuning job."""
        return self._job().describe()

    # ---------------------------------------------------------------- results
    def best_training_job(self) -> str:
        """Name of the best trial's training job.

        Raises:
            JobFailedError: no trial has completed with an objective value yet.
        """
        best = self.describe().get("BestTrainingJob")
        if not best:
            raise JobFailedError(
                f"Tuning job {self._job().name!r} has no completed trial with a "
                f"{self.objective_metric_name!r} value yet."
            )
        return str(best["TrainingJobName"])

    def best_estimator(self, best_training_job: str | None = None) -> EstimatorBase:
        """An estimator attached to the best training job (ready for ``deploy``)."""
        name = best_training_job or self.best_training_job()
        return type(self.estimator).attach(name, sagemaker_session=self.sagemaker_session)

    def deploy(
        self,
        initial_instance_count: int,
        instance_type: str,
        serializer: Any = None,
        deserializer: Any = None,
        endpoint_name: str | None = None,
        wait: bool = True,
        **kwargs: Any,
    ) -> Any:
        """Deploy the best trial's model to an endpoint (``best_estimator().deploy``)."""
        estimator = self.best_estimator()
        deploy = getattr(estimator, "deploy", None)
        if deploy is None:
            raise ValidationError(
                "This sabio version cannot deploy endpoints yet; use best_estimator().model_data."
            )
        return deploy(
            initial_instance_count=initial_instance_count,
            instance_type=instance_type,
            serializer=serializer,
            deserializer=deserializer,
            endpoint_name=endpoint_name,
            wait=wait,
            **kwargs,
        )

    def analytics(self) -> HyperparameterTuningJobAnalytics:
        """The trials as a DataFrame source."""
        return HyperparameterTuningJobAnalytics(
            self._job().name, sagemaker_session=self.sagemaker_session
        )

    def plot(self) -> Figure:
        """A matplotlib figure: objective per trial with the best so far, and each tuned
        hyperparameter against the objective."""
        return self.analytics().plot()

    # ----------------------------------------------------------------- attach
    @classmethod
    def attach(
        cls,
        tuning_job_name: str,
        sagemaker_session: Session | None = None,
        job_details: Any = None,
        estimator_cls: Any = None,
        **_ignored: Any,
    ) -> HyperparameterTuner:
        """Rebuild a tuner from an existing tuning job."""
        from sabio import tuning

        session = sagemaker_session or Session()
        record = tuning.describe(session.settings, tuning_job_name)
        spec = record.spec
        definition = spec["TrainingJobDefinition"]
        estimator = (estimator_cls or Estimator).__new__(estimator_cls or Estimator)
        EstimatorBase.__init__(
            estimator,
            instance_count=definition.get("instance_count", 1),
            instance_type=definition.get("instance_type", "local"),
            entry_point=definition.get("entry_point"),
            hyperparameters={
                k: v
                for k, v in (definition.get("hyperparameters") or {}).items()
                if k != "_tuning_objective_metric"
            },
            metric_definitions=definition.get("metric_definitions"),
            max_run=definition.get("max_run", 86400),
            output_path=definition.get("output_path"),
            sagemaker_session=session,
            environment=definition.get("environment"),
            image_uri=definition.get("image_uri"),
        )
        config = spec["HyperParameterTuningJobConfig"]
        limits = config.get("ResourceLimits") or {}
        warm = spec.get("WarmStartConfig")
        tuner = cls(
            estimator,
            config["HyperParameterTuningJobObjective"]["MetricName"],
            _ranges_from_spec(config["ParameterRanges"]),
            strategy=config.get("Strategy", "Bayesian"),
            objective_type=config["HyperParameterTuningJobObjective"]["Type"],
            max_jobs=limits.get("MaxNumberOfTrainingJobs"),
            max_parallel_jobs=limits.get("MaxParallelTrainingJobs", 1),
            max_runtime_in_seconds=limits.get("MaxRuntimeInSeconds"),
            strategy_config=config.get("StrategyConfig"),
            completion_criteria_config=config.get("TuningJobCompletionCriteria"),
            early_stopping_type=config.get("TrainingJobEarlyStoppingType", "Off"),
            random_seed=config.get("RandomSeed"),
            max_failed_jobs=spec.get("MaxFailedTrainingJobs"),
            warm_start_config=WarmStartConfig(
                warm["WarmStartType"],
                [p["HyperParameterTuningJobName"] for p in warm["ParentHyperParameterTuningJobs"]],
            )
            if warm
            else None,
        )
        tuner.latest_tuning_job = _TuningJob(tuning_job_name, session)
        tuner._current_job_name = tuning_job_name
        return tuner


def _ranges_from_spec(ranges: dict[str, Any]) -> dict[str, ParameterRange | CategoricalParameter]:
    result: dict[str, ParameterRange | CategoricalParameter] = {}
    for item in ranges.get("ContinuousParameterRanges") or []:
        result[item["Name"]] = ContinuousParameter(
            item["MinValue"], item["MaxValue"], item.get("ScalingType", "Auto")
        )
    for item in ranges.get("IntegerParameterRanges") or []:
        result[item["Name"]] = IntegerParameter(
            item["MinValue"], item["MaxValue"], item.get("ScalingType", "Auto")
        )
    for item in ranges.get("CategoricalParameterRanges") or []:
        result[item["Name"]] = CategoricalParameter(item["Values"])
    return result


class _TuningJob:
    """A started tuning job (SageMaker's ``tuner.latest_tuning_job``)."""

    def __init__(self, name: str, session: Session) -> None:
        self.name = self.job_name = name
        self.sagemaker_session = session

    def describe(self) -> dict[str, Any]:
        from sabio._describe import describe_tuning_job

        return describe_tuning_job(self.sagemaker_session, self.name)

    def wait(self) -> None:
        from sabio import tuning

        record = tuning.wait(self.sagemaker_session.settings, self.name)
        if record.status == "Failed":
            raise JobFailedError(
                f"Error for HyperParameterTuning job {self.name}: Failed. Reason: "
                f"{record.failure_reason}"
            )

    def stop(self) -> None:
        from sabio import tuning

        tuning.stop(self.sagemaker_session.settings, self.name)
