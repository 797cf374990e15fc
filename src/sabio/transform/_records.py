"""Record-level work of a transform request: input filter, output splitting, join, output filter.

Only jobs with ``input_filter``, ``output_filter`` or ``join_source="Input"`` pay for it;
others send their blocks of lines to the model as they are. A CSV record is handled as the
array of its fields (SageMaker's rule), a JSON record as its decoded value.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sabio.algorithms._bodies import loads_json
from sabio.exceptions import ValidationError
from sabio.transform._jsonpath import JsonPath, parse_jsonpath

__all__ = ["RecordPlan", "media", "record_format"]

_JSON_TYPES = frozenset({"application/json", "application/jsonlines", "application/x-jsonlines"})


def media(content_type: str | None) -> str:
    """``"text/csv; charset=utf-8"`` → ``"text/csv"``."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def record_format(content_type: str | None) -> str | None:
    """``"csv"``, ``"json"``, or None for formats that cannot be filtered or joined."""
    kind = media(content_type)
    if kind == "text/csv":
        return "csv"
    if kind in _JSON_TYPES:
        return "json"
    return None


def _csv_fields(line: str) -> list[str]:
    try:
        return next(csv.reader([line]), [])
    except csv.Error as exc:  # a stray carriage return or NUL inside a record
        raise ValidationError(f"the record is not a CSV line: {exc}") from None


def _csv_line(value: Any) -> str:
    if not isinstance(value, list):
        value = [value]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(
        [json.dumps(v) if isinstance(v, dict | list) else v for v in value]
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class RecordPlan:
    """How records of one job are filtered and joined (built once per worker)."""

    input_format: str | None
    output_format: str | None
    input_filter: JsonPath | None
    output_filter: JsonPath | None
    join: bool

    @classmethod
    def create(
        cls,
        content_type: str | None,
        accept: str | None,
        input_filter: str | None,
        output_filter: str | None,
        join: bool,
    ) -> RecordPlan:
        """Check the job's filters against its formats and build the plan.

        Raises:
            ValidationError: filters on a format that has no records (e.g. NPY), or a join
                of CSV with JSON.
        """
        in_format = record_format(content_type)
        out_format = record_format(accept) or (in_format if accept is None else None)
        if input_filter is not None and in_format is None:
            raise ValidationError(
                f"input_filter needs CSV or JSON input, but content_type is {content_type!r}. "
                "Pass content_type='text/csv' or 'application/jsonlines'."
            )
        if (join or output_filter is not None) and out_format is None:
            raise ValidationError(
                f"join_source/output_filter need CSV or JSON answers, but accept is {accept!r}. "
                "Pass accept='text/csv' or 'application/jsonlines'."
            )
        if join and in_format != out_format:
            raise ValidationError(
                f"join_source='Input' needs input and output in the same format, got "
                f"content_type={content_type!r} and accept={accept!r}. Use text/csv for both, "
                "or JSON (application/json or application/jsonlines) for both."
            )
        return cls(
            in_format,
            out_format,
            parse_jsonpath(input_filter, role="input_filter") if input_filter else None,
            parse_jsonpath(output_filter, role="output_filter") if output_filter else None,
            join,
        )

    # ------------------------------------------------------------------ input
    def decode_input(self, record: str) -> Any:
        """The value filters and joins see for an input record."""
        if self.input_format == "csv":
            return _csv_fields(record)
        # The request decoders' JSON reader: deep nesting and huge integers are a clear
        # error, not a RecursionError.
        return loads_json(record, "the record")

    def filter_input(self, record: str) -> str:
        """The record as sent to the model (after ``input_filter``)."""
        if self.input_filter is None:
            return record
        selected = self.input_filter.apply(self.decode_input(record))
        if self.input_format == "csv":
            return _csv_line(selected)
        return json.dumps(selected, separators=(",", ":"))

    # ----------------------------------------------------------------- output
    def split_output(self, body: bytes, content_type: str, count: int) -> list[Any]:
        """Cut a model answer for ``count`` records into one value per record.

        Raises:
            ValidationError: the answer does not hold one value per record.
        """
        kind = record_format(content_type) or self.output_format
        text = body.decode("utf-8", errors="replace")
        if kind == "json" and media(content_type) == "application/json":
            value = json.loads(text)
            if isinstance(value, dict) and isinstance(value.get("predictions"), list):
                value = value["predictions"]
            if count == 1 and not (isinstance(value, list) and len(value) == 1):
                return [value]
            values = value if isinstance(value, list) else [value]
        else:
            lines = [line for line in text.splitlines() if line.strip()]
            if kind == "json":
                values = [json.loads(line) for line in lines]
            else:
                values = [_csv_fields(line) for line in lines]
        if len(values) != count:
            raise ValidationError(
                f"the model answered {len(values)} values for {count} records; join_source "
                "and output_filter need one answer per input record (a header or a blank "
                "line in the input can cause this)"
            )
        return values

    def join_record(self, record: str, output: Any) -> Any:
        """Join an input record with its answer (SageMaker's ``JoinSource=Input``)."""
        source = self.decode_input(record)
        if self.input_format == "csv":
            extra = output if isinstance(output, list) else [output]
            return [*source, *extra]
        if isinstance(source, dict):
            return {**source, "SageMakerOutput": output}
        if isinstance(source, list):
            return [*source, output]
        return {"SageMakerInput": source, "SageMakerOutput": output}

    def finish(self, records: Sequence[str], outputs: Sequence[Any]) -> bytes:
        """Joined and filtered output lines for a batch, each ending with a newline."""
        csv_out = (self.input_format if self.join else self.output_format) == "csv"
        lines = []
        for record, output in zip(records, outputs, strict=True):
            value = self.join_record(record, output) if self.join else output
            if self.output_filter is not None:
                value = self.output_filter.apply(value)
            lines.append(_csv_line(value) if csv_out else json.dumps(value, separators=(",", ":")))
        return ("\n".join(lines) + "\n").encode("utf-8")
