"""The WAF 3.0 firewall's args and check (alicloud_waf.py), apart: config runs them SDK-free."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

from components._base import require
from components.cdn import RateWindow, validate_rate_limit
from components.cdn.alicloud_spec import validate_certificate_id

if TYPE_CHECKING:
    import pulumi


WafRegion = Literal["cn-hangzhou", "ap-southeast-1"]
"""Where WAF 3.0 instances live: the Chinese mainland, or everywhere else."""


@dataclass(frozen=True, kw_only=True)
class WebFirewallArgs:
    domain_name: str
    """The CDN's accelerated domain; its DNS CNAME must point at the `cname` output."""
    cdn_cname: pulumi.Input[str]
    """The CDN domain's CNAME: where WAF forwards allowed requests."""
    certificate_id: str
    """SSL Certificates Service certificate of the domain (digits): WAF terminates HTTPS."""
    waf_region: WafRegion = "cn-hangzhou"
    """Region of the WAF instance; also the suffix WAF expects on certificate ids."""
    rate_limit: int = 2000
    """Requests one client IP may make per `rate_limit_window_seconds` before it is blocked."""
    rate_limit_window_seconds: RateWindow = 300
    """Counting window of the rate limit; a client over the limit is blocked for one window."""
    blocked_ip_cidrs: Sequence[str] = ()
    """IPv4 CIDRs always blocked (the domain listens on IPv4 only: no IPv6 client reaches it)."""
    tags: Mapping[str, str] = field(default_factory=dict)


def validate(args: WebFirewallArgs) -> None:
    validate_certificate_id(args.certificate_id)
    require(args.waf_region in get_args(WafRegion), "waf_region", f"one of {get_args(WafRegion)}")
    validate_rate_limit(args.rate_limit, args.rate_limit_window_seconds)
    for cidr in args.blocked_ip_cidrs:
        try:
            net = ipaddress.ip_network(cidr, strict=True)
        except ValueError as exc:
            require(False, "blocked_ip_cidrs", f"'{cidr}' is not a CIDR ({exc})")
            continue
        require(
            net.version == 4,
            "blocked_ip_cidrs",
            f"'{cidr}': IPv4 only (the WAF domain has no IPv6 listener)",
        )
