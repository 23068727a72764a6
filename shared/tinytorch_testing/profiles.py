"""Hypothesis settings profiles.

``ci``: reproducible (derandomized: the same examples on every machine and every run), a
bounded number of examples, no deadline (shared CI machines are noisy), no example database,
no "explain" phase (its notes point into NumPy internals and confuse more than they help) and
no reproduction blob: the minimal failing example itself is what a learner needs.
The learner's ``nox -s stage-NN`` uses it too, so a local grade equals the CI grade.

``dev``: random examples and more of them, for an instructor hunting for bugs locally.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_QUIET_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=25,
    deadline=None,
    database=None,
    print_blob=False,
    report_multiple_bugs=False,  # one clear minimal example, not an ExceptionGroup
    phases=_QUIET_PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "dev",
    max_examples=100,
    deadline=None,
    print_blob=True,
    phases=_QUIET_PHASES,
    suppress_health_check=[HealthCheck.too_slow],
)

#: Environment variable that picks the profile when pytest is run without --hypothesis-profile.
PROFILE_ENV = "TINYTORCH_HYPOTHESIS_PROFILE"


def load_default_profile() -> str:
    """Load the profile named by $TINYTORCH_HYPOTHESIS_PROFILE (default ``ci``)."""
    name = os.environ.get(PROFILE_ENV, "ci")
    settings.load_profile(name)
    return name
