"""SageMaker's ``ProcessingInput``, ``ProcessingOutput`` and ``ProcessingJob`` (re-exported
by :mod:`sabio.processing`, their public home)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sabio.exceptions import JobFailedError, ValidationError
from sabio.session import Session

if TYPE_CHECKING:
    from sabio.storage import Store

__all__ = [
    "ProcessingInput",
    "ProcessingJob",
    "ProcessingOutput",
    "input_request",
    "output_request",
    "upload",
]


class ProcessingInput:
    """An input of a processing job: ``source`` (an ``s3://`` URI, a ``file://`` URI or a
    local path, which ``run()`` uploads) copied to ``destination`` (under
    ``/opt/ml/processing/``) before the program starts. SageMaker's signature.
    """

    def __init__(
        self,
        source: str | None = None,
        destination: str | None = None,
        input_name: str | None = None,
        s3_data_type: str = "S3Prefix",
        s3_input_mode: str = "File",
        s3_data_distribution_type: str = "FullyReplicated",
        s3_compression_type: str = "None",
        s3_input: Any = None,
        dataset_definition: Any = None,
        app_managed: bool = False,
    ) -> None:
        if dataset_definition is not None:
            raise ValidationError(
                "ProcessingInput(dataset_definition=...) reads from Athena or Redshift, which "
                "sabio cannot reach: export the data to the store and pass source= instead."
            )
        if s3_input is not None:
            source = source or getattr(s3_input, "s3_uri", None)
            destination = destination or getattr(s3_input, "local_path", None)
        self.source = source
        self.destination = destination
        self.input_name = input_name
        self.s3_data_type = s3_data_type
        self.s3_input_mode = s3_input_mode
        self.s3_data_distribution_type = s3_data_distribution_type
        self.s3_compression_type = s3_compression_type
        self.app_managed = app_managed

    def _to_request_dict(self) -> dict[str, Any]:
        """This input in CreateProcessingJob's ``ProcessingInputs`` shape."""
        return {
            "InputName": self.input_name,
            "AppManaged": self.app_managed,
            "S3Input": {
                "S3Uri": self.source,
                "LocalPath": self.destination,
                "S3DataType": self.s3_data_type,
                "S3InputMode": self.s3_input_mode,
                "S3DataDistributionType": self.s3_data_distribution_type,
                "S3CompressionType": self.s3_compression_type,
            },
        }


class ProcessingOutput:
    """An output of a processing job: what the program writes under ``source`` (under
    ``/opt/ml/processing/``) is uploaded to ``destination`` when it ends (default
    ``s3://<default bucket>/<job name>/output/<output_name>``). SageMaker's signature;
    ``s3_upload_mode="Continuous"`` is uploaded once at the end, like ``EndOfJob``.
    """

    def __init__(
        self,
        source: str | None = None,
        destination: str | None = None,
        output_name: str | None = None,
        s3_upload_mode: str = "EndOfJob",
        app_managed: bool = False,
        feature_store_output: Any = None,
    ) -> None:
        if feature_store_output is not None:
            raise ValidationError(
                "ProcessingOutput(feature_store_output=...) writes to a feature store, which "
                "sabio does not have: write the output to destination= instead."
            )
        self.source = source
        self.destination = destination
        self.output_name = output_name
        self.s3_upload_mode = s3_upload_mode
        self.app_managed = app_managed

    def _to_request_dict(self) -> dict[str, Any]:
        """This output in CreateProcessingJob's ``ProcessingOutputConfig.Outputs`` shape."""
        return {
            "OutputName": self.output_name,
            "AppManaged": self.app_managed,
            "S3Output": {
                "S3Uri": self.destination,
                "LocalPath": self.source,
                "S3UploadMode": self.s3_upload_mode,
            },
        }


class ProcessingJob:
    """A started processing job (SageMaker's ``processor.latest_job``)."""

    def __init__(
        self,
        sagemaker_session: Session,
        job_name: str,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        output_kms_key: str | None = None,
    ) -> None:
        self.sagemaker_session = sagemaker_session
        self.job_name = self.name = job_name
        self.inputs = list(inputs or [])
        self.outputs = list(outputs or [])
        self.output_kms_key = output_kms_key

    @classmethod
    def from_processing_name(
        cls, sagemaker_session: Session, processing_job_name: str
    ) -> ProcessingJob:
        """The job ``processing_job_name`` (its inputs and outputs from the catalog).

        Raises:
            NotFoundError: no such job (with a "Did you mean" hint).
        """
        description = sagemaker_session.describe_processing_job(processing_job_name)
        inputs = [
            ProcessingInput(
                source=item["S3Input"]["S3Uri"],
                destination=item["S3Input"]["LocalPath"],
                input_name=item["InputName"],
            )
            for item in description.get("ProcessingInputs", [])
        ]
        outputs = [
            ProcessingOutput(
                source=item["S3Output"]["LocalPath"],
                destination=item["S3Output"]["S3Uri"],
                output_name=item["OutputName"],
            )
            for item in description.get("ProcessingOutputConfig", {}).get("Outputs", [])
        ]
        return cls(sagemaker_session, processing_job_name, inputs, outputs)

    @classmethod
    def from_request(cls, sagemaker_session: Session, request: dict[str, Any]) -> ProcessingJob:
        """The job a CreateProcessingJob ``request`` started."""
        inputs = [
            ProcessingInput(
                source=item["S3Input"]["S3Uri"],
                destination=item["S3Input"]["LocalPath"],
                input_name=item["InputName"],
            )
            for item in request.get("ProcessingInputs", [])
        ]
        config = request.get("ProcessingOutputConfig") or {}
        outputs = [
            ProcessingOutput(
                source=item["S3Output"]["LocalPath"],
                destination=item["S3Output"]["S3Uri"],
                output_name=item["OutputName"],
            )
            for item in config.get("Outputs", [])
        ]
        return cls(
            sagemaker_session, request["ProcessingJobName"], inputs, outputs, config.get("KmsKeyId")
        )

    def describe(self) -> dict[str, Any]:
        """DescribeProcessingJob of this job."""
        return self.sagemaker_session.describe_processing_job(self.job_name)

    def wait(self, logs: bool = True) -> None:
        """Wait for the job to end (printing its log); raise if it failed or was stopped.

        Raises:
            JobFailedError: the job failed or was stopped (with its reason).
        """
        from sabio.processing_jobs import follow

        record = follow(self.sagemaker_session.settings, self.job_name, print if logs else None)
        if record.status == "Failed":
            raise JobFailedError(
                f"Error for Processing job {self.job_name}: Failed. Reason: {record.failure_reason}"
            )
        if record.status == "Stopped":
            raise JobFailedError(
                f"Processing job {self.job_name} was stopped. Reason: {record.failure_reason}"
            )

    def logs(self, wait: bool = False) -> None:
        """Print the job's log (with ``wait=True``, follow it until the job ends)."""
        self.sagemaker_session.logs_for_processing_job(self.job_name, wait=wait)

    def stop(self) -> None:
        """Ask the job to stop."""
        self.sagemaker_session.stop_processing_job(self.job_name)


# ----------------------------------------------- request parts (Processor uses them)
def input_request(
    item: ProcessingInput,
    count: int,
    job: str,
    bucket: str,
    uploads: list[tuple[Path, str]],
    upload_to: str | None = None,
) -> dict[str, Any]:
    """An input in CreateProcessingJob's shape, named ``input-<count>`` when unnamed; a
    local source is added to ``uploads`` (to ``upload_to``, default the job's input prefix,
    as SageMaker does) and the request names where it will be."""
    name = item.input_name or f"input-{count}"
    source = item.source
    if not source:
        raise ValidationError(f"Processing input {name!r} of job {job!r} has no source.")
    if isinstance(source, str) and "://" not in source:
        # SageMaker uploads a local source to the job's input prefix.
        local = Path(source).expanduser()
        if not local.exists():
            raise ValidationError(
                f"Processing input {name!r} of job {job!r}: {source!r} does not exist. "
                "Pass an s3:// URI or an existing local file or folder."
            )
        uri = upload_to or f"s3://{bucket}/{job}/input/{name}"
        uploads.append((local, uri))
        source = f"{uri}/{local.name}" if local.is_file() else uri
    request = ProcessingInput(
        source=source,
        destination=item.destination,
        input_name=name,
        s3_data_type=item.s3_data_type,
        s3_input_mode=item.s3_input_mode,
        s3_data_distribution_type=item.s3_data_distribution_type,
        s3_compression_type=item.s3_compression_type,
        app_managed=item.app_managed,
    )._to_request_dict()
    if not item.destination:
        raise ValidationError(
            f"Processing input {name!r} of job {job!r} has no destination: give the "
            "folder under /opt/ml/processing/ the program reads it from, e.g. "
            "destination='/opt/ml/processing/input'."
        )
    return request


def output_request(item: ProcessingOutput, count: int, job: str, bucket: str) -> dict[str, Any]:
    """An output in CreateProcessingJob's shape, named ``output-<count>`` when unnamed, with
    SageMaker's default destination ``s3://<bucket>/<job>/output/<name>``."""
    if not isinstance(item, ProcessingOutput):
        raise ValidationError(
            f"Processing outputs must be ProcessingOutput objects, got {type(item).__name__}."
        )
    name = item.output_name or f"output-{count}"
    if not item.source:
        raise ValidationError(
            f"Processing output {name!r} of job {job!r} has no source: give the folder "
            "under /opt/ml/processing/ the program writes, e.g. "
            "source='/opt/ml/processing/train'."
        )
    destination = item.destination or f"s3://{bucket}/{job}/output/{name}"
    return ProcessingOutput(
        source=item.source,
        destination=destination,
        output_name=name,
        s3_upload_mode=item.s3_upload_mode,
        app_managed=item.app_managed,
    )._to_request_dict()


def upload(store: Store, local: Path, uri: str) -> None:
    """Upload a local file (to ``<uri>/<its name>``) or folder (under ``uri``)."""
    if local.is_file():
        store.put_file(local, f"{uri}/{local.name}")
        return
    for path in sorted(p for p in local.rglob("*") if p.is_file()):
        store.put_file(path, f"{uri}/{path.relative_to(local).as_posix()}")
