"""Processing jobs: a program run over inputs copied from the store, with its outputs
uploaded when it ends (SageMaker's CreateProcessingJob).

The SDK (``sabio.processing``) and the pipeline engine build a CreateProcessingJob
request; :meth:`ProcessingJobSpec.from_create_processing_job` types it and
:func:`start_processing_job` runs it as a supervised job of kind :data:`PROCESSING`.
"""

from sabio.processing_jobs._jobs import (
    check_processing_job,
    describe,
    follow,
    job_dir,
    start_processing_job,
    stop,
    wait,
)
from sabio.processing_jobs._kind import PROCESSING
from sabio.processing_jobs._paths import host_path
from sabio.processing_jobs._spec import (
    ProcessingInputSpec,
    ProcessingJobSpec,
    ProcessingOutputSpec,
    check_processing_job_name,
)

__all__ = [
    "PROCESSING",
    "ProcessingInputSpec",
    "ProcessingJobSpec",
    "ProcessingOutputSpec",
    "check_processing_job",
    "check_processing_job_name",
    "describe",
    "follow",
    "host_path",
    "job_dir",
    "start_processing_job",
    "stop",
    "wait",
]
