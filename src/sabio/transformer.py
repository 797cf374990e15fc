"""``sabio.transformer.Transformer``: SageMaker's batch transform, run on this machine.

Example:
    >>> from sabio.transformer import Transformer
    >>> transformer = Transformer("fraud-xgb", instance_count=1, instance_type="local",
    ...                           strategy="MultiRecord", assemble_with="Line",
    ...                           accept="text/csv")  # doctest: +SKIP
    >>> transformer.transform("s3://sabio-default/fraud/test", content_type="text/csv",
    ...                       split_type="Line")  # doctest: +SKIP
    >>> transformer.output_path  # doctest: +SKIP
    's3://sabio-default/fraud-xgb-2026-01-01-10-00-00-000'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sabio.exceptions import JobFailedError, ValidationError
from sabio.session import Session
from sabio.transform._kind import TRANSFORM
from sabio.utils import unique_name
from sabio.workflow.pipeline_context import runnable_by_pipeline

if TYPE_CHECKING:
    from sabio.catalog import JobRecord

__all__ = ["Transformer"]


class _TransformJob:
    """A started transform job (SageMaker's ``transformer.latest_transform_job``)."""

    def __init__(self, name: str, session: Session) -> None:
        self.name = self.job_name = name
        self.sagemaker_session = session

    def describe(self) -> dict[str, Any]:
        """DescribeTransformJob of this job."""
        from sabio._describe import describe_transform_job

        return describe_transform_job(self.sagemaker_session, self.name)

    def wait(self, logs: bool = True) -> None:
        """Wait for the job to end (printing its log); raise if it failed or was stopped."""
        from sabio.transform import follow

        record = follow(self.sagemaker_session.settings, self.name, print if logs else None)
        _raise_for(record)


def _raise_for(record: JobRecord) -> None:
    if record.status == "Failed":
        raise JobFailedError(
            f"Error for Transform job {record.name}: Failed. Reason: {record.failure_reason}"
        )
    if record.status == "Stopped":
        raise JobFailedError(
            f"Transform job {record.name} was stopped. Reason: {record.failure_reason}"
        )


class Transformer:
    """Runs batch transform jobs of one model (SageMaker's signature).

    Args:
        model_name: a model in the catalog (``Estimator.transformer()`` and
            ``Model.transformer()`` create it).
        instance_count: instances; workers = ``instance_count * max_concurrent_transforms``,
            each a process that loads the model once.
        instance_type: recorded (``"local"`` or an ``ml.*`` type).
        strategy: ``"MultiRecord"`` (default: batches up to ``max_payload`` MB) or
            ``"SingleRecord"``.
        assemble_with: ``"Line"`` or ``"None"``; default ``"Line"`` when the input is split
            by line, else ``"None"``.
        output_path: where ``<input file>.out`` objects go; default
            ``s3://<default bucket>/<job name>``.
        accept: MIME type of the answers (default: the input's content type).
        max_concurrent_transforms: parallel requests per instance (default 1).
        max_payload: largest request in MB (default 6, at most 100).
        env: environment variables for the model (recorded with the job).
        base_transform_job_name: prefix of generated job names (default: the model name).
        sagemaker_session: the session (default: a new one).
        output_kms_key, volume_kms_key, tags: accepted for compatibility (tags are recorded).
    """

    def __init__(
        self,
        model_name: str,
        instance_count: int = 1,
        instance_type: str = "local",
        strategy: str | None = None,
        assemble_with: str | None = None,
        output_path: str | None = None,
        output_kms_key: str | None = None,
        accept: str | None = None,
        max_concurrent_transforms: int | None = None,
        max_payload: float | None = None,
        tags: list[dict[str, str]] | None = None,
        env: dict[str, str] | None = None,
        base_transform_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        volume_kms_key: str | None = None,
    ) -> None:
        if not model_name:
            raise ValidationError("Transformer needs a model_name (a model in the catalog).")
        self.model_name = model_name
        self.instance_count = instance_count
        self.instance_type = instance_type
        self.strategy = strategy
        self.assemble_with = assemble_with
        self.output_path = output_path
        self.output_kms_key = output_kms_key
        self.accept = accept
        self.max_concurrent_transforms = max_concurrent_transforms
        self.max_payload = max_payload
        self.tags = tags
        self.env = dict(env or {})
        self.base_transform_job_name = base_transform_job_name
        self.sagemaker_session = sagemaker_session or Session()
        self.volume_kms_key = volume_kms_key
        self.latest_transform_job: _TransformJob | None = None
        self._current_job_name: str | None = None
        self._reset_output_path = False

    @runnable_by_pipeline
    def transform(
        self,
        data: str,
        data_type: str = "S3Prefix",
        content_type: str | None = None,
        compression_type: str | None = None,
        split_type: str | None = None,
        job_name: str | None = None,
        input_filter: str | None = None,
        output_filter: str | None = None,
        join_source: str | None = None,
        experiment_config: Any = None,
        model_client_config: Any = None,
        batch_data_capture_config: Any = None,
        wait: bool = True,
        logs: bool = True,
    ) -> None:
        """Start a transform job over ``data`` (and wait for it by default).

        Args:
            data: ``s3://`` prefix or object (or a local path) of the input; with
                ``data_type="ManifestFile"`` a JSON manifest.
            data_type: ``"S3Prefix"`` or ``"ManifestFile"``.
            content_type: MIME type of the input (``Content-Type`` of each request).
            compression_type: ``"Gzip"`` for gzip-compressed input files, else ``None``.
            split_type: ``"Line"`` (one record a line) or ``"None"`` (one record a file).
            job_name: explicit name (default: base name plus a timestamp).
            input_filter: JSONPath selecting what of each record the model sees (``"$[1:]"``).
            output_filter: JSONPath selecting what of each (joined) record is written.
            join_source: ``"Input"`` writes each input record joined with its answer.
            wait: block until the job ends (raising :class:`JobFailedError` on failure).
            logs: print the job's log while waiting.

        Raises:
            ValidationError, NotFoundError: bad arguments, unknown model, no input files.
            ConflictError: a transform job with this name exists already.
        """
        from sabio.transform import build_spec, check_transform_job_name, submit

        session = self.sagemaker_session
        name = job_name or unique_name(self.base_transform_job_name or self.model_name)
        check_transform_job_name(name)
        if self.output_path is None or self._reset_output_path:
            self.output_path = f"s3://{session.default_bucket()}/{name}"
            self._reset_output_path = True
        spec = build_spec(
            job_name=name,
            model_name=self.model_name,
            data=data,
            data_type=data_type,
            content_type=content_type,
            compression_type=compression_type,
            split_type=split_type,
            strategy=self.strategy,
            assemble_with=self.assemble_with,
            accept=self.accept,
            max_payload=self.max_payload,
            max_concurrent_transforms=self.max_concurrent_transforms,
            instance_count=self.instance_count,
            instance_type=self.instance_type,
            input_filter=input_filter,
            output_filter=output_filter,
            join_source=join_source,
            output_path=self.output_path,
            environment={k: str(v) for k, v in self.env.items()},
            tags=self.tags,
        )
        submit(session.settings, spec, session.store)
        self._current_job_name = name
        self.latest_transform_job = _TransformJob(name, session)
        if wait:
            self.latest_transform_job.wait(logs=logs)

    def _job(self) -> _TransformJob:
        if self.latest_transform_job is None:
            raise ValidationError(
                "This transformer has not run a job yet: call transform() first, or "
                "Transformer.attach('job-name') to an existing job."
            )
        return self.latest_transform_job

    def wait(self, logs: bool = True) -> None:
        """Wait for the latest job to end; raise if it failed."""
        self._job().wait(logs=logs)

    def describe(self) -> dict[str, Any]:
        """DescribeTransformJob of the latest job."""
        return self._job().describe()

    def stop_transform_job(self, wait: bool = True) -> None:
        """Stop the latest job (and wait until it has stopped)."""
        from sabio.transform import stop
        from sabio.transform import wait as wait_job

        job = self._job()
        settings = self.sagemaker_session.settings
        if stop(settings, job.name) and wait:
            wait_job(settings, job.name, timeout=120)

    @classmethod
    def attach(
        cls, transform_job_name: str, sagemaker_session: Session | None = None
    ) -> Transformer:
        """Rebuild a transformer from an existing job.

        Raises:
            NotFoundError: no such job (with a "Did you mean" hint).
        """
        session = sagemaker_session or Session()
        spec = session.catalog.jobs(TRANSFORM).get(transform_job_name).spec
        transformer = cls(
            spec["model_name"],
            instance_count=spec.get("instance_count", 1),
            instance_type=spec.get("instance_type", "local"),
            strategy=spec.get("strategy"),
            assemble_with=spec.get("assemble_with"),
            output_path=spec.get("output_path"),
            accept=spec.get("accept"),
            max_concurrent_transforms=spec.get("max_concurrent_transforms"),
            max_payload=spec.get("max_payload"),
            tags=spec.get("tags") or None,
            env=spec.get("environment"),
            sagemaker_session=session,
        )
        transformer.latest_transform_job = _TransformJob(transform_job_name, session)
        transformer._current_job_name = transform_job_name
        return transformer
