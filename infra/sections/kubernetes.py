"""`groundwork:cluster`, `groundwork:platform`: the managed Kubernetes cluster, and the platform
baseline and add-ons on it (the services on it: infra/sections/apps.py).

`Cluster` and `Platform` are what every cloud asks for; `AwsCluster` / `AwsPlatform` add EKS, IAM
and Route 53 specifics (components/kubernetes/aws_eks.py, aws_addons.py), `AlicloudCluster` the
ACK ones."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from ipaddress import IPv4Network
from typing import Annotated, Any

from pydantic import Field, field_validator

from components.aws.patterns import IAM_ROLE_ARN, ROUTE53_ZONE_ID
from components.kubernetes.alicloud_ack_spec import ACK_VERSIONS, AckClusterArgs, EssdLevel
from components.kubernetes.alicloud_ack_spec import MIN_DISK_GIB as ACK_MIN_DISK_GIB
from components.kubernetes.alicloud_ack_spec import NodePoolArgs as AckNodePoolArgs
from components.kubernetes.alicloud_gateway_spec import PublicGatewayArgs as AlicloudGatewayArgs
from components.kubernetes.architecture import Architecture, group_architecture
from components.kubernetes.aws_addons_spec import PlatformAddonsArgs
from components.kubernetes.aws_eks_spec import (
    EC2_INSTANCE_TYPE,
    MANDATORY_LOGS,
    MIN_DISK_GIB,
    MIN_PUBLIC_PREFIX,
    CapacityType,
    ControlPlaneLog,
    EksClusterArgs,
    NodeGroupArgs,
    SupportType,
)
from components.kubernetes.platform.baseline_spec import PlatformBaselineArgs, ReclaimPolicy
from components.kubernetes.platform.charts_spec import AcmeServer
from components.kubernetes.platform.workload_spec import DNS_LABEL
from infra.sections.base import LogRetentionDays, Problem, Section, component_default

_DNS_LABEL = DNS_LABEL.pattern
ALICLOUD_INSTANCE_TYPE = re.compile(r"^ecs\.[a-z0-9-]+\.[a-z0-9]+$")


def _eks(name: str) -> Any:
    return component_default(EksClusterArgs, name)


def _nodes(name: str) -> Any:
    return component_default(NodeGroupArgs, name)


def _ack(name: str) -> Any:
    return component_default(AckClusterArgs, name)


def _ack_pool(name: str) -> Any:
    return component_default(AckNodePoolArgs, name)


class NodeGroup(Section):
    min_size: int = Field(_nodes("min_size"), ge=0, le=100)
    """Autoscaling lower bound (nodes, over all zones)."""
    desired_size: int = Field(_nodes("desired_size"), ge=0, le=100)
    """Initial node count; afterwards the cluster autoscaler owns it (Pulumi ignores drift)."""
    max_size: int = Field(_nodes("max_size"), ge=1, le=100)
    """Autoscaling upper bound (nodes, over all zones)."""
    disk_size_gib: int = Field(_nodes("disk_size_gib"), ge=MIN_DISK_GIB, le=1000)
    """Encrypted root volume size."""
    labels: dict[str, str] = Field(default_factory=dict)
    """Kubernetes node labels."""
    per_zone: bool = _nodes("per_zone")
    """One node group per zone, each with these bounds (for zonal volume-backed pods); default:
    one group across the private subnets of every zone, with these bounds in total."""


class AwsNodeGroup(NodeGroup):
    instance_types: list[Annotated[str, Field(pattern=EC2_INSTANCE_TYPE.pattern)]] = Field(
        _nodes("instance_types"), min_length=1
    )
    """EC2 instance types, most preferred first (SPOT needs at least two for diversification)."""
    capacity_type: CapacityType = _nodes("capacity_type")
    """`ON_DEMAND`, or `SPOT` (cheaper, reclaimable; rejected in prod)."""

    @property
    def architecture(self) -> Architecture:
        """arm64 for Graviton instance types, else amd64 (a group runs one AMI)."""
        return group_architecture(tuple(self.instance_types))


class AlicloudNodeGroup(NodeGroup):
    instance_types: list[str] = Field(_ack_pool("instance_types"), min_length=1)
    """ECS instance types (`ecs.g7.large`), most preferred first (spot needs at least two)."""
    spot: bool = _ack_pool("spot")
    """Preemptible instances (SpotAsPriceGo: cheaper, reclaimable; rejected in prod)."""
    disk_size_gib: int = Field(_ack_pool("disk_size_gib"), ge=ACK_MIN_DISK_GIB, le=1000)
    """Encrypted ESSD system disk size."""

    @field_validator("instance_types")
    @classmethod
    def _ecs_types(cls, types: list[str]) -> list[str]:
        bad = [t for t in types if not ALICLOUD_INSTANCE_TYPE.match(t)]
        if bad:
            raise ValueError(f"not Alibaba Cloud ECS instance types such as ecs.g7.large: {bad}")
        return types


class EndpointAccess(Section):
    public: bool = _eks("endpoint_public_access")
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
    """Build the managed Kubernetes cluster, the platform on it and the services of `apps`."""
    version: str = Field(_eks("version"), pattern=r"^1\.\d{2}$")
    """Kubernetes minor version (`1.35`)."""
    endpoint: EndpointAccess = Field(default_factory=EndpointAccess)
    """API server endpoint access."""
    log_retention_days: LogRetentionDays = _eks("log_retention_days")
    """Retention of the control-plane log group."""
    node_groups: Mapping[str, NodeGroup] = Field(default_factory=lambda: {"general": NodeGroup()})
    """Node groups by name; each spans the private subnets of every zone (or, with `perZone`, is
    one group per zone)."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.endpoint.public and not self.endpoint.public_cidrs:
            yield Problem(
                "endpoint.publicCidrs",
                "required when the public endpoint is on (an allowlist; 0.0.0.0/0 is refused)",
            )
        for name, group in self.node_groups.items():
            if not group.min_size <= group.desired_size <= group.max_size:
                yield Problem(
                    f"nodeGroups.{name}",
                    f"need minSize <= desiredSize <= maxSize, got {group.min_size}, "
                    f"{group.desired_size}, {group.max_size}",
                )

    @field_validator("node_groups")
    @classmethod
    def _group_names(cls, groups: Mapping[str, NodeGroup]) -> Mapping[str, NodeGroup]:
        if not groups:
            raise ValueError("at least one node group is required")
        for name in groups:
            if not re.match(r"^[a-z][a-z0-9-]{0,30}$", name):
                raise ValueError(
                    f"node group name '{name}' must be 1-31 lowercase letters, digits, -"
                )
        return groups


class AwsCluster(Cluster):
    support_type: SupportType = _eks("support_type")
    """Upgrade policy: `STANDARD` (the cluster is upgraded when standard support ends) or
    `EXTENDED` (kept on the version, billed extra per hour)."""
    admin_role_arns: list[str] = Field(
        default_factory=list, examples=[["arn:aws:iam::111122223333:role/example-admin"]]
    )
    """IAM roles given cluster-admin through EKS access entries (no aws-auth ConfigMap)."""
    kubeconfig_role_arn: str | None = None
    """Role the Kubernetes provider assumes for `aws eks get-token --role-arn` (one of
    `adminRoleArns`); unset: the identity running Pulumi."""
    log_types: list[ControlPlaneLog] = _eks("log_types")
    """Control-plane log types sent to CloudWatch (api, audit and authenticator are mandatory)."""
    node_groups: dict[str, AwsNodeGroup] = Field(
        default_factory=lambda: {"general": AwsNodeGroup()}
    )
    """Managed node groups by name; each spans the private subnets of every zone (or, with
    `perZone`, is one group per zone). Fields: instanceTypes, capacityType, minSize, desiredSize,
    maxSize, diskSizeGib, labels, perZone."""
    addon_versions: dict[str, str] = Field(default_factory=dict)
    """Pinned EKS managed add-on versions (`vpc-cni`, `coredns`, `kube-proxy`,
    `aws-ebs-csi-driver`); unset ones get the default version for the cluster version."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        for name, group in self.node_groups.items():
            if group.capacity_type == "SPOT" and len(group.instance_types) < 2:
                yield Problem(
                    f"nodeGroups.{name}.instanceTypes",
                    "SPOT needs at least two types (one reclaimed pool must not empty the group)",
                )
            try:  # arm64 (Graviton) or amd64: the group's AMI follows its instance types
                group_architecture(tuple(group.instance_types))
            except ValueError as exc:
                yield Problem(f"nodeGroups.{name}.instanceTypes", str(exc))
        role = self.kubeconfig_role_arn
        if role is not None and role not in self.admin_role_arns:
            yield Problem(
                "kubeconfigRoleArn",
                f"'{role}' has no access entry; add it to cluster.adminRoleArns",
            )

    @field_validator("kubeconfig_role_arn")
    @classmethod
    def _role_arn(cls, arn: str | None) -> str | None:
        if arn is not None and not IAM_ROLE_ARN.match(arn):
            raise ValueError(f"'{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        return arn

    @field_validator("admin_role_arns")
    @classmethod
    def _role_arns(cls, arns: list[str]) -> list[str]:
        for arn in arns:
            if not IAM_ROLE_ARN.match(arn):
                raise ValueError(
                    f"'{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)"
                )
        return arns

    @field_validator("log_types")
    @classmethod
    def _required_logs(cls, logs: list[str]) -> list[str]:
        missing = [t for t in MANDATORY_LOGS if t not in logs]
        if missing:
            raise ValueError(f"must include {', '.join(MANDATORY_LOGS)}; missing {missing}")
        return logs


class AlicloudCluster(Cluster):
    version: str = Field(_ack("version"), pattern=r"^1\.\d{2}$")
    """Kubernetes minor version (`1.35`); ACK releases it as its own patch (`1.35.7-aliyun.1`)."""
    service_cidr: str = _ack("service_cidr")
    """Cluster IP range of Services (must not overlap the VPC)."""
    node_groups: dict[str, AlicloudNodeGroup] = Field(
        default_factory=lambda: {"general": AlicloudNodeGroup()}
    )
    """ACK node pools by name: instanceTypes, spot, minSize, desiredSize, maxSize, diskSizeGib,
    labels, perZone."""

    @field_validator("version")
    @classmethod
    def _ack_version(cls, version: str) -> str:
        if version not in ACK_VERSIONS:
            raise ValueError(
                f"ACK offers new clusters {', '.join(ACK_VERSIONS)} (table in "
                "components/kubernetes/alicloud_ack_spec.py)"
            )
        return version

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.endpoint.public:
            yield Problem(
                "endpoint.public",
                "not built on Alibaba Cloud: ACK's internet API server has no source allowlist "
                "here; reach the private endpoint from the VPC (a bastion, VPN or in-VPC runner)",
            )
        for name, group in self.node_groups.items():
            if group.spot and len(group.instance_types) < 2:
                yield Problem(
                    f"nodeGroups.{name}.instanceTypes",
                    "spot needs at least two types (one reclaimed pool must not empty the group)",
                )


class HelmChart(Section):
    chart: str
    """Chart name in the repository."""
    version: str = Field(pattern=r"^v?\d+\.\d+\.\d+$")
    """Exact chart version (no ranges: an unpinned chart changes under you)."""
    repository: str = Field(pattern=r"^(https|oci)://")
    """Chart repository URL (HTTPS), or an OCI registry path (`oci://docker.io/envoyproxy`)."""
    values: dict[str, Any] = Field(default_factory=dict)
    """Extra chart values, merged over ours."""


def _chart(chart: str, version: str, repository: str) -> HelmChart:
    return HelmChart(chart=chart, version=version, repository=repository)


CERT_MANAGER = _chart("cert-manager", "v1.19.2", "https://charts.jetstack.io")
ENVOY_GATEWAY_VERSION = "v1.7.5"
"""The Envoy Gateway line built on the pinned Gateway API (v1.4); v1.8+ wants Gateway API v1.5."""
ENVOY_GATEWAY_REGISTRY = "oci://docker.io/envoyproxy"
ENVOY_GATEWAY_SCHEMA_VERSION = "v1.7.0"
"""The Envoy Gateway release whose CRDs `./tasks gateway-schemas` checks the EnvoyProxy against:
the same minor line as the chart (one `v1alpha1` API); v1.7.0 because the Go module proxy this
was built with serves no later v1.7 patch. Move it with the chart's minor."""


class Charts(Section):
    aws_load_balancer_controller: HelmChart = _chart(
        "aws-load-balancer-controller", "1.16.0", "https://aws.github.io/eks-charts"
    )
    """Provisions the public Gateway's ALB (Gateway API support on)."""
    cert_manager: HelmChart = CERT_MANAGER
    """Issues in-cluster certificates (HTTP-01 through the public Gateway)."""
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
    quota: NamespaceQuota = Field(default_factory=NamespaceQuota)
    """ResourceQuota of the namespace (the LimitRange gives containers defaults under it)."""


class Route53Zone(Section):
    zone_id: str = Field(pattern=ROUTE53_ZONE_ID.pattern)
    """Hosted zone id (external-dns may change records only in this zone)."""
    domain: str = Field(pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$")
    """The zone's domain; app hosts must be inside it."""


def _baseline(name: str) -> Any:
    return component_default(PlatformBaselineArgs, name)


def _addons(name: str) -> Any:
    return component_default(PlatformAddonsArgs, name)


class Platform(Section):
    namespaces: list[WorkloadNamespace] = Field(
        default_factory=lambda: [WorkloadNamespace(name="apps")], min_length=1
    )
    """Workload namespaces: PSA `restricted`, default-deny network policy, quota, limit range."""
    ingress_namespace: str = Field(_baseline("ingress_namespace"), pattern=_DNS_LABEL)
    """Namespace of the platform's public Gateway (the parent of every service's HTTPRoute)."""
    monitoring_namespace: str = Field(_baseline("monitoring_namespace"), pattern=_DNS_LABEL)
    """Namespace of the monitoring stack (its Prometheus is admitted to each workload's metrics
    port only)."""
    internet_facing: bool = _addons("internet_facing")
    """Put the public Gateway's load balancer on the public subnets (false: internal)."""
    acme_email: str = Field("platform@example.com", pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    """Let's Encrypt account e-mail (expiry notices)."""
    acme_server: AcmeServer = _addons("acme_server")
    """Let's Encrypt directory: `staging` (untrusted certificates, high rate limits) or `production`."""
    storage_reclaim_policy: ReclaimPolicy = _baseline("storage_reclaim_policy")
    """Reclaim policy of the default StorageClass (`Retain` keeps volumes of deleted claims)."""

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


class AwsPlatform(Platform):
    ingress_class: str = Field(_addons("ingress_class"), pattern=_DNS_LABEL)
    """GatewayClass of the public Gateway (the AWS Load Balancer Controller's ALB)."""
    route53_zone: Route53Zone | None = None
    """Zone for external-dns; unset: external-dns is not installed."""
    charts: Charts = Field(default_factory=Charts)
    """Pinned Helm charts of the add-ons."""


class AlicloudCharts(Section):
    envoy_gateway_crds: HelmChart = _chart(
        "gateway-crds-helm", ENVOY_GATEWAY_VERSION, ENVOY_GATEWAY_REGISTRY
    )
    """Envoy Gateway's own CRDs (the Gateway API CRDs are the pinned release's)."""
    envoy_gateway: HelmChart = _chart("gateway-helm", ENVOY_GATEWAY_VERSION, ENVOY_GATEWAY_REGISTRY)
    """Runs the public Gateway's Envoy proxies (behind a CLB)."""
    cert_manager: HelmChart = CERT_MANAGER
    """Issues the public Gateway's certificate (HTTP-01 through the Gateway)."""


class AlicloudPlatform(Platform):
    ingress_class: str = Field(
        component_default(AlicloudGatewayArgs, "class_name"), pattern=_DNS_LABEL
    )
    """GatewayClass of the public Gateway (Envoy Gateway behind a CLB)."""
    volume_performance_level: EssdLevel = "PL1"
    """ESSD performance level of the platform's StorageClass, so of every volume a claim gets
    (the Prometheus and Alertmanager volumes): `PL1` (up to 50,000 IOPS) or `PL0` (up to 10,000
    IOPS at half the price per GB)."""
    charts: AlicloudCharts = Field(default_factory=AlicloudCharts)
    """Pinned Helm charts of the add-ons ACK does not manage itself."""
