"""Kubernetes layer: EKS cluster, its Kubernetes provider, platform baseline and add-ons (the
services on it: infra/layers/apps.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pulumi
import pulumi_kubernetes

from components.kubernetes.aws_addons import PlatformAddons
from components.kubernetes.aws_eks import EksCluster
from components.kubernetes.aws_gateway import PublicGateway
from components.kubernetes.platform.baseline import PlatformBaseline
from components.monitoring.aws_spec import AlarmWiring
from components.network.aws import Vpc
from infra.config import AwsStackConfig
from infra.kubernetes import kubernetes_provider
from infra.layers.kubernetes_args import addons_args, baseline_args, cluster_args, gateway_args
from infra.layers.network import NetworkHandles
from infra.providers import Providers


@dataclass(frozen=True)
class KubernetesHandles:
    cluster: EksCluster
    """The EKS cluster: endpoint, OIDC identity, node security group, log group."""
    provider: pulumi_kubernetes.Provider
    """The Kubernetes provider of the cluster."""
    baseline: PlatformBaseline
    """Namespaces, default-deny policies, quotas, the default StorageClass."""
    addons: PlatformAddons
    """Helm add-ons: the load balancer controller, Gateway API CRDs, cluster issuer."""
    gateway: PublicGateway
    """The public Gateway: its namespace and hosts (the API entry's origin hostnames for an edge
    in front of it), ACM certificates; a WAF attaches to its ALB through `web_acl_arn`."""
    on_platform: pulumi.ResourceOptions
    """Options for what runs on the cluster after the baseline (workloads, monitoring agents)."""

    @property
    def exports(self) -> dict[str, Any]:
        return {
            "clusterName": self.cluster.cluster_name,
            "clusterEndpoint": self.cluster.endpoint,
            "clusterOidcProviderArn": self.cluster.oidc_provider_arn,
            "clusterSecurityGroupId": self.cluster.cluster_security_group_id,
            "nodeSecurityGroupId": self.cluster.node_security_group_id,
            "gatewayClass": self.addons.ingress_class,
            "publicGateway": f"{self.gateway.namespace}/{self.gateway.name}",
            "publicHosts": self.gateway.hosts,
            "clusterIssuer": self.addons.cluster_issuer_name,
        }


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    network: NetworkHandles,
    *,
    image_repository_arns: Sequence[pulumi.Input[str]] = (),
    alarms: AlarmWiring | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> KubernetesHandles | None:
    """The cluster and the platform on it; None when `cluster.enabled` is false. The nodes may
    pull from `image_repository_arns` of this account (and from other accounts' registries that
    grant it, such as the EKS add-ons' images)."""
    if not cfg.cluster.enabled:
        return None
    eks = cluster(cfg, network.vpc, providers.in_primary(opts), alarms, image_repository_arns)
    k8s = kubernetes_provider(
        f"k8s-{eks.static_name}", eks, cfg.region, cfg.cluster.kubeconfig_role_arn
    )
    on_cluster = pulumi.ResourceOptions.merge(
        opts or pulumi.ResourceOptions(), pulumi.ResourceOptions(providers=[providers.primary, k8s])
    )
    platform = baseline(cfg, on_cluster)
    after_baseline = pulumi.ResourceOptions.merge(
        on_cluster, pulumi.ResourceOptions(depends_on=[platform])
    )
    platform_addons = addons(cfg, network.vpc, eks, after_baseline)
    after_controllers = pulumi.ResourceOptions.merge(
        after_baseline,
        pulumi.ResourceOptions(
            depends_on=[platform_addons.gateway_api_crds, platform_addons.load_balancer_controller]
        ),
    )
    return KubernetesHandles(
        cluster=eks,
        provider=k8s,
        baseline=platform,
        addons=platform_addons,
        gateway=PublicGateway(
            f"{cfg.prefix}-gateway",
            replace(gateway_args(cfg), cluster_name=eks.static_name, alarms=alarms),
            opts=after_controllers,
        ),
        on_platform=after_baseline,
    )


def cluster(
    cfg: AwsStackConfig,
    network: Vpc,
    opts: pulumi.ResourceOptions,
    alarms: AlarmWiring | None = None,
    image_repository_arns: Sequence[pulumi.Input[str]] = (),
) -> EksCluster:
    private = {zone: s.id for zone, s in network.subnets["private"].items()}
    args = replace(
        cluster_args(cfg, network.vpc_id, private),
        alarms=alarms,
        image_repository_arns=list(image_repository_arns),
    )
    return EksCluster(f"{cfg.prefix}-eks", args, opts=opts)


def baseline(cfg: AwsStackConfig, opts: pulumi.ResourceOptions) -> PlatformBaseline:
    return PlatformBaseline(f"{cfg.prefix}-baseline", baseline_args(cfg), opts=opts)


def addons(
    cfg: AwsStackConfig, network: Vpc, cluster: EksCluster, opts: pulumi.ResourceOptions
) -> PlatformAddons:
    return PlatformAddons(
        f"{cfg.prefix}-addons",
        addons_args(cfg, network.vpc_id, cluster.static_name, cluster.oidc),
        opts=opts,
    )
