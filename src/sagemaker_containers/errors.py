"""The container errors scripts raise or catch (``sagemaker_containers.errors``)."""

__all__ = ["ClientError", "UnsupportedFormatError"]


class ClientError(Exception):
    """The request or data sent to the container is wrong (an answer in the 4xx range)."""


class UnsupportedFormatError(ClientError):
    """A content type or accept type the encoders do not handle.

    Args:
        content_type: the type that was asked for.
    """

    def __init__(self, content_type: str, **kwargs: object) -> None:
        self.content_type = content_type
        super().__init__(
            f"Content type {content_type} is not supported by this framework. "
            "Use application/json, text/csv or application/x-npy, or implement "
            "input_fn/output_fn for it."
        )
