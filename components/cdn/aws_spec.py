"""What a stack may ask of the CloudFront CDN (aws.py), apart: config checks it without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from components.cdn.aws_waf_spec import WebFirewallArgs

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws import AlarmWiring

MinimumTls = Literal["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]
MINIMUM_TLS_VERSIONS: tuple[str, ...] = ("TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025")
"""Security policies accepted: TLSv1.2_2021 or newer (TLSv1, TLSv1.1_2016, TLSv1.2_2018/2019 not)."""
ViewerProtocol = Literal["redirect-to-https", "https-only"]
PriceClass = Literal["PriceClass_100", "PriceClass_200", "PriceClass_All"]
ReferrerPolicy = Literal[
    "no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin",
    "same-origin", "strict-origin", "strict-origin-when-cross-origin",
]  # fmt: skip
HSTS_MIN_PRELOAD_SECONDS = 31_536_000
"""hstspreload.org requires max-age of at least one year."""
MAX_CSP_LENGTH = 1783
"""CloudFront quota: longest Content-Security-Policy value of a response headers policy
(docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html)."""
DEFAULT_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'; upgrade-insecure-requests"
)


@dataclass(frozen=True, kw_only=True)
class CustomDomainArgs:
    name: str
    """Primary hostname served (e.g. `assets.example.com`)."""
    aliases: Sequence[str] = ()
    """Further hostnames on the same certificate and distribution."""
    hosted_zone_id: str | None = None
    """Route 53 zone: when set, DNS validation and A/AAAA alias records are created in it."""


@dataclass(frozen=True, kw_only=True)
class SecurityHeadersArgs:
    content_security_policy: str = DEFAULT_CSP
    """`Content-Security-Policy` sent with every response."""
    hsts_max_age_seconds: int = 63_072_000
    """`Strict-Transport-Security` max-age (two years); sent with includeSubDomains and preload."""
    referrer_policy: ReferrerPolicy = "strict-origin-when-cross-origin"
    """`Referrer-Policy`."""


@dataclass(frozen=True, kw_only=True)
class CdnArgs:
    origin_bucket_arn: pulumi.Input[str]
    """ARN of the private origin bucket (for the grant statements)."""
    origin_domain_name: pulumi.Input[str]
    """Regional domain name of the origin bucket."""
    log_bucket_arn: pulumi.Input[str] | None
    """Bucket receiving access logs (standard logging v2). Required on purpose; None disables."""
    price_class: PriceClass = "PriceClass_All"
    """Edge locations used; PriceClass_100 (North America, Europe) is cheapest."""
    viewer_protocol_policy: ViewerProtocol = "redirect-to-https"
    """Every behaviour: plain HTTP is redirected (or refused with `https-only`)."""
    minimum_tls_version: MinimumTls = "TLSv1.2_2021"
    """Viewer TLS security policy; effective only with a custom domain (see module docstring)."""
    domain: CustomDomainArgs | None = None
    """Custom domain with an ACM certificate; needed for the TLS policy to take effect."""
    allow_default_certificate: bool = False
    """Permit running on the `*.cloudfront.net` certificate (TLSv1 minimum, fixed by AWS)."""
    security_headers: SecurityHeadersArgs = field(default_factory=SecurityHeadersArgs)
    """Security response headers."""
    waf: WebFirewallArgs | None = field(default_factory=WebFirewallArgs)
    """Web ACL settings (its tags and protection follow this component's); None disables WAF
    (not recommended)."""
    default_root_object: str | None = None
    """Object served for `/` (e.g. `index.html`)."""
    failover_origin_domain_name: pulumi.Input[str] | None = None
    """Regional domain name of a replica of the origin bucket (in the DR region): CloudFront
    retries a request there when the origin answers 5xx or times out (an origin group)."""
    failover_bucket_arn: pulumi.Input[str] | None = None
    """ARN of that replica (for its grant statements)."""
    log_prefix: str = "cloudfront"
    """Suffix path of the access logs, after the `AWSLogs/<account>/CloudFront/` AWS prepends."""
    alarms: AlarmWiring | None = None
    """us-east-1 alert topics (CloudFront's, WAF's and this certificate's metrics are there):
    5xx rate, blocked-request spike, days to certificate expiry. None: no alarms."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Protect the WAF log group and key."""
