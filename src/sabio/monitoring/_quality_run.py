"""Model-quality baselines and executions, mixed into the monitoring supervisor: predictions
(a baseline's columns, or captured responses) against ground truth (a baseline's column, or
uploaded files merged on the captured ``inferenceId``)."""

from __future__ import annotations

import json
from typing import Any

from sabio.exceptions import ValidationError
from sabio.monitoring._spec import MonitoringJobSpec
from sabio.storage import Store

__all__ = ["QualityRuns"]


def _value(body: str, attribute: str | None) -> str:
    """One value of a captured response: CSV (by index) or JSON (by key or index)."""
    text = body.strip()
    if text.startswith(("{", "[")):
        parsed: Any = json.loads(text)
        if isinstance(parsed, dict):
            for key in (attribute, "predictions", "score", "predicted_label"):
                if key and key in parsed:
                    parsed = parsed[key]
                    break
        while isinstance(parsed, list) and parsed:
            parsed = parsed[int(attribute) if attribute and attribute.isdigit() else 0]
        if isinstance(parsed, dict):
            parsed = next(iter(parsed.values()))
        return str(parsed)
    fields = text.splitlines()[0].split(",") if text else [""]
    index = int(attribute) if attribute and attribute.isdigit() else 0
    return fields[index].strip()


class QualityRuns:
    """Model-quality baselines and executions (mixed into the supervisor)."""

    spec: MonitoringJobSpec
    store: Store
    progress: dict[str, Any]

    def log(self, line: str) -> None:
        raise NotImplementedError

    def _write(self, files: dict[str, Any]) -> None:
        raise NotImplementedError

    def _labels(self, scores: Any) -> Any:
        import numpy as np

        quality = self.spec.quality
        threshold = (
            0.5
            if quality is None or quality.probability_threshold is None
            else (quality.probability_threshold)
        )
        return (np.asarray(scores, dtype=float) >= threshold).astype(int)

    def _quality_baseline(self) -> None:
        import numpy as np
        import pandas as pd

        from sabio.monitoring._quality import quality_constraints, quality_statistics

        spec, quality = self.spec, self.spec.quality
        if quality is None or spec.dataset_uri is None or not quality.ground_truth_attribute:
            raise ValidationError("A model-quality baseline needs problem_type and its columns.")
        frame = pd.concat(
            [pd.read_csv(self.store.open(uri, "rb")) for uri in self.store.list(spec.dataset_uri)],
            ignore_index=True,
        )
        truth = frame[quality.ground_truth_attribute].to_numpy()
        score = None
        if quality.probability_attribute:
            score = frame[quality.probability_attribute].to_numpy(dtype=float)
        if quality.inference_attribute:
            predicted = frame[quality.inference_attribute].to_numpy()
        elif score is not None:
            predicted = self._labels(score)
        else:  # checked by submit
            raise ValidationError("A model-quality baseline needs inference_attribute.")
        statistics = quality_statistics(quality.problem_type, truth, np.asarray(predicted), score)
        self.progress["ProcessedRecords"] = len(frame)
        self._write(
            {
                "statistics.json": statistics,
                "constraints.json": quality_constraints(statistics, quality.problem_type),
            }
        )

    def _quality_monitor(self) -> None:
        import numpy as np

        from sabio.monitoring._captured import capture_files, read_ground_truth, read_outputs
        from sabio.monitoring._quality import check_quality, quality_statistics

        spec, quality = self.spec, self.spec.quality
        if quality is None or not quality.ground_truth_uri or spec.capture_prefix is None:
            raise ValidationError("A model-quality execution needs ground truth and a capture.")
        if spec.start_time is None or spec.end_time is None or spec.constraints_uri is None:
            raise ValidationError("A model-quality execution needs a period and constraints.")
        files = capture_files(self.store, spec.capture_prefix, spec.start_time, spec.end_time)
        outputs = read_outputs(self.store, files, spec.start_time, spec.end_time)
        truth = read_ground_truth(self.store, quality.ground_truth_uri)
        matched = sorted(set(outputs) & set(truth))
        self.log(
            f"{len(outputs)} captured response(s) with an inference id, {len(truth)} ground "
            f"truth record(s), {len(matched)} matched"
        )
        if outputs and truth and not matched:
            raise ValidationError(
                f"None of the {len(truth)} ground truth records under "
                f"{quality.ground_truth_uri!r} matches a captured inferenceId of the period "
                f"({len(outputs)} captured, e.g. {next(iter(outputs))!r}). Upload ground truth "
                "with eventMetadata.eventId set to the inference_id passed to predict()."
            )
        self.progress["ProcessedRecords"] = len(matched)
        self.progress["CapturedEvents"] = len(outputs)
        constraints = json.loads(self.store.get_bytes(spec.constraints_uri))
        if not matched:
            self.progress["MonitoringExecutionStatus"] = "Completed"
            self.progress["StatusMessage"] = "No captured response matched ground truth."
            self._write({"constraint_violations.json": {"violations": []}})
            return
        attribute = quality.probability_attribute or quality.inference_attribute
        values = [_value(outputs[i], attribute) for i in matched]
        expected = np.asarray([truth[i] for i in matched])
        score = None
        if quality.problem_type == "BinaryClassification":
            numbers = np.asarray(values, dtype=float)
            if quality.probability_attribute or quality.probability_threshold is not None:
                score, predicted = numbers, self._labels(numbers)
            else:
                predicted = numbers.astype(int)
            expected = expected.astype(float).astype(int)
        elif quality.problem_type == "Regression":
            predicted, expected = np.asarray(values, dtype=float), expected.astype(float)
        else:
            predicted = np.asarray(values)
        statistics = quality_statistics(quality.problem_type, expected, predicted, score)
        violations = check_quality(statistics, constraints, quality.problem_type)
        self.progress["Violations"] = len(violations)
        self.progress["MonitoringExecutionStatus"] = (
            "CompletedWithViolations" if violations else "Completed"
        )
        self._write(
            {
                "statistics.json": statistics,
                "constraint_violations.json": {"violations": violations},
            }
        )
