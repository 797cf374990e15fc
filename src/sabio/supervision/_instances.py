"""Instance types: sizes for admission control and a dated price table for cost estimates.

Prices are approximate on-demand SageMaker *training* list prices in USD per hour for
us-east-1, as published in 2024-06. They only feed the "what would this have cost in
the cloud" estimate; override them with a TOML/JSON file named by the ``price_table``
setting (``{"ml.m5.large" = 0.115}``).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sabio.exceptions import ConfigError, UnknownInstanceTypeError, did_you_mean

__all__ = [
    "LOCAL_TYPES",
    "PRICES_AS_OF",
    "InstanceType",
    "Resources",
    "instance_type",
    "load_prices",
]

PRICES_AS_OF = "2024-06"
LOCAL_TYPES = frozenset({"local", "local_cpu", "local_gpu"})


@dataclass(frozen=True)
class InstanceType:
    """Size and list price of one instance type."""

    name: str
    vcpus: int
    memory_gib: float
    gpus: int
    usd_per_hour: float | None

    @property
    def is_local(self) -> bool:
        """``local`` types reserve nothing (SageMaker local-mode semantics)."""
        return self.name in LOCAL_TYPES


# name: (vCPUs, memory GiB, GPUs, USD/hour)
_TABLE: dict[str, tuple[int, float, int, float]] = {
    "ml.t2.medium": (2, 4, 0, 0.056),
    "ml.t3.medium": (2, 4, 0, 0.05),
    "ml.t3.large": (2, 8, 0, 0.10),
    "ml.t3.xlarge": (4, 16, 0, 0.20),
    "ml.m4.xlarge": (4, 16, 0, 0.24),
    "ml.m4.2xlarge": (8, 32, 0, 0.48),
    "ml.m4.4xlarge": (16, 64, 0, 0.96),
    "ml.m4.10xlarge": (40, 160, 0, 2.40),
    "ml.m4.16xlarge": (64, 256, 0, 3.84),
    "ml.m5.large": (2, 8, 0, 0.115),
    "ml.m5.xlarge": (4, 16, 0, 0.23),
    "ml.m5.2xlarge": (8, 32, 0, 0.461),
    "ml.m5.4xlarge": (16, 64, 0, 0.922),
    "ml.m5.12xlarge": (48, 192, 0, 2.765),
    "ml.m5.24xlarge": (96, 384, 0, 5.53),
    "ml.m6i.large": (2, 8, 0, 0.115),
    "ml.m6i.xlarge": (4, 16, 0, 0.23),
    "ml.m6i.2xlarge": (8, 32, 0, 0.461),
    "ml.c4.xlarge": (4, 7.5, 0, 0.239),
    "ml.c4.2xlarge": (8, 15, 0, 0.477),
    "ml.c4.4xlarge": (16, 30, 0, 0.955),
    "ml.c5.large": (2, 4, 0, 0.102),
    "ml.c5.xlarge": (4, 8, 0, 0.204),
    "ml.c5.2xlarge": (8, 16, 0, 0.408),
    "ml.c5.4xlarge": (16, 32, 0, 0.816),
    "ml.c5.9xlarge": (36, 72, 0, 1.836),
    "ml.c5.18xlarge": (72, 144, 0, 3.672),
    "ml.r5.large": (2, 16, 0, 0.151),
    "ml.r5.xlarge": (4, 32, 0, 0.302),
    "ml.p2.xlarge": (4, 61, 1, 0.90),
    "ml.p3.2xlarge": (8, 61, 1, 3.825),
    "ml.g4dn.xlarge": (4, 16, 1, 0.736),
    "ml.g5.xlarge": (4, 16, 1, 1.408),
}


def load_prices(path: str | None) -> dict[str, float]:
    """Return the price table, with overrides from a TOML or JSON file when given."""
    prices = {name: row[3] for name, row in _TABLE.items()}
    if not path:
        return prices
    file = Path(path).expanduser()
    try:
        raw = file.read_bytes()
        data = json.loads(raw) if file.suffix == ".json" else tomllib.loads(raw.decode())
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"Cannot read the price table {file}: {exc}. Expected a TOML or JSON mapping of "
            'instance type to USD per hour, e.g. "ml.m5.large" = 0.115.'
        ) from exc
    for name, price in data.items():
        if not isinstance(price, int | float) or price < 0:
            raise ConfigError(f"Price of {name!r} in {file} must be a number >= 0, got {price!r}.")
        prices[name] = float(price)
    return prices


def instance_type(name: str, price_table: str | None = None) -> InstanceType:
    """Look up an instance type.

    Raises:
        UnknownInstanceTypeError: the name is not known (with a "Did you mean" hint).
    """
    if name in LOCAL_TYPES:
        return InstanceType(name=name, vcpus=0, memory_gib=0, gpus=0, usd_per_hour=None)
    row = _TABLE.get(name)
    if row is None:
        known = sorted(_TABLE) + sorted(LOCAL_TYPES)
        raise UnknownInstanceTypeError(
            f"Unknown instance type {name!r}.{did_you_mean(name, known)} Use 'local' to run "
            f"without reserving CPUs, or one of: {', '.join(known)}."
        )
    vcpus, memory, gpus, _ = row
    price = load_prices(price_table).get(name)
    return InstanceType(name=name, vcpus=vcpus, memory_gib=memory, gpus=gpus, usd_per_hour=price)


@dataclass(frozen=True)
class Resources:
    """What one job asks of the machine or cluster that runs it: per host, and how many hosts.

    ``local`` instance types ask for nothing. The local backend admits sized jobs with CPU
    slots in the supervisor; the Ray backend turns this into a resource request.
    """

    cpus: float = 0.0
    memory_gib: float = 0.0
    gpus: int = 0
    hosts: int = 1
    #: Run on the machine that submits the job (an endpoint: its URL is this machine's).
    on_this_machine: bool = False

    @classmethod
    def of(cls, name: str, count: int = 1, *, on_this_machine: bool = False) -> Resources:
        """The resources of ``count`` instances of the instance type ``name``.

        Raises:
            UnknownInstanceTypeError: the name is not known.
        """
        kind = instance_type(name)
        return cls(
            cpus=kind.vcpus,
            memory_gib=kind.memory_gib,
            gpus=kind.gpus,
            hosts=count,
            on_this_machine=on_this_machine,
        )

    def describe(self) -> str:
        """``2 CPUs, 8 GiB, 0 GPUs per host × 1``: for messages."""
        return (
            f"{self.cpus:g} CPUs, {self.memory_gib:g} GiB memory, {self.gpus} GPUs per host"
            f" × {self.hosts} host{'s' if self.hosts != 1 else ''}"
        )
