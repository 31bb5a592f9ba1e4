"""Storage layer (Alibaba Cloud): the log bucket, the product's private OSS buckets by role, and
the CDN in front of the assets bucket (private-bucket back-to-origin: the bucket stays private)
and, with `cdn.waf.enabled`, WAF 3.0 in front of the CDN (components/cdn/alicloud_waf.py).
With `dr.enabled`, the critical buckets (`dr.criticalBuckets`) replicate into replicas in the DR
region that carry the same protections (their own KMS keys, a DR log bucket), through a RAM role
OSS assumes for exactly those buckets and keys."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pulumi

from components.cdn.alicloud import Cdn
from components.cdn.alicloud_waf import WebFirewall
from components.storage.alicloud import Bucket
from components.storage.alicloud_replication import ReplicationRole
from components.storage.spec import BUCKET_PURPOSES, ReplicationArgs
from infra.config import AlicloudStackConfig
from infra.layers.alicloud.storage_args import (
    bucket_args,
    builds_buckets,
    cdn_args,
    critical_roles,
    dr_log_bucket_args,
    log_bucket_args,
    replica_args,
    replication_args,
    replication_role_args,
    waf_args,
)
from infra.providers import Providers

if TYPE_CHECKING:  # keys.py imports this layer (critical_roles)
    from infra.layers.alicloud.keys import KeyHandles


@dataclass(frozen=True)
class StorageHandles:
    log_bucket: Bucket | None = None
    buckets: dict[str, Bucket] | None = None
    """The product's buckets by role (`assets`, `uploads`, `backups`), never by position."""
    cdn: Cdn | None = None
    waf: WebFirewall | None = None
    """WAF 3.0 in front of the CDN: the domain's DNS record points at its CNAME."""
    replicas: dict[str, Bucket] = field(default_factory=dict)
    """Replicas of the critical buckets in the DR region, by the role of their source."""
    dr_log_bucket: Bucket | None = None
    """The DR region's access-log bucket (with replicas)."""
    replication_role: ReplicationRole | None = None

    @property
    def exports(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            f"dr{role.capitalize()}BucketName": b.bucket_name for role, b in self.replicas.items()
        }
        if self.log_bucket is not None:
            out["logBucketName"] = self.log_bucket.bucket_name
        out |= {f"{role}BucketName": b.bucket_name for role, b in (self.buckets or {}).items()}
        if (cdn := self.cdn) is not None:
            out |= {"cdnDomainName": cdn.domain_name, "cdnCname": cdn.cname,
                    "cdnTlsPolicyEnforced": cdn.tls_policy_enforced}  # fmt: skip
        if self.waf is not None:
            out["wafCname"] = self.waf.cname
        return out


def layer(
    cfg: AlicloudStackConfig,
    providers: Providers,
    keys: KeyHandles,
    opts: pulumi.ResourceOptions | None = None,
) -> StorageHandles:
    in_primary, st = providers.in_primary(opts), cfg.storage
    wanted = {role: getattr(st, role) for role in BUCKET_PURPOSES if getattr(st, role).enabled}
    if not builds_buckets(cfg):
        return StorageHandles()
    own_key = keys.key_args
    logs = Bucket(f"{cfg.prefix}-logs",
                  replace(log_bucket_args(cfg), **own_key), opts=in_primary)  # fmt: skip
    critical = critical_roles(cfg)
    replicas: dict[str, Bucket] = {}
    dr_logs = role = None
    replication: dict[str, ReplicationArgs] = {}
    if critical:
        in_dr = providers.in_dr(opts)
        dr_key = keys.dr_key_args
        dr_logs = Bucket(f"{cfg.prefix}-dr-logs",
                         replace(dr_log_bucket_args(cfg), **dr_key),
                         opts=in_dr)  # fmt: skip
        replicas = {
            r: Bucket(f"{cfg.prefix}-{r}-replica",
                      replace(replica_args(cfg, r, dr_logs.bucket_name), **dr_key),
                      opts=in_dr)
            for r in critical
        }  # fmt: skip
        key_arns: pulumi.Output[list[str]]
        resolve_key_arns: Callable[[pulumi.Output[list[str]]], None]
        key_arns, resolve_key_arns = pulumi.deferred_output()
        role = ReplicationRole(f"{cfg.prefix}-replication", replication_role_args(cfg, key_arns),
                               opts=in_primary)  # fmt: skip
        replication = {
            r: replication_args(cfg, replicas[r].bucket_name, role.role_name,
                                replicas[r].kms_key_id)
            for r in critical
        }  # fmt: skip
    buckets = {
        r: Bucket(f"{cfg.prefix}-{r}",
                  replace(bucket_args(cfg, s, logs.bucket_name, r),
                          replication=replication.get(r), **own_key),
                  opts=in_primary)
        for r, s in wanted.items()
    }  # fmt: skip
    if critical:
        keyed = [*(buckets[r] for r in critical), *replicas.values()]
        resolve_key_arns(pulumi.Output.all(*[b.kms_key_arn for b in keyed if b.kms_key_arn]))
    cdn = waf = None
    if cfg.cdn.enabled:
        assets = buckets["assets"]
        origin = pulumi.Output.concat(assets.bucket_name, ".", assets.extranet_endpoint)
        cdn = Cdn(f"{cfg.prefix}-cdn", cdn_args(cfg, origin), opts=in_primary)
        if cfg.cdn.waf.enabled:
            waf = WebFirewall(f"{cfg.prefix}-waf", waf_args(cfg, cdn.cname),
                              opts=providers.at_edge(opts))  # fmt: skip
    return StorageHandles(log_bucket=logs, buckets=buckets, cdn=cdn, waf=waf, replicas=replicas,
                          dr_log_bucket=dr_logs, replication_role=role)  # fmt: skip
