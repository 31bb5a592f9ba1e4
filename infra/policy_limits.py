"""The guardrail thresholds the stack config checks itself against, read from the policy pack.

One source for each threshold: `policies/config/<environment>.json` (over the rule's own default
params), the file the CrossGuard pack and the offline plan enforce. The config refuses up front,
with the stack-file key, exactly what a mandatory rule of the stack's environment would block
later; there is no separate list of prod limits to keep equal by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from policies.guardrails import BY_ID, config_path, effective_level, load_pack_config, policy_config
from policies.guardrails.core import resolved_params


@dataclass(frozen=True)
class PolicyLimits:
    environment: str
    pack_config: Mapping[str, Any]

    def enforced(self, rule_id: str) -> dict[str, Any] | None:
        """The rule's parameters if it is mandatory in this environment, else None."""
        rule = BY_ID[rule_id]
        if effective_level(rule, self.pack_config) != "mandatory":
            return None
        return resolved_params(rule, policy_config(rule, self.pack_config))


@cache
def policy_limits(environment: str) -> PolicyLimits:
    path = config_path(environment)
    return PolicyLimits(environment, load_pack_config(path) if path.exists() else {})
