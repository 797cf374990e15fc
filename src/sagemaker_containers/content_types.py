"""MIME types the SageMaker containers name (``sagemaker_containers.content_types``)."""

__all__ = ["ANY", "CSV", "JSON", "NPY", "OCTET_STREAM", "UTF8_TYPES"]

JSON = "application/json"
CSV = "text/csv"
OCTET_STREAM = "application/octet-stream"
ANY = "*/*"
NPY = "application/x-npy"
#: Types whose request bodies the containers decode to text before ``input_fn``.
UTF8_TYPES = [JSON, CSV]
