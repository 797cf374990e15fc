"""``sabio.predictor.Predictor``: SageMaker's Predictor for a local endpoint.

Example:
    >>> from sabio.predictor import Predictor
    >>> from sabio.serializers import CSVSerializer
    >>> from sabio.deserializers import JSONDeserializer
    >>> predictor = Predictor("cancer-rf", serializer=CSVSerializer(),
    ...                       deserializer=JSONDeserializer())  # doctest: +SKIP
    >>> predictor.predict([[17.99, 10.38, 122.8]])  # doctest: +SKIP
    >>> predictor.describe()["Url"]  # doctest: +SKIP
    'http://127.0.0.1:41234'
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from sabio.deserializers import (
    BaseDeserializer,
    BytesDeserializer,
    CSVDeserializer,
    JSONDeserializer,
    NumpyDeserializer,
)
from sabio.exceptions import ValidationError
from sabio.serializers import (
    BaseSerializer,
    CSVSerializer,
    IdentitySerializer,
    JSONSerializer,
    LibSVMSerializer,
    NumpySerializer,
)
from sabio.session import Session

if TYPE_CHECKING:
    from sabio.serving import EndpointClient

__all__ = [
    "Predictor",
    "PyTorchPredictor",
    "RealTimePredictor",
    "SKLearnPredictor",
    "TensorFlowPredictor",
    "XGBoostPredictor",
    "csv_deserializer",
    "csv_serializer",
    "json_deserializer",
    "json_serializer",
    "npy_serializer",
    "numpy_deserializer",
]

#: Body types a request can carry as they are (what ``http.client`` sends).
_BODY_TYPES = (bytes, bytearray, memoryview, str)


class Predictor:
    """Sends requests to an endpoint (re-attach to any endpoint by name).

    Args:
        endpoint_name: the endpoint.
        sagemaker_session: the workspace (default: from the environment).
        serializer: turns ``predict``'s data into the request body.
        deserializer: turns the answer into data; its ``ACCEPT`` is the ``Accept`` header.
    """

    def __init__(
        self,
        endpoint_name: str,
        sagemaker_session: Session | None = None,
        serializer: BaseSerializer | None = None,
        deserializer: BaseDeserializer | None = None,
        component_name: str | None = None,
        **_ignored: Any,
    ) -> None:
        self._endpoint_name = endpoint_name
        self.sagemaker_session = sagemaker_session or Session()
        self.serializer = serializer if serializer is not None else IdentitySerializer()
        self.deserializer = deserializer if deserializer is not None else BytesDeserializer()
        self.component_name = component_name
        self._content_type: str | None = None
        self._accept: str | tuple[str, ...] | None = None
        self._client: EndpointClient | None = None
        self._client_url: str | None = None
        # The served model, remembered by delete_endpoint() so that delete_model() still
        # works afterwards (tutorials call the two in either order).
        self._deleted_model_name: str | None = None

    @property
    def endpoint_name(self) -> str:
        """The endpoint's name."""
        return self._endpoint_name

    @property
    def endpoint(self) -> str:
        """Deprecated SageMaker alias of :attr:`endpoint_name`."""
        return self._endpoint_name

    @property
    def content_type(self) -> str:
        """The request ``Content-Type`` (the serializer's, unless set, as in SageMaker v2)."""
        return self._content_type or str(self.serializer.CONTENT_TYPE)

    @content_type.setter
    def content_type(self, value: str) -> None:
        self._content_type = value

    @property
    def accept(self) -> tuple[str, ...]:
        """The accept types (the deserializer's, unless set, as in SageMaker v2)."""
        if self._accept is not None:
            return (self._accept,) if isinstance(self._accept, str) else tuple(self._accept)
        return tuple(self.deserializer.ACCEPT)

    @accept.setter
    def accept(self, value: str | tuple[str, ...]) -> None:
        self._accept = value

    def _body(self, data: Any) -> bytes:
        """The request body of ``data``; a clear error when it cannot be sent.

        Raises:
            ValidationError: the serializer left something that is not bytes or text
                (a DataFrame or array given to a predictor without a fitting serializer).
        """
        body = data if isinstance(data, bytes) else self.serializer.serialize(data)
        if isinstance(body, str):
            return body.encode("utf-8")
        if isinstance(body, bytearray | memoryview):
            return bytes(body)
        if hasattr(body, "read") and not isinstance(body, _BODY_TYPES):
            body = body.read()
            return body.encode("utf-8") if isinstance(body, str) else bytes(body)
        if not isinstance(body, bytes):
            serializer = type(self.serializer).__name__
            raise ValidationError(
                f"Predictor for endpoint {self._endpoint_name!r} cannot send a "
                f"{type(data).__name__}: its serializer {serializer} produced "
                f"{type(body).__name__}, not bytes or text. Give the predictor a serializer "
                "for this data, e.g. Predictor(..., serializer=CSVSerializer()) or "
                "predictor.serializer = sabio.serializers.CSVSerializer() for a DataFrame or "
                "array (JSONSerializer for lists and dicts, NumpySerializer for arrays), "
                "or pass bytes."
            )
        return body

    def _endpoint_client(self, refresh: bool = False) -> EndpointClient:
        from sabio.serving import EndpointClient, describe_endpoint

        if self._client is None or refresh:
            record = describe_endpoint(self.sagemaker_session.settings, self._endpoint_name)
            if record.status not in ("InService", "Updating"):
                from sabio.exceptions import ConflictError

                reason = f" Reason: {record.failure_reason}" if record.failure_reason else ""
                raise ConflictError(
                    f"Endpoint {self._endpoint_name!r} is {record.status}, not InService.{reason}"
                )
            url = str(record.details["Url"])
            if self._client is None or url != self._client_url:
                self._client = EndpointClient(url, self._endpoint_name)
                self._client_url = url
        return self._client

    def predict(
        self,
        data: Any,
        initial_args: dict[str, str] | None = None,
        target_model: str | None = None,
        target_variant: str | None = None,
        inference_id: str | None = None,
        custom_attributes: str | None = None,
        component_name: str | None = None,
    ) -> Any:
        """Send ``data`` to the endpoint and return the deserialized answer.

        Args:
            data: what the serializer accepts (bytes for the default IdentitySerializer).
            initial_args: ``{"ContentType": ..., "Accept": ...}`` overrides.
            inference_id: recorded with captured data.

        Raises:
            PayloadError: the endpoint refused the request (4xx) — the message says why.
            ModelError: the model failed (5xx).
            NotFoundError: no such endpoint.
            ValidationError: ``data`` cannot be serialized to a request body.
        """
        args = initial_args or {}
        body = self._body(data)
        content_type = args.get("ContentType", self.content_type)
        accept = args.get("Accept", ", ".join(self.accept))
        client = self._endpoint_client()
        try:
            answer, answer_type = client.invoke(
                body, content_type, accept, inference_id=inference_id, target_model=target_model
            )
        except ConnectionError:
            # The endpoint may have been redeployed elsewhere; look it up again once.
            client = self._endpoint_client(refresh=True)
            answer, answer_type = client.invoke(
                body, content_type, accept, inference_id=inference_id, target_model=target_model
            )
        return self.deserializer.deserialize(io.BytesIO(answer), answer_type)

    def describe(self) -> dict[str, Any]:
        """DescribeEndpoint of this endpoint, plus its local ``Url``."""
        from sabio._describe import describe_endpoint

        return describe_endpoint(self.sagemaker_session, self._endpoint_name)

    def delete_endpoint(self, delete_endpoint_config: bool = True) -> None:
        """Stop the endpoint's server and remove it."""
        from sabio.serving import EndpointSpec, delete_endpoint, describe_endpoint

        if self._client is not None:
            self._client.close()
        settings = self.sagemaker_session.settings
        record = describe_endpoint(settings, self._endpoint_name)
        self._deleted_model_name = EndpointSpec.model_validate(record.spec).model_name
        delete_endpoint(settings, self._endpoint_name)

    def delete_model(self) -> None:
        """Remove the model record the endpoint serves (or served, once deleted)."""
        from sabio.serving import EndpointSpec, delete_model, describe_endpoint

        name = self._deleted_model_name
        if name is None:
            record = describe_endpoint(self.sagemaker_session.settings, self._endpoint_name)
            name = EndpointSpec.model_validate(record.spec).model_name
        delete_model(self.sagemaker_session.settings, name)

    def update_endpoint(
        self,
        initial_instance_count: int | None = None,
        instance_type: str | None = None,
        model_name: str | None = None,
        wait: bool = True,
        **_ignored: Any,
    ) -> None:
        """Serve another model and/or worker count; the old one serves until the new is up."""
        from sabio.serving import update_endpoint

        update_endpoint(
            self.sagemaker_session.settings,
            self._endpoint_name,
            model_name=model_name,
            instance_count=initial_instance_count,
            wait=wait,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint_name={self._endpoint_name!r})"


class SKLearnPredictor(Predictor):
    """SageMaker's SKLearnPredictor: NumPy in, NumPy out."""

    def __init__(self, endpoint_name: str, sagemaker_session: Session | None = None, **kw: Any):
        kw.setdefault("serializer", NumpySerializer())
        kw.setdefault("deserializer", NumpyDeserializer())
        super().__init__(endpoint_name, sagemaker_session, **kw)


class PyTorchPredictor(SKLearnPredictor):
    """SageMaker's PyTorchPredictor: NumPy in, NumPy out."""


class XGBoostPredictor(Predictor):
    """SageMaker's XGBoostPredictor: libsvm in, CSV out."""

    def __init__(self, endpoint_name: str, sagemaker_session: Session | None = None, **kw: Any):
        kw.setdefault("serializer", LibSVMSerializer())
        kw.setdefault("deserializer", CSVDeserializer())
        super().__init__(endpoint_name, sagemaker_session, **kw)


class TensorFlowPredictor(Predictor):
    """SageMaker's TensorFlowPredictor: JSON in, JSON out (TensorFlow Serving's REST shapes).

    Args:
        model_name, model_version: recorded; with one model per endpoint they select
            nothing.
    """

    def __init__(
        self,
        endpoint_name: str,
        sagemaker_session: Session | None = None,
        serializer: BaseSerializer | None = None,
        deserializer: BaseDeserializer | None = None,
        model_name: str | None = None,
        model_version: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(
            endpoint_name,
            sagemaker_session,
            serializer=serializer if serializer is not None else JSONSerializer(),
            deserializer=deserializer if deserializer is not None else JSONDeserializer(),
            **kw,
        )
        self._model_name = model_name
        self._model_version = model_version


class RealTimePredictor(Predictor):
    """SageMaker v1's ``RealTimePredictor`` (v2 keeps it as a deprecated alias).

    Accepts v1's ``content_type`` and ``accept`` arguments.
    """

    def __init__(
        self,
        endpoint: str,
        sagemaker_session: Session | None = None,
        serializer: BaseSerializer | None = None,
        deserializer: BaseDeserializer | None = None,
        content_type: str | None = None,
        accept: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(endpoint, sagemaker_session, serializer, deserializer, **kw)
        self._content_type = content_type
        self._accept = accept


# SageMaker SDK v2's deprecated module-level (de)serializer instances (v1 names).
csv_serializer = CSVSerializer()
json_serializer = JSONSerializer()
npy_serializer = NumpySerializer()
csv_deserializer = CSVDeserializer()
json_deserializer = JSONDeserializer()
numpy_deserializer = NumpyDeserializer()
