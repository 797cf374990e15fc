"""``sabio.utils``: SageMaker's naming helpers, and the one way sabio names what it creates.

Every generated name (training, transform and tuning jobs, models) is :func:`unique_name`:
the base made safe for SageMaker's name rule, then a UTC timestamp to the millisecond, as
SageMaker names jobs (``xgboost-2026-01-01-10-00-00-123``).

Example:
    >>> from sabio.utils import name_from_base, unique_name
    >>> len(name_from_base("insurance-mlp"))
    37
    >>> unique_name("my_model v2").startswith("my-model-v2-")
    True
"""

from __future__ import annotations

import random
import re
import time

__all__ = ["name_from_base", "unique_name", "unique_name_from_base"]

_UNSAFE = re.compile(r"[^a-zA-Z0-9-]+")


def sagemaker_timestamp() -> str:
    """The UTC time as ``YYYY-MM-DD-HH-MM-SS-mmm`` (SageMaker's job name suffix)."""
    moment = time.time()
    millis = int(moment * 1000) % 1000
    return time.strftime(f"%Y-%m-%d-%H-%M-%S-{millis:03d}", time.gmtime(moment))


def sagemaker_short_timestamp() -> str:
    """The local time as ``YYMMDD-HHMM`` (SageMaker's short suffix)."""
    return time.strftime("%y%m%d-%H%M")


def name_from_base(base: str, max_length: int = 63, short: bool = False) -> str:
    """``base`` plus ``-`` and a timestamp, trimming ``base`` so the name fits ``max_length``.

    SageMaker's ``sagemaker.utils.name_from_base``: the timestamp is
    ``YYYY-MM-DD-HH-MM-SS-mmm`` (UTC), or ``YYMMDD-HHMM`` with ``short=True``. ``base`` is
    used as given (see :func:`unique_name` for one made safe first).

    Example:
        >>> name_from_base("insurance", short=True)  # doctest: +SKIP
        'insurance-260101-1000'
    """
    stamp = sagemaker_short_timestamp() if short else sagemaker_timestamp()
    return f"{base[: max_length - len(stamp) - 1]}-{stamp}"


def unique_name_from_base(base: str, max_length: int = 63) -> str:
    """``base-<unix seconds>-<4 hex digits>``, trimming ``base`` to fit ``max_length``.

    SageMaker's ``sagemaker.utils.unique_name_from_base``: unique even for names made in
    the same second, for resources whose names need not carry a readable time.

    Example:
        >>> unique_name_from_base("experiment")  # doctest: +SKIP
        'experiment-1767261600-3fa2'
    """
    unique = f"{random.randrange(16**4):04x}"
    stamp = str(int(time.time()))
    return f"{base[: max_length - 2 - len(stamp) - len(unique)]}-{stamp}-{unique}"


def unique_name(base: str, max_length: int = 63) -> str:
    """The name sabio gives what it creates: a safe ``base`` plus a millisecond timestamp.

    Characters outside letters, digits and ``-`` become ``-`` (``"my_model v2"`` →
    ``"my-model-v2"``; an empty base becomes ``"sabio"``), then :func:`name_from_base`
    trims the base so the whole name fits ``max_length`` (63 for jobs and models, 32 for
    tuning jobs, SageMaker's limits) and matches SageMaker's name rule.
    """
    safe = _UNSAFE.sub("-", base).strip("-") or "sabio"
    room = max_length - len(sagemaker_timestamp()) - 1
    return name_from_base(safe[:room].rstrip("-"), max_length)
