"""Completion criteria: when a tuning job may end before using all its trials."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sabio.tuning._spec import TuningJobSpec

if TYPE_CHECKING:
    import optuna

__all__ = ["completion_reason"]

#: Convergence needs at least this many completed trials.
CONVERGENCE_MIN_TRIALS = 10


def _completed_values(study: optuna.Study) -> list[float]:
    """Objectives of this tuning job's completed trials, in the order they ended."""
    import optuna

    trials = [
        t
        for t in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
        if "job_name" in t.user_attrs and t.value is not None
    ]
    trials.sort(key=lambda t: (t.datetime_complete is None, t.datetime_complete, t.number))
    return [float(t.value) for t in trials if t.value is not None]


def completion_reason(spec: TuningJobSpec, study: optuna.Study) -> str | None:
    """Why the tuning job is complete already, or None to go on.

    ``TargetObjectiveMetricValue``: a trial reached the target. ``BestObjectiveNotImproving``:
    the last N trials did not beat the best before them. ``ConvergenceDetected``: over the
    last third of the trials (at least 5, after at least 10) the best improved by less than
    0.1% of the spread of the objectives seen.
    """
    criteria = spec.config.TuningJobCompletionCriteria
    if criteria is None:
        return None
    values = _completed_values(study)
    if not values:
        return None
    maximize = spec.objective.Type == "Maximize"
    best = max(values) if maximize else min(values)
    target = criteria.TargetObjectiveMetricValue
    if target is not None and (best >= target if maximize else best <= target):
        return f"TargetObjectiveMetricValue reached: {spec.objective.MetricName} = {best:.6g}"
    patience = criteria.BestObjectiveNotImproving
    if patience is not None:
        limit = patience.MaxNumberOfTrainingJobsNotImproving
        index = values.index(best)
        if len(values) - 1 - index >= limit:
            return f"BestObjectiveNotImproving: no better objective in the last {limit} trial(s)"
    convergence = criteria.ConvergenceDetected
    if (
        convergence is not None
        and convergence.CompleteOnConvergence == "Enabled"
        and len(values) >= CONVERGENCE_MIN_TRIALS
    ):
        window = max(5, len(values) // 3)
        before = values[:-window]
        earlier = max(before) if maximize else min(before)
        gain = (best - earlier) if maximize else (earlier - best)
        spread = max(values) - min(values)
        if spread == 0 or gain <= 1e-3 * spread:
            return f"ConvergenceDetected: the best objective stopped improving ({best:.6g})"
    return None
