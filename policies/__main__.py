"""The CrossGuard policy pack entry point.

    pulumi preview --policy-pack policies --policy-pack-config policies/config/<env>.json

Constructing PolicyPack starts the analyzer's gRPC server and blocks: nothing else may import this
file. Levels and thresholds per environment come from the config file; the levels in code are the
conservative defaults (security mandatory, the rest advisory).
"""

import sys
from pathlib import Path

from pulumi_policy import EnforcementLevel, PolicyPack

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # the policy runtime starts in this directory; runpy/tests may not
    sys.path.insert(0, _HERE)

from guardrails import PACK_NAME, build_policies  # type: ignore[import-not-found]  # noqa: E402

PolicyPack(
    name=PACK_NAME,
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=build_policies(),
    description="Security, availability and cost guardrails for groundwork stacks.",
    display_name="groundwork guardrails",
    provider="aws",
    tags=["security", "availability", "cost"],
)
