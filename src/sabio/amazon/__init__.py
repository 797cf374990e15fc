"""``sagemaker.amazon``: helpers for SageMaker's first-party algorithms (see
:mod:`sabio.amazon.common` for the RecordIO-protobuf format)."""
