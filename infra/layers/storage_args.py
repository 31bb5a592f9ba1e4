"""What the storage layer asks of its components, built from config; imported by the
preflight without the SDKs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components.cdn.aws_spec import CdnArgs, CustomDomainArgs, SecurityHeadersArgs
from components.cdn.aws_waf_spec import WebFirewallArgs
from components.dr import CRITICAL_TAG
from components.storage.aws_spec import AccessLogArgs, BucketArgs, LogTargetArgs
from components.storage.spec import LifecycleArgs, Transition
from infra.config import AwsStackConfig
from infra.layers.data_args import backup_selection_tags
from infra.layers.dr_region_args import dr_tags
from infra.regions import EDGE_REGION
from infra.sections.storage import AwsDataBucket

if TYPE_CHECKING:
    import pulumi


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
