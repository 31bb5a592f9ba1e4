"""What the Kubernetes layer asks of its components (the EKS cluster, baseline, add-ons and public
Gateway), built from config; imported by the preflight without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from components.kubernetes.aws_addons_spec import PlatformAddonsArgs, Route53ZoneArgs
from components.kubernetes.aws_eks_spec import EksClusterArgs, NodeGroupArgs, ebs_storage_class
from components.kubernetes.aws_gateway_spec import PublicGatewayArgs
from components.kubernetes.aws_irsa_spec import OidcIdentity
from components.kubernetes.platform.baseline_spec import PlatformBaselineArgs
from components.kubernetes.platform.charts_spec import ChartArgs
from infra.config import AwsStackConfig
from infra.layers.network_args import cluster_name
from infra.layers.platform import shared_baseline_args

if TYPE_CHECKING:
    import pulumi


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


POD_READINESS_GATE = {"elbv2.k8s.aws/pod-readiness-gate-inject": "enabled"}
"""The load balancer controller adds a readiness gate to the namespace's pods: one counts as Ready
(and a rolling update or a canary moves on) only once its ALB target is healthy."""


def baseline_args(cfg: AwsStackConfig) -> PlatformBaselineArgs:
    return shared_baseline_args(cfg, ebs_storage_class(), POD_READINESS_GATE)


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
