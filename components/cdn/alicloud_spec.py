"""The Alibaba Cloud CDN's args and check (alicloud.py), apart: config runs them SDK-free."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

from components._base import require

if TYPE_CHECKING:
    import pulumi


Scope = Literal["domestic", "overseas", "global"]
MinimumTls = Literal["TLSv1.2", "TLSv1.3"]
DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MIN_HSTS_SECONDS = 86400 * 180
"""HSTS shorter than ~6 months protects little (and preload lists ask for a year)."""


@dataclass(frozen=True, kw_only=True)
class CdnArgs:
    domain_name: str
    """The accelerated domain (CNAME it to the `cname` output). Mainland-China scopes need an
    ICP filing for it."""
    origin_domain: pulumi.Input[str]
    """The private bucket's OSS domain, `<bucket>.oss-<region>.aliyuncs.com`."""
    certificate_id: str | None = None
    """SSL Certificates Service certificate id; None: a free certificate issued by CDN."""
    scope: Scope = "domestic"
    """`domestic` (mainland China), `overseas` or `global`."""
    minimum_tls: MinimumTls = "TLSv1.2"
    hsts_max_age_seconds: int = 31536000
    hsts_include_subdomains: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)


def validate(args: CdnArgs) -> None:
    require(
        DOMAIN.match(args.domain_name) is not None,
        "domain_name",
        f"'{args.domain_name}' is not a lowercase domain name such as static.example.cn",
    )
    require(args.scope in get_args(Scope), "scope", f"one of {', '.join(get_args(Scope))}")
    require(
        args.minimum_tls in get_args(MinimumTls),
        "minimum_tls",
        f"one of {', '.join(get_args(MinimumTls))} (TLS 1.0 and 1.1 are never offered)",
    )
    require(
        args.hsts_max_age_seconds >= MIN_HSTS_SECONDS,
        "hsts_max_age_seconds",
        f"at least {MIN_HSTS_SECONDS} (180 days)",
    )
    if args.certificate_id is not None:
        validate_certificate_id(args.certificate_id)


def validate_certificate_id(certificate_id: str) -> None:
    """An SSL Certificates Service certificate id: digits (the CDN and WAF 3.0 both take it)."""
    require(
        re.match(r"^\d+$", certificate_id) is not None,
        "certificate_id",
        f"'{certificate_id}' is not an SSL Certificates Service id (digits)",
    )
