"""Entry health checks' args and alarm keys (aws_health.py), apart: config checks them SDK-free."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require
from components.monitoring import Severity

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring

KEYS = ("status",)
"""Alarm keys (overridable as `health.status`)."""


@dataclass(frozen=True, kw_only=True)
class HealthTarget:
    fqdn: pulumi.Input[str]
    """What is checked over HTTPS."""
    path: str = "/healthz"
    health_check_id: pulumi.Input[str] | None = None
    """An existing health check of this entry: alarmed, not created again."""


@dataclass(frozen=True, kw_only=True)
class EntryHealthArgs:
    targets: Mapping[str, HealthTarget]
    """By hostname (a map: adding or dropping one never renames another)."""
    alarms: AlarmWiring
    """us-east-1 alert topics and the stack's alarm policy."""
    severity: Severity = "P1"
    failure_threshold: int = 3
    request_interval_seconds: int = 30
    tags: Mapping[str, str] = field(default_factory=dict)


_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")


def validate(args: EntryHealthArgs) -> None:
    require(bool(args.targets), "targets", "at least one entry point")
    for host, target in args.targets.items():
        require(
            bool(_PATH.match(target.path)),
            f"targets.{host}.path",
            f"'{target.path}' is not a URL path",
        )
    require(1 <= args.failure_threshold <= 10, "failure_threshold", "must be 1..10")
    require(args.request_interval_seconds in (10, 30), "request_interval_seconds", "10 or 30")
