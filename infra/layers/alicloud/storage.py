"""Storage layer (Alibaba Cloud): the log bucket, the product's private OSS buckets by role, and
the CDN in front of the assets bucket (private-bucket back-to-origin: the bucket stays private)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pulumi

from components.cdn.alicloud import Cdn, CdnArgs
from components.storage.alicloud import AccessLogArgs, Bucket, BucketArgs
from components.storage.spec import BUCKET_PURPOSES, LifecycleArgs
from infra.config import AlicloudStackConfig
from infra.layers.alicloud import NOT_BUILT
from infra.providers import Providers
from infra.sections.storage import DataBucket


@dataclass(frozen=True)
class StorageHandles:
    log_bucket: Bucket | None = None
    buckets: dict[str, Bucket] | None = None
    """The product's buckets by role (`assets`, `uploads`, `backups`), never by position."""
    cdn: Cdn | None = None

    @property
    def exports(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.log_bucket is not None:
            out["logBucketName"] = self.log_bucket.bucket_name
        out |= {f"{role}BucketName": b.bucket_name for role, b in (self.buckets or {}).items()}
        if (cdn := self.cdn) is not None:
            out |= {"cdnDomainName": cdn.domain_name, "cdnCname": cdn.cname,
                    "cdnTlsPolicyEnforced": cdn.tls_policy_enforced}  # fmt: skip
        return out


def not_built(cfg: AlicloudStackConfig) -> Iterator[tuple[str, str]]:
    """(stack-file key, message) for each storage or CDN setting this layer cannot build."""
    c = cfg.cdn
    if c.enabled and c.waf.enabled:
        yield "cdn.waf.enabled", NOT_BUILT
    if c.enabled and c.domain is None:
        yield "cdn.domain", "required on Alibaba Cloud: its CDN has no default domain to serve"
    if c.enabled and c.domain is not None and c.domain.aliases:
        yield "cdn.domain.aliases", NOT_BUILT
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


def layer(
    cfg: AlicloudStackConfig, providers: Providers, opts: pulumi.ResourceOptions | None = None
) -> StorageHandles:
    in_primary, st = providers.in_primary(opts), cfg.storage
    wanted = {role: getattr(st, role) for role in BUCKET_PURPOSES if getattr(st, role).enabled}
    if not builds_buckets(cfg):
        return StorageHandles()
    logs = Bucket(f"{cfg.prefix}-logs", log_bucket_args(cfg), opts=in_primary)
    buckets = {
        role: Bucket(f"{cfg.prefix}-{role}", bucket_args(cfg, s, logs.bucket_name, role),
                     opts=in_primary)
        for role, s in wanted.items()
    }  # fmt: skip
    cdn = None
    if cfg.cdn.enabled:
        assets = buckets["assets"]
        origin = pulumi.Output.concat(assets.bucket_name, ".", assets.extranet_endpoint)
        cdn = Cdn(f"{cfg.prefix}-cdn", cdn_args(cfg, origin), opts=in_primary)
    return StorageHandles(log_bucket=logs, buckets=buckets, cdn=cdn)


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
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def cdn_args(cfg: AlicloudStackConfig, origin_domain: pulumi.Input[str]) -> CdnArgs:
    domain = cfg.cdn.domain
    return CdnArgs(
        domain_name=domain.name if domain else "",
        origin_domain=origin_domain,
        tags=cfg.base_tags,
    )
