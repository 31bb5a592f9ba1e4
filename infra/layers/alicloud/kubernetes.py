"""Kubernetes layer (Alibaba Cloud): the ACK cluster, its Kubernetes provider, the shared platform
baseline (with the cloud's CSI storage class) and the Alibaba add-ons (the services on it: the
shared apps layer, infra/layers/apps.py); the services' container logs go to an SLS project of the
`application` retention class through ACK's log agent."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_kubernetes

from components.kubernetes.alicloud_ack import AckCluster
from components.kubernetes.alicloud_addons import PlatformAddons
from components.kubernetes.alicloud_gateway import PublicGateway
from components.kubernetes.alicloud_logs import ContainerLogs
from components.kubernetes.platform.baseline import PlatformBaseline
from components.monitoring.alicloud_logs import LogProject
from infra.config import AlicloudStackConfig
from infra.kubernetes import ack_kubernetes_provider
from infra.layers.alicloud.kubernetes_args import (
    addons_args,
    app_log_args,
    baseline_args,
    cluster_args,
    container_log_args,
    gateway_args,
)
from infra.layers.alicloud.network import NetworkHandles
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
