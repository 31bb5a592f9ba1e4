"""What a stack may ask of failover records (aws_failover.py), apart: checked without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require
from components.aws.patterns import ROUTE53_ZONE_ID

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


_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate(args: FailoverRecordsArgs) -> None:
    require(ROUTE53_ZONE_ID.match(args.zone_id) is not None, "zone_id", "not a Route 53 zone id")
    require(bool(args.endpoints), "endpoints", "at least one hostname")
    for host, ep in args.endpoints.items():
        require(bool(_HOSTNAME.match(host)), "endpoints", f"'{host}' is not a lowercase hostname")
        require(bool(_PATH.match(ep.path)), "endpoints", f"'{ep.path}' is not a URL path")
        require(
            (ep.primary is None) == (ep.secondary is None),
            "endpoints",
            f"'{host}': a failover pair needs both a primary and a secondary target",
        )
        require(
            ep.secondary is None or bool(_HOSTNAME.match(ep.secondary)),
            "endpoints",
            f"'{host}': secondary '{ep.secondary}' is not a hostname",
        )
        require(ep.secondary != host, "endpoints", f"'{host}' cannot fail over to itself")
    require(1 <= args.failure_threshold <= 10, "failure_threshold", "must be 1..10")
    require(args.request_interval_seconds in (10, 30), "request_interval_seconds", "10 or 30")
    require(args.ttl_seconds >= 1, "ttl_seconds", "must be positive")
