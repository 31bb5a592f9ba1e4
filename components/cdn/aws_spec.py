"""What a stack may ask of the CloudFront CDN (aws.py), apart: config checks it without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

from components._base import require
from components.aws.patterns import ROUTE53_ZONE_ID
from components.cdn.aws_waf_spec import WebFirewallArgs

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring

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


_HOSTNAME = re.compile(r"^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def validate(args: CdnArgs) -> None:
    require(
        args.viewer_protocol_policy in get_args(ViewerProtocol),
        "viewer_protocol_policy",
        f"'{args.viewer_protocol_policy}' would serve plain HTTP; use redirect-to-https or https-only",
    )
    require(
        args.minimum_tls_version in MINIMUM_TLS_VERSIONS,
        "minimum_tls_version",
        f"'{args.minimum_tls_version}' is below TLSv1.2_2021; allowed: "
        + ", ".join(MINIMUM_TLS_VERSIONS),
    )
    require(
        args.price_class in get_args(PriceClass),
        "price_class",
        f"'{args.price_class}' is not a CloudFront price class",
    )
    require(
        args.domain is not None or args.allow_default_certificate,
        "domain",
        "required unless allow_default_certificate is set: with the default *.cloudfront.net "
        "certificate AWS fixes the minimum TLS version at TLSv1",
    )
    if args.domain is not None:
        for host in (args.domain.name, *args.domain.aliases):
            require(bool(_HOSTNAME.match(host)), "domain", f"'{host}' is not a lowercase hostname")
        zone = args.domain.hosted_zone_id
        require(
            zone is None or ROUTE53_ZONE_ID.match(zone) is not None,
            "domain.hosted_zone_id",
            f"'{zone}' is not a Route 53 hosted zone id",
        )
    sec = args.security_headers
    require(
        sec.hsts_max_age_seconds >= HSTS_MIN_PRELOAD_SECONDS,
        "security_headers.hsts_max_age_seconds",
        f"HSTS preload needs at least {HSTS_MIN_PRELOAD_SECONDS} seconds (one year)",
    )
    csp = sec.content_security_policy
    require(bool(csp.strip()), "security_headers.content_security_policy", "must not be empty")
    require(
        len(csp) <= MAX_CSP_LENGTH,
        "security_headers.content_security_policy",
        f"{len(csp)} characters; CloudFront allows at most {MAX_CSP_LENGTH} in a response "
        "headers policy (TooLongCSPInResponseHeadersPolicy)",
    )
    require(
        csp.isascii() and csp.isprintable(),
        "security_headers.content_security_policy",
        "a header value is one line of printable ASCII characters (the CSP grammar is ASCII: "
        "write international host names in punycode, xn--...)",
    )
    require(bool(re.match(r"^[\w-]+$", args.log_prefix)), "log_prefix", "letters, digits, - and _")
    require(
        (args.failover_origin_domain_name is None) == (args.failover_bucket_arn is None),
        "failover_origin_domain_name",
        "origin failover needs both the replica's domain name and its ARN",
    )
