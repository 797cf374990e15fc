"""The tuning job spec: SageMaker's CreateHyperParameterTuningJob request, validated.

The SDK (``HyperparameterTuner``) and the CLI (``sabio tune``) build this spec; the
supervisor runs it. Every rule that can be checked before a trial starts lives here, so
bad input fails with one clear message and leaves nothing behind.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sabio.exceptions import ValidationError

__all__ = [
    "CategoricalRange",
    "ContinuousRange",
    "IntegerRange",
    "TuningJobSpec",
    "check_tuning_job_name",
    "explain",
]

TUNING_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")
STRATEGIES = ("Bayesian", "Random", "Hyperband", "Grid")
SCALINGS = ("Auto", "Linear", "Logarithmic", "ReverseLogarithmic")
#: Above this many grid points a Grid search is refused (it would never finish).
MAX_GRID_POINTS = 100_000

Scaling = Literal["Auto", "Linear", "Logarithmic", "ReverseLogarithmic"]
Scalar = str | bool | int | float


def check_tuning_job_name(name: str) -> str:
    """Validate a tuning job name with SageMaker's rule (1-32 alphanumerics and hyphens)."""
    if not isinstance(name, str) or not TUNING_NAME_PATTERN.match(name):
        raise ValidationError(
            f"Invalid tuning job name {name!r}: use 1-32 letters, digits and hyphens, starting "
            "and ending with a letter or digit (SageMaker's rule), e.g. 'insurance-nn-1'."
        )
    return name


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContinuousRange(_Model):
    """A real-valued hyperparameter range."""

    Name: str = Field(min_length=1)
    MinValue: float
    MaxValue: float
    ScalingType: Scaling = "Auto"

    @model_validator(mode="after")
    def _bounds(self) -> ContinuousRange:
        _check_bounds(self.Name, self.MinValue, self.MaxValue, self.ScalingType)
        if self.ScalingType == "ReverseLogarithmic" and not (
            self.MinValue >= 0 and self.MaxValue < 1
        ):
            raise ValueError(
                f"range {self.Name!r}: ReverseLogarithmic scaling needs 0 <= MinValue and "
                f"MaxValue < 1, got [{self.MinValue}, {self.MaxValue}]. Use Logarithmic or "
                "Linear for other ranges."
            )
        return self

    def scaling(self) -> str:
        """The scaling actually used (``Auto`` resolved)."""
        return _resolve(self.ScalingType, self.MinValue, self.MaxValue)


class IntegerRange(_Model):
    """An integer hyperparameter range (both ends included)."""

    Name: str = Field(min_length=1)
    MinValue: int
    MaxValue: int
    ScalingType: Literal["Auto", "Linear", "Logarithmic"] = "Auto"

    @model_validator(mode="after")
    def _bounds(self) -> IntegerRange:
        _check_bounds(self.Name, self.MinValue, self.MaxValue, self.ScalingType)
        return self

    def scaling(self) -> str:
        """The scaling actually used (``Auto`` resolved)."""
        return _resolve(self.ScalingType, self.MinValue, self.MaxValue)


class CategoricalRange(_Model):
    """A choice among listed values."""

    Name: str = Field(min_length=1)
    Values: list[Scalar]

    @model_validator(mode="after")
    def _values(self) -> CategoricalRange:
        if len(self.Values) < 2:
            raise ValueError(
                f"range {self.Name!r}: a categorical range needs at least 2 values, got "
                f"{self.Values!r}. Put a fixed value in the estimator's hyperparameters instead."
            )
        if len({repr(v) for v in self.Values}) != len(self.Values):
            raise ValueError(f"range {self.Name!r}: values repeat: {self.Values!r}")
        return self


def _check_bounds(name: str, low: float, high: float, scaling: str) -> None:
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"range {name!r}: bounds must be finite, got [{low}, {high}]")
    if low > high:
        raise ValueError(
            f"range {name!r}: MinValue {low} is greater than MaxValue {high}; swap them."
        )
    if scaling == "Logarithmic" and low <= 0:
        raise ValueError(
            f"range {name!r}: Logarithmic scaling needs MinValue > 0, got {low}. Use Linear "
            "scaling or a positive lower bound (e.g. 1e-5)."
        )


def _resolve(scaling: str, low: float, high: float) -> str:
    if scaling != "Auto":
        return scaling
    # SageMaker's "Auto" picks a scale; ranges spanning three or more decades are searched
    # on a log scale (learning rates, regularisation strengths), the others linearly.
    return "Logarithmic" if low > 0 and high / low >= 1000 else "Linear"


class RangesSpec(_Model):
    """The tuned hyperparameters."""

    ContinuousParameterRanges: list[ContinuousRange] = Field(default_factory=list)
    IntegerParameterRanges: list[IntegerRange] = Field(default_factory=list)
    CategoricalParameterRanges: list[CategoricalRange] = Field(default_factory=list)

    def all(self) -> list[ContinuousRange | IntegerRange | CategoricalRange]:
        """Every range, continuous first."""
        return [
            *self.ContinuousParameterRanges,
            *self.IntegerParameterRanges,
            *self.CategoricalParameterRanges,
        ]

    def names(self) -> list[str]:
        """Names of the tuned hyperparameters."""
        return [r.Name for r in self.all()]


class Objective(_Model):
    """The metric to optimise."""

    Type: Literal["Maximize", "Minimize"]
    MetricName: str = Field(min_length=1)


class LimitsSpec(_Model):
    """How many trials, how many at once, and for how long."""

    MaxNumberOfTrainingJobs: int | None = Field(default=None, ge=1, le=10_000)
    MaxParallelTrainingJobs: int = Field(default=1, ge=1, le=100)
    MaxRuntimeInSeconds: int | None = Field(default=None, ge=1)


class HyperbandConfig(_Model):
    """Resource bounds of Hyperband (epochs or boosting rounds)."""

    MinResource: int | None = Field(default=None, ge=1)
    MaxResource: int | None = Field(default=None, ge=1)
    #: sabio extension: the hyperparameter that sets the resource (default: known built-ins).
    ResourceHyperparameter: str | None = None


class StrategySpec(_Model):
    """Strategy options."""

    HyperbandStrategyConfig: HyperbandConfig | None = None
    #: sabio extension: ``{"Sampler": "TPE" | "GP"}`` for the Bayesian strategy.
    BayesianStrategyConfig: dict[str, Literal["TPE", "GP"]] | None = None


class NotImproving(_Model):
    """Stop after this many trials without a better objective."""

    MaxNumberOfTrainingJobsNotImproving: int = Field(ge=1)


class Convergence(_Model):
    """Stop once the search has converged."""

    CompleteOnConvergence: Literal["Enabled", "Disabled"] = "Enabled"


class CompletionCriteria(_Model):
    """When the tuning job may end early (SageMaker's TuningJobCompletionCriteria)."""

    TargetObjectiveMetricValue: float | None = None
    BestObjectiveNotImproving: NotImproving | None = None
    ConvergenceDetected: Convergence | None = None


class TuningConfig(_Model):
    """SageMaker's HyperParameterTuningJobConfig."""

    Strategy: Literal["Bayesian", "Random", "Hyperband", "Grid"] = "Bayesian"
    StrategyConfig: StrategySpec | None = None
    HyperParameterTuningJobObjective: Objective
    ResourceLimits: LimitsSpec = Field(default_factory=lambda: LimitsSpec())
    ParameterRanges: RangesSpec
    TrainingJobEarlyStoppingType: Literal["Off", "Auto"] = "Off"
    TuningJobCompletionCriteria: CompletionCriteria | None = None
    RandomSeed: int | None = None


class ParentJob(_Model):
    """One parent of a warm start."""

    HyperParameterTuningJobName: str


class WarmStart(_Model):
    """SageMaker's WarmStartConfig."""

    ParentHyperParameterTuningJobs: list[ParentJob] = Field(min_length=1, max_length=5)
    WarmStartType: Literal["IdenticalDataAndAlgorithm", "TransferLearning"]


class TuningJobSpec(_Model):
    """A tuning job, as stored in the catalog.

    ``TrainingJobDefinition`` is a :class:`sabio.training.TrainingJobSpec` dump whose
    ``job_name`` is replaced per trial; its hyperparameters are the static ones.
    ``CodeArchive`` is the packed script-mode code every trial uploads (sabio extension).
    ``MaxFailedTrainingJobs`` is how many failed trials are tolerated: one more fails the
    tuning job (sabio extension; default: half of the trials, at least one). A tuning job
    whose trials all failed fails too.
    """

    HyperParameterTuningJobName: str
    HyperParameterTuningJobConfig: TuningConfig
    TrainingJobDefinition: dict[str, Any]
    WarmStartConfig: WarmStart | None = None
    CodeArchive: str | None = None
    MaxFailedTrainingJobs: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _rules(self) -> TuningJobSpec:
        check_tuning_job_name(self.HyperParameterTuningJobName)
        config = self.HyperParameterTuningJobConfig
        ranges = config.ParameterRanges
        names = ranges.names()
        if not names:
            raise ValueError(
                "no hyperparameter ranges: give at least one ContinuousParameter, "
                "IntegerParameter or CategoricalParameter to tune"
            )
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"hyperparameters appear in more than one range: {repeated}")
        static = self.TrainingJobDefinition.get("hyperparameters") or {}
        both = sorted(set(names) & set(static))
        if both:
            raise ValueError(
                f"hyperparameter(s) {both} are both tuned and static: remove them from the "
                "static hyperparameters (hyperparameters_to_keep_static) or from the ranges"
            )
        limits = config.ResourceLimits
        if config.Strategy == "Grid":
            if ranges.ContinuousParameterRanges:
                continuous = [r.Name for r in ranges.ContinuousParameterRanges]
                raise ValueError(
                    "the Grid strategy searches every combination of categorical and integer "
                    f"values; continuous ranges {continuous}"
                    " cannot be enumerated. Use IntegerParameter/CategoricalParameter, or the "
                    "Bayesian or Random strategy"
                )
            if self.grid_size() > MAX_GRID_POINTS:
                raise ValueError(
                    f"the grid has {self.grid_size()} points (more than {MAX_GRID_POINTS}); "
                    "narrow the ranges or use the Random or Bayesian strategy"
                )
        elif limits.MaxNumberOfTrainingJobs is None:
            raise ValueError(
                f"max_jobs (ResourceLimits.MaxNumberOfTrainingJobs) is required for the "
                f"{config.Strategy} strategy"
            )
        if limits.MaxParallelTrainingJobs > self.max_jobs():
            raise ValueError(
                f"max_parallel_jobs ({limits.MaxParallelTrainingJobs}) is greater than max_jobs "
                f"({self.max_jobs()}); lower max_parallel_jobs or raise max_jobs"
            )
        if config.Strategy == "Hyperband" and config.TrainingJobEarlyStoppingType != "Off":
            raise ValueError(
                "the Hyperband strategy stops trials early by itself: set "
                "early_stopping_type='Off' (SageMaker's rule)"
            )
        strategy_config = config.StrategyConfig
        hyperband = strategy_config.HyperbandStrategyConfig if strategy_config else None
        if hyperband is not None:
            if config.Strategy != "Hyperband":
                raise ValueError("HyperbandStrategyConfig is only valid with strategy='Hyperband'")
            low, high = hyperband.MinResource, hyperband.MaxResource
            if low is not None and high is not None and low > high:
                raise ValueError(
                    f"HyperbandStrategyConfig: MinResource {low} is greater than MaxResource {high}"
                )
        return self

    @classmethod
    def from_create_hyper_parameter_tuning_job(cls, request: Mapping[str, Any]) -> TuningJobSpec:
        """A spec from SageMaker's ``CreateHyperParameterTuningJob`` request shape: its
        ``TrainingJobDefinition`` (``StaticHyperParameters``, ``AlgorithmSpecification``,
        ``InputDataConfig`` ...) becomes a training spec without a name; the code archive of a
        script-mode definition stays at ``code_uri`` for the caller to fetch.

        Raises:
            pydantic.ValidationError: the request breaks a rule of the spec.
        """
        from sabio.training import TrainingJobSpec

        name = str(request.get("HyperParameterTuningJobName") or "")
        definition = dict(request.get("TrainingJobDefinition") or {})
        training = TrainingJobSpec.from_create_training_job(
            {
                **definition,
                "TrainingJobName": f"{name or 'tuning'}-001-00000000",
                "HyperParameters": definition.get("StaticHyperParameters") or {},
            }
        ).model_dump(mode="json")
        training.pop("job_name")
        config = dict(request.get("HyperParameterTuningJobConfig") or {})
        return cls.model_validate(
            {
                "HyperParameterTuningJobName": name,
                "HyperParameterTuningJobConfig": config,
                "TrainingJobDefinition": training,
                "WarmStartConfig": request.get("WarmStartConfig"),
                "MaxFailedTrainingJobs": request.get("MaxFailedTrainingJobs"),
            }
        )

    # ---------------------------------------------------------------- helpers
    @property
    def name(self) -> str:
        """The tuning job's name."""
        return self.HyperParameterTuningJobName

    @property
    def config(self) -> TuningConfig:
        """The tuning configuration."""
        return self.HyperParameterTuningJobConfig

    def grid_size(self) -> int:
        """Number of combinations of the integer and categorical ranges."""
        size = 1
        ranges = self.config.ParameterRanges
        for integer in ranges.IntegerParameterRanges:
            size *= integer.MaxValue - integer.MinValue + 1
        for categorical in ranges.CategoricalParameterRanges:
            size *= len(categorical.Values)
        return size

    def max_jobs(self) -> int:
        """How many trials to run (Grid: the grid size unless a smaller limit is given)."""
        limit = self.config.ResourceLimits.MaxNumberOfTrainingJobs
        if self.config.Strategy == "Grid":
            return min(limit, self.grid_size()) if limit is not None else self.grid_size()
        if limit is None:  # pragma: no cover - refused by the validator
            raise ValidationError("max_jobs is required")
        return limit

    def max_failed(self) -> int:
        """How many failed trials are tolerated (one more fails the tuning job)."""
        if self.MaxFailedTrainingJobs is not None:
            return self.MaxFailedTrainingJobs
        return max(1, self.max_jobs() // 2)

    @property
    def objective(self) -> Objective:
        """The objective metric and direction."""
        return self.config.HyperParameterTuningJobObjective

    def static_hyperparameters(self) -> dict[str, Any]:
        """Hyperparameters every trial gets."""
        return dict(self.TrainingJobDefinition.get("hyperparameters") or {})


def explain(exc: Any, name: str | None) -> str:
    """One message from a pydantic validation error of a tuning job spec."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"] if not isinstance(p, int))
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    label = f"tuning job {name!r}" if name else "tuning job"
    return f"Invalid {label}: " + "; ".join(parts)
