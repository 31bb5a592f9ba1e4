"""EKS add-on args (charts, ACME, Route 53 zone) and check: config and preflight need no SDK."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require
from components.aws.patterns import ROUTE53_ZONE_ID
from components.kubernetes.platform.charts_spec import (
    ACME_SERVERS,
    AcmeServer,
    ChartArgs,
    validate_charts,
)

if TYPE_CHECKING:
    import pulumi

    from components.kubernetes.aws_irsa_spec import OidcIdentity


@dataclass(frozen=True, kw_only=True)
class Route53ZoneArgs:
    zone_id: str
    domain: str


@dataclass(frozen=True, kw_only=True)
class PlatformAddonsArgs:
    part_of: str
    """Product name (label `app.kubernetes.io/part-of`)."""
    cluster_name: str
    """EKS cluster name (IAM conditions, autoscaler discovery, external-dns owner id)."""
    oidc: OidcIdentity
    """The cluster's OIDC provider, for the add-ons' IRSA roles."""
    region: str
    """AWS region (controllers cannot read it from IMDS: hop limit 1)."""
    vpc_id: pulumi.Input[str]
    """VPC of the cluster (for the load balancer controller)."""
    charts: Mapping[str, ChartArgs]
    """Pinned charts by add-on: aws_load_balancer_controller, cert_manager,
    metrics_server, cluster_autoscaler, and external_dns when a zone is given."""
    ingress_namespace: str = "gateway"
    """Namespace of the public Gateway (north-south traffic enters there)."""
    ingress_class: str = "alb"
    """GatewayClass of the public Gateway (the load balancer controller's ALB)."""
    internet_facing: bool = True
    """ALB scheme: internet-facing (public subnets) or internal."""
    acme_email: str
    """Let's Encrypt account e-mail."""
    acme_server: AcmeServer = "production"
    route53_zone: Route53ZoneArgs | None = None
    """Zone for external-dns; None: external-dns is not installed."""
    replicas: int = 2
    """Replicas of each controller (2+: one can be drained or lost)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the IAM roles."""


REQUIRED_CHARTS = (
    "aws_load_balancer_controller",
    "cert_manager",
    "metrics_server",
    "cluster_autoscaler",
)


def validate(args: PlatformAddonsArgs) -> None:
    zone = args.route53_zone
    require(
        zone is None or ROUTE53_ZONE_ID.match(zone.zone_id) is not None,
        "route53_zone.zone_id",
        "not a Route 53 hosted zone id",
    )
    required = list(REQUIRED_CHARTS) + (["external_dns"] if args.route53_zone else [])
    validate_charts(args.charts, required)
    require(args.acme_server in ACME_SERVERS, "acme_server", "staging or production")
    require("@" in args.acme_email, "acme_email", "must be an e-mail address")
    require(args.replicas >= 1, "replicas", "at least 1")
    require(bool(args.cluster_name), "cluster_name", "must not be empty")
