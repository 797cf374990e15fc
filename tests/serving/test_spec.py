"""The typed endpoint spec: defaults, bounds, and how create_endpoint reports a bad one."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError as PydanticError

from sabio import serving
from sabio._config import load_settings
from sabio.exceptions import ValidationError
from sabio.serving import EndpointSpec


def test_endpoint_spec_defaults_and_bytes() -> None:
    spec = EndpointSpec(endpoint_name="ep", model_name="m", max_payload_mb=1.5)
    assert (spec.variant_name, spec.instance_count, spec.port) == ("AllTraffic", 1, 0)
    assert spec.max_payload_bytes == int(1.5 * 1024 * 1024)
    assert EndpointSpec.model_validate(spec.model_dump(mode="json")) == spec


def test_endpoint_spec_refuses_unknown_keys_and_bad_ports() -> None:
    with pytest.raises(PydanticError, match="ModelName"):
        EndpointSpec.model_validate({"endpoint_name": "ep", "model_name": "m", "ModelName": "x"})
    with pytest.raises(PydanticError, match="port"):
        EndpointSpec(endpoint_name="ep", model_name="m", port=70000)


def test_create_endpoint_bad_port_names_the_field_and_records_nothing(sabio_home: Path) -> None:
    settings = load_settings()
    with pytest.raises(ValidationError, match=r"Invalid endpoint 'ep': port: .*65535"):
        serving.create_endpoint(settings, "ep", "some-model", port=70000)
    assert serving.list_endpoints(settings) == []
