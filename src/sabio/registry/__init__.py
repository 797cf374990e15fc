"""The model registry: model package groups, numbered versions, approval and lineage.

Example:
    >>> from sabio._config import load_settings
    >>> from sabio import registry
    >>> settings = load_settings()  # doctest: +SKIP
    >>> registry.create_model_package_group(settings, "fraud-detector")  # doctest: +SKIP
    >>> spec = registry.ModelPackageSpec.from_create_model_package({
    ...     "ModelPackageGroupName": "fraud-detector",
    ...     "InferenceSpecification": {"Containers": [
    ...         {"ModelDataUrl": "s3://sabio-default/job-1/output/model.tar.gz"}]}})
    >>> registry.create_model_package(settings, spec)  # doctest: +SKIP
    'arn:aws:sagemaker:us-east-1:000000000000:model-package/fraud-detector/1'
"""

from sabio.registry._diff import diff_versions
from sabio.registry._lineage import current_user, tree_hash
from sabio.registry._packages import (
    create_model_package,
    create_model_package_group,
    describe_model_package,
    group_arn,
    latest_approved,
    package_arn,
    parse_package_name,
    update_approval,
)
from sabio.registry._spec import (
    APPROVAL_STATUSES,
    ContainerSpec,
    MetricsSourceSpec,
    ModelMetricsSpec,
    ModelPackageSpec,
    check_approval_status,
    check_group_name,
)

__all__ = [
    "APPROVAL_STATUSES",
    "ContainerSpec",
    "MetricsSourceSpec",
    "ModelMetricsSpec",
    "ModelPackageSpec",
    "check_approval_status",
    "check_group_name",
    "create_model_package",
    "create_model_package_group",
    "current_user",
    "describe_model_package",
    "diff_versions",
    "group_arn",
    "latest_approved",
    "package_arn",
    "parse_package_name",
    "tree_hash",
    "update_approval",
]
