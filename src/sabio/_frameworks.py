"""The ML frameworks whose SageMaker containers sabio stands in for with this environment.

SageMaker runs framework code (scikit-learn, PyTorch, TensorFlow) in a container image per
framework version. sabio runs it in the Python environment it is installed in, so a
framework "image" names this environment, and a requested framework version is compared
with the installed one.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass

from sabio.exceptions import FrameworkNotInstalledError

__all__ = ["FRAMEWORKS", "Framework", "framework_named", "version_matches"]


@dataclass(frozen=True)
class Framework:
    """One framework: SageMaker's ``image_uris`` name, its module and its distribution."""

    name: str
    aliases: tuple[str, ...]
    module: str
    distribution: str

    def installed_version(self) -> str | None:
        """The installed version (without a local ``+cpu`` part), or None if not installed."""
        if importlib.util.find_spec(self.module) is None:
            return None
        # The distribution may go by another name (xgboost-cpu installs xgboost).
        names = importlib.metadata.packages_distributions().get(self.module) or [self.distribution]
        for name in names:
            try:
                return importlib.metadata.version(name).split("+", 1)[0]
            except importlib.metadata.PackageNotFoundError:
                continue
        return None

    def require(self, what: str) -> str:
        """The installed version; raise a clear error naming ``what`` needs it otherwise.

        Raises:
            FrameworkNotInstalledError: the framework is not installed here.
        """
        version = self.installed_version()
        if version is None:
            raise FrameworkNotInstalledError(
                f"{what} runs {self.name} code in this Python environment, but "
                f"{self.module!r} is not installed here. Install it (pip install "
                f"{self.distribution}) and retry."
            )
        return version

    def image_uri(self, version: str) -> str:
        """The image identifier of this environment for ``version``."""
        return f"sabio/{self.name}:{version}"


FRAMEWORKS: tuple[Framework, ...] = (
    Framework("sklearn", ("scikit-learn", "sagemaker-scikit-learn"), "sklearn", "scikit-learn"),
    Framework("xgboost", (), "xgboost", "xgboost"),
    Framework("pytorch", ("torch", "pytorch-training", "pytorch-inference"), "torch", "torch"),
    Framework(
        "tensorflow",
        ("tensorflow-training", "tensorflow-inference"),
        "tensorflow",
        "tensorflow",
    ),
)


def framework_named(name: str) -> Framework | None:
    """The framework ``name`` (or an alias) names, or None."""
    for framework in FRAMEWORKS:
        if name == framework.name or name in framework.aliases:
            return framework
    return None


def version_matches(requested: str, installed: str) -> bool:
    """Whether SageMaker's framework version (``1.2-1``, ``2.1``) names ``installed``.

    The release part (before ``-``) must equal the installed version's leading parts:
    ``"2.1"`` matches ``2.1.0``, ``"1.2-1"`` matches ``1.2.2`` but not ``1.5.0``.

    Example:
        >>> version_matches("1.2-1", "1.2.2"), version_matches("2.1", "2.13.0")
        (True, False)
    """
    want = requested.split("-", 1)[0].split(".")
    have = installed.split("+", 1)[0].split(".")
    return have[: len(want)] == want
