"""The search on Optuna: distributions, samplers, pruners and the persisted study.

Strategies map to Optuna as follows: ``Bayesian`` → TPE (multivariate, with the constant
liar for parallel trials; GP on request), ``Random`` → random sampling, ``Grid`` → every
combination of the integer and categorical values, ``Hyperband`` → TPE with Optuna's
Hyperband pruner over the epochs/rounds resource. ``early_stopping_type="Auto"`` adds a
median pruner. The study lives in an Optuna journal file in the tuning job's folder: one
writer (the supervisor), append-only, so it survives a restart and never hits SQLite's
"database is locked".
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sabio.algorithms._builtins import builtin_for_program
from sabio.tuning._spec import CategoricalRange, ContinuousRange, IntegerRange, TuningJobSpec

if TYPE_CHECKING:
    import optuna
    from optuna.distributions import BaseDistribution

__all__ = [
    "distributions",
    "hyperparameters_of",
    "open_study",
    "resource_hyperparameter",
]


def resource_hyperparameter(spec: TuningJobSpec) -> str | None:
    """The hyperparameter Hyperband budgets (configured, or the built-in's epochs/rounds)."""
    strategy = spec.config.StrategyConfig
    hyperband = strategy.HyperbandStrategyConfig if strategy else None
    if hyperband is not None and hyperband.ResourceHyperparameter:
        return hyperband.ResourceHyperparameter
    builtin = builtin_for_program(spec.TrainingJobDefinition.get("builtin_module"))
    return builtin.resource_hyperparameter if builtin else None


def distributions(spec: TuningJobSpec) -> dict[str, BaseDistribution]:
    """One Optuna distribution per tuned hyperparameter.

    ReverseLogarithmic ranges are searched as ``1 - x`` on a log scale (dense near 1, as
    SageMaker's); :func:`hyperparameters_of` maps them back.
    """
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    result: dict[str, BaseDistribution] = {}
    for item in spec.config.ParameterRanges.all():
        if isinstance(item, ContinuousRange):
            scaling = item.scaling()
            if scaling == "ReverseLogarithmic":
                low, high = 1.0 - item.MaxValue, 1.0 - item.MinValue
                result[item.Name] = FloatDistribution(low, high, log=True)
            else:
                log = scaling == "Logarithmic"
                result[item.Name] = FloatDistribution(item.MinValue, item.MaxValue, log=log)
        elif isinstance(item, IntegerRange):
            log = item.scaling() == "Logarithmic"
            result[item.Name] = IntDistribution(item.MinValue, item.MaxValue, log=log)
        else:
            result[item.Name] = CategoricalDistribution(list(item.Values))
    return result


def hyperparameters_of(spec: TuningJobSpec, params: dict[str, Any]) -> dict[str, Any]:
    """The tuned hyperparameter values a trial's job gets, from Optuna's params."""
    values: dict[str, Any] = {}
    for item in spec.config.ParameterRanges.all():
        if item.Name not in params:
            continue
        value = params[item.Name]
        if isinstance(item, ContinuousRange):
            value = float(value)
            if item.scaling() == "ReverseLogarithmic":
                value = 1.0 - value
            # Keep the JSON short and exact enough: 10 significant digits.
            value = float(f"{value:.10g}")
        elif isinstance(item, IntegerRange):
            value = int(value)
        values[item.Name] = value
    return values


def _grid(spec: TuningJobSpec) -> dict[str, list[Any]]:
    grid: dict[str, list[Any]] = {}
    for item in spec.config.ParameterRanges.all():
        if isinstance(item, IntegerRange):
            grid[item.Name] = list(range(item.MinValue, item.MaxValue + 1))
        elif isinstance(item, CategoricalRange):
            grid[item.Name] = list(item.Values)
    return grid


def _grid_sampler_class() -> type[optuna.samplers.GridSampler]:
    import optuna

    class AskTellGrid(optuna.samplers.GridSampler):
        """Optuna's grid sampler without its ``study.stop()`` at the end of the grid.

        That call only works inside ``study.optimize``; with ask/tell the supervisor ends
        the search itself after ``max_jobs`` (the grid size) trials.
        """

        def after_trial(self, *args: Any, **kwargs: Any) -> None:
            return None

    return AskTellGrid


def _AskTellGrid(grid: dict[str, list[Any]], seed: int | None) -> optuna.samplers.BaseSampler:  # noqa: N802
    return _grid_sampler_class()(grid, seed=seed)


def sampler(spec: TuningJobSpec, seed_offset: int = 0) -> optuna.samplers.BaseSampler:
    """The sampler of the spec's strategy.

    ``seed_offset`` shifts the seed of a re-opened study, so that a restarted supervisor
    does not replay the suggestions it made before.
    """
    import optuna

    seed = None if spec.config.RandomSeed is None else spec.config.RandomSeed + seed_offset
    strategy = spec.config.Strategy
    if strategy == "Random":
        return optuna.samplers.RandomSampler(seed=seed)
    if strategy == "Grid":
        return _AskTellGrid(_grid(spec), seed=seed)
    startup = max(3, min(10, spec.max_jobs() // 4))
    options = spec.config.StrategyConfig
    bayesian = (options.BayesianStrategyConfig if options else None) or {}
    if bayesian.get("Sampler") == "GP":
        return optuna.samplers.GPSampler(seed=seed, n_startup_trials=startup)
    return optuna.samplers.TPESampler(
        seed=seed,
        n_startup_trials=startup,
        multivariate=True,
        constant_liar=True,
    )


def pruner(spec: TuningJobSpec) -> optuna.pruners.BasePruner:
    """Hyperband for the Hyperband strategy, a median pruner for early stopping, else none."""
    import optuna

    config = spec.config
    if config.Strategy == "Hyperband":
        options = config.StrategyConfig.HyperbandStrategyConfig if config.StrategyConfig else None
        low = (options.MinResource if options else None) or 1
        high: int | str = (options.MaxResource if options else None) or "auto"
        return optuna.pruners.HyperbandPruner(min_resource=low, max_resource=high)
    if config.TrainingJobEarlyStoppingType == "Auto":
        # SageMaker's "Auto": stop a trial whose objective is worse than the median of the
        # earlier trials at the same step, once a few trials give a median to compare with.
        startup = max(2, min(5, spec.max_jobs() // 4))
        return optuna.pruners.MedianPruner(n_startup_trials=startup, n_warmup_steps=2)
    return optuna.pruners.NopPruner()


def open_study(spec: TuningJobSpec, journal: Path) -> optuna.Study:
    """Create or re-open the tuning job's study in its journal file."""
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = JournalStorage(JournalFileBackend(str(journal)))
    direction: Literal["maximize", "minimize"] = (
        "maximize" if spec.objective.Type == "Maximize" else "minimize"
    )
    study = optuna.create_study(
        storage=storage,
        study_name=spec.name,
        sampler=sampler(spec),
        pruner=pruner(spec),
        direction=direction,
        load_if_exists=True,
    )
    existing = len(study.get_trials(deepcopy=False))
    if existing:
        study.sampler = sampler(spec, seed_offset=existing)
    return study


def add_parent_trials(
    study: optuna.Study, spec: TuningJobSpec, parents: list[tuple[str, dict[str, Any], float]]
) -> int:
    """Seed the study with completed trials of parent tuning jobs (warm start).

    Each parent trial is ``(job name, tuned hyperparameters, objective)``. With
    ``TransferLearning`` a parent may have tuned other hyperparameters: values outside the
    new ranges are dropped and trials missing a tuned name are skipped.

    Returns:
        The number of trials added.
    """
    import optuna

    dists = distributions(spec)
    added = 0
    for job_name, hps, value in parents:
        params: dict[str, Any] = {}
        for name, dist in dists.items():
            if name not in hps:
                break
            internal = _to_internal(spec, name, hps[name])
            if internal is None:
                break
            try:
                inside = dist._contains(dist.to_internal_repr(internal))
            except (ValueError, TypeError):
                inside = False
            if not inside:
                break
            params[name] = internal
        else:
            if not math.isfinite(value):
                continue
            study.add_trial(
                optuna.trial.create_trial(
                    params=params,
                    distributions=dists,
                    value=value,
                    user_attrs={"parent_job": job_name, "warm_start": True},
                )
            )
            added += 1
    return added


def _to_internal(spec: TuningJobSpec, name: str, value: Any) -> Any:
    for item in spec.config.ParameterRanges.all():
        if item.Name != name:
            continue
        try:
            if isinstance(item, ContinuousRange):
                number = float(value)
                return 1.0 - number if item.scaling() == "ReverseLogarithmic" else number
            if isinstance(item, IntegerRange):
                return int(float(value))
        except (TypeError, ValueError):
            return None
        for choice in item.Values:
            if choice == value or str(choice) == str(value):
                return choice
        return None
    return None
