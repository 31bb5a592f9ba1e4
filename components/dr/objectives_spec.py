"""The recovery objectives' check, SDK-free: config's preflight runs it without pulumi."""

from __future__ import annotations

from collections.abc import Mapping

from components._base import require
from components.dr import TIERS, Objective


def validate_targets(targets: Mapping[str, Objective]) -> None:
    for tier, objective in targets.items():
        require(tier in TIERS, "targets", f"'{tier}' is not one of {', '.join(TIERS)}")
        require(
            objective.rpo_seconds >= 0 and objective.rto_seconds > 0,
            f"targets.{tier}",
            "RPO must be >= 0 and RTO > 0 seconds",
        )
