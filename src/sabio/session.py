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
        default_bucket_prefix: key prefix inside the default bucket under which sabio puts
            what it writes there by default (uploads, job outputs, code), as SageMaker's
            ``default_bucket_prefix`` (default: the setting ``default_bucket_prefix``, none).
        settings: explicit settings; by default they are read from the environment
            and ``$SABIO_HOME/config.toml``.
        backend: where jobs run (``local``, the default, or ``ray``); overrides the
            ``SABIO_BACKEND`` setting.

    Attributes:
        config: SageMaker's local-mode configuration dictionary
            (``{"local": {"local_code": True}}``); sabio always runs code locally, so it is
            kept for code that reads it back.

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
        default_bucket_prefix: str | None = None,
        backend: str | None = None,
        **_ignored: Any,
    ) -> None:
        from sabio.supervision import backend_for

        self.settings = settings or load_settings()
        if backend is not None:
            self.settings = self.settings.with_overrides(backend=backend)
        backend_for(self.settings.backend)  # an unknown or unavailable backend is refused here
        self._default_bucket = default_bucket or self.settings.default_bucket
        prefix = default_bucket_prefix or self.settings.default_bucket_prefix
        # SageMaker strips the slashes around the prefix; an empty one means none.
        self.default_bucket_prefix: str | None = (prefix or "").strip("/") or None
        self.config: dict[str, Any] | None = None
        self.local_mode = False

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

    def default_s3_uri(self, *parts: str) -> str:
        """``s3://<default bucket>/<default_bucket_prefix>/<parts...>`` (no trailing ``/``).

        Where SageMaker puts what it writes by default (job outputs, code, uploads): the
        default bucket, under :attr:`default_bucket_prefix` when one is set.
        """
        from sabio.s3 import s3_path_join

        return s3_path_join("s3://", self.default_bucket(), self.default_bucket_prefix, *parts)

    def upload_data(
        self,
        path: str | Path,
        bucket: str | None = None,
        key_prefix: str = "data",
        extra_args: Any = None,
        callback: Any = None,
    ) -> str:
        """Upload a local file or folder; return its ``s3://`` URI (SageMaker's shape).

        Without ``bucket``, the data goes to the default bucket under
        :attr:`default_bucket_prefix` (when set), as SageMaker does.
        """
        if bucket is None:
            bucket = self.default_bucket()
            if self.default_bucket_prefix:
                key_prefix = f"{self.default_bucket_prefix}/{key_prefix.strip('/')}".rstrip("/")
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

    def describe_processing_job(self, job_name: str) -> dict[str, Any]:
        """Return a processing job in SageMaker's DescribeProcessingJob shape."""
        from sabio._describe import describe_processing_job

        return describe_processing_job(self, job_name)

    def stop_processing_job(self, job_name: str) -> None:
        """Ask a running processing job to stop."""
        from sabio.processing_jobs import stop

        stop(self.settings, job_name)

    def logs_for_processing_job(self, job_name: str, wait: bool = False, poll: int = 10) -> None:
        """Print a processing job's log; with ``wait=True`` follow it until the job ends."""
        from sabio.processing_jobs import describe, follow, job_dir

        if wait:
            follow(self.settings, job_name, print)
            return
        describe(self.settings, job_name)
        log = job_dir(self.settings, job_name) / "logs.txt"
        if log.exists():
            print(log.read_text(errors="replace"), end="")

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

    # ------------------------------------------------------------------ pipelines
    def send_pipeline_execution_step_success(
        self,
        CallbackToken: str,  # noqa: N803 - the SageMaker API's field names
        OutputParameters: list[dict[str, Any]] | None = None,  # noqa: N803
        **_: Any,
    ) -> dict[str, Any]:
        """Complete a waiting Callback step (SageMaker's SendPipelineExecutionStepSuccess);
        returns ``{"PipelineExecutionArn": ...}``.

        Raises:
            NotFoundError: no running step waits for the token.
        """
        from sabio.pipelines import PIPELINE_EXECUTION, execution_arn, send_step_success

        execution = send_step_success(self.settings, CallbackToken, OutputParameters)
        parent = self.catalog.jobs(PIPELINE_EXECUTION).get(execution).parent
        return {"PipelineExecutionArn": execution_arn(str(parent), execution)}

    def send_pipeline_execution_step_failure(
        self,
        CallbackToken: str,  # noqa: N803 - the SageMaker API's field names
        FailureReason: str = "",  # noqa: N803
        **_: Any,
    ) -> dict[str, Any]:
        """Fail a waiting Callback step (SageMaker's SendPipelineExecutionStepFailure).

        Raises:
            NotFoundError: no running step waits for the token.
        """
        from sabio.pipelines import PIPELINE_EXECUTION, execution_arn, send_step_failure

        execution = send_step_failure(self.settings, CallbackToken, FailureReason)
        parent = self.catalog.jobs(PIPELINE_EXECUTION).get(execution).parent
        return {"PipelineExecutionArn": execution_arn(str(parent), execution)}

    # ------------------------------------------------------------- model registry
    def create_model_package_group(
        self, model_package_group_name: str, model_package_group_description: str | None = None
    ) -> dict[str, Any]:
        """Create a model package group; returns ``{"ModelPackageGroupArn": ...}``.

        Raises:
            ValidationError: a bad name.
            ConflictError: the group exists already.
        """
        from sabio import registry

        record = registry.create_model_package_group(
            self.settings, model_package_group_name, model_package_group_description
        )
        return {"ModelPackageGroupArn": registry.group_arn(self.settings, record.name)}

    def describe_model_package_group(self, model_package_group_name: str) -> dict[str, Any]:
        """DescribeModelPackageGroup (SageMaker's shape)."""
        from sabio._describe import describe_model_package_group

        return describe_model_package_group(self, model_package_group_name)

    def list_model_package_groups(
        self, name_contains: str | None = None, max_results: int | None = 100
    ) -> dict[str, Any]:
        """ListModelPackageGroups, newest first (SageMaker's shape)."""
        from sabio._describe import list_model_package_groups

        return list_model_package_groups(self, name_contains, max_results)

    def create_model_package(self, request: dict[str, Any]) -> dict[str, Any]:
        """Register a version from a CreateModelPackage request; returns
        ``{"ModelPackageArn": ...}``. Every SDK registration goes through here (so a pipeline
        session can capture the request instead).

        Raises:
            ValidationError: a malformed request.
            NotFoundError: the group does not exist (create it first).
        """
        from sabio import registry

        spec = registry.ModelPackageSpec.from_create_model_package(request)
        return {"ModelPackageArn": registry.create_model_package(self.settings, spec)}

    def describe_model_package(self, model_package_name: str) -> dict[str, Any]:
        """DescribeModelPackage of a version (ARN or ``group/version``), plus ``Lineage``."""
        from sabio._describe import describe_model_package

        return describe_model_package(self, model_package_name)

    def list_model_packages(
        self,
        model_package_group_name: str | None = None,
        model_approval_status: str | None = None,
        sort_order: str = "Descending",
        max_results: int | None = 100,
    ) -> dict[str, Any]:
        """ListModelPackages (SageMaker's shape), by creation time."""
        from sabio._describe import list_model_packages

        return list_model_packages(
            self, model_package_group_name, model_approval_status, sort_order, max_results
        )

    def update_model_package_approval(
        self,
        model_package_arn: str,
        model_approval_status: str,
        approval_description: str | None = None,
    ) -> dict[str, Any]:
        """Set a version's approval status (``sm_client.update_model_package`` in SageMaker);
        returns ``{"ModelPackageArn": ...}``. The OS user is recorded with the change.

        Raises:
            ValidationError: a bad ARN or status.
            NotFoundError: no such version.
        """
        from sabio import registry

        record = registry.update_approval(
            self.settings, model_package_arn, model_approval_status, approval_description
        )
        arn = registry.package_arn(self.settings, record.group_name, record.version)
        return {"ModelPackageArn": arn}


def get_execution_role(sagemaker_session: Session | None = None) -> str:
    """Return a harmless local role ARN (sabio needs no IAM role)."""
    return LOCAL_ROLE
