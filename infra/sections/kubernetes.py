"""`groundwork:cluster`, `groundwork:platform`: the EKS cluster, and the platform baseline and
add-ons on it (the services on it: infra/sections/apps.py)."""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from typing import Any, Literal

from pydantic import Field, field_validator

from components.kubernetes.aws_eks import MIN_PUBLIC_PREFIX
from infra.sections.base import LogRetentionDays, Section

_DNS_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
ControlPlaneLog = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]
REQUIRED_LOGS = ("api", "audit", "authenticator")
ALL_LOGS: list[ControlPlaneLog] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
]


class NodeGroup(Section):
    instance_types: list[str] = Field(
        default_factory=lambda: ["m7i.large", "m6i.large"], min_length=1
    )
    """EC2 instance types, most preferred first (SPOT needs at least two for diversification)."""
    capacity_type: Literal["ON_DEMAND", "SPOT"] = "ON_DEMAND"
    """`ON_DEMAND`, or `SPOT` (cheaper, reclaimable; rejected in prod)."""
    min_size: int = Field(3, ge=0, le=100)
    """Autoscaling lower bound (nodes, over all zones)."""
    desired_size: int = Field(3, ge=0, le=100)
    """Initial node count; afterwards the cluster autoscaler owns it (Pulumi ignores drift)."""
    max_size: int = Field(9, ge=1, le=100)
    """Autoscaling upper bound (nodes, over all zones)."""
    disk_size_gib: int = Field(50, ge=20, le=1000)
    """Encrypted gp3 root volume size."""
    labels: dict[str, str] = Field(default_factory=dict)
    """Kubernetes node labels."""
    per_zone: bool = False
    """One managed node group per zone, each with these bounds (for zonal EBS-backed pods);
    default: one group across the private subnets of every zone, with these bounds in total."""


class EndpointAccess(Section):
    public: bool = False
    """Also expose the API endpoint publicly (the private endpoint is always on)."""
    public_cidrs: list[str] = Field(default_factory=list)
    """CIDRs allowed to reach the public endpoint; required when `public` is true. Each must be
    /16 or narrower (0.0.0.0/1 + 128.0.0.0/1 would otherwise be the whole internet)."""

    @field_validator("public_cidrs")
    @classmethod
    def _valid_cidrs(cls, cidrs: list[str]) -> list[str]:
        for cidr in cidrs:
            try:
                net = IPv4Network(cidr, strict=True)
            except ValueError as exc:
                raise ValueError(f"'{cidr}' is not a valid IPv4 CIDR ({exc})") from None
            if net.prefixlen < MIN_PUBLIC_PREFIX:
                raise ValueError(
                    f"'{cidr}' opens the API to the whole internet or a large part of it; list "
                    f"your egress CIDRs (/{MIN_PUBLIC_PREFIX} or narrower)"
                )
        return cidrs


class Cluster(Section):
    enabled: bool = True
    """Build the EKS cluster, the platform on it and the example service."""
    version: str = Field("1.35", pattern=r"^1\.\d{2}$")
    """Kubernetes minor version (`1.35`)."""
    support_type: Literal["STANDARD", "EXTENDED"] = "STANDARD"
    """Upgrade policy: `STANDARD` (the cluster is upgraded when standard support ends) or
    `EXTENDED` (kept on the version, billed extra per hour)."""
    endpoint: EndpointAccess = EndpointAccess()
    """API server endpoint access."""
    admin_role_arns: list[str] = Field(default_factory=list)
    """IAM roles given cluster-admin through EKS access entries (no aws-auth ConfigMap)."""
    kubeconfig_role_arn: str | None = None
    """Role the Kubernetes provider assumes for `aws eks get-token --role-arn` (one of
    `adminRoleArns`); unset: the identity running Pulumi."""
    log_types: list[ControlPlaneLog] = Field(default_factory=lambda: list(ALL_LOGS))
    """Control-plane log types sent to CloudWatch (api, audit and authenticator are mandatory)."""
    log_retention_days: LogRetentionDays = 90
    """Retention of the control-plane log group."""
    node_groups: dict[str, NodeGroup] = Field(default_factory=lambda: {"general": NodeGroup()})
    """Managed node groups by name; each spans the private subnets of every zone (or, with
    `perZone`, is one group per zone). Fields: instanceTypes, capacityType, minSize, desiredSize,
    maxSize, diskSizeGib, labels, perZone."""
    addon_versions: dict[str, str] = Field(default_factory=dict)
    """Pinned EKS managed add-on versions (`vpc-cni`, `coredns`, `kube-proxy`,
    `aws-ebs-csi-driver`); unset ones get the default version for the cluster version."""

    @field_validator("kubeconfig_role_arn")
    @classmethod
    def _role_arn(cls, arn: str | None) -> str | None:
        if arn is not None and not _ROLE_ARN.match(arn):
            raise ValueError(f"'{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        return arn

    @field_validator("admin_role_arns")
    @classmethod
    def _role_arns(cls, arns: list[str]) -> list[str]:
        for arn in arns:
            if not _ROLE_ARN.match(arn):
                raise ValueError(
                    f"'{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
                )
        return arns

    @field_validator("log_types")
    @classmethod
    def _required_logs(cls, logs: list[str]) -> list[str]:
        missing = [t for t in REQUIRED_LOGS if t not in logs]
        if missing:
            raise ValueError(f"must include {', '.join(REQUIRED_LOGS)}; missing {missing}")
        return logs

    @field_validator("node_groups")
    @classmethod
    def _group_names(cls, groups: dict[str, NodeGroup]) -> dict[str, NodeGroup]:
        if not groups:
            raise ValueError("at least one node group is required")
        for name in groups:
            if not re.match(r"^[a-z][a-z0-9-]{0,30}$", name):
                raise ValueError(
                    f"node group name '{name}' must be 1-31 lowercase letters, digits, -"
                )
        return groups


class HelmChart(Section):
    chart: str
    """Chart name in the repository."""
    version: str = Field(pattern=r"^v?\d+\.\d+\.\d+$")
    """Exact chart version (no ranges: an unpinned chart changes under you)."""
    repository: str = Field(pattern=r"^https://")
    """Chart repository URL (HTTPS)."""
    values: dict[str, Any] = Field(default_factory=dict)
    """Extra chart values, merged over ours."""


def _chart(chart: str, version: str, repository: str) -> HelmChart:
    return HelmChart(chart=chart, version=version, repository=repository)


class Charts(Section):
    ingress_nginx: HelmChart = _chart(
        "ingress-nginx", "4.14.1", "https://kubernetes.github.io/ingress-nginx"
    )
    """Ingress controller, exposed through an NLB."""
    aws_load_balancer_controller: HelmChart = _chart(
        "aws-load-balancer-controller", "1.16.0", "https://aws.github.io/eks-charts"
    )
    """Provisions the NLB in front of the ingress controller."""
    cert_manager: HelmChart = _chart("cert-manager", "v1.19.2", "https://charts.jetstack.io")
    """Issues the TLS certificates of Ingresses."""
    metrics_server: HelmChart = _chart(
        "metrics-server", "3.13.0", "https://kubernetes-sigs.github.io/metrics-server/"
    )
    """Resource metrics for HPAs."""
    cluster_autoscaler: HelmChart = _chart(
        "cluster-autoscaler", "9.52.1", "https://kubernetes.github.io/autoscaler"
    )
    """Scales the managed node groups."""
    external_dns: HelmChart = _chart(
        "external-dns", "1.19.0", "https://kubernetes-sigs.github.io/external-dns/"
    )
    """Publishes Ingress hosts to Route 53 (installed only when `platform.route53Zone` is set)."""


class NamespaceQuota(Section):
    requests_cpu: str = "4"
    """Total CPU requests in the namespace."""
    requests_memory: str = "8Gi"
    """Total memory requests."""
    limits_cpu: str = "8"
    """Total CPU limits."""
    limits_memory: str = "16Gi"
    """Total memory limits."""
    pods: int = Field(50, ge=1)
    """Maximum pods."""


class WorkloadNamespace(Section):
    name: str = Field(pattern=_DNS_LABEL)
    """Namespace name."""
    quota: NamespaceQuota = NamespaceQuota()
    """ResourceQuota of the namespace (the LimitRange gives containers defaults under it)."""


class Route53Zone(Section):
    zone_id: str = Field(pattern=r"^Z[A-Z0-9]{1,32}$")
    """Hosted zone id (external-dns may change records only in this zone)."""
    domain: str = Field(pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$")
    """The zone's domain; app hosts must be inside it."""


class Platform(Section):
    namespaces: list[WorkloadNamespace] = Field(
        default_factory=lambda: [WorkloadNamespace(name="apps")], min_length=1
    )
    """Workload namespaces: PSA `restricted`, default-deny network policy, quota, limit range."""
    ingress_namespace: str = Field("ingress-nginx", pattern=_DNS_LABEL)
    """Namespace of the ingress controller (workloads admit traffic from it)."""
    monitoring_namespace: str = Field("monitoring", pattern=_DNS_LABEL)
    """Namespace of the monitoring stack (workloads admit scrapes from it)."""
    ingress_class: str = Field("nginx", pattern=_DNS_LABEL)
    """IngressClass name of the controller."""
    internet_facing: bool = True
    """Put the ingress NLB on the public subnets (false: internal NLB)."""
    acme_email: str = Field("platform@example.com", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    """Let's Encrypt account e-mail (expiry notices)."""
    acme_server: Literal["staging", "production"] = "production"
    """Let's Encrypt directory: `staging` (untrusted certificates, high rate limits) or `production`."""
    route53_zone: Route53Zone | None = None
    """Zone for external-dns; unset: external-dns is not installed."""
    storage_reclaim_policy: Literal["Retain", "Delete"] = "Retain"
    """Reclaim policy of the default StorageClass (`Retain` keeps volumes of deleted claims)."""
    charts: Charts = Charts()
    """Pinned Helm charts of the add-ons."""

    @field_validator("namespaces")
    @classmethod
    def _unique(cls, namespaces: list[WorkloadNamespace]) -> list[WorkloadNamespace]:
        names = [n.name for n in namespaces]
        if len(set(names)) != len(names):
            raise ValueError(f"namespace names must be unique, got {names}")
        reserved = {"default", "kube-system", "kube-public", "kube-node-lease", "cert-manager"}
        clash = sorted(set(names) & reserved)
        if clash:
            raise ValueError(f"{clash} are system namespaces, not workload namespaces")
        return namespaces
