"""`groundwork:aws/cdn:ApiEdge`: CloudFront with a WAF in front of the public API entry (the
cluster's ingress), so the API gets the edge the assets already have.

Creates: a `WebFirewall` (AWS managed rule groups and the per-client rate limit); an ACM
certificate for the API hostname (DNS-validated in its Route 53 zone); a distribution whose only
origin is the ingress hostname over HTTPS (TLS 1.2 to the origin), forwarding every method, no
caching (managed `CachingDisabled`) and every viewer header except `Host` (managed
`AllViewerExceptHostHeader`: the origin sees its own hostname, so its certificate and ingress rule
match), with the managed `SecurityHeadersPolicy`; A/AAAA alias records of the hostname unless the caller
publishes it itself (`publish=False`: the DR layer's failover records).

Rate limit: WAF counts requests per client over an evaluation window (60, 120, 300 or 600 s), so a
per-second limit `r` is the rule limit `r x window`; `rate_limit_for` converts.

The caller passes the edge (us-east-1) provider, as for `Cdn`.
"""

from __future__ import annotations

import pulumi
from pulumi_aws import cloudfront, route53

from components._base import child_opts, merged_tags, type_token
from components.cdn.aws import access_logs, edge_alarms, viewer_certificate
from components.cdn.aws_api_spec import ApiEdgeArgs, validate
from components.cdn.aws_waf import WebFirewall

CACHING_DISABLED_POLICY_ID = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
"""Managed cache policy `CachingDisabled`."""
ALL_VIEWER_EXCEPT_HOST_POLICY_ID = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
"""Managed origin request policy `AllViewerExceptHostHeader`."""
SECURITY_HEADERS_POLICY_ID = "67f7725c-6f97-4210-82d7-5512b31e9d03"
"""Managed response headers policy `SecurityHeadersPolicy` (HSTS, nosniff, frame options, ...)."""
ORIGIN_ID = "api-origin"


class ApiEdge(pulumi.ComponentResource):
    distribution_id: pulumi.Output[str]
    domain_name: pulumi.Output[str]
    """The distribution's own hostname (`d123.cloudfront.net`): target of the API's records."""
    hosted_zone_id: pulumi.Output[str]
    web_acl_arn: pulumi.Output[str]
    host: str

    def __init__(
        self, name: str, args: ApiEdgeArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("cdn", "ApiEdge", cloud="aws"), name, None, opts)
        validate(args)
        self.host = args.domain.name
        firewall = WebFirewall(
            f"{name}-waf", args.firewall, opts=pulumi.ResourceOptions(parent=self)
        )
        self.web_acl_arn = firewall.web_acl_arn
        viewer, aliases, certificate_arn = viewer_certificate(
            self, name, args.domain, args.minimum_tls_version, args.tags
        )
        self.distribution = cloudfront.Distribution(
            f"{name}-distribution",
            enabled=True,
            comment=f"{name}: API edge in front of {args.origin_host}",
            aliases=aliases,
            origins=[
                {
                    "origin_id": ORIGIN_ID,
                    "domain_name": args.origin_host,
                    "custom_origin_config": {
                        "http_port": 80,
                        "https_port": 443,
                        "origin_protocol_policy": "https-only",
                        "origin_ssl_protocols": ["TLSv1.2"],
                    },
                }
            ],
            default_cache_behavior={
                "target_origin_id": ORIGIN_ID,
                "viewer_protocol_policy": "https-only",
                "allowed_methods": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                "cached_methods": ["GET", "HEAD"],
                "compress": True,
                "cache_policy_id": CACHING_DISABLED_POLICY_ID,
                "origin_request_policy_id": ALL_VIEWER_EXCEPT_HOST_POLICY_ID,
                "response_headers_policy_id": SECURITY_HEADERS_POLICY_ID,
            },
            price_class=args.price_class,
            http_version="http2and3",
            is_ipv6_enabled=True,
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate=viewer,
            web_acl_id=self.web_acl_arn,
            tags=merged_tags(args.tags, f"{name}-distribution"),
            opts=child_opts(self),
        )
        self.distribution_id = self.distribution.id
        self.domain_name = self.distribution.domain_name
        self.hosted_zone_id = self.distribution.hosted_zone_id
        access_logs(
            self, name, self.distribution.arn, args.log_bucket_arn, prefix="api", tags=args.tags
        )
        zone = args.domain.hosted_zone_id
        if args.publish and zone is not None:
            for record_type in ("A", "AAAA"):
                route53.Record(
                    f"{name}-alias-{self.host}-{record_type.lower()}",
                    zone_id=zone,
                    name=self.host,
                    type=record_type,
                    aliases=[{"name": self.domain_name, "zone_id": self.hosted_zone_id,
                              "evaluate_target_health": False}],
                    opts=child_opts(self),
                )  # fmt: skip
        edge_alarms(self, name, self.distribution, firewall, certificate_arn, args.alarms,
                    args.tags)  # fmt: skip
        self.register_outputs(
            {
                "distributionId": self.distribution_id,
                "domainName": self.domain_name,
                "webAclArn": self.web_acl_arn,
            }
        )
