"""Kubernetes layer (Alibaba Cloud): the ACK cluster, its Kubernetes provider, the shared platform
baseline (with the cloud's CSI storage class) and the Alibaba add-ons (the services on it: the
shared apps layer, infra/layers/apps.py); the services' container logs go to an SLS project of the
`application` retention class through ACK's log agent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_kubernetes

from components.kubernetes.alicloud_ack import AckCluster, csi_storage_class
from components.kubernetes.alicloud_ack_spec import AckClusterArgs, NodePoolArgs
from components.kubernetes.alicloud_addons import PlatformAddons, PlatformAddonsArgs
from components.kubernetes.alicloud_gateway import PublicGateway
from components.kubernetes.alicloud_gateway_spec import PublicGatewayArgs
from components.kubernetes.alicloud_logs import ContainerLogs, ContainerLogsArgs
from components.kubernetes.platform.baseline import PlatformBaseline
from components.kubernetes.platform.baseline_spec import PlatformBaselineArgs
from components.kubernetes.platform.charts_spec import ChartArgs
from components.monitoring.alicloud_logs import LogProject, LogProjectArgs
from components.monitoring.alicloud_relay import cluster_chats, relayed_chats
from infra.config import AlicloudStackConfig
from infra.kubernetes import ack_kubernetes_provider
from infra.layers.alicloud.network import NetworkHandles
from infra.layers.platform import shared_baseline_args
from infra.providers import Providers

if TYPE_CHECKING:
    from infra.layers.alicloud.keys import KeyHandles


@dataclass(frozen=True)
class KubernetesHandles:
    cluster: AckCluster
    """The ACK cluster: id, private endpoint, security group, KMS key, log project, node pools."""
    provider: pulumi_kubernetes.Provider
    """The Kubernetes provider of the cluster."""
    baseline: PlatformBaseline
    """Namespaces, default-deny policies, quotas, the default (encrypted ESSD) StorageClass."""
    addons: PlatformAddons
    """Helm add-ons: Gateway API CRDs, Envoy Gateway, cert-manager and its cluster issuer."""
    gateway: PublicGateway
    """The public Gateway (Envoy behind a CLB): its namespace, hosts and the proxies' labels."""
    on_platform: pulumi.ResourceOptions
    """Options for what runs on the cluster after the baseline (workloads, monitoring agents)."""
    app_logs: LogProject
    """The services' container logs (SLS, `logs.retention.application` days)."""

    gateway_class: str
    """GatewayClass of the public Gateway."""

    @property
    def exports(self) -> dict[str, Any]:
        return {
            "clusterId": self.cluster.cluster_id,
            "clusterEndpoint": self.cluster.endpoint,
            "clusterSecurityGroupId": self.cluster.security_group_id,
            "clusterRrsaProviderArn": self.cluster.rrsa_oidc_provider_arn,
            "gatewayClass": self.gateway_class,
            "publicGateway": f"{self.gateway.namespace}/{self.gateway.name}",
            "publicHosts": self.gateway.hosts,
            "clusterIssuer": self.addons.cluster_issuer_name,
            "appLogProject": self.app_logs.project_name,
        }


def layer(
    cfg: AlicloudStackConfig,
    providers: Providers,
    network: NetworkHandles,
    keys: KeyHandles,
    opts: pulumi.ResourceOptions | None = None,
) -> KubernetesHandles | None:
    """The cluster and the platform on it; None when `cluster.enabled` is false."""
    if not cfg.cluster.enabled:
        return None
    vpc = network.vpc
    app_logs = LogProject(f"{cfg.prefix}-app-logs", app_log_args(cfg),
                          opts=providers.in_primary(opts))  # fmt: skip
    ack = AckCluster(
        f"{cfg.prefix}-ack",
        replace(cluster_args(cfg, vpc.vpc_id, vpc.switch_ids("private")),
                app_log_project=app_logs.project_name, **keys.key_args),
        opts=providers.in_primary(opts),
    )  # fmt: skip
    k8s = ack_kubernetes_provider(f"k8s-{cfg.prefix}-ack", ack)
    on_cluster = pulumi.ResourceOptions.merge(
        opts or pulumi.ResourceOptions(), pulumi.ResourceOptions(providers=[providers.primary, k8s])
    )
    platform = PlatformBaseline(f"{cfg.prefix}-baseline", baseline_args(cfg), opts=on_cluster)
    after_baseline = pulumi.ResourceOptions.merge(
        on_cluster, pulumi.ResourceOptions(depends_on=[platform])
    )
    addons = PlatformAddons(f"{cfg.prefix}-addons", addons_args(cfg), opts=after_baseline)
    after_controllers = pulumi.ResourceOptions.merge(
        after_baseline,
        pulumi.ResourceOptions(depends_on=[addons.gateway_api_crds, *addons.releases.values()]),
    )
    gateway = PublicGateway(
        f"{cfg.prefix}-gateway",
        gateway_args(cfg, addons.cluster_issuer_name),
        opts=after_controllers,
    )
    ContainerLogs(f"{cfg.prefix}-apps", container_log_args(cfg, app_logs.project_name),
                  opts=after_baseline)  # fmt: skip
    return KubernetesHandles(
        cluster=ack,
        provider=k8s,
        baseline=platform,
        addons=addons,
        gateway=gateway,
        gateway_class=cfg.platform.ingress_class,
        on_platform=after_baseline,
        app_logs=app_logs,
    )


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
