"""The registry's tables on SQLite and PostgreSQL: numbering under concurrency, approvals."""

from __future__ import annotations

import threading

import pytest

from sabio.catalog import Catalog
from sabio.exceptions import ConflictError, NotFoundError


def test_packages_concurrent_adds_get_consecutive_versions(catalog: Catalog) -> None:
    packages = catalog.model_packages()
    packages.create_group("fraud", None, created_by="ana")
    errors: list[BaseException] = []

    def add() -> None:
        try:
            packages.add("fraud", {}, {}, approval_status="PendingManualApproval", created_by="ana")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=add) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(p.version for p in packages.list("fraud")) == [1, 2, 3, 4, 5, 6]


def test_packages_approval_history_and_group_rules(catalog: Catalog) -> None:
    packages = catalog.model_packages()
    packages.create_group("cancer", "classifiers", created_by="ana")
    with pytest.raises(ConflictError):
        packages.create_group("cancer", None, created_by="bo")
    packages.add(
        "cancer", {"a": 1}, {"b": 2}, approval_status="PendingManualApproval", created_by="ana"
    )
    record = packages.set_approval("cancer", 1, "Approved", by="bo", description="good")
    assert record.approval_status == "Approved" and record.last_modified_by == "bo"
    assert [a["status"] for a in record.approvals] == ["PendingManualApproval", "Approved"]
    assert [p.version for p in packages.list(approval_status="Approved")] == [1]
    with pytest.raises(ConflictError, match="still holds 1 version"):
        packages.delete_group("cancer")
    with pytest.raises(NotFoundError, match="Did you mean 'cancer'"):
        packages.add("cancr", {}, {}, approval_status="Approved", created_by="ana")
    assert packages.delete("cancer", 1)
    packages.delete_group("cancer")
    assert packages.groups() == []
