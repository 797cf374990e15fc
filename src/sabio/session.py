"""``sabio.Session``: the workspace, the store and the catalog, in SageMaker's shape.

Example:
    >>> import sabio as sagemaker
    >>> session = sagemaker.Session()  # doctest: +SKIP
    >>> uri = session.upload_data("data/train.csv", key_prefix="insurance/train")  # doctest: +SKIP
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sabio._config import Settings, load_settings
from sabio.training._kind import TRAINING

if TYPE_CHECKING:
    from sabio.catalog import Catalog
    from sabio.storage import Store

__all__ = ["LOCAL_ROLE", "Session", "get_execution_role"]

LOCAL_ROLE = "arn:aws:iam::000000000000:role/sabio-local-execution-role"


class Session:
    """A sabio workspace session (SageMaker's ``sagemaker.Session``).

    Args:
        boto_session, sagemaker_client, sagemaker_runtime_client: accepted for
            compatibility with SageMaker code and ignored.
        default_bucket: bucket used when none is given (default: the setting
            ``default_bucket``, ``sabio-default``).
        settings: explicit settings; by default they are read from the environment
            and ``$SABIO_HOME/config.toml``.
        backend: where jobs run (``local``, the default, or ``ray``); overrides the
            ``SABIO_BACKEND`` setting.

    Raises:
        ConfigError: the backend is unknown or cannot run here (named by ``backend``,
            ``SABIO_BACKEND`` or the config file).
    """

    def __init__(
        self,
        boto_session: Any = None,
        sagemaker_client: Any = None,
        sagemaker_runtime_client: Any = None,
        default_bucket: str | None = None,
        settings: Settings | None = None,
        backend: str | None = None,
        **_ignored: Any,
    ) -> None:
        from sabio.supervision import backend_for

        self.settings = settings or load_settings()
        if backend is not None:
            self.settings = self.settings.with_overrides(backend=backend)
        backend_for(self.settings.backend)  # an unknown or unavailable backend is refused here
        self._default_bucket = default_bucket or self.settings.default_bucket

    @cached_property
    def store(self) -> Store:
        """The data and artifact store of this workspace."""
        from sabio.storage import Store

        return Store(self.settings)

    @cached_property
    def catalog(self) -> Catalog:
        """The catalog database of this workspace."""
        from sabio.catalog import Catalog

        return Catalog.open(self.settings)

    @property
    def boto_region_name(self) -> str:
        """The region name (the S3 region setting), for code that prints or uses it."""
        return self.settings.s3_region

    def default_bucket(self) -> str:
        """Return the default bucket name, creating the bucket if needed."""
        self.store.create_bucket(self._default_bucket)
        return self._default_bucket

    def upload_data(
        self,
        path: str | Path,
        bucket: str | None = None,
        key_prefix: str = "data",
        extra_args: Any = None,
        callback: Any = None,
    ) -> str:
        """Upload a local file or folder; return its ``s3://`` URI (SageMaker's shape)."""
        bucket = bucket or self.default_bucket()
        return self.store.upload(Path(path), bucket, key_prefix)

    def upload_string_as_file_body(self, body: str, bucket: str, key: str) -> str:
        """Write a string as an object; return its URI."""
        uri = f"s3://{bucket}/{key}"
        self.store.put_bytes(uri, body.encode())
        return uri

    def download_data(
        self, path: str | Path, bucket: str, key_prefix: str = "", extra_args: Any = None
    ) -> list[str]:
        """Download an object or every object under a prefix into a local folder."""
        uri = f"s3://{bucket}/{key_prefix}" if key_prefix else f"s3://{bucket}"
        return [str(p) for p in self.store.download(uri, Path(path))]

    def read_s3_file(self, bucket: str, key_prefix: str) -> str:
        """Return an object's content as text."""
        return self.store.get_bytes(f"s3://{bucket}/{key_prefix}").decode()

    def list_s3_files(self, bucket: str, key_prefix: str) -> list[str]:
        """Return the keys under a prefix."""
        prefix = f"s3://{bucket}/"
        return [uri[len(prefix) :] for uri in self.store.list(f"s3://{bucket}/{key_prefix}")]

    def describe_training_job(self, job_name: str) -> dict[str, Any]:
        """Return a training job in SageMaker's DescribeTrainingJob shape."""
        from sabio._describe import describe_training_job

        return describe_training_job(self, job_name)

    def stop_training_job(self, job_name: str) -> None:
        """Ask a running training job to stop."""
        from sabio.training import stop

        stop(self.settings, job_name)

    def logs_for_job(self, job_name: str, wait: bool = False, poll: int = 10) -> None:
        """Print a job's log; with ``wait=True`` follow it until the job ends."""
        from sabio.training import follow, job_dir

        if wait:
            follow(self.settings, job_name, print)
            return
        self.catalog.jobs(TRAINING).get(job_name)
        log = job_dir(self.settings, job_name) / "logs.txt"
        if log.exists():
            print(log.read_text(errors="replace"), end="")


def get_execution_role(sagemaker_session: Session | None = None) -> str:
    """Return a harmless local role ARN (sabio needs no IAM role)."""
    return LOCAL_ROLE
