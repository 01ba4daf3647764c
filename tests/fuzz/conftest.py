"""Hypothesis profiles for the fuzz tests: `ci` (the default, bounded so the whole fuzz set
stays under 3 minutes) and `long` (HYPOTHESIS_PROFILE=long: the once-in-a-while run whose
figures go in the notes). Examples are derandomized in `ci`, so a CI run is repeatable; a
failure prints the shrunk input to paste into a regression test."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# the webhook door's fake GitHub and private queue
from tests.webhook.conftest import github, queue_name  # noqa: F401

QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True, database=None,
    suppress_health_check=QUIET,
)  # fmt: skip
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=QUIET, database=None
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
