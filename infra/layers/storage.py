"""Storage and edge layer: buckets, and the CDN with its firewall under the us-east-1 provider."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi

from components.cdn.aws import Cdn
from components.cdn.aws_spec import CdnArgs, CustomDomainArgs, SecurityHeadersArgs
from components.cdn.aws_waf_spec import WebFirewallArgs
from components.dr import CRITICAL_TAG
from components.monitoring.aws_spec import AlarmWiring
from components.storage.aws import Bucket
from components.storage.aws_spec import AccessLogArgs, BucketArgs, LogTargetArgs
from components.storage.spec import LifecycleArgs, Transition
from infra.config import AwsStackConfig
from infra.layers.data import backup_selection_tags
from infra.layers.dr_region import dr_tags
from infra.providers import EDGE_REGION, Providers
from infra.sections.storage import AwsDataBucket

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


def log_bucket_args(cfg: AwsStackConfig) -> BucketArgs:
    st = cfg.storage
    return BucketArgs(
        access_logs=None,  # the log bucket does not log into itself
        encryption="AES256",  # S3 server access logging cannot deliver to SSE-KMS buckets
        log_target=LogTargetArgs(
            server_access_log_prefix="s3/",
            vended_log_source_regions=[EDGE_REGION] if cfg.cdn.enabled else [],
        ),
        lifecycle=LifecycleArgs(
            expiration_days=st.logs.retention_days,
            noncurrent_version_expiration_days=st.logs.noncurrent_version_expiration_days,
        ),
        force_destroy=st.force_destroy,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def bucket_args(
    cfg: AwsStackConfig,
    settings: AwsDataBucket,
    log_bucket_name: pulumi.Input[str],
    role: str,
    *,
    grants: Any,
    key_grants: Any,
) -> BucketArgs:
    life = settings.lifecycle
    return BucketArgs(
        access_logs=AccessLogArgs(target_bucket=log_bucket_name, prefix=f"s3/{role}/"),
        lifecycle=LifecycleArgs(
            abort_incomplete_multipart_upload_days=life.abort_incomplete_multipart_upload_days,
            noncurrent_version_expiration_days=life.noncurrent_version_expiration_days,
            transitions=[
                Transition(days=t.days, storage_class=t.storage_class) for t in life.transitions
            ],
            expiration_days=life.expiration_days,
        ),
        policy_statements=grants,
        key_policy_statements=key_grants,
        force_destroy=cfg.storage.force_destroy,
        tags=bucket_tags(cfg, role),
        protect_stateful=cfg.protect_stateful_resources,
    )


def bucket_tags(cfg: AwsStackConfig, role: str) -> dict[str, str]:
    """A data bucket joins the backup selection; a critical one (`dr.criticalBuckets`) says so,
    for the rules that hold it to replication (`dr-cross-region`)."""
    tags = {**cfg.base_tags, **backup_selection_tags(cfg)}
    if cfg.dr.enabled and role in cfg.dr.critical_buckets:
        tags[CRITICAL_TAG] = "true"
    return tags


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


def cdn_args(
    cfg: AwsStackConfig,
    origin_bucket_arn: pulumi.Input[str],
    origin_domain_name: pulumi.Input[str],
    log_bucket_arn: pulumi.Input[str],
) -> CdnArgs:
    c = cfg.cdn
    return CdnArgs(
        origin_bucket_arn=origin_bucket_arn,
        origin_domain_name=origin_domain_name,
        log_bucket_arn=log_bucket_arn,
        price_class=c.price_class,
        viewer_protocol_policy=c.viewer_protocol_policy,
        minimum_tls_version=c.minimum_tls_version,
        domain=(
            CustomDomainArgs(
                name=c.domain.name,
                aliases=c.domain.aliases,
                hosted_zone_id=c.domain.hosted_zone_id,
            )
            if c.domain
            else None
        ),
        allow_default_certificate=c.allow_default_certificate,
        security_headers=SecurityHeadersArgs(content_security_policy=c.content_security_policy),
        default_root_object=c.default_root_object,
        waf=(
            WebFirewallArgs(
                rate_limit=c.waf.rate_limit,
                rate_limit_window_seconds=c.waf.rate_limit_window_seconds,
                blocked_ip_cidrs=c.waf.blocked_ip_cidrs,
                blocked_countries=c.waf.blocked_countries,
                allowed_countries=c.waf.allowed_countries,
                log_retention_days=c.waf.log_retention_days,
            )
            if c.waf.enabled
            else None
        ),
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def dr_log_bucket_args(cfg: AwsStackConfig) -> BucketArgs:
    logs = cfg.storage.logs
    return BucketArgs(
        access_logs=None,
        encryption="AES256",
        log_target=LogTargetArgs(server_access_log_prefix="s3/"),
        lifecycle=LifecycleArgs(
            expiration_days=logs.retention_days,
            noncurrent_version_expiration_days=logs.noncurrent_version_expiration_days,
        ),
        force_destroy=cfg.storage.force_destroy,
        tags=dr_tags(cfg),
        protect_stateful=cfg.protect_stateful_resources,
    )


def replica_args(
    cfg: AwsStackConfig,
    role: str,
    log_bucket: pulumi.Input[str],
    *,
    grants: Any = (),
    key_grants: Any = (),
) -> BucketArgs:
    """A replica keeps the source's undo window; transitions stay with the source (replicas land
    in STANDARD and are read only after a failover)."""
    life = getattr(cfg.storage, role).lifecycle
    return BucketArgs(
        access_logs=AccessLogArgs(target_bucket=log_bucket, prefix=f"s3/{role}-replica/"),
        lifecycle=LifecycleArgs(
            abort_incomplete_multipart_upload_days=life.abort_incomplete_multipart_upload_days,
            noncurrent_version_expiration_days=life.noncurrent_version_expiration_days,
        ),
        policy_statements=grants,
        key_policy_statements=key_grants,
        force_destroy=cfg.storage.force_destroy,
        tags=dr_tags(cfg),
        protect_stateful=cfg.protect_stateful_resources,
    )
