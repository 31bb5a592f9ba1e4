"""Storage and edge layer: buckets, and the CDN with its firewall under the us-east-1 provider."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi

from components.cdn.aws import Cdn
from components.monitoring.aws_spec import AlarmWiring
from components.storage.aws import Bucket
from infra.config import AwsStackConfig
from infra.layers.storage_args import (
    bucket_args,
    cdn_args,
    dr_log_bucket_args,
    log_bucket_args,
    replica_args,
)
from infra.providers import Providers

Grants = pulumi.Output[list[dict[str, Any]]]


@dataclass(frozen=True)
class StorageHandles:
    log_bucket: Bucket
    """The access-log bucket (S3 server access logs, CDN logs)."""
    buckets: dict[str, Bucket]
    """The product's buckets by role (`assets`, `uploads`, `backups`), never by position."""
    cdn: Cdn | None
    """The CDN (with its web firewall) in front of the assets bucket."""
    replicas: dict[str, Bucket] = field(default_factory=dict)
    """Replicas of the critical buckets in the DR region, by role (the DR layer replicates into
    them; the CDN fails over to the assets replica)."""
    dr_log_bucket: Bucket | None = None
    """The DR region's access-log bucket (with replicas)."""

    @property
    def exports(self) -> dict[str, Any]:
        out: dict[str, Any] = {"logBucketName": self.log_bucket.bucket_name}
        out |= {f"{role}BucketName": b.bucket_name for role, b in self.buckets.items()}
        if (cdn := self.cdn) is not None:
            out |= {
                "cdnDomainName": cdn.domain_name,
                "cdnDistributionId": cdn.distribution_id,
                "cdnTlsPolicyEnforced": cdn.tls_policy_enforced,
            }
            if cdn.web_acl_arn is not None:
                out["webAclArn"] = cdn.web_acl_arn
        return out


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    alarms: AlarmWiring | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> StorageHandles:
    """Log bucket, data buckets, and the CDN over the assets bucket (CloudFront's companions in
    us-east-1). `alarms`: the us-east-1 alert topics the CDN's alarms notify.

    The assets bucket's policy and key policy need the distribution's ARN, and the distribution
    needs the bucket: deferred outputs close that loop so the grant still lands in the bucket's
    ONE policy, scoped to the distribution (resolved right after the CDN exists).
    """
    in_primary, edge_opts = providers.in_primary(opts), providers.at_edge(opts)
    st = cfg.storage
    logs = Bucket(f"{cfg.prefix}-logs", log_bucket_args(cfg), opts=in_primary)

    grants: Grants
    key_grants: Grants
    replica_grants: Grants
    resolve_grants: Callable[[Grants], None]
    resolve_key_grants: Callable[[Grants], None]
    resolve_replica_grants: Callable[[Grants], None]
    grants, resolve_grants = pulumi.deferred_output()
    key_grants, resolve_key_grants = pulumi.deferred_output()
    replica_grants, resolve_replica_grants = pulumi.deferred_output()
    cdn: Cdn | None = None
    buckets: dict[str, Bucket] = {}
    replicas: dict[str, Bucket] = {}
    dr_logs: Bucket | None = None
    try:
        for role, settings in (("assets", st.assets), ("uploads", st.uploads),
                               ("backups", st.backups)):  # fmt: skip
            if not settings.enabled:
                continue
            serves_cdn = role == "assets" and cfg.cdn.enabled
            buckets[role] = Bucket(
                f"{cfg.prefix}-{role}",
                bucket_args(cfg, settings, logs.bucket_name, role,
                            grants=grants if serves_cdn else (),
                            key_grants=key_grants if serves_cdn else ()),
                opts=in_primary,
            )  # fmt: skip
        critical = [r for r in cfg.dr.critical_buckets if r in buckets]
        if cfg.dr.enabled and providers.dr is not None and critical:
            in_dr = providers.in_dr(opts)
            dr_logs = Bucket(f"{cfg.prefix}-dr-logs", dr_log_bucket_args(cfg), opts=in_dr)
            for role in critical:
                serves_cdn = role == "assets" and cfg.cdn.enabled
                replicas[role] = Bucket(
                    f"{cfg.prefix}-{role}-replica",
                    replica_args(cfg, role, dr_logs.bucket_name,
                                 grants=replica_grants if serves_cdn else (),
                                 key_grants=key_grants if serves_cdn else ()),
                    opts=in_dr,
                )  # fmt: skip
        if cfg.cdn.enabled:
            cdn = _cdn(
                cfg, buckets["assets"], logs, edge_opts, replicas.get("assets"), alarms=alarms
            )
    finally:
        # Always resolve: the engine waits for every output, so an unresolved one (CDN off, or an
        # error above) would make the program wait forever.
        none: Grants = pulumi.Output.from_input([])
        resolve_grants(cdn.origin_bucket_statements if cdn else none)
        resolve_key_grants(cdn.origin_key_statements if cdn else none)
        resolve_replica_grants(cdn.failover_bucket_statements if cdn else none)
    return StorageHandles(
        log_bucket=logs, buckets=buckets, cdn=cdn, replicas=replicas, dr_log_bucket=dr_logs
    )


def _cdn(
    cfg: AwsStackConfig,
    assets: Bucket,
    logs: Bucket,
    edge_opts: pulumi.ResourceOptions,
    replica: Bucket | None,
    *,
    alarms: AlarmWiring | None,
) -> Cdn:
    args = replace(cdn_args(cfg, assets.arn, assets.regional_domain_name, logs.arn), alarms=alarms)
    if replica is not None:  # origin failover to the DR region's replica
        args = replace(args, failover_origin_domain_name=replica.regional_domain_name,
                       failover_bucket_arn=replica.arn)  # fmt: skip
    return Cdn(f"{cfg.prefix}-cdn", args, opts=edge_opts)
