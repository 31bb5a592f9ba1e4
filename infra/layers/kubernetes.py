"""Kubernetes layer: EKS cluster, its Kubernetes provider, platform baseline and add-ons (the
services on it: infra/layers/apps.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pulumi
import pulumi_kubernetes

from components.kubernetes.aws_addons import PlatformAddons
from components.kubernetes.aws_addons_spec import PlatformAddonsArgs, Route53ZoneArgs
from components.kubernetes.aws_eks import EksCluster, ebs_storage_class
from components.kubernetes.aws_eks_spec import EksClusterArgs, NodeGroupArgs
from components.kubernetes.aws_gateway import PublicGateway, PublicGatewayArgs
from components.kubernetes.aws_irsa import OidcIdentity
from components.kubernetes.platform.baseline import PlatformBaseline
from components.kubernetes.platform.baseline_spec import PlatformBaselineArgs
from components.kubernetes.platform.charts_spec import ChartArgs
from components.monitoring.aws import AlarmWiring
from components.network.aws import Vpc
from infra.config import AwsStackConfig
from infra.kubernetes import kubernetes_provider
from infra.layers.network import NetworkHandles
from infra.layers.network_args import cluster_name
from infra.layers.platform import shared_baseline_args
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


def gateway_args(cfg: AwsStackConfig) -> PublicGatewayArgs:
    p = cfg.platform
    return PublicGatewayArgs(
        part_of=cfg.name,
        namespace=p.ingress_namespace,
        class_name=p.ingress_class,
        route_namespaces=[n.name for n in p.namespaces],
        hosts=sorted(app.host for app in cfg.apps.values() if app.host),
        route53_zone_id=p.route53_zone.zone_id if p.route53_zone else None,
        internet_facing=p.internet_facing,
        source_cidrs=load_balancer_cidrs(cfg),
        tags=cfg.base_tags,
    )


def load_balancer_cidrs(cfg: AwsStackConfig) -> list[str]:
    """Where the public Gateway's ALB sends from: its subnets (public, or private when internal)."""
    plan = cfg.subnet_plan()
    subnets = plan.tier("public") if cfg.platform.internet_facing else plan.tier("private")
    return [s.cidr for s in subnets]


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


def cluster_args(
    cfg: AwsStackConfig,
    vpc_id: pulumi.Input[str],
    private_subnets: Mapping[str, pulumi.Input[str]],
) -> EksClusterArgs:
    c = cfg.cluster
    return EksClusterArgs(
        cluster_name=cluster_name(cfg),
        version=c.version,
        support_type=c.support_type,
        vpc_id=vpc_id,
        private_subnets=dict(private_subnets),
        endpoint_public_access=c.endpoint.public,
        public_access_cidrs=c.endpoint.public_cidrs,
        admin_role_arns=c.admin_role_arns,
        log_types=c.log_types,
        log_retention_days=c.log_retention_days,
        node_groups={
            name: NodeGroupArgs(
                instance_types=g.instance_types,
                capacity_type=g.capacity_type,
                min_size=g.min_size,
                desired_size=g.desired_size,
                max_size=g.max_size,
                disk_size_gib=g.disk_size_gib,
                labels=g.labels,
                per_zone=g.per_zone,
            )
            for name, g in c.node_groups.items()
        },
        addon_versions=c.addon_versions,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def baseline(cfg: AwsStackConfig, opts: pulumi.ResourceOptions) -> PlatformBaseline:
    return PlatformBaseline(f"{cfg.prefix}-baseline", baseline_args(cfg), opts=opts)


POD_READINESS_GATE = {"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"}
"""The load balancer controller adds a readiness gate to the namespace's pods: one counts as Ready
(and a rolling update or a canary moves on) only once its ALB target is healthy."""


def baseline_args(cfg: AwsStackConfig) -> PlatformBaselineArgs:
    return shared_baseline_args(cfg, ebs_storage_class(), POD_READINESS_GATE)


def addons(
    cfg: AwsStackConfig, network: Vpc, cluster: EksCluster, opts: pulumi.ResourceOptions
) -> PlatformAddons:
    return PlatformAddons(
        f"{cfg.prefix}-addons",
        addons_args(cfg, network.vpc_id, cluster.static_name, cluster.oidc),
        opts=opts,
    )


def addons_args(
    cfg: AwsStackConfig, vpc_id: pulumi.Input[str], eks_cluster_name: str, oidc: OidcIdentity
) -> PlatformAddonsArgs:
    p = cfg.platform
    charts = {
        key: ChartArgs(
            chart=chart.chart,
            version=chart.version,
            repository=chart.repository,
            values=chart.values,
        )
        for key, chart in p.charts
    }
    # The autoscaler's minor version must match the cluster's.
    autoscaler = charts["cluster_autoscaler"]
    charts["cluster_autoscaler"] = ChartArgs(
        chart=autoscaler.chart,
        version=autoscaler.version,
        repository=autoscaler.repository,
        values={"image": {"tag": f"v{cfg.cluster.version}.0"}, **autoscaler.values},
    )
    if p.route53_zone is None:
        charts.pop("external_dns")
    return PlatformAddonsArgs(
        part_of=cfg.name,
        cluster_name=eks_cluster_name,
        oidc=oidc,
        region=cfg.region,
        vpc_id=vpc_id,
        charts=charts,
        ingress_namespace=p.ingress_namespace,
        ingress_class=p.ingress_class,
        internet_facing=p.internet_facing,
        acme_email=p.acme_email,
        acme_server=p.acme_server,
        route53_zone=Route53ZoneArgs(zone_id=p.route53_zone.zone_id, domain=p.route53_zone.domain)
        if p.route53_zone
        else None,
        tags=cfg.base_tags,
    )
