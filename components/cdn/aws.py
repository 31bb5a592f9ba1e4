"""`groundwork:aws/cdn:Cdn`: CloudFront in front of a private S3 bucket, with WAF and logs.

Creates: an Origin Access Control (SigV4 signing; never the legacy OAI, which cannot read SSE-KMS
objects); a response-headers policy with security headers; the distribution (HTTPS only on every
behaviour, HTTP/2 and HTTP/3, compression, managed cache and origin-request policies by their
well-known IDs, price class); a WAF web ACL (`WebFirewall`); standard logging v2 (CloudWatch vended
logs) to the log bucket; with a custom domain, an ACM certificate, its DNS validation records and
alias records when a Route 53 zone is given.

Providers: every child is either global (CloudFront, Route 53) or must live in us-east-1 (ACM
certificates for CloudFront, CLOUDFRONT-scoped WAF, its log group, CloudFront log delivery). So the
caller passes the *edge* (us-east-1) provider in `opts` and the whole component runs there; no
second provider travels in the args.

The bucket grant is the bucket's business: this component exposes `origin_bucket_statements` and
`origin_key_statements` (scoped to this distribution's ARN) for the Bucket component to merge into
its one bucket policy and its key policy.

TLS: the minimum viewer TLS version applies only with a custom certificate. With CloudFront's
default `*.cloudfront.net` certificate AWS fixes the minimum at TLSv1, whatever is requested; the
component therefore refuses to run without a custom domain unless `allow_default_certificate` is
set explicitly, and reports `tls_policy_enforced`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pulumi
from pulumi_aws import cloudfront, cloudwatch, route53

from components._base import child_opts, merged_tags, type_token
from components.aws import s3_policies
from components.aws.certificate_alarms import certificate_alarms
from components.aws.certificates import dns_validated_certificate
from components.cdn.aws_alarms import distribution_alarms, firewall_alarms
from components.cdn.aws_spec import (
    CdnArgs,
    CustomDomainArgs,
    validate,
)
from components.cdn.aws_waf import WebFirewall
from components.monitoring.aws import emit_alarms
from components.monitoring.aws_spec import AlarmWiring

# Managed policies, attached by their fixed IDs so the program needs no lookup (works offline).
CACHING_OPTIMIZED_POLICY_ID = "658327ea-f89d-4fab-a63d-7e88639e58f6"
"""Managed cache policy `CachingOptimized`: no cookies or query strings in the key, gzip/brotli
normalised. docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html"""
CORS_S3_ORIGIN_REQUEST_POLICY_ID = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"
"""Managed origin request policy `CORS-S3Origin`: forwards the CORS request headers to S3.
docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-origin-request-policies.html"""

ORIGIN_ID = "s3-origin"
REPLICA_ORIGIN_ID = "s3-replica"
ORIGIN_GROUP_ID = "s3-with-failover"
FAILOVER_STATUS_CODES = (500, 502, 503, 504)
"""Origin errors on which CloudFront retries the request on the replica (not 403/404: a missing
object is not an outage)."""


class Cdn(pulumi.ComponentResource):
    """CloudFront distribution serving a private bucket through Origin Access Control."""

    distribution_id: pulumi.Output[str]
    arn: pulumi.Output[str]
    domain_name: pulumi.Output[str]
    hosted_zone_id: pulumi.Output[str]
    web_acl_arn: pulumi.Output[str] | None
    certificate_arn: pulumi.Output[str] | None
    tls_policy_enforced: bool
    """False when the default certificate is used (AWS then pins the minimum to TLSv1)."""
    origin_bucket_statements: pulumi.Output[list[dict[str, Any]]]
    """Bucket-policy grant letting only this distribution read the origin bucket."""
    origin_key_statements: pulumi.Output[list[dict[str, Any]]]
    """Key-policy grant letting only this distribution decrypt the origin's SSE-KMS objects
    (the same statement serves the replica's key)."""
    failover_bucket_statements: pulumi.Output[list[dict[str, Any]]]
    """Bucket-policy grant for the failover replica (empty without one)."""
    alarms: dict[str, cloudwatch.MetricAlarm]

    def __init__(
        self, name: str, args: CdnArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("cdn", "Cdn", cloud="aws"), name, None, opts)
        validate(args)
        self._name, self._args = name, args

        self.web_acl_arn = None
        firewall: WebFirewall | None = None
        if args.waf is not None:
            firewall = WebFirewall(
                f"{name}-waf",
                replace(
                    args.waf,
                    tags={**args.tags, **args.waf.tags},
                    protect_stateful=args.protect_stateful,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.web_acl_arn = firewall.web_acl_arn

        oac = cloudfront.OriginAccessControl(
            f"{name}-oac",
            description=f"Signed (SigV4) requests from {name} to its S3 origin",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child_opts(self),
        )
        headers = self._response_headers_policy()
        viewer_certificate, aliases = self._certificate()
        self.tls_policy_enforced = args.domain is not None

        failover = args.failover_origin_domain_name is not None
        origins = [
            {
                "origin_id": ORIGIN_ID,
                "domain_name": args.origin_domain_name,
                "origin_access_control_id": oac.id,
            }
        ]
        if failover:
            origins.append({"origin_id": REPLICA_ORIGIN_ID,
                            "domain_name": args.failover_origin_domain_name,
                            "origin_access_control_id": oac.id})  # fmt: skip
        behaviour = {
            "target_origin_id": ORIGIN_GROUP_ID if failover else ORIGIN_ID,
            "viewer_protocol_policy": args.viewer_protocol_policy,
            "allowed_methods": ["GET", "HEAD", "OPTIONS"],
            "cached_methods": ["GET", "HEAD"],
            "compress": True,
            "cache_policy_id": CACHING_OPTIMIZED_POLICY_ID,
            "origin_request_policy_id": CORS_S3_ORIGIN_REQUEST_POLICY_ID,
            "response_headers_policy_id": headers.id,
        }
        self.distribution = cloudfront.Distribution(
            f"{name}-distribution",
            enabled=True,
            comment=f"{name}: private S3 origin through OAC",
            aliases=aliases or None,
            origins=origins,
            origin_groups=[
                {
                    "origin_id": ORIGIN_GROUP_ID,
                    "failover_criteria": {"status_codes": list(FAILOVER_STATUS_CODES)},
                    "members": [{"origin_id": ORIGIN_ID}, {"origin_id": REPLICA_ORIGIN_ID}],
                }
            ]
            if failover
            else None,
            default_cache_behavior=behaviour,
            default_root_object=args.default_root_object,
            price_class=args.price_class,
            http_version="http2and3",
            is_ipv6_enabled=True,
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate=viewer_certificate,
            web_acl_id=self.web_acl_arn,
            tags=merged_tags(args.tags, f"{name}-distribution"),
            opts=child_opts(self),
        )
        self.distribution_id = self.distribution.id
        self.arn = self.distribution.arn
        self.domain_name = self.distribution.domain_name
        self.hosted_zone_id = self.distribution.hosted_zone_id
        self.origin_bucket_statements = pulumi.Output.all(
            pulumi.Output.from_input(args.origin_bucket_arn), self.distribution.arn
        ).apply(lambda a: [s3_policies.cloudfront_read(a[0], a[1])])
        self.origin_key_statements = self.distribution.arn.apply(
            lambda arn: [s3_policies.cloudfront_decrypt(arn)]
        )
        self.failover_bucket_statements = (
            pulumi.Output.all(
                pulumi.Output.from_input(args.failover_bucket_arn), self.distribution.arn
            ).apply(lambda a: [s3_policies.cloudfront_read(a[0], a[1])])
            if failover
            else pulumi.Output.from_input([])
        )
        self._access_logs()
        self._alias_records(aliases)
        self.alarms = edge_alarms(self, name, self.distribution, firewall, self.certificate_arn,
                                  args.alarms, args.tags)  # fmt: skip

        self.register_outputs(
            {
                "distributionId": self.distribution_id,
                "arn": self.arn,
                "domainName": self.domain_name,
                "hostedZoneId": self.hosted_zone_id,
                "webAclArn": self.web_acl_arn,
                "certificateArn": self.certificate_arn,
                "tlsPolicyEnforced": self.tls_policy_enforced,
            }
        )

    def _response_headers_policy(self) -> cloudfront.ResponseHeadersPolicy:
        sec = self._args.security_headers
        return cloudfront.ResponseHeadersPolicy(
            f"{self._name}-security-headers",
            comment=f"Security headers of {self._name}",
            security_headers_config={
                "strict_transport_security": {
                    "access_control_max_age_sec": sec.hsts_max_age_seconds,
                    "include_subdomains": True,
                    "preload": True,
                    "override": True,
                },
                "content_type_options": {"override": True},  # nosniff
                "frame_options": {"frame_option": "DENY", "override": True},
                "referrer_policy": {"referrer_policy": sec.referrer_policy, "override": True},
                "content_security_policy": {
                    "content_security_policy": sec.content_security_policy,
                    "override": True,
                },
            },
            opts=child_opts(self),
        )

    def _certificate(self) -> tuple[dict[str, Any], list[str]]:
        """Viewer certificate settings and the hostnames served."""
        args = self._args
        self.certificate_arn = None
        if args.domain is None:
            # AWS fixes the minimum to TLSv1 here; `minimum_protocol_version` would be ignored.
            return {"cloudfront_default_certificate": True}, []
        viewer, names, self.certificate_arn = viewer_certificate(
            self, self._name, args.domain, args.minimum_tls_version, args.tags
        )
        return viewer, names

    def _access_logs(self) -> None:
        args = self._args
        if args.log_bucket_arn is not None:
            access_logs(self, self._name, self.distribution.arn, args.log_bucket_arn,
                        prefix=args.log_prefix, tags=args.tags)  # fmt: skip

    def _alias_records(self, hostnames: list[str]) -> None:
        domain = self._args.domain
        if domain is None or domain.hosted_zone_id is None:
            return
        for host in hostnames:
            for record_type in ("A", "AAAA"):
                route53.Record(
                    f"{self._name}-alias-{host}-{record_type.lower()}",
                    zone_id=domain.hosted_zone_id,
                    name=host,
                    type=record_type,
                    aliases=[
                        {
                            "name": self.distribution.domain_name,
                            "zone_id": self.distribution.hosted_zone_id,
                            "evaluate_target_health": False,
                        }
                    ],
                    opts=child_opts(self),
                )


def edge_alarms(  # noqa: PLR0917  (each argument is a different kind of thing)
    parent: pulumi.ComponentResource,
    name: str,
    distribution: cloudfront.Distribution,
    firewall: WebFirewall | None,
    certificate_arn: pulumi.Input[str] | None,
    wiring: AlarmWiring | None,
    tags: Mapping[str, str],
) -> dict[str, cloudwatch.MetricAlarm]:
    """The alarms of a distribution, its web ACL and its certificate (the CDN's and the API
    edge's), on the us-east-1 topics of `wiring`."""
    specs = distribution_alarms(distribution.id)
    if firewall is not None:
        specs += firewall_alarms(firewall.web_acl.name)
    alarms = emit_alarms(parent, name, "cdn", specs, wiring, tags)
    if certificate_arn is not None:
        alarms |= emit_alarms(parent, name, "certificate", certificate_alarms(certificate_arn),
                              wiring, tags)  # fmt: skip
    return alarms


def access_logs(
    parent: pulumi.ComponentResource,
    name: str,
    distribution_arn: pulumi.Input[str],
    log_bucket_arn: pulumi.Input[str],
    *,
    prefix: str,
    tags: Mapping[str, str],
) -> None:
    """Standard logging v2 (CloudWatch vended logs) of a distribution to the log bucket: works
    with ACLs disabled on the log bucket, unlike legacy standard logging (bucket ACL writes)."""
    source = cloudwatch.LogDeliverySource(
        f"{name}-access-log-source",
        name=f"{name}-access-logs"[:60],
        log_type="ACCESS_LOGS",
        resource_arn=distribution_arn,
        tags=merged_tags(tags, f"{name}-access-log-source"),
        opts=child_opts(parent),
    )
    destination = cloudwatch.LogDeliveryDestination(
        f"{name}-access-log-destination",
        name=f"{name}-access-logs-s3"[:60],
        output_format="parquet",
        delivery_destination_configuration={"destination_resource_arn": log_bucket_arn},
        tags=merged_tags(tags, f"{name}-access-log-destination"),
        opts=child_opts(parent),
    )
    cloudwatch.LogDelivery(
        f"{name}-access-log-delivery",
        delivery_source_name=source.name,
        delivery_destination_arn=destination.arn,
        s3_delivery_configurations=[
            {
                "suffix_path": f"{prefix}/{{DistributionId}}/{{yyyy}}/{{MM}}/{{dd}}",
                "enable_hive_compatible_path": False,
            }
        ],
        tags=merged_tags(tags, f"{name}-access-log-delivery"),
        opts=child_opts(parent),
    )


def viewer_certificate(
    parent: pulumi.ComponentResource,
    name: str,
    domain: CustomDomainArgs,
    minimum_tls_version: str,
    tags: Mapping[str, str],
) -> tuple[dict[str, Any], list[str], pulumi.Output[str]]:
    """An ACM certificate for the domain (DNS-validated in its zone when one is given): the
    distribution's viewer-certificate settings, the hostnames served and the certificate ARN."""
    names = [domain.name, *domain.aliases]
    arn = dns_validated_certificate(parent, name, names, zone_id=domain.hosted_zone_id, tags=tags)
    viewer = {
        "acm_certificate_arn": arn,
        "ssl_support_method": "sni-only",
        "minimum_protocol_version": minimum_tls_version,
    }
    return viewer, names, arn
