"""Batch transform: a model's handlers applied to files in the store, in parallel workers."""

from sabio.transform._jobs import describe, follow, job_dir, stop, submit, wait
from sabio.transform._jsonpath import JsonPath, parse_jsonpath
from sabio.transform._kind import TRANSFORM
from sabio.transform._spec import TransformJobSpec, build_spec, check_transform_job_name

__all__ = [
    "TRANSFORM",
    "JsonPath",
    "TransformJobSpec",
    "build_spec",
    "check_transform_job_name",
    "describe",
    "follow",
    "job_dir",
    "parse_jsonpath",
    "stop",
    "submit",
    "wait",
]
