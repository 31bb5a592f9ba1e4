"""What the relay layer (Alibaba Cloud) asks of its components, built from config;
imported by the preflight without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from components.monitoring.alicloud_relay_spec import AlertRelayArgs
from infra.config import AlicloudStackConfig
from infra.layers.alicloud.kubernetes_args import RELAY_LOGSTORE

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.alicloud import AlarmWiring


def relay_args(
    cfg: AlicloudStackConfig,
    project: pulumi.Input[str],
    key_args: Mapping[str, Any],
    alarms: AlarmWiring | None,
    *,
    cluster_vpc_id: pulumi.Input[str] | None = None,
) -> AlertRelayArgs:
    """`key_args`: the keys layer's (the KMS instance the relay's key lives in, or the shared
    default key)."""
    return AlertRelayArgs(
        routing=cfg.alerting.routing(),
        region=cfg.region,
        log_project=project,
        logstore=RELAY_LOGSTORE,
        account_id=cfg.account_id,
        alarms=alarms,
        cluster_vpc_id=cluster_vpc_id,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
        **key_args,
    )
