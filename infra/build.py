"""`build(cfg)`: compose the platform for one stack. Pure wiring, and the wiring diagram of the
platform: every layer (infra/layers/) takes the config and the handles of the layers it builds on,
and returns typed handles to its components plus its exports.

    providers ─> network ─> kubernetes (optional) ─┐
             │          └──────────────────────────┴─> data ─> apps (on the cluster)
             ├─> cost (the budget)
             └─> storage (buckets, CDN at the edge)

Later layers (monitoring, DR) take the handles they attach to: `AwsPlatform` holds them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from infra.config import AwsStackConfig, ConfigError, StackConfig
from infra.layers import apps, cost, data, kubernetes, monitoring, network, storage
from infra.providers import Providers, build_providers


@dataclass(frozen=True)
class AwsPlatform:
    """Everything an AWS stack built, layer by layer."""

    providers: Providers
    network: network.NetworkHandles
    kubernetes: kubernetes.KubernetesHandles | None
    """None when `cluster.enabled` is false."""
    monitoring: monitoring.MonitoringHandles
    storage: storage.StorageHandles
    data: data.DataHandles
    apps: apps.AppsHandles | None
    """None without a cluster."""
    cost: cost.CostHandles

    def exports(self, cfg: AwsStackConfig) -> dict[str, Any]:
        """The stack outputs: each layer's exports (never a credential)."""
        layers = (self.kubernetes, self.data, self.apps, self.network, self.storage, self.cost,
                  self.monitoring)  # fmt: skip
        out: dict[str, Any] = {"environment": cfg.environment, "region": cfg.region}
        for handles in layers:
            if handles is not None:
                out |= handles.exports
        return out


def build(cfg: StackConfig) -> dict[str, Any]:
    """Create every resource of the stack; return the stack outputs to export."""
    if not isinstance(cfg, AwsStackConfig):
        # Validated (so a stack file can be written and checked now), not built yet.
        raise ConfigError(
            [f"groundwork:cloud: '{cfg.cloud}' is validated but not built yet (issue #16); "
             "nothing was registered"]
        )  # fmt: skip
    return compose_aws(cfg).exports(cfg)


def compose_aws(cfg: AwsStackConfig) -> AwsPlatform:
    providers = build_providers(cfg)
    alerts = monitoring.layer(cfg, providers)
    net = network.layer(cfg, providers, alarms=alerts.alarms)
    budget = cost.layer(cfg, providers)
    k8s = kubernetes.layer(cfg, providers, net, alarms=alerts.alarms)
    edge = storage.layer(cfg, providers)
    data_tier = data.layer(cfg, providers, net, k8s, alarms=alerts.alarms)
    services = apps.layer(cfg, net, k8s, data_tier) if k8s is not None else None
    return AwsPlatform(
        providers=providers, network=net, kubernetes=k8s, monitoring=alerts, storage=edge,
        data=data_tier,
        apps=services, cost=budget,
    )  # fmt: skip
