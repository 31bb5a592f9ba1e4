"""Every rule, in pack order."""

from __future__ import annotations

from . import cost, data, identity, kubernetes, network, ops, platform, storage
from .core import Rule

RULES: list[Rule] = [
    *network.RULES,
    *platform.RULES,
    *identity.RULES,
    *data.RULES,
    *storage.RULES,
    *kubernetes.RULES,
    *ops.RULES,
    *cost.RULES,
]

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
if len(BY_ID) != len(RULES):  # pragma: no cover (import-time guard)
    raise RuntimeError("duplicate rule ids")
