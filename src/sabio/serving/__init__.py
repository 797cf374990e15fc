"""Real-time endpoints: the model server process and the endpoint lifecycle.

Example:
    >>> from sabio._config import load_settings
    >>> from sabio import serving
    >>> settings = load_settings()  # doctest: +SKIP
    >>> serving.create_endpoint(settings, "cancer-rf", "cancer-rf-model")  # doctest: +SKIP
    >>> serving.describe_endpoint(settings, "cancer-rf").details["Url"]  # doctest: +SKIP
    'http://127.0.0.1:41234'
"""

from sabio.serving._client import EndpointClient
from sabio.serving._endpoints import (
    ACTIVE_STATUSES,
    check_name,
    create_endpoint,
    delete_endpoint,
    deleted_logs_dir,
    describe_endpoint,
    endpoint_dir,
    list_endpoints,
    reconcile,
    update_endpoint,
    wait_for_endpoint,
)
from sabio.serving._models import create_model, delete_model, describe_model
from sabio.serving._spec import EndpointSpec, HttpLimits

__all__ = [
    "ACTIVE_STATUSES",
    "EndpointClient",
    "EndpointSpec",
    "HttpLimits",
    "check_name",
    "create_endpoint",
    "create_model",
    "delete_endpoint",
    "delete_model",
    "deleted_logs_dir",
    "describe_endpoint",
    "describe_model",
    "endpoint_dir",
    "list_endpoints",
    "reconcile",
    "update_endpoint",
    "wait_for_endpoint",
]
