"""The web firewall's args, rule groups, country check (aws_waf.py): config checks them SDK-free."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import iso3166

from components._base import LOG_RETENTION_DAYS, require
from components.cdn import RateWindow, validate_rate_limit

BASELINE_MANAGED_RULE_GROUPS: tuple[str, ...] = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)
"""AWS managed rule groups every web ACL gets (cheapest first: reputation drops known-bad IPs
before the heavier inspection groups run)."""


def is_country(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code of a country (`DE`), as WAF's geo match takes it."""
    return code in iso3166.countries_by_alpha2


@dataclass(frozen=True, kw_only=True)
class WebFirewallArgs:
    rate_limit: int = 2000
    """Requests one client IP may make per `rate_limit_window_seconds` before it is blocked."""
    rate_limit_window_seconds: RateWindow = 300
    """Evaluation window of the rate-based rule."""
    additional_managed_rule_groups: Sequence[str] = ()
    """Further AWS managed rule groups, after the baseline ones (which cannot be removed)."""
    blocked_ip_cidrs: Sequence[str] = ()
    """IPv4/IPv6 CIDRs always blocked (IP sets)."""
    blocked_countries: Sequence[str] = ()
    """ISO 3166 alpha-2 country codes blocked."""
    allowed_countries: Sequence[str] = ()
    """If set, requests from any other country are blocked (exclusive with blocked_countries)."""
    log_retention_days: int = 365
    """Retention of the WAF log group."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Protect the log group and its key."""


def validate(args: WebFirewallArgs) -> None:
    validate_rate_limit(args.rate_limit, args.rate_limit_window_seconds)
    dupes = set(args.additional_managed_rule_groups) & set(BASELINE_MANAGED_RULE_GROUPS)
    require(
        not dupes, "additional_managed_rule_groups", f"already in the baseline: {sorted(dupes)}"
    )
    for cidr in args.blocked_ip_cidrs:
        try:
            ipaddress.ip_network(cidr, strict=True)
        except ValueError as exc:
            require(False, "blocked_ip_cidrs", f"'{cidr}' is not a CIDR ({exc})")
    cidrs = list(args.blocked_ip_cidrs)
    require(len(set(cidrs)) == len(cidrs), "blocked_ip_cidrs", f"a CIDR listed twice in {cidrs}")
    for fld, codes in (("blocked_countries", args.blocked_countries),
                       ("allowed_countries", args.allowed_countries)):  # fmt: skip
        bad = [c for c in codes if not is_country(c)]
        require(not bad, fld, f"not ISO 3166 alpha-2 codes: {bad}")
        require(len(set(codes)) == len(codes), fld, f"a country listed twice in {list(codes)}")
    require(
        not (args.blocked_countries and args.allowed_countries),
        "allowed_countries",
        "set either blocked_countries or allowed_countries, not both",
    )
    require(
        args.log_retention_days in LOG_RETENTION_DAYS,
        "log_retention_days",
        f"{args.log_retention_days} is not a CloudWatch Logs retention period",
    )
