"""What a stack may ask of the API edge (aws_api.py), apart: config checks it without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from components._base import require
from components.cdn import MAX_RATE_LIMIT, MIN_RATE_LIMIT, RateWindow
from components.cdn.aws_spec import MINIMUM_TLS_VERSIONS, CustomDomainArgs, MinimumTls
from components.cdn.aws_waf_spec import WebFirewallArgs
from components.cdn.aws_waf_spec import validate as validate_waf

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring


def rate_limit_for(per_second: int, window_seconds: int) -> int:
    """WAF's rate-based limit (requests per evaluation window) for a per-second client limit."""
    return per_second * window_seconds


@dataclass(frozen=True, kw_only=True)
class ApiEdgeArgs:
    domain: CustomDomainArgs
    """The public API hostname (certificate; its zone validates it)."""
    log_bucket_arn: pulumi.Input[str]
    """Bucket receiving the access logs (standard logging v2)."""
    origin_host: str
    """Hostname of the ingress serving the API (its certificate must cover it)."""
    rate_limit_per_second: int = 100
    """Requests per second one client (IP) may make on average over the window."""
    rate_limit_window_seconds: RateWindow = 300
    """WAF's evaluation window of the rate limit."""
    minimum_tls_version: MinimumTls = "TLSv1.2_2021"
    waf: WebFirewallArgs = field(default_factory=WebFirewallArgs)
    """The firewall; its `rate_limit` and window are set from the two fields above."""
    price_class: str = "PriceClass_100"
    publish: bool = True
    """Create A/AAAA alias records of the hostname in its zone; False when the caller publishes
    it (failover records)."""
    alarms: AlarmWiring | None = None
    """us-east-1 alert topics: 5xx rate, blocked-request spike, days to certificate expiry."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Protect the WAF log group and key."""

    @property
    def firewall(self) -> WebFirewallArgs:
        return replace(
            self.waf,
            rate_limit=rate_limit_for(self.rate_limit_per_second, self.rate_limit_window_seconds),
            rate_limit_window_seconds=self.rate_limit_window_seconds,
            tags={**self.tags, **self.waf.tags},
            protect_stateful=self.protect_stateful,
        )


_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate(args: ApiEdgeArgs) -> None:
    for host in (args.domain.name, args.origin_host):
        require(bool(_HOSTNAME.match(host)), "domain", f"'{host}' is not a lowercase hostname")
    require(
        args.origin_host != args.domain.name,
        "origin_host",
        "must differ from the API hostname (which points at this distribution)",
    )
    require(
        args.minimum_tls_version in MINIMUM_TLS_VERSIONS,
        "minimum_tls_version",
        f"'{args.minimum_tls_version}' is below TLSv1.2_2021",
    )
    limit = rate_limit_for(args.rate_limit_per_second, args.rate_limit_window_seconds)
    require(
        args.rate_limit_per_second >= 1 and MIN_RATE_LIMIT <= limit <= MAX_RATE_LIMIT,
        "rate_limit_per_second",
        f"{args.rate_limit_per_second}/s over {args.rate_limit_window_seconds} s is {limit} "
        f"requests per window; WAF accepts {MIN_RATE_LIMIT}..{MAX_RATE_LIMIT}",
    )
    validate_waf(args.firewall)
