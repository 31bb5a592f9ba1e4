"""What a stack may ask of failover records (aws_failover.py), apart: checked without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class Endpoint:
    checked_fqdn: pulumi.Input[str]
    """What the health check requests over HTTPS (the primary entry, e.g. the distribution)."""
    path: str = "/healthz"
    """Path of the health check; a 2xx/3xx answer is healthy."""
    primary: pulumi.Input[str] | None = None
    """Target of the PRIMARY record (None: a health check only, no records)."""
    secondary: str | None = None
    """The DR region's entry, target of the SECONDARY record."""


@dataclass(frozen=True, kw_only=True)
class FailoverRecordsArgs:
    zone_id: str
    """Route 53 hosted zone of the hostnames."""
    endpoints: Mapping[str, Endpoint]
    """By hostname."""
    failure_threshold: int = 3
    request_interval_seconds: int = 30
    ttl_seconds: int = 60
    tags: Mapping[str, str] = field(default_factory=dict)
