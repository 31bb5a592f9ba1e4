"""`groundwork:dr:RecoveryObjectives`: the recovery objectives a stack declares, as a component
whose inputs the plan and the policy pack read (`dr-objectives-met` compares them with what the
stack's resources imply). Creates nothing in any cloud; shared by every cloud."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from components._base import type_token
from components.dr import Objective
from components.dr.objectives_spec import validate_targets


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
