"""Registering, reading and approving model package versions."""

from __future__ import annotations

import re

from sabio._config import Settings
from sabio.catalog import Catalog, ModelPackageGroupRecord, ModelPackageRecord
from sabio.exceptions import ValidationError
from sabio.registry._lineage import current_user, lineage_of
from sabio.registry._spec import ModelPackageSpec, check_approval_status, check_group_name
from sabio.storage import Store

__all__ = [
    "create_model_package",
    "create_model_package_group",
    "describe_model_package",
    "group_arn",
    "latest_approved",
    "package_arn",
    "parse_package_name",
    "update_approval",
]

_ACCOUNT = "000000000000"
_PACKAGE_ARN = re.compile(r"^arn:aws[a-z-]*:sagemaker:[^:]*:[^:]*:model-package/([^/]+)/(\d+)$")
_PACKAGE_NAME = re.compile(r"^([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})/(\d+)$")


def package_arn(settings: Settings, group_name: str, version: int) -> str:
    """The ARN of a version (SageMaker's ``model-package/<group>/<version>``)."""
    return f"arn:aws:sagemaker:{settings.s3_region}:{_ACCOUNT}:model-package/{group_name}/{version}"


def group_arn(settings: Settings, group_name: str) -> str:
    """The ARN of a model package group."""
    return f"arn:aws:sagemaker:{settings.s3_region}:{_ACCOUNT}:model-package-group/{group_name}"


def parse_package_name(name: str) -> tuple[str, int]:
    """``(group, version)`` of a version's ARN or ``group/version``.

    Raises:
        ValidationError: neither form.
    """
    match = _PACKAGE_ARN.match(name) or _PACKAGE_NAME.match(name)
    if match is None:
        raise ValidationError(
            f"{name!r} names no model package version: pass its ARN "
            "(arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>) or "
            "'<group>/<version>', e.g. 'fraud-detector/2'."
        )
    return match.group(1), int(match.group(2))


def create_model_package_group(
    settings: Settings, name: str, description: str | None = None
) -> ModelPackageGroupRecord:
    """Create a model package group.

    Raises:
        ValidationError: a bad name.
        ConflictError: the group exists already.
    """
    check_group_name(name)
    return (
        Catalog.open(settings)
        .model_packages()
        .create_group(name, description, created_by=current_user())
    )


def create_model_package(settings: Settings, spec: ModelPackageSpec) -> str:
    """Register the next version of ``spec.model_package_group_name``; returns its ARN.

    The lineage (training job, code hash, data channels with content hashes,
    hyperparameters, final metrics, who and when) is gathered before the version is
    numbered, so a failure leaves no version behind.

    Raises:
        NotFoundError: the group, or the named training job, does not exist.
    """
    catalog = Catalog.open(settings)
    packages = catalog.model_packages()
    packages.group(spec.model_package_group_name)  # fail before hashing anything
    user = current_user()
    lineage = lineage_of(
        catalog,
        Store(settings),
        training_job_name=spec.training_job_name,
        model_data_url=spec.containers[0].model_data_url,
        registered_by=user,
    )
    record = packages.add(
        spec.model_package_group_name,
        spec.model_dump(mode="json"),
        lineage,
        approval_status=spec.approval_status,
        created_by=user,
    )
    return package_arn(settings, record.group_name, record.version)


def describe_model_package(settings: Settings, name: str) -> ModelPackageRecord:
    """One version, by ARN or ``group/version``.

    Raises:
        ValidationError: ``name`` is neither form.
        NotFoundError: no such group or version.
    """
    group, version = parse_package_name(name)
    return Catalog.open(settings).model_packages().get(group, version)


def update_approval(
    settings: Settings, name: str, approval_status: str, description: str | None = None
) -> ModelPackageRecord:
    """Set a version's approval status (by ARN or ``group/version``); the OS user is recorded.

    Raises:
        ValidationError: a bad name or status.
        NotFoundError: no such group or version.
    """
    check_approval_status(approval_status)
    group, version = parse_package_name(name)
    return (
        Catalog.open(settings)
        .model_packages()
        .set_approval(group, version, approval_status, by=current_user(), description=description)
    )


def latest_approved(settings: Settings, group_name: str) -> ModelPackageRecord:
    """The newest ``Approved`` version of a group.

    Raises:
        NotFoundError: no such group, or no approved version in it.
    """
    from sabio.exceptions import NotFoundError

    packages = Catalog.open(settings).model_packages()
    packages.group(group_name)
    approved = packages.list(group_name, approval_status="Approved", limit=None)
    if not approved:
        raise NotFoundError(
            f"Model package group {group_name!r} has no Approved version. Approve one with "
            f"`sabio models approve {group_name} <version>`."
        )
    return max(approved, key=lambda r: r.version)
