"""API edge layer: CloudFront + WAF in front of the public API entry (the ingress hostname of the
API service), under the us-east-1 provider like the assets CDN."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi

from components.cdn.aws_api import ApiEdge
from components.cdn.aws_api_spec import ApiEdgeArgs
from components.cdn.aws_spec import CustomDomainArgs
from components.cdn.aws_waf_spec import WebFirewallArgs
from components.monitoring.aws_spec import AlarmWiring
from infra.config import AwsStackConfig
from infra.layers.storage import StorageHandles
from infra.providers import Providers


@dataclass(frozen=True)
class ApiHandles:
    edge: ApiEdge

    @property
    def exports(self) -> dict[str, Any]:
        e = self.edge
        return {
            "apiHost": e.host,
            "apiDistributionId": e.distribution_id,
            "apiDistributionDomainName": e.domain_name,
            "apiWebAclArn": e.web_acl_arn,
        }


def failover_dns(cfg: AwsStackConfig) -> bool:
    """Whether the DR layer publishes the API hostname with failover records."""
    return cfg.api.enabled and cfg.dr.enabled and cfg.dr.failover.api_standby_host is not None


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    storage: StorageHandles,
    *,
    alarms: AlarmWiring | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> ApiHandles | None:
    """`alarms`: the us-east-1 alert topics the edge's alarms notify."""
    if not cfg.api.enabled:
        return None
    args = replace(api_args(cfg, storage.log_bucket.arn), alarms=alarms)
    return ApiHandles(ApiEdge(f"{cfg.prefix}-api", args, opts=providers.at_edge(opts)))


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
