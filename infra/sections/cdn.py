"""`groundwork:cdn`: the CDN in front of the assets bucket, its TLS, headers and edge firewall.

`Cdn` is the intent (a domain, security headers, a firewall with a per-client rate limit and geo
rules); `AwsCdn` adds what only CloudFront / WAFv2 / Route 53 have (components/cdn/aws.py,
aws_waf.py): price classes, TLS security-policy names, the default certificate. `AlicloudCdn`
adds the SSL Certificates Service certificate its WAF 3.0 needs (components/cdn/alicloud_waf.py).
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from pydantic import Field, field_validator, model_validator

from components.aws.patterns import ROUTE53_ZONE_ID
from components.cdn import MAX_RATE_LIMIT, MIN_RATE_LIMIT, RateWindow
from components.cdn.aws_spec import (
    CdnArgs,
    MinimumTls,
    PriceClass,
    SecurityHeadersArgs,
    ViewerProtocol,
)
from components.cdn.aws_waf_spec import WebFirewallArgs, is_country
from infra.sections.base import LogRetentionDays, Section, component_default, listed_twice

_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _cdn(name: str) -> Any:
    return component_default(CdnArgs, name)


def _waf(name: str) -> Any:
    return component_default(WebFirewallArgs, name)


class Domain(Section):
    name: str
    """Hostname the CDN serves (e.g. `assets.example.com`); gets a certificate from the cloud's
    certificate service."""
    aliases: list[str] = Field(default_factory=list)
    """Further hostnames on the same certificate."""

    @field_validator("name")
    @classmethod
    def _hostname(cls, value: str) -> str:
        if not _HOSTNAME.match(value):
            raise ValueError(f"'{value}' is not a lowercase hostname such as assets.example.com")
        return value

    @field_validator("aliases")
    @classmethod
    def _hostnames(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not _HOSTNAME.match(v)]
        if bad:
            raise ValueError(f"not lowercase hostnames: {bad}")
        return values


class AwsDomain(Domain):
    hosted_zone_id: str | None = None
    """Route 53 hosted zone: when set, DNS validation and A/AAAA alias records are created in it;
    otherwise create the validation records shown by ACM yourself."""

    @field_validator("hosted_zone_id")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and not ROUTE53_ZONE_ID.match(value):
            raise ValueError(f"'{value}' is not a Route 53 hosted zone id (Z followed by A-Z, 0-9)")
        return value


def _once(values: list[str]) -> list[str]:
    for problem in listed_twice("", values):
        raise ValueError(problem.message)
    return values


class Waf(Section):
    enabled: bool = True
    """Attach a web application firewall (managed rule groups and a rate limit)."""
    rate_limit: int = Field(_waf("rate_limit"), ge=MIN_RATE_LIMIT, le=MAX_RATE_LIMIT)
    """Requests per client IP per rate-limit window before the IP is blocked."""
    rate_limit_window_seconds: RateWindow = _waf("rate_limit_window_seconds")
    """Counting window of the rate limit (WAFv2's evaluation window; WAF 3.0's statistical
    interval, and how long it blocks the client)."""
    blocked_ip_cidrs: list[str] = Field(default_factory=list)
    """IPv4/IPv6 ranges always blocked."""
    blocked_countries: list[str] = Field(default_factory=list)
    """ISO 3166 alpha-2 country codes blocked."""
    allowed_countries: list[str] = Field(default_factory=list)
    """When set, requests from every other country are blocked (not with blockedCountries)."""
    log_retention_days: LogRetentionDays = _waf("log_retention_days")
    """Retention of the firewall's log group."""

    @field_validator("blocked_ip_cidrs")
    @classmethod
    def _cidrs(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=True)
            except ValueError as exc:
                raise ValueError(f"'{value}' is not a CIDR block ({exc})") from None
        return _once(values)

    @field_validator("blocked_countries", "allowed_countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not is_country(v)]
        if bad:
            raise ValueError(f"not ISO 3166 alpha-2 country codes (like DE, US): {bad}")
        return _once(values)

    @model_validator(mode="after")
    def _one_geo_mode(self) -> Waf:
        if self.blocked_countries and self.allowed_countries:
            raise ValueError("set either blockedCountries or allowedCountries, not both")
        return self


class Cdn(Section):
    enabled: bool = True
    """Serve the assets bucket through the CDN (needs `storage.assets.enabled`)."""
    domain: Domain | None = None
    """Custom domain with a certificate."""
    content_security_policy: str = Field(
        component_default(SecurityHeadersArgs, "content_security_policy"), min_length=1
    )
    """`Content-Security-Policy` header sent with every response."""
    default_root_object: str | None = _cdn("default_root_object")
    """Object served for `/` (e.g. `index.html`)."""
    waf: Waf = Field(default_factory=Waf)
    """Web application firewall."""


class AwsCdn(Cdn):
    price_class: PriceClass = _cdn("price_class")
    """CloudFront edge locations used: PriceClass_100 (North America and Europe) is cheapest."""
    minimum_tls_version: MinimumTls = _cdn("minimum_tls_version")
    """Viewer TLS security policy; takes effect only with `domain` (AWS pins the default
    *.cloudfront.net certificate to TLSv1)."""
    viewer_protocol_policy: ViewerProtocol = _cdn("viewer_protocol_policy")
    """HTTP requests are redirected to HTTPS (or refused with https-only)."""
    domain: AwsDomain | None = None
    """Custom domain with an ACM certificate (in us-east-1). Required wherever the policy
    `cdn-https-only` is mandatory."""
    allow_default_certificate: bool = _cdn("allow_default_certificate")
    """Allow running without `domain` on the *.cloudfront.net certificate (TLSv1 minimum, fixed by
    AWS). Only where the policy `cdn-https-only` is not mandatory (it is in every shipped
    environment)."""
    waf: Waf = Field(default_factory=Waf)
    """WAFv2 web ACL."""


class AlicloudDomain(Domain):
    certificate_id: str | None = Field(None, pattern=r"^\d+$")
    """SSL Certificates Service certificate (its numeric id) of the domain, used by the CDN and
    by WAF 3.0 (required with `waf.enabled`); without it the CDN issues a free certificate."""


class AlicloudCdn(Cdn):
    domain: AlicloudDomain | None = None
    """Accelerated domain (required: Alibaba's CDN has no default domain)."""
