"""Entry health checks' args and alarm keys (aws_health.py), apart: config checks them SDK-free."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components.monitoring import Severity

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws import AlarmWiring

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
