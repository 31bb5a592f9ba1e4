"""`groundwork:cdn`: CloudFront in front of the assets bucket, its TLS, headers and WAF."""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from infra.sections.base import LogRetentionDays, Section

_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class Domain(Section):
    name: str
    """Hostname the CDN serves (e.g. `assets.example.com`); gets an ACM certificate in us-east-1."""
    aliases: list[str] = Field(default_factory=list)
    """Further hostnames on the same certificate."""
    hosted_zone_id: str | None = None
    """Route 53 hosted zone: when set, DNS validation and A/AAAA alias records are created in it;
    otherwise create the validation records shown by ACM yourself."""

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

    @field_validator("hosted_zone_id")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None and not _ZONE_ID.match(value):
            raise ValueError(f"'{value}' is not a Route 53 hosted zone id (Z followed by A-Z, 0-9)")
        return value


class Waf(Section):
    enabled: bool = True
    """Attach a WAF web ACL (AWS managed rule groups and a rate limit) to the distribution."""
    rate_limit: int = Field(2000, ge=10, le=2_000_000_000)
    """Requests per client IP per `rateLimitWindowSeconds` before the IP is blocked."""
    rate_limit_window_seconds: Literal[60, 120, 300, 600] = 300
    """Evaluation window of the rate limit."""
    blocked_ip_cidrs: list[str] = Field(default_factory=list)
    """IPv4/IPv6 ranges always blocked."""
    blocked_countries: list[str] = Field(default_factory=list)
    """ISO 3166 alpha-2 country codes blocked."""
    allowed_countries: list[str] = Field(default_factory=list)
    """When set, requests from every other country are blocked (not with blockedCountries)."""
    log_retention_days: LogRetentionDays = 365
    """Retention of the WAF log group (`aws-waf-logs-...`, in us-east-1)."""

    @field_validator("blocked_ip_cidrs")
    @classmethod
    def _cidrs(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=True)
            except ValueError as exc:
                raise ValueError(f"'{value}' is not a CIDR block ({exc})") from None
        return values

    @field_validator("blocked_countries", "allowed_countries")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not _COUNTRY.match(v)]
        if bad:
            raise ValueError(f"not ISO 3166 alpha-2 country codes (like DE, US): {bad}")
        return values

    @model_validator(mode="after")
    def _one_geo_mode(self) -> Waf:
        if self.blocked_countries and self.allowed_countries:
            raise ValueError("set either blockedCountries or allowedCountries, not both")
        return self


class Cdn(Section):
    enabled: bool = True
    """Serve the assets bucket through CloudFront (needs `storage.assets.enabled`)."""
    price_class: Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"] = "PriceClass_All"
    """Edge locations used: PriceClass_100 (North America and Europe) is cheapest."""
    minimum_tls_version: Literal["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"] = "TLSv1.2_2021"
    """Viewer TLS security policy; takes effect only with `domain` (AWS pins the default
    *.cloudfront.net certificate to TLSv1)."""
    viewer_protocol_policy: Literal["redirect-to-https", "https-only"] = "redirect-to-https"
    """HTTP requests are redirected to HTTPS (or refused with https-only)."""
    domain: Domain | None = None
    """Custom domain with an ACM certificate. Required in prod."""
    allow_default_certificate: bool = False
    """Allow running without `domain` on the *.cloudfront.net certificate (TLSv1 minimum, fixed by
    AWS). Not allowed in prod."""
    content_security_policy: str = Field(
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'; form-action 'self'; upgrade-insecure-requests",
        min_length=1,
    )
    """`Content-Security-Policy` header sent with every response."""
    default_root_object: str | None = None
    """Object served for `/` (e.g. `index.html`)."""
    waf: Waf = Waf()
    """Web application firewall."""
