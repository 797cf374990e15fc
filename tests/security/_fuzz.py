"""Hypothesis settings of the fuzz tests: small and fast in CI, long on request.

``SABIO_FUZZ_EXAMPLES`` sets the examples per test (default 40, a few seconds each);
for a long local run::

    SABIO_FUZZ_EXAMPLES=5000 pytest tests/security -k fuzz
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("SABIO_FUZZ_EXAMPLES", "40"))

#: No deadline (the CI machine is shared), no example database written into the checkout.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
