"""Keys layer (Alibaba Cloud): where every customer master key of the stack lives (`kms.keys`):
a KMS instance per region that holds keys (the primary; the DR region when it holds the
replicas' keys; KMS instances are regional), or the primary region's default key shared by
every purpose (docs/alicloud-kms.md).

    network ─┐
    dr (DR VPC) ─┴─> keys ─> kubernetes, storage, data (each gets `key_args`)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.alicloud.key_store import KeyStore, KeyStoreArgs
from components.network.alicloud import Vpc
from infra.config import AlicloudStackConfig
from infra.layers.alicloud.dr import DrHandles, dr_tags
from infra.layers.alicloud.network import NetworkHandles
from infra.layers.alicloud.storage_args import critical_roles
from infra.providers import Providers

KEY_TIER = "data"
"""The vSwitch tier the instance's endpoints sit in: beside the services that call it."""


@dataclass(frozen=True)
class KeyHandles:
    primary: KeyStore
    dr: KeyStore | None = None
    """The DR region's instance (None without replicas there)."""

    @property
    def key_args(self) -> dict[str, Any]:
        """What a component of the primary region is given (`dataclasses.replace` keywords):
        the instance its own key lives in, or the shared default key."""
        return _args_of(self.primary)

    @property
    def dr_key_args(self) -> dict[str, Any]:
        assert self.dr is not None, "no key store in the DR region"
        return _args_of(self.dr)

    @property
    def exports(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, store in (("kmsInstanceId", self.primary), ("drKmsInstanceId", self.dr)):
            if store is not None and store.instance_id is not None:
                out[key] = store.instance_id
        return out


def _args_of(store: KeyStore) -> dict[str, Any]:
    if store.shared_key_id is not None:
        return {"kms_key_id": store.shared_key_id}
    return {"kms_instance_id": store.instance_id}


def layer(
    cfg: AlicloudStackConfig,
    providers: Providers,
    network: NetworkHandles,
    dr: DrHandles | None,
    opts: pulumi.ResourceOptions | None = None,
) -> KeyHandles:
    primary = KeyStore(f"{cfg.prefix}-keys", store_args_in(cfg, network.vpc, cfg.base_tags),
                       opts=providers.in_primary(opts))  # fmt: skip
    in_dr = None
    if dr is not None and critical_roles(cfg):  # the replicas' keys are the DR region's only keys
        in_dr = KeyStore(f"{cfg.prefix}-dr-keys", store_args_in(cfg, dr.vpc, dr_tags(cfg)),
                         opts=providers.in_dr(opts))  # fmt: skip
    return KeyHandles(primary=primary, dr=in_dr)


def store_args_in(cfg: AlicloudStackConfig, vpc: Vpc, tags: dict[str, str]) -> KeyStoreArgs:
    return key_store_args(cfg, vpc.vpc_id, vpc.switch_ids(KEY_TIER), tags)


def key_store_args(
    cfg: AlicloudStackConfig,
    vpc_id: pulumi.Input[str],
    switch_ids: Mapping[str, pulumi.Input[str]],
    tags: dict[str, str],
) -> KeyStoreArgs:
    return KeyStoreArgs(
        placement=cfg.kms.keys,
        vpc_id=vpc_id,
        switch_ids=switch_ids,
        tags=tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
