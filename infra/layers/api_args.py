"""What the API edge layer asks of its components, built from config; imported by the
preflight without the SDKs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.cdn.aws_api_spec import ApiEdgeArgs
from components.cdn.aws_spec import CustomDomainArgs
from components.cdn.aws_waf_spec import WebFirewallArgs
from infra.config import AwsStackConfig

if TYPE_CHECKING:
    import pulumi


def failover_dns(cfg: AwsStackConfig) -> bool:
    """Whether the DR layer publishes the API hostname with failover records."""
    return cfg.api.enabled and cfg.dr.enabled and cfg.dr.failover.api_standby_host is not None


def api_args(cfg: AwsStackConfig, log_bucket_arn: pulumi.Input[str]) -> ApiEdgeArgs:
    api, zone = cfg.api, cfg.platform.route53_zone
    assert api.host is not None
    assert api.origin is not None
    waf = cfg.cdn.waf
    return ApiEdgeArgs(
        domain=CustomDomainArgs(name=api.host, hosted_zone_id=zone.zone_id if zone else None),
        log_bucket_arn=log_bucket_arn,
        origin_host=api.origin,
        rate_limit_per_second=api.rate_limit_per_second,
        rate_limit_window_seconds=api.rate_limit_window_seconds,
        minimum_tls_version=cfg.cdn.minimum_tls_version,
        # The site-wide lists (blocked ranges, countries) and log retention of the CDN's firewall.
        waf=WebFirewallArgs(
            blocked_ip_cidrs=waf.blocked_ip_cidrs,
            blocked_countries=waf.blocked_countries,
            allowed_countries=waf.allowed_countries,
            log_retention_days=waf.log_retention_days,
        ),
        price_class=cfg.cdn.price_class,
        publish=not failover_dns(cfg),
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
