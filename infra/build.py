"""`build(cfg)`: compose the platform for one stack. Pure wiring, and the wiring diagram of the
platform: every layer (infra/layers/) takes the config and the handles of the layers it builds on,
and returns typed handles to its components plus its exports.

    providers ─> registry ─┐
             ├─> network ─> kubernetes (optional) ─┬─> telemetry (logs, traces) ─┐
             │          └──────────────────────────┴─> data ──────────────────┴─> apps
             ├─> dr_region (DR network, key, vault) ───────┘ │
             ├─> cost (the budget)                           │
             ├─> storage (buckets, CDN at the edge) ─────────┴─> dr (secondary, replicas,
             └─> api (CloudFront + WAF before the ingress) ─────────> failover records)
                                                                             └─> health (us-east-1)
    monitoring, dr_region, health ─> relay (chat webhooks of every set of alert topics)

The in-cluster monitoring stack (`metrics`) runs on the cluster, its Alertmanager routed by
`alerting` (and on AWS publishing to the alert topics); the apps' monitors wait for its CRDs.
The registry's repositories feed the cluster (the only ones its nodes may pull from) and the apps
(a service without `image` runs from its own). Later layers (monitoring, DR) take the handles they attach to: `AwsPlatform` holds them all.
An Alibaba Cloud stack has the same layers (infra/layers/alicloud/), composed by
`compose_alicloud` into `AlicloudPlatform`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components.kubernetes.alicloud_ack_spec import ESSD_MIN_VOLUME_GIB
from components.kubernetes.aws_eks_spec import EBS_MIN_VOLUME_GIB
from infra.config import AlicloudStackConfig, AwsStackConfig, StackConfig
from infra.layers import (
    api,
    apps,
    cost,
    data,
    dr,
    dr_region,
    health,
    kubernetes,
    metrics,
    monitoring,
    network,
    registry,
    relay,
    storage,
    telemetry,
)
from infra.layers.alicloud import data as ali_data
from infra.layers.alicloud import dr as ali_dr
from infra.layers.alicloud import keys as ali_keys
from infra.layers.alicloud import kubernetes as ali_kubernetes
from infra.layers.alicloud import monitoring as ali_monitoring
from infra.layers.alicloud import network as ali_network
from infra.layers.alicloud import relay as ali_relay
from infra.layers.alicloud import storage as ali_storage
from infra.providers import Providers, build_alicloud_providers, build_providers


@dataclass(frozen=True)
class AwsPlatform:
    """Everything an AWS stack built, layer by layer."""

    providers: Providers
    network: network.NetworkHandles
    kubernetes: kubernetes.KubernetesHandles | None
    """None when `cluster.enabled` is false."""
    monitoring: monitoring.MonitoringHandles
    metrics: metrics.MetricsHandles
    """The in-cluster monitoring stack (empty without a cluster or with `metrics.enabled` off)."""
    storage: storage.StorageHandles
    data: data.DataHandles
    apps: apps.AppsHandles | None
    """None without a cluster."""
    telemetry: telemetry.TelemetryHandles
    """Container logs and the trace collector (empty without a cluster)."""
    cost: cost.CostHandles
    api: api.ApiHandles | None
    """None without `api.enabled`."""
    dr: dr.DrHandles | None
    """None without `dr.enabled`."""
    registry: registry.RegistryHandles
    health: health.HealthHandles
    """Health checks of the public entry points, alarmed in us-east-1."""
    relay: relay.RelayHandles
    """Posts every set of alert topics to the chat webhooks (no relay without one)."""

    def exports(self, cfg: AwsStackConfig) -> dict[str, Any]:
        """The stack outputs: each layer's exports (never a credential)."""
        layers = (self.kubernetes, self.data, self.apps, self.network, self.storage, self.cost,
                  self.monitoring, self.metrics, self.telemetry, self.registry, self.api,
                  self.dr, self.health)  # fmt: skip
        out: dict[str, Any] = {"environment": cfg.environment, "region": cfg.region}
        for handles in layers:
            if handles is not None:
                out |= handles.exports
        return out


@dataclass(frozen=True)
class AlicloudPlatform:
    """Everything an Alibaba Cloud stack built, layer by layer."""

    providers: Providers
    network: ali_network.NetworkHandles
    kubernetes: ali_kubernetes.KubernetesHandles | None
    """None when `cluster.enabled` is false."""
    monitoring: ali_monitoring.MonitoringHandles
    metrics: metrics.MetricsHandles
    """The in-cluster monitoring stack (empty without a cluster or with `metrics.enabled` off)."""
    storage: ali_storage.StorageHandles
    data: ali_data.DataHandles
    apps: apps.AppsHandles | None
    """None without a cluster."""
    dr: ali_dr.DrHandles | None
    """None without `dr.enabled`."""
    keys: ali_keys.KeyHandles
    """The KMS instance(s) every customer master key of the stack lives in."""
    relay: ali_relay.RelayHandles
    """Posts CloudMonitor's alarms to the chats it cannot reach itself (no relay without one)."""

    def exports(self, cfg: AlicloudStackConfig) -> dict[str, Any]:
        """The stack outputs: each layer's exports (never a credential)."""
        layers = (self.kubernetes, self.data, self.apps, self.network, self.storage,
                  self.monitoring, self.metrics, self.dr, self.keys)  # fmt: skip
        out: dict[str, Any] = {"environment": cfg.environment, "region": cfg.region}
        for handles in layers:
            if handles is not None:
                out |= handles.exports
        return out


def build(cfg: StackConfig) -> dict[str, Any]:
    """Create every resource of the stack; return the stack outputs to export."""
    if isinstance(cfg, AlicloudStackConfig):
        return compose_alicloud(cfg).exports(cfg)
    return compose_aws(cfg).exports(cfg)


def compose_aws(cfg: AwsStackConfig) -> AwsPlatform:
    providers = build_providers(cfg)
    alerts = monitoring.layer(cfg, providers)
    net = network.layer(cfg, providers, alarms=alerts.alarms)
    budget = cost.layer(cfg, providers, alerts)
    images = registry.layer(cfg, providers)
    k8s = kubernetes.layer(
        cfg, providers, net, image_repository_arns=images.pull_arns, alarms=alerts.alarms
    )
    observed = metrics.layer(
        cfg,
        k8s,
        lambda: metrics.aws_alertmanager(cfg, alerts.topics, k8s.cluster.oidc),  # type: ignore[union-attr]
        min_volume_gib=EBS_MIN_VOLUME_GIB,
        random_provider=providers.random,
    )
    edge = storage.layer(cfg, providers, alarms=alerts.edge_alarms)
    dr_base = dr_region.layer(cfg, providers)
    data_tier = data.layer(cfg, providers, net, k8s, dr_base, alarms=alerts.alarms)
    signals = telemetry.layer(cfg, providers, net.vpc, k8s, alerts=alerts)
    services = (
        apps.layer(
            cfg,
            net,
            k8s,
            data_tier,
            images=images.repository_urls,
            monitoring=observed.after,
            telemetry=signals,
        )
        if k8s is not None
        else None
    )
    api_edge = api.layer(cfg, providers, edge, alarms=alerts.edge_alarms)
    recovery = dr.layer(
        cfg, providers, dr_base, data_tier, edge, api=api_edge,
        image_repository_arns=images.pull_arns,
    )  # fmt: skip
    checked = recovery.failover.health_check_ids if recovery and recovery.failover else None
    entries = health.layer(cfg, providers, checked, alarms=alerts.edge_alarms)
    chat = relay.layer(cfg, providers, alerts, dr_base)
    return AwsPlatform(
        providers=providers, network=net, kubernetes=k8s, monitoring=alerts, metrics=observed,
        storage=edge, data=data_tier, apps=services, telemetry=signals, cost=budget,
        registry=images, api=api_edge, dr=recovery, health=entries, relay=chat,
    )  # fmt: skip


def compose_alicloud(cfg: AlicloudStackConfig) -> AlicloudPlatform:
    """The AWS wiring on Alibaba Cloud. What is not built there yet the config refused already
    (infra/preflight_alicloud.py), so every layer here builds all the stack asks of it."""
    providers = build_alicloud_providers(cfg)
    alerts = ali_monitoring.layer(cfg, providers)
    net = ali_network.layer(cfg, providers)
    recovery = ali_dr.layer(cfg, providers)
    keys = ali_keys.layer(cfg, providers, net, recovery)
    k8s = ali_kubernetes.layer(cfg, providers, net, keys)
    chat = ali_relay.layer(cfg, providers, alerts, keys, network=net, kubernetes=k8s)
    observed = metrics.layer(
        cfg,
        k8s,
        lambda: metrics.alicloud_alertmanager(cfg, alerts.mail, chat.relay),
        min_volume_gib=ESSD_MIN_VOLUME_GIB,
        random_provider=providers.random,
    )
    edge = ali_storage.layer(cfg, providers, keys)
    data_tier = ali_data.layer(
        cfg, providers, net, k8s, keys, alarms=chat.wiring(alerts.alarms, cfg)
    )
    services = (
        apps.layer(cfg, net, k8s, data_tier, monitoring=observed.after) if k8s is not None else None
    )
    return AlicloudPlatform(
        providers=providers, network=net, kubernetes=k8s, monitoring=alerts, metrics=observed,
        storage=edge, data=data_tier, apps=services, dr=recovery, keys=keys, relay=chat,
    )  # fmt: skip
