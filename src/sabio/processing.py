"""``sabio.processing``: SageMaker's processing jobs, run on this machine.

A processor runs a program (your script, or a command) over inputs copied from the store
into ``/opt/ml/processing/...`` and uploads what it writes under its outputs' sources when
it ends. Scripts written for SageMaker run unchanged: their hard-coded ``/opt/ml`` paths
reach the job's folder (see ``docs/processing.md``).

Example:
    >>> from sabio.processing import ProcessingInput, ProcessingOutput
    >>> from sabio.sklearn.processing import SKLearnProcessor
    >>> processor = SKLearnProcessor(framework_version="1.2-1", instance_type="local",
    ...                              instance_count=1)  # doctest: +SKIP
    >>> processor.run(code="preprocess.py",
    ...     inputs=[ProcessingInput(source="s3://sabio-default/insurance/raw",
    ...                             destination="/opt/ml/processing/input")],
    ...     outputs=[ProcessingOutput(output_name="train",
    ...                               source="/opt/ml/processing/train")])  # doctest: +SKIP
    >>> processor.latest_job.describe()["ProcessingJobStatus"]  # doctest: +SKIP
    'Completed'
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from sabio._processing_code import check_framework, pack_framework_code
from sabio._processing_io import (
    ProcessingInput,
    ProcessingJob,
    ProcessingOutput,
    input_request,
    output_request,
    upload,
)
from sabio.exceptions import ValidationError
from sabio.session import Session
from sabio.utils import unique_name
from sabio.workflow.entities import PipelineVariable
from sabio.workflow.pipeline_context import runnable_by_pipeline

__all__ = [
    "FrameworkProcessor",
    "ProcessingInput",
    "ProcessingJob",
    "ProcessingOutput",
    "Processor",
    "ScriptProcessor",
]

_CODE_BASE = "/opt/ml/processing/input"
_CODE_INPUT = "code"


class Processor:
    """Runs processing jobs of a command (``entrypoint``) over inputs and outputs.

    SageMaker's signature. sabio runs no containers: ``image_uri`` is recorded, and the
    program is ``entrypoint`` (``python3`` is this environment's interpreter). A sized
    ``instance_type`` (``ml.m5.large``) reserves CPU slots like a training job; ``local``
    (the default here) reserves none. ``role``, ``volume_kms_key`` and ``network_config`` are
    accepted for compatibility.
    """

    JOB_CLASS_NAME = "processing-job"

    def __init__(
        self,
        role: str | None = None,
        image_uri: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        entrypoint: list[str] | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: Any = None,
    ) -> None:
        count = 1 if instance_count is None else instance_count
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ValidationError(f"instance_count must be a whole number >= 1, got {count!r}.")
        self.role = role
        self.image_uri = image_uri
        self.instance_count = count
        self.instance_type = instance_type or "local"
        self.entrypoint = list(entrypoint) if entrypoint else None
        self.volume_size_in_gb = volume_size_in_gb
        self.volume_kms_key = volume_kms_key
        self.output_kms_key = output_kms_key
        self.max_runtime_in_seconds = max_runtime_in_seconds
        self.base_job_name = base_job_name
        self.sagemaker_session = sagemaker_session or Session()
        self.env = dict(env or {})
        self.tags = list(tags or [])
        self.network_config = network_config
        self.jobs: list[ProcessingJob] = []
        self.latest_job: ProcessingJob | None = None
        self.arguments: list[str] | None = None
        self._current_job_name: str | None = None

    @runnable_by_pipeline
    def run(
        self,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: dict[str, str] | None = None,
        kms_key: str | None = None,
    ) -> Any:
        """Run a processing job of ``entrypoint`` (and wait for it by default).

        Raises:
            ValidationError: bad input, named (before anything runs or is uploaded).
            JobFailedError: with ``wait``, the job failed.
        """
        request = self._create_job_request(
            inputs=inputs,
            outputs=outputs,
            arguments=arguments,
            job_name=job_name,
            experiment_config=experiment_config,
            kms_key=kms_key,
            logs=logs,
            wait=wait,
        )
        return self._start_job(request, inputs, outputs, wait=wait, logs=logs)

    # ------------------------------------------------------------ the request
    def _create_job_request(
        self,
        *,
        inputs: list[ProcessingInput] | None,
        outputs: list[ProcessingOutput] | None,
        arguments: list[str] | None,
        job_name: str | None,
        experiment_config: dict[str, str] | None,
        kms_key: str | None,
        logs: bool,
        wait: bool,
        code: str | None = None,
        source_dir: str | None = None,
        dependencies: list[str] | None = None,
    ) -> dict[str, Any]:
        """The CreateProcessingJob request of one ``run()``: the one place it is built.

        Generates the job name, names unnamed inputs (``input-1`` ...) and outputs
        (``output-1`` ...), gives outputs their default destination, uploads local inputs
        and the code (only once the whole request is valid) and returns the request that
        :meth:`_start_job` starts (a pipeline session keeps it instead).

        Raises:
            ValidationError: bad input, named.
        """
        from sabio.processing_jobs import (
            ProcessingJobSpec,
            check_processing_job,
            check_processing_job_name,
        )

        if logs and not wait:
            raise ValidationError(
                "Logs can only be shown if wait is set to True: pass wait=True, or logs=False."
            )
        name = job_name or unique_name(self.base_job_name or self._default_base_name())
        check_processing_job_name(name)
        self._current_job_name = name
        session = self.sagemaker_session
        bucket = session.default_bucket()
        uploads: list[tuple[Path, str]] = []
        with tempfile.TemporaryDirectory(prefix="sabio-processing-") as tmp:
            all_inputs = list(inputs or [])
            for item in all_inputs:
                if not isinstance(item, ProcessingInput):
                    raise ValidationError(
                        f"Processing inputs must be ProcessingInput objects, got "
                        f"{type(item).__name__}: wrap it, e.g. ProcessingInput(source=..., "
                        "destination='/opt/ml/processing/input')."
                    )
            entrypoint, code_inputs = self._code(name, code, source_dir, dependencies, Path(tmp))
            requested_inputs = [
                input_request(item, count, name, bucket, uploads)
                for count, item in enumerate(all_inputs, 1)
            ] + [input_request(item, 0, name, bucket, uploads, to) for item, to in code_inputs]
            requested_outputs = [
                output_request(item, count, name, bucket)
                for count, item in enumerate(outputs or [], 1)
            ]
            app: dict[str, Any] = {"ImageUri": self.image_uri or "sabio/processing"}
            if entrypoint:
                app["ContainerEntrypoint"] = entrypoint
            if arguments:
                app["ContainerArguments"] = [
                    a if isinstance(a, PipelineVariable) else str(a) for a in arguments
                ]
            request: dict[str, Any] = {
                "ProcessingJobName": name,
                "ProcessingInputs": requested_inputs,
                "ProcessingResources": {
                    "ClusterConfig": {
                        "InstanceCount": self.instance_count,
                        "InstanceType": self.instance_type,
                        "VolumeSizeInGB": self.volume_size_in_gb,
                    }
                },
                "AppSpecification": app,
                "RoleArn": self.role or "arn:aws:iam::000000000000:role/sabio-local-execution-role",
                "Environment": {k: str(v) for k, v in self.env.items()},
            }
            if requested_outputs:
                request["ProcessingOutputConfig"] = {"Outputs": requested_outputs}
                if self.output_kms_key:
                    request["ProcessingOutputConfig"]["KmsKeyId"] = self.output_kms_key
            if self.max_runtime_in_seconds:
                request["StoppingCondition"] = {"MaxRuntimeInSeconds": self.max_runtime_in_seconds}
            if experiment_config:
                request["ExperimentConfig"] = dict(experiment_config)
            if self.tags:
                request["Tags"] = list(self.tags)
            # Every rule is checked before the first upload: a refused run leaves nothing. A
            # pipeline step's request may hold pipeline variables: its execution checks it.
            if not _has_variables(request):
                check_processing_job(
                    session.settings, ProcessingJobSpec.from_create_processing_job(request)
                )
            for local, uri in uploads:
                upload(session.store, local, uri)
        self.arguments = list(arguments) if arguments else None
        return request

    def _default_base_name(self) -> str:
        if self.image_uri:
            return self.image_uri.rsplit("/", 1)[-1].split(":", 1)[0]
        return self.JOB_CLASS_NAME

    def _code(
        self,
        name: str,
        code: str | None,
        source_dir: str | None,
        dependencies: list[str] | None,
        tmp: Path,
    ) -> tuple[list[str] | None, list[tuple[ProcessingInput, str | None]]]:
        """The entrypoint and the inputs that carry the code (none for a plain processor),
        each with the prefix a local source is uploaded to (None: the job's input prefix)."""
        return self.entrypoint, []

    # ---------------------------------------------------------------- the job
    def _start_job(
        self,
        request: dict[str, Any],
        inputs: list[ProcessingInput] | None,
        outputs: list[ProcessingOutput] | None,
        *,
        wait: bool,
        logs: bool,
    ) -> None:
        """Start the job of ``request`` and follow it (``wait``)."""
        from sabio.processing_jobs import ProcessingJobSpec, start_processing_job

        spec = ProcessingJobSpec.from_create_processing_job(request)
        session = self.sagemaker_session
        start_processing_job(session.settings, spec)
        job = ProcessingJob.from_request(session, request)
        self.latest_job = job
        self.jobs.append(job)
        if wait:
            job.wait(logs=logs)


class ScriptProcessor(Processor):
    """Runs a script (``code``) with ``command`` (e.g. ``["python3"]``). SageMaker's signature.

    The script is uploaded to ``s3://<bucket>/<job>/input/code/<file>`` and copied to
    ``/opt/ml/processing/input/code/`` before it runs.
    """

    def __init__(
        self,
        role: str | None = None,
        image_uri: str | None = None,
        command: list[str] | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: Any = None,
    ) -> None:
        if not command:
            raise ValidationError(
                "ScriptProcessor needs command=, the program that runs the script, e.g. "
                "command=['python3']."
            )
        self.command = list(command)
        super().__init__(
            role=role,
            image_uri=image_uri,
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            base_job_name=base_job_name,
            sagemaker_session=sagemaker_session,
            env=env,
            tags=tags,
            network_config=network_config,
        )

    @runnable_by_pipeline
    def run(  # type: ignore[override]
        self,
        code: str,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: dict[str, str] | None = None,
        kms_key: str | None = None,
    ) -> Any:
        """Run ``code`` (a local file or an ``s3://`` URI) as a processing job.

        Raises:
            ValidationError: bad input, named (before anything runs or is uploaded).
            JobFailedError: with ``wait``, the job failed.
        """
        request = self._create_job_request(
            inputs=inputs,
            outputs=outputs,
            arguments=arguments,
            job_name=job_name,
            experiment_config=experiment_config,
            kms_key=kms_key,
            logs=logs,
            wait=wait,
            code=code,
        )
        return self._start_job(request, inputs, outputs, wait=wait, logs=logs)

    def _code(
        self,
        name: str,
        code: str | None,
        source_dir: str | None,
        dependencies: list[str] | None,
        tmp: Path,
    ) -> tuple[list[str] | None, list[tuple[ProcessingInput, str | None]]]:
        if not code:
            raise ValidationError(f"{type(self).__name__}.run() needs code= (the script to run).")
        file_name = code.rstrip("/").rsplit("/", 1)[-1]
        if "://" in code and not code.startswith("file://"):
            source = code
        else:
            local = Path(code[len("file://") :] if code.startswith("file://") else code)
            if not local.is_file():
                raise ValidationError(
                    f"code {code!r} is not a file (looked in {Path.cwd()}): pass the path of "
                    "your processing script or an s3:// URI."
                )
            source = str(local)
        destination = f"{_CODE_BASE}/{_CODE_INPUT}"
        code_input = ProcessingInput(source=source, destination=destination, input_name=_CODE_INPUT)
        return [*self.command, f"{destination}/{file_name}"], [(code_input, None)]


class FrameworkProcessor(ScriptProcessor):
    """Runs ``code`` from ``source_dir`` (with ``dependencies``) with a framework installed
    in this environment (SageMaker's signature; ``estimator_cls`` names the framework).

    Like SageMaker, the code is packed into ``sourcedir.tar.gz`` and a ``runproc.sh`` that
    unpacks it and runs ``command`` (default ``["python3"]``) on ``code``, both uploaded
    under ``s3://<bucket>/<job>/source/``.

    Raises:
        FrameworkNotInstalledError: the framework is not installed here.
    """

    def __init__(
        self,
        estimator_cls: type[Any],
        framework_version: str,
        role: str | None = None,
        instance_count: int | None = None,
        instance_type: str | None = None,
        py_version: str = "py3",
        image_uri: str | None = None,
        command: list[str] | None = None,
        volume_size_in_gb: int = 30,
        volume_kms_key: str | None = None,
        output_kms_key: str | None = None,
        code_location: str | None = None,
        max_runtime_in_seconds: int | None = None,
        base_job_name: str | None = None,
        sagemaker_session: Session | None = None,
        env: dict[str, str] | None = None,
        tags: list[dict[str, str]] | None = None,
        network_config: Any = None,
    ) -> None:
        framework = check_framework(type(self).__name__, estimator_cls, framework_version)
        self.estimator_cls = estimator_cls
        self.framework_version = framework_version
        self.py_version = py_version
        self.code_location = code_location
        super().__init__(
            role=role,
            image_uri=image_uri or f"sabio/{framework}-processing:{framework_version}",
            command=command or ["python3"],
            instance_count=instance_count,
            instance_type=instance_type,
            volume_size_in_gb=volume_size_in_gb,
            volume_kms_key=volume_kms_key,
            output_kms_key=output_kms_key,
            max_runtime_in_seconds=max_runtime_in_seconds,
            base_job_name=base_job_name,
            sagemaker_session=sagemaker_session,
            env=env,
            tags=tags,
            network_config=network_config,
        )

    @runnable_by_pipeline
    def run(  # type: ignore[override]
        self,
        code: str,
        source_dir: str | None = None,
        dependencies: list[str] | None = None,
        git_config: dict[str, str] | None = None,
        inputs: list[ProcessingInput] | None = None,
        outputs: list[ProcessingOutput] | None = None,
        arguments: list[str] | None = None,
        wait: bool = True,
        logs: bool = True,
        job_name: str | None = None,
        experiment_config: dict[str, str] | None = None,
        kms_key: str | None = None,
        codeartifact_repo_arn: str | None = None,
    ) -> Any:
        """Run ``code`` (relative to ``source_dir`` when given) as a processing job.

        Raises:
            ValidationError, NotFoundError: bad input, named (before anything runs).
            JobFailedError: with ``wait``, the job failed.
        """
        if git_config:
            raise ValidationError(
                "git_config is not supported: clone the repository and pass source_dir=."
            )
        request = self._create_job_request(
            inputs=inputs,
            outputs=outputs,
            arguments=arguments,
            job_name=job_name,
            experiment_config=experiment_config,
            kms_key=kms_key,
            logs=logs,
            wait=wait,
            code=code,
            source_dir=source_dir,
            dependencies=dependencies,
        )
        return self._start_job(request, inputs, outputs, wait=wait, logs=logs)

    def _code(
        self,
        name: str,
        code: str | None,
        source_dir: str | None,
        dependencies: list[str] | None,
        tmp: Path,
    ) -> tuple[list[str] | None, list[tuple[ProcessingInput, str | None]]]:
        if not code:
            raise ValidationError(f"{type(self).__name__}.run() needs code= (the script to run).")
        folder = pack_framework_code(code, source_dir, dependencies or [], self.command, tmp)
        bucket = self.sagemaker_session.default_bucket()
        prefix = (self.code_location or f"s3://{bucket}").rstrip("/")
        uri = f"{prefix}/{name}/source"
        code_input = ProcessingInput(
            source=str(folder / "sourcedir.tar.gz"),
            destination=f"{_CODE_BASE}/{_CODE_INPUT}",
            input_name=_CODE_INPUT,
        )
        entry_input = ProcessingInput(
            source=str(folder / "runproc.sh"),
            destination=f"{_CODE_BASE}/entrypoint",
            input_name="entrypoint",
        )
        entrypoint = ["/bin/bash", f"{_CODE_BASE}/entrypoint/runproc.sh"]
        return entrypoint, [(code_input, uri), (entry_input, uri)]


def _has_variables(value: Any) -> bool:
    """Whether a request holds pipeline variables (values known when a pipeline runs)."""
    if isinstance(value, PipelineVariable):
        return True
    if isinstance(value, dict):
        return any(_has_variables(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_variables(v) for v in value)
    return False
