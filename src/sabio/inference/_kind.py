"""The catalog's model records (what endpoints and transform jobs serve)."""

from __future__ import annotations

from sabio.catalog import RecordKind

__all__ = ["MODEL"]

#: Models registered for deployment (status is always ``Created``).
MODEL = RecordKind(
    name="model", label="Model", list_hint="`sabio endpoints list`", terminal=frozenset()
)
