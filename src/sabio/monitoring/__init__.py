"""Model monitoring: data capture of endpoint traffic (baselines and drift come later)."""

from sabio.monitoring._capture import (
    DEFAULT_CSV_CONTENT_TYPES,
    DEFAULT_JSON_CONTENT_TYPES,
    CaptureWriter,
    capture_record,
)

__all__ = [
    "DEFAULT_CSV_CONTENT_TYPES",
    "DEFAULT_JSON_CONTENT_TYPES",
    "CaptureWriter",
    "capture_record",
]
