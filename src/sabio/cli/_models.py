"""``sabio models list|create-group|versions|describe|approve|reject|deploy|diff``: the
model registry."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from sabio.cli._format import when
from sabio.session import Session

__all__ = ["app"]

app = typer.Typer(
    help="The model registry: groups, versions, approval, lineage, deploy.", no_args_is_help=True
)
_APPROVAL_STYLES = {"Approved": "green", "Rejected": "red", "PendingManualApproval": "yellow"}


def _status(status: str) -> str:
    style = _APPROVAL_STYLES.get(status, "")
    return f"[{style}]{status}[/]" if style else status


@app.command("list")
def list_groups(
    name_contains: str | None = typer.Option(None, "--name-contains", help="Filter by name."),
    limit: int = typer.Option(50, help="At most this many, newest first."),
) -> None:
    """List model package groups with their latest and latest approved versions."""
    session = Session()
    packages = session.catalog.model_packages()
    table = Table("Group", "Versions", "Latest", "Approved", "Created", "Description")
    for group in packages.groups(name_contains=name_contains, limit=limit):
        versions = packages.list(group.name, limit=None)
        approved = [v.version for v in versions if v.approval_status == "Approved"]
        table.add_row(
            group.name,
            str(len(versions)),
            str(max((v.version for v in versions), default="-")),
            str(max(approved, default="-")),
            when(group.created_at),
            group.description or "",
        )
    Console().print(table)


@app.command("create-group")
def create_group(
    name: str, description: str | None = typer.Option(None, help="What the group holds.")
) -> None:
    """Create a model package group."""
    arn = Session().create_model_package_group(name, description)["ModelPackageGroupArn"]
    typer.echo(arn)


@app.command("versions")
def versions(
    group: str,
    status: str | None = typer.Option(None, help="Only versions with this approval status."),
) -> None:
    """List a group's versions, newest first."""
    session = Session()
    summaries = session.list_model_packages(group, status, max_results=None)
    packages = session.catalog.model_packages()
    table = Table("Version", "Approval", "Training job", "Registered by", "Registered")
    for summary in summaries["ModelPackageSummaryList"]:
        record = packages.get(group, summary["ModelPackageVersion"])
        table.add_row(
            str(record.version),
            _status(record.approval_status),
            str(record.lineage.get("training_job") or "-"),
            record.created_by,
            when(record.created_at),
        )
    Console().print(table)


def _name(group: str, version: int | None) -> str:
    return group if version is None else f"{group}/{version}"


@app.command("describe")
def describe(
    group: str,
    version: int | None = typer.Argument(None, help="A version; default: the group."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Describe a group, or one version with its lineage (GROUP VERSION, or an ARN)."""
    session = Session()
    if version is None and not group.startswith("arn:"):
        description = session.describe_model_package_group(group)
    else:
        description = session.describe_model_package(_name(group, version))
    if as_json:
        typer.echo(json.dumps(description, indent=2, default=str))
        return
    console = Console()
    if "ModelPackageVersion" not in description:
        console.print(f"[bold]{group}[/]  {description['ModelPackageGroupArn']}", highlight=False)
        console.print(f"Created by {description['CreatedBy']['UserProfileName']}")
        return
    lineage = description.get("Lineage", {})
    console.print(
        f"[bold]{description['ModelPackageGroupName']} v{description['ModelPackageVersion']}[/]"
        f"  {_status(description['ModelApprovalStatus'])}",
        highlight=False,
    )
    console.print(f"ARN: {description['ModelPackageArn']}", highlight=False)
    console.print(f"Registered by {lineage.get('registered_by')}", highlight=False)
    console.print(f"Training job: {lineage.get('training_job') or '-'}", highlight=False)
    code = lineage.get("code") or {}
    console.print(f"Code: {code.get('sha256') or code.get('builtin') or '-'}", highlight=False)
    for channel, data in (lineage.get("data") or {}).items():
        console.print(f"Data {channel}: {data.get('uri')} sha256={data.get('sha256')}")
    for name, value in sorted((lineage.get("hyperparameters") or {}).items()):
        console.print(f"  {name} = {value}", highlight=False)
    for name, value in sorted((lineage.get("metrics") or {}).items()):
        console.print(f"Metric {name}: {value}", highlight=False)


def _set(group: str, version: int, status: str, description: str | None) -> None:
    Session().update_model_package_approval(_name(group, version), status, description)
    typer.echo(f"{group}/{version}: {status}")


@app.command("approve")
def approve(
    group: str,
    version: int,
    description: str | None = typer.Option(None, "--description", "-m", help="Why."),
) -> None:
    """Approve a version (the OS user is recorded)."""
    _set(group, version, "Approved", description)


@app.command("reject")
def reject(
    group: str,
    version: int,
    description: str | None = typer.Option(None, "--description", "-m", help="Why."),
) -> None:
    """Reject a version (the OS user is recorded)."""
    _set(group, version, "Rejected", description)


@app.command("deploy")
def deploy(
    group: str,
    version: int | None = typer.Argument(None, help="Default: the newest Approved version."),
    endpoint_name: str = typer.Option(..., "--endpoint-name", "-e", help="Endpoint to create."),
    instance_count: int = typer.Option(1, "--instance-count"),
    update: bool = typer.Option(
        False, "--update", help="Make the existing endpoint serve it (no failed request)."
    ),
) -> None:
    """Deploy a version (default: the newest Approved one) on a new endpoint, or with
    --update on an existing one."""
    from sabio import registry
    from sabio.model import ModelPackage

    session = Session()
    if version is None:
        version = registry.latest_approved(session.settings, group).version
    package = ModelPackage(model_package_arn=_name(group, version), sagemaker_session=session)
    package.deploy(
        initial_instance_count=instance_count, endpoint_name=endpoint_name, update_endpoint=update
    )
    typer.echo(f"Endpoint {endpoint_name} serves {group}/{version}.")


@app.command("diff")
def diff(
    group: str,
    old: int,
    new: int,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """What changed between two versions: data, code, model, hyperparameters, metrics."""
    from sabio import registry

    session = Session()
    packages = session.catalog.model_packages()
    changes = registry.diff_versions(packages.get(group, old), packages.get(group, new))
    if as_json:
        typer.echo(json.dumps(changes, indent=2, default=str))
        return
    console = Console()
    console.print(f"[bold]{changes['from']} -> {changes['to']}[/]", highlight=False)
    for key in ("training_job", "code", "model_data", "approval_status"):
        item = changes[key]
        mark = "changed" if item["changed"] else "same"
        console.print(f"{key}: {mark} ({item['from']} -> {item['to']})", highlight=False)
    for section in ("data", "hyperparameters", "metrics"):
        if not changes[section]:
            console.print(f"{section}: same", highlight=False)
        for key, change in changes[section].items():
            delta = f" (delta {change['delta']:+.6g})" if "delta" in change else ""
            console.print(
                f"{section} {key}: {change['from']} -> {change['to']}{delta}", highlight=False
            )
