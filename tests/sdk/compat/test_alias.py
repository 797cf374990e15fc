"""The opt-in ``sagemaker`` alias: SageMaker's import lines load sabio's modules."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import types
from collections.abc import Iterator

import pytest

import sabio
from sabio import _alias
from sabio.exceptions import ConflictError


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def aliased() -> Iterator[None]:
    sabio.alias_sagemaker()
    try:
        yield
    finally:
        _alias.unalias_sagemaker()


def test_alias_from_imports_resolve_to_sabio_modules(aliased: None) -> None:
    import sagemaker
    from sagemaker.estimator import Estimator
    from sagemaker.local import LocalSession
    from sagemaker.s3 import S3Uploader
    from sagemaker.sklearn.model import SKLearnModel

    import sabio.estimator
    import sabio.sklearn.model

    assert sagemaker is sabio
    assert sys.modules["sagemaker.estimator"] is sabio.estimator
    assert sys.modules["sagemaker.sklearn.model"] is sabio.sklearn.model
    assert Estimator is sabio.estimator.Estimator
    assert SKLearnModel is sabio.sklearn.model.SKLearnModel
    assert LocalSession.__module__ == "sabio.local"
    assert S3Uploader.__module__ == "sabio.s3"


def test_alias_is_off_by_default() -> None:
    done = _python(
        """
        import sabio, sabio.estimator
        try:
            import sagemaker
        except ImportError:
            print("no sagemaker")
        else:
            print(sagemaker.__name__)
        """
    )
    assert done.returncode == 0, done.stderr
    # Without the alias, `import sagemaker` is whatever is installed (here: nothing).
    assert done.stdout.strip() in ("no sagemaker", "sagemaker")


def test_alias_refuses_when_the_real_sdk_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sagemaker", types.ModuleType("sagemaker"))
    with pytest.raises(ConflictError, match="already imported"):
        sabio.alias_sagemaker()
    assert not _alias.is_aliased()


def test_alias_missing_module_names_the_feature_and_plan(aliased: None) -> None:
    with pytest.raises(ImportError, match="Feature Store; not planned") as info:
        import sagemaker.feature_store  # noqa: F401
    assert isinstance(info.value, _alias.UnsupportedModuleError)
    with pytest.raises(ModuleNotFoundError, match="not implemented and not yet planned"):
        from sagemaker.nosuch import thing  # noqa: F401


def test_alias_prefers_an_existing_sabio_module_over_the_missing_table(
    aliased: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(_alias._MISSING, "sagemaker.utils", "a stale entry")
    sys.modules.pop("sagemaker.utils", None)
    from sagemaker.utils import name_from_base, unique_name_from_base

    assert name_from_base("job").startswith("job-")
    assert unique_name_from_base("job").startswith("job-")


def test_alias_load_ext_in_ipython() -> None:
    pytest.importorskip("IPython")
    done = _python(
        """
        from IPython.core.interactiveshell import InteractiveShell
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "sabio")
        result = shell.run_cell("from sagemaker.predictor import Predictor; print(Predictor)")
        assert result.success, result.error_in_exec
        """
    )
    assert done.returncode == 0, done.stderr
    assert "sabio.predictor.Predictor" in done.stdout
