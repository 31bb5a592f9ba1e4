"""What the storage layer (Alibaba Cloud) asks of its components, built from config;
imported by the preflight without the SDKs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from components.cdn.alicloud_spec import CdnArgs
from components.cdn.alicloud_waf_spec import WebFirewallArgs
from components.dr import CRITICAL_TAG
from components.storage.alicloud_replication_spec import ReplicationRoleArgs
from components.storage.alicloud_spec import AccessLogArgs, BucketArgs
from components.storage.spec import BUCKET_PURPOSES, LifecycleArgs, ReplicationArgs
from infra.config import AlicloudStackConfig
from infra.layers.alicloud import NOT_BUILT
from infra.layers.alicloud.dr_args import dr_tags
from infra.regions import waf_region
from infra.sections.storage import DataBucket

if TYPE_CHECKING:
    import pulumi


def not_built(cfg: AlicloudStackConfig) -> Iterator[tuple[str, str]]:
    """(stack-file key, message) for each storage or CDN setting this layer cannot build."""
    if cfg.api.enabled:  # the API edge (CDN + WAF in front of the gateway) is AWS's only
        yield "api.enabled", NOT_BUILT
    c = cfg.cdn
    if c.enabled and c.waf.enabled:
        for key in ("blocked_countries", "allowed_countries", "log_retention_days"):
            if key in c.waf.model_fields_set:
                yield f"cdn.waf.{_camel(key)}", NOT_BUILT.replace("set it to false", "remove it")
    if c.enabled and c.domain is None:
        yield "cdn.domain", "required on Alibaba Cloud: its CDN has no default domain to serve"
    if c.enabled and c.domain is not None and c.domain.aliases:
        yield "cdn.domain.aliases", NOT_BUILT.replace("set it to false", "remove it")
    for key in ("content_security_policy", "default_root_object"):
        if key in c.model_fields_set:
            yield f"cdn.{_camel(key)}", NOT_BUILT.replace("set it to false", "remove it")


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def bucket_name(cfg: AlicloudStackConfig, role: str) -> str:
    """OSS bucket names are global: the stack's prefix, the role and the account (or region)."""
    return f"{cfg.prefix}-{role}-{cfg.account_id or cfg.region}"


def builds_buckets(cfg: AlicloudStackConfig) -> bool:
    """Any bucket or the CDN (which logs into the log bucket) is wanted."""
    return cfg.cdn.enabled or any(getattr(cfg.storage, r).enabled for r in BUCKET_PURPOSES)


def critical_roles(cfg: AlicloudStackConfig) -> list[str]:
    """The roles of the buckets replicated to the DR region (none without `dr.enabled`)."""
    if not cfg.dr.enabled or cfg.dr.region is None:
        return []
    return [r for r in cfg.dr.critical_buckets if getattr(cfg.storage, r).enabled]


def log_bucket_args(cfg: AlicloudStackConfig) -> BucketArgs:
    st = cfg.storage
    return BucketArgs(
        bucket_name=bucket_name(cfg, "logs"),
        access_logs=None,  # the log bucket does not log into itself
        lifecycle=LifecycleArgs(
            expiration_days=st.logs.retention_days,
            noncurrent_version_expiration_days=st.logs.noncurrent_version_expiration_days,
        ),
        force_destroy=st.force_destroy,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def bucket_args(
    cfg: AlicloudStackConfig, settings: DataBucket, log_bucket: pulumi.Input[str], role: str
) -> BucketArgs:
    life = settings.lifecycle
    return BucketArgs(
        bucket_name=bucket_name(cfg, role),
        access_logs=AccessLogArgs(target_bucket=log_bucket, prefix=f"oss/{role}/"),
        lifecycle=LifecycleArgs(
            abort_incomplete_multipart_upload_days=life.abort_incomplete_multipart_upload_days,
            noncurrent_version_expiration_days=life.noncurrent_version_expiration_days,
            expiration_days=life.expiration_days,
        ),
        force_destroy=cfg.storage.force_destroy,
        tags=bucket_tags(cfg, role),
        protect_stateful=cfg.protect_stateful_resources,
    )


def bucket_tags(cfg: AlicloudStackConfig, role: str) -> dict[str, str]:
    """A critical bucket says so, for the rules that hold it to replication (`dr-cross-region`)."""
    critical = {CRITICAL_TAG: "true"} if role in critical_roles(cfg) else {}
    return {**cfg.base_tags, **critical}


def dr_log_bucket_args(cfg: AlicloudStackConfig) -> BucketArgs:
    """The DR region's log bucket: the replicas' access logs stay in their region."""
    args = log_bucket_args(cfg)
    return replace(args, bucket_name=bucket_name(cfg, "dr-logs"), tags=dr_tags(cfg))


def replica_args(cfg: AlicloudStackConfig, role: str, log_bucket: pulumi.Input[str]) -> BucketArgs:
    """A replica: the source's protections (private, its own KMS key, versioning, TLS-only,
    access logs) and undo window; expiry and transitions stay with the source (OSS replicates
    the deletes)."""
    life = getattr(cfg.storage, role).lifecycle
    return BucketArgs(
        bucket_name=bucket_name(cfg, f"{role}-dr"),
        access_logs=AccessLogArgs(target_bucket=log_bucket, prefix=f"oss/{role}-replica/"),
        lifecycle=LifecycleArgs(
            abort_incomplete_multipart_upload_days=life.abort_incomplete_multipart_upload_days,
            noncurrent_version_expiration_days=life.noncurrent_version_expiration_days,
        ),
        force_destroy=cfg.storage.force_destroy,
        tags=dr_tags(cfg),
        protect_stateful=cfg.protect_stateful_resources,
    )


def replication_role_name(cfg: AlicloudStackConfig) -> str:
    return f"{cfg.prefix}-oss-replication"


def replication_role_args(
    cfg: AlicloudStackConfig, key_arns: pulumi.Input[list[str]]
) -> ReplicationRoleArgs:
    roles = critical_roles(cfg)
    return ReplicationRoleArgs(
        role_name=replication_role_name(cfg),
        buckets=[bucket_name(cfg, r) for r in roles] + [bucket_name(cfg, f"{r}-dr") for r in roles],
        kms_key_arns=key_arns,
        tags=cfg.base_tags,
    )


def replication_args(
    cfg: AlicloudStackConfig,
    destination: pulumi.Input[str],
    role: pulumi.Input[str],
    destination_key: pulumi.Input[str] | None,
) -> ReplicationArgs:
    assert cfg.dr.region is not None
    return ReplicationArgs(
        destination_bucket=destination,
        destination_region=cfg.dr.region,
        role=role,
        destination_kms_key=destination_key,
        replication_time_control=cfg.dr.replication_time_control,
    )


def cdn_args(cfg: AlicloudStackConfig, origin_domain: pulumi.Input[str]) -> CdnArgs:
    domain = cfg.cdn.domain
    return CdnArgs(
        domain_name=domain.name if domain else "",
        origin_domain=origin_domain,
        certificate_id=domain.certificate_id if domain else None,
        tags=cfg.base_tags,
    )


def waf_args(cfg: AlicloudStackConfig, cdn_cname: pulumi.Input[str]) -> WebFirewallArgs:
    domain, waf = cfg.cdn.domain, cfg.cdn.waf
    return WebFirewallArgs(
        domain_name=domain.name if domain else "",
        cdn_cname=cdn_cname,
        certificate_id=(domain.certificate_id if domain else None) or "",
        waf_region=waf_region(cfg.region),
        rate_limit=waf.rate_limit,
        rate_limit_window_seconds=waf.rate_limit_window_seconds,
        blocked_ip_cidrs=tuple(waf.blocked_ip_cidrs),
        tags=cfg.base_tags,
    )
