"""What the Alibaba Cloud Kubernetes layer asks of its components (the ACK cluster, baseline,
add-ons, public Gateway and container logs), built from config; imported by the preflight
without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from components.kubernetes.alicloud_ack_spec import AckClusterArgs, NodePoolArgs, csi_storage_class
from components.kubernetes.alicloud_addons_spec import PlatformAddonsArgs
from components.kubernetes.alicloud_gateway_spec import PublicGatewayArgs
from components.kubernetes.alicloud_logs_spec import ContainerLogsArgs
from components.kubernetes.platform.baseline_spec import PlatformBaselineArgs
from components.kubernetes.platform.charts_spec import ChartArgs
from components.monitoring.alicloud_logs_spec import LogProjectArgs
from components.monitoring.alicloud_relay_spec import cluster_chats, relayed_chats
from infra.config import AlicloudStackConfig
from infra.layers.platform import shared_baseline_args

if TYPE_CHECKING:
    import pulumi


APP_LOGSTORE = "containers"
"""The application log project's logstore of the services' container output."""
RELAY_LOGSTORE = "alert-relay"
"""Its logstore of the alert relay function's logs (infra/layers/alicloud/relay.py)."""


def relay_needed(cfg: AlicloudStackConfig) -> bool:
    """A severity has a chat only the alert relay reaches: for CloudMonitor (Slack, WeCom,
    signed DingTalk), or for the in-cluster Alertmanager (DingTalk, WeCom)."""
    if not cfg.alerting.configured:
        return False
    routing = cfg.alerting.routing()
    return bool(relayed_chats(routing)) or (
        relay_serves_cluster(cfg) and bool(cluster_chats(routing))
    )


def relay_serves_cluster(cfg: AlicloudStackConfig) -> bool:
    """An in-cluster Alertmanager runs (a cluster with `metrics.enabled`)."""
    return cfg.cluster.enabled and cfg.metrics.enabled


def app_log_args(cfg: AlicloudStackConfig) -> LogProjectArgs:
    return LogProjectArgs(
        project_name=f"{cfg.prefix}-app-logs",
        log_class="application",
        retention_days=cfg.logs.retention.application,
        stores=[APP_LOGSTORE, *([RELAY_LOGSTORE] if relay_needed(cfg) else [])],
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def container_log_args(cfg: AlicloudStackConfig, project: pulumi.Input[str]) -> ContainerLogsArgs:
    return ContainerLogsArgs(
        project=project,
        logstore=APP_LOGSTORE,
        namespaces=[ns.name for ns in cfg.platform.namespaces],
    )


def cluster_name(cfg: AlicloudStackConfig) -> str:
    return cfg.prefix


def cluster_args(
    cfg: AlicloudStackConfig,
    vpc_id: pulumi.Input[str],
    private_switches: Mapping[str, pulumi.Input[str]],
) -> AckClusterArgs:
    c = cfg.cluster
    return AckClusterArgs(
        cluster_name=cluster_name(cfg),
        version=c.version,
        vpc_id=vpc_id,
        vpc_cidr=str(cfg.network.cidr),
        private_switches=dict(private_switches),
        service_cidr=c.service_cidr,
        endpoint_public=c.endpoint.public,
        log_retention_days=c.log_retention_days,
        node_pools={
            name: NodePoolArgs(
                instance_types=g.instance_types,
                spot=g.spot,
                min_size=g.min_size,
                desired_size=g.desired_size,
                max_size=g.max_size,
                disk_size_gib=g.disk_size_gib,
                labels=g.labels,
                per_zone=g.per_zone,
            )
            for name, g in c.node_groups.items()
        },
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def baseline_args(cfg: AlicloudStackConfig) -> PlatformBaselineArgs:
    return shared_baseline_args(
        cfg, csi_storage_class(performance_level=cfg.platform.volume_performance_level)
    )


def addons_args(cfg: AlicloudStackConfig) -> PlatformAddonsArgs:
    p = cfg.platform
    return PlatformAddonsArgs(
        part_of=cfg.name,
        charts={
            key: ChartArgs(
                chart=chart.chart,
                version=chart.version,
                repository=chart.repository,
                values=chart.values,
            )
            for key, chart in p.charts
        },
        ingress_namespace=p.ingress_namespace,
        acme_email=p.acme_email,
        acme_server=p.acme_server,
    )


def gateway_args(cfg: AlicloudStackConfig, cluster_issuer: str) -> PublicGatewayArgs:
    p = cfg.platform
    return PublicGatewayArgs(
        part_of=cfg.name,
        namespace=p.ingress_namespace,
        class_name=p.ingress_class,
        route_namespaces=[n.name for n in p.namespaces],
        hosts=sorted(app.host for app in cfg.apps.values() if app.host),
        cluster_issuer=cluster_issuer,
        internet_facing=p.internet_facing,
        tags=cfg.base_tags,
    )
