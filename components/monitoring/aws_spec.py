"""Alert topics' args and check, alarm wiring (aws.py), apart: config runs them without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require
from components.monitoring import AlarmPolicy, AlertRouting, Severity, routing_problems

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True)
class AlarmWiring:
    """What a component needs to emit its alarms: the topic of each severity and the stack's
    alarm policy (overrides and which severities are wanted)."""

    topics: Mapping[Severity, pulumi.Input[str]]
    policy: AlarmPolicy = field(default_factory=AlarmPolicy)


@dataclass(frozen=True)
class AlertTopicsArgs:
    routing: AlertRouting
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` on the key: deleting it would make queued notifications unreadable."""


def validate(args: AlertTopicsArgs) -> None:
    """The routing's first problem, named by its field (the config reports all of them first)."""
    for field_name, message in routing_problems(args.routing):
        require(False, field_name, message)
