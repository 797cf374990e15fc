"""The opt-in ``sagemaker`` alias: ``import sagemaker`` resolves to sabio.

After :func:`alias_sagemaker`, every ``import sagemaker`` and ``from sagemaker.x.y import Z``
in this process loads sabio's module of the same path, so ``sys.modules["sagemaker.x"]`` *is*
``sabio.x``. It is never on by default: SageMaker notebooks opt in with one line
(``import sabio; sabio.alias_sagemaker()``, or ``%load_ext sabio`` in Jupyter), and
``sabio run notebook.ipynb`` turns it on for a file it runs unedited.

The alias is a meta-path finder (importlib's public ``MetaPathFinder``/``Loader`` protocol):
asked for ``sagemaker.<path>``, it imports ``sabio.<path>`` and hands that module object to
the import system. A SageMaker module sabio does not have raises
:class:`UnsupportedModuleError` (a ``ModuleNotFoundError``) naming the feature and whether
it is planned.

Example:
    >>> import sabio
    >>> sabio.alias_sagemaker()  # doctest: +SKIP
    >>> from sagemaker.estimator import Estimator  # doctest: +SKIP
    >>> Estimator.__module__  # doctest: +SKIP
    'sabio.estimator'
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from sabio.exceptions import ConflictError, SabioError

__all__ = [
    "ALIAS",
    "UnsupportedModuleError",
    "alias_sagemaker",
    "is_aliased",
    "load_ipython_extension",
    "unalias_sagemaker",
]

ALIAS = "sagemaker"
_TARGET = "sabio"

#: SageMaker SDK modules sabio knows it lacks: module path -> what it is, and its plan.
#: Consulted only after ``sabio.<path>`` was looked for, so an entry stops mattering the
#: moment sabio grows the module.
_MISSING: dict[str, str] = {
    "sagemaker.workflow": "SageMaker Pipelines; planned (issue 14)",
    "sagemaker.amazon": "the Amazon built-in estimator classes (sagemaker.amazon.*); planned "
    "(issue 18): use sabio.estimator.Estimator with image_uris.retrieve(...) meanwhile",
    "sagemaker.clarify": "SageMaker Clarify (bias and explainability jobs); not planned yet",
    "sagemaker.feature_store": "SageMaker Feature Store; not planned (keep features in files "
    "or a database)",
    "sagemaker.jumpstart": "JumpStart model hub downloads; not supported (the machine may be "
    "offline: point model_data at a local model instead)",
    "sagemaker.huggingface": "the Hugging Face framework estimator and containers; not "
    "planned yet (use sabio.pytorch.PyTorch with your own script)",
    "sagemaker.mxnet": "the MXNet framework; not planned (MXNet is retired)",
    "sagemaker.chainer": "the Chainer framework; not planned (Chainer is retired)",
    "sagemaker.rl": "SageMaker RL; not planned",
    "sagemaker.debugger": "SageMaker Debugger; not supported (runs no profiler service)",
    "sagemaker.experiments": "SageMaker Experiments; planned",
    "sagemaker.processing": "processing jobs (Processor, ScriptProcessor); planned",
    "sagemaker.sklearn.processing": "SKLearnProcessor processing jobs; planned",
    "sagemaker.serverless": "serverless inference; not supported (a local endpoint is "
    "already cheap to start)",
    "sagemaker.async_inference": "asynchronous inference; not supported yet",
    "sagemaker.multidatamodel": "multi-model endpoints; not supported yet",
    "sagemaker.model_card": "model cards; not planned",
    "sagemaker.lineage": "lineage tracking; not planned",
    "sagemaker.remote_function": "the @remote decorator; not planned yet",
    "sagemaker.spark": "Spark processing; not planned",
    "sagemaker.neo": "Neo compilation; not supported (hardware-specific)",
}


class UnsupportedModuleError(SabioError, ModuleNotFoundError):
    """``import sagemaker.<path>`` named a SageMaker module sabio does not provide."""


def _explain_missing(fullname: str) -> str:
    """The message for a SageMaker module path sabio lacks: the feature and its plan."""
    parts = fullname.split(".")
    for end in range(len(parts), 1, -1):
        feature = _MISSING.get(".".join(parts[:end]))
        if feature is not None:
            return (
                f"sabio does not provide {fullname!r} (through the sagemaker alias): "
                f"{feature}. See docs/migration.md for what is covered."
            )
    return (
        f"sabio does not provide {fullname!r} (through the sagemaker alias): this part of "
        f"the SageMaker SDK is not implemented and not yet planned. See docs/migration.md "
        f"for the covered module paths, or open an issue naming the feature you need."
    )


class _AliasLoader(importlib.abc.Loader):
    """Hands the import system the already-imported ``sabio.<path>`` module."""

    def __init__(self, target: str) -> None:
        self._target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        # The import system keeps the returned module's own __spec__/__name__ (it only
        # fills attributes that are missing), so sys.modules["sagemaker.x"] is sabio.x.
        return importlib.import_module(self._target)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the sabio module was executed when it was imported."""


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``sagemaker`` and ``sagemaker.*`` to sabio's modules of the same path."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != ALIAS and not fullname.startswith(ALIAS + "."):
            return None
        target_name = _TARGET + fullname[len(ALIAS) :]
        try:
            found = importlib.util.find_spec(target_name)
        except ModuleNotFoundError:
            found = None
        if found is None:
            raise UnsupportedModuleError(_explain_missing(fullname), name=fullname)
        return importlib.machinery.ModuleSpec(
            fullname,
            _AliasLoader(target_name),
            is_package=found.submodule_search_locations is not None,
        )


def _finder() -> _AliasFinder | None:
    for finder in sys.meta_path:
        if isinstance(finder, _AliasFinder):
            return finder
    return None


def is_aliased() -> bool:
    """Whether :func:`alias_sagemaker` is in effect in this process."""
    return _finder() is not None


def alias_sagemaker() -> None:
    """Make ``import sagemaker`` (and every ``sagemaker.x.y``) load sabio's modules.

    Call it once, before the first ``import sagemaker``; calling it again does nothing.

    Raises:
        ConflictError: the real SageMaker SDK is already imported in this process (its
            classes would mix with sabio's); restart the kernel and alias first.
    """
    if is_aliased():
        return
    loaded = sys.modules.get(ALIAS)
    if loaded is not None and not (getattr(loaded, "__name__", "") == _TARGET):
        raise ConflictError(
            "The SageMaker Python SDK is already imported in this process "
            f"({getattr(loaded, '__file__', None) or 'sagemaker'}), so 'sagemaker' cannot "
            "be aliased to sabio. Restart the kernel or interpreter and call "
            "sabio.alias_sagemaker() (or %load_ext sabio) before any 'import sagemaker'."
        )
    sys.meta_path.insert(0, _AliasFinder())


def unalias_sagemaker() -> None:
    """Undo :func:`alias_sagemaker`: forget the alias and the aliased module entries."""
    finder = _finder()
    if finder is not None:
        sys.meta_path.remove(finder)
    for name in [n for n in sys.modules if n == ALIAS or n.startswith(ALIAS + ".")]:
        if getattr(sys.modules[name], "__name__", "").startswith(_TARGET):
            del sys.modules[name]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext sabio``: turn the sagemaker alias on in this IPython/Jupyter kernel."""
    alias_sagemaker()
