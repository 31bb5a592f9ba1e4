"""`groundwork:dr:RecoveryObjectives`: the recovery objectives a stack declares, as a component
whose inputs the plan and the policy pack read (`dr-objectives-met` compares them with what the
stack's resources imply). Creates nothing in any cloud; shared by every cloud."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from components._base import require, type_token
from components.dr import TIERS, Objective


class RecoveryObjectives(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        targets: Mapping[str, Objective],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        validate_targets(targets)
        props = {
            "targets": {
                tier: {"rpoSeconds": o.rpo_seconds, "rtoSeconds": o.rto_seconds}
                for tier, o in sorted(targets.items())
            }
        }
        super().__init__(type_token("dr", "RecoveryObjectives"), name, props, opts)
        self.register_outputs(props)


def validate_targets(targets: Mapping[str, Objective]) -> None:
    for tier, objective in targets.items():
        require(tier in TIERS, "targets", f"'{tier}' is not one of {', '.join(TIERS)}")
        require(
            objective.rpo_seconds >= 0 and objective.rto_seconds > 0,
            f"targets.{tier}",
            "RPO must be >= 0 and RTO > 0 seconds",
        )
