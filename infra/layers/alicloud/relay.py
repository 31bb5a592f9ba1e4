"""Relay layer (Alibaba Cloud): the alert relay function CloudMonitor alarm rules invoke for the
chats only it reaches (Slack, WeCom, signed DingTalk robots), when a severity has one
(components/monitoring/alicloud_relay.py).

    network, monitoring, keys, kubernetes (its application log project)
        ─> relay ─> metrics (the Alertmanager's chat endpoint), data (alarm wiring)

Runs before the metrics and data layers: the Alertmanager posts to the function's VPC endpoint,
the components' alarm rules name the function as their target."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.monitoring.alicloud import AlarmWiring
from components.monitoring.alicloud_logs import LogProject
from components.monitoring.alicloud_relay import AlertRelay
from components.monitoring.alicloud_relay_spec import relayed_chats
from infra.config import AlicloudStackConfig
from infra.layers.alicloud.keys import KeyHandles
from infra.layers.alicloud.kubernetes import KubernetesHandles
from infra.layers.alicloud.kubernetes_args import (
    app_log_args,
    relay_needed,
    relay_serves_cluster,
)
from infra.layers.alicloud.monitoring import MonitoringHandles
from infra.layers.alicloud.network import NetworkHandles
from infra.layers.alicloud.relay_args import relay_args
from infra.providers import Providers


@dataclass(frozen=True)
class RelayHandles:
    relay: AlertRelay | None = None
    """None without a chat only the relay reaches."""

    def wiring(self, alarms: AlarmWiring | None, cfg: AlicloudStackConfig) -> AlarmWiring | None:
        """The alarm wiring the later layers hand their components: with the relay as the target
        of the severities it serves."""
        if alarms is None or self.relay is None:
            return alarms
        return alarms.with_relay(self.relay.function_arn, relayed_chats(cfg.alerting.routing()))


def layer(
    cfg: AlicloudStackConfig,
    providers: Providers,
    monitoring: MonitoringHandles,
    keys: KeyHandles,
    *,
    network: NetworkHandles,
    kubernetes: KubernetesHandles | None,
    opts: pulumi.ResourceOptions | None = None,
) -> RelayHandles:
    if not relay_needed(cfg):
        return RelayHandles()
    # The stack's application log project (with the cluster), or one of its own without.
    logs = (
        kubernetes.app_logs
        if kubernetes is not None
        else LogProject(
            f"{cfg.prefix}-app-logs", app_log_args(cfg), opts=providers.in_primary(opts)
        )
    )
    relay = AlertRelay(
        f"{cfg.prefix}-alert-relay",
        relay_args(
            cfg,
            logs.project_name,
            keys.key_args,
            monitoring.alarms,
            cluster_vpc_id=network.vpc.vpc_id if relay_serves_cluster(cfg) else None,
        ),
        opts=providers.in_primary(opts),
    )
    return RelayHandles(relay)
