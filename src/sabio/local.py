"""``sabio.local``: SageMaker's local mode (``sagemaker.local``).

SageMaker's local mode runs jobs and endpoints in Docker on your machine; sabio runs
everything on your machine anyway, so :class:`LocalSession` is a :class:`sabio.Session`
that also accepts local mode's arguments and configuration, and
:class:`LocalPipelineSession` is :class:`sabio.workflow.pipeline_context.PipelineSession`.
``instance_type="local"``, ``"local_cpu"`` and ``"local_gpu"`` work with every session (they
reserve no CPU slots).

Example:
    >>> from sabio.local import LocalSession
    >>> session = LocalSession()  # doctest: +SKIP
    >>> session.config = {"local": {"local_code": True}}  # doctest: +SKIP
    >>> session.local_mode  # doctest: +SKIP
    True
"""

from __future__ import annotations

from typing import Any

from sabio._config import Settings
from sabio.exceptions import ValidationError
from sabio.session import Session
from sabio.workflow.pipeline_context import LocalPipelineSession

__all__ = ["LocalPipelineSession", "LocalSession"]


class LocalSession(Session):
    """SageMaker's ``LocalSession``: a session for local mode.

    Args:
        boto_session: accepted for compatibility and ignored.
        default_bucket: bucket used when none is given (as :class:`sabio.Session`).
        s3_endpoint_url: an S3-protocol server to use as the store, as local mode's
            ``s3_endpoint_url`` (default: the workspace's store). Setting it is the same as
            the ``s3_endpoint_url`` setting with ``store_url = "s3://"``.
        disable_local_code: recorded as ``config["local"]["local_code"] = False``. sabio
            always runs the code from your machine (it has no container to upload it to).
        sagemaker_config: accepted for compatibility and ignored.
        default_bucket_prefix: as :class:`sabio.Session`.
        settings: explicit settings (as :class:`sabio.Session`).

    Attributes:
        config: local mode's configuration, ``{"local": {"local_code": True}}`` by default.
            Code may replace it (``session.config = {"local": {"local_code": True}}``);
            a value that is not a dictionary is refused when read back by sabio.
        local_mode: always ``True``.
    """

    def __init__(
        self,
        boto_session: Any = None,
        default_bucket: str | None = None,
        s3_endpoint_url: str | None = None,
        disable_local_code: bool = False,
        sagemaker_config: Any = None,
        default_bucket_prefix: str | None = None,
        settings: Settings | None = None,
        **_ignored: Any,
    ) -> None:
        if s3_endpoint_url is not None:
            from sabio._config import load_settings

            base = settings or load_settings()
            store_url = base.store_url if base.store_url.startswith("s3://") else "s3://"
            settings = base.with_overrides(s3_endpoint_url=s3_endpoint_url, store_url=store_url)
        super().__init__(
            boto_session,
            default_bucket=default_bucket,
            settings=settings,
            default_bucket_prefix=default_bucket_prefix,
        )
        self.config = {"local": {"local_code": not disable_local_code}}
        self.local_mode = True

    @property
    def local_code(self) -> bool:
        """Local mode's ``local_code`` setting (read from :attr:`config`).

        Raises:
            ValidationError: :attr:`config` was set to something that is not local mode's
                ``{"local": {...}}`` dictionary.
        """
        config = self.config if self.config is not None else {}
        local = config.get("local", {}) if isinstance(config, dict) else None
        if not isinstance(local, dict):
            raise ValidationError(
                f"LocalSession.config must be a dictionary like "
                f"{{'local': {{'local_code': True}}}}, got {self.config!r}."
            )
        return bool(local.get("local_code", True))
