"""``sabio.algorithms.BUILTINS``: each built-in declared once; every table derived from it."""

from __future__ import annotations

import importlib.util

import pytest

import sabio.algorithms
from sabio import image_uris
from sabio.algorithms import (
    BUILTINS,
    INFERENCE_MODULES,
    PROGRAMS,
    REPORT_IMPORTS,
    builtin_for_image,
    builtin_for_program,
    builtin_named,
)


@pytest.mark.parametrize("builtin", BUILTINS, ids=lambda b: b.name)
def test_builtins_record_names_real_modules(builtin: sabio.algorithms.BuiltinAlgorithm) -> None:
    assert importlib.util.find_spec(builtin.program) is not None
    assert importlib.util.find_spec(f"{builtin.program}.__main__") is not None
    assert importlib.util.find_spec(builtin.inference_module) is not None


@pytest.mark.parametrize("builtin", BUILTINS, ids=lambda b: b.name)
def test_builtins_estimator_class_points_back(builtin: sabio.algorithms.BuiltinAlgorithm) -> None:
    estimator = getattr(sabio.algorithms, builtin.estimator)
    assert estimator.builtin is builtin
    assert estimator.framework == builtin.image_name


@pytest.mark.parametrize("builtin", BUILTINS, ids=lambda b: b.name)
def test_builtins_image_uri_round_trips(builtin: sabio.algorithms.BuiltinAlgorithm) -> None:
    uri = image_uris.retrieve(builtin.image_name, version="1.0")
    assert uri == builtin.image_uri("1.0") == f"sabio/{builtin.image_name}:1.0"
    assert builtin_for_image(uri) is builtin
    assert image_uris.builtin_module(uri) == builtin.program
    for alias in builtin.image_aliases:
        assert builtin_for_image(f"123.dkr.ecr.aws/{alias}:1.7-1") is builtin


def test_builtins_lookups_miss_is_none() -> None:
    assert builtin_named("nosuch") is None
    assert builtin_for_image("my/own-image:1") is None
    assert builtin_for_program("sabio.algorithms") is None
    assert builtin_for_program(None) is None


def test_builtins_derived_tables_agree() -> None:
    assert tuple(b.name for b in BUILTINS) == sabio.algorithms.BUILTIN_ALGORITHMS
    assert {b.name: f"sabio.algorithms.{b.name}" for b in BUILTINS} == PROGRAMS
    assert {b.name: f"sabio.algorithms.{b.name}.inference" for b in BUILTINS} == INFERENCE_MODULES
    assert {b.image_name: b.program for b in BUILTINS} == image_uris.BUILTINS


def test_builtins_warm_imports_start_with_report_imports() -> None:
    for builtin in BUILTINS:
        if builtin.warm_imports:
            assert builtin.warm_imports[: len(REPORT_IMPORTS)] == REPORT_IMPORTS


def test_builtins_resource_hyperparameters_are_declared_params() -> None:
    from sabio._builtin_estimators import _declared

    for builtin in BUILTINS:
        if builtin.resource_hyperparameter:
            declared = _declared(builtin)
            assert declared is not None and builtin.resource_hyperparameter in declared


def test_builtins_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        sabio.algorithms.Nope  # noqa: B018
