"""Keys layer (Alibaba Cloud): the KMS instance every customer master key of the stack lives in,
one per region that holds keys (the primary; the DR region when it holds replicas' keys).
KMS instances are regional: a key in cn-beijing cannot live in a cn-shanghai instance.

    network ─┐
    dr (DR VPC) ─┴─> keys ─> kubernetes, storage, data (each key names its region's instance)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.alicloud.key_store import KeyStore, KeyStoreArgs
from components.network.alicloud import Vpc
from infra.config import AlicloudStackConfig
from infra.layers.alicloud.dr import DrHandles, dr_tags
from infra.layers.alicloud.network import NetworkHandles
from infra.layers.alicloud.storage import critical_roles
from infra.providers import Providers

KEY_TIER = "data"
"""The vSwitch tier the instance's endpoints sit in: beside the services that call it."""


@dataclass(frozen=True)
class KeyHandles:
    primary: KeyStore
    dr: KeyStore | None = None
    """The DR region's instance (None without a DR VPC)."""

    @property
    def primary_instance_id(self) -> pulumi.Output[str]:
        return self.primary.instance_id

    @property
    def dr_instance_id(self) -> pulumi.Output[str] | None:
        return self.dr.instance_id if self.dr else None

    @property
    def exports(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kmsInstanceId": self.primary.instance_id}
        if self.dr is not None:
            out["drKmsInstanceId"] = self.dr.instance_id
        return out


def layer(
    cfg: AlicloudStackConfig,
    providers: Providers,
    network: NetworkHandles,
    dr: DrHandles | None,
    opts: pulumi.ResourceOptions | None = None,
) -> KeyHandles:
    primary = KeyStore(f"{cfg.prefix}-keys", key_store_args(cfg, network.vpc, cfg.base_tags),
                       opts=providers.in_primary(opts))  # fmt: skip
    in_dr = None
    if dr is not None and critical_roles(cfg):  # the replicas' keys are the DR region's only keys
        in_dr = KeyStore(f"{cfg.prefix}-dr-keys", key_store_args(cfg, dr.vpc, dr_tags(cfg)),
                         opts=providers.in_dr(opts))  # fmt: skip
    return KeyHandles(primary=primary, dr=in_dr)


def key_store_args(cfg: AlicloudStackConfig, vpc: Vpc, tags: dict[str, str]) -> KeyStoreArgs:
    return KeyStoreArgs(
        vpc_id=vpc.vpc_id,
        switch_ids=vpc.switch_ids(KEY_TIER),
        tags=tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
