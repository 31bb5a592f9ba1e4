"""EKS cluster args, log types, limits: config validates against them without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws import AlarmWiring

ControlPlaneLog = Literal["api", "audit", "authenticator", "controllerManager", "scheduler"]
MANDATORY_LOGS: tuple[ControlPlaneLog, ...] = ("api", "audit", "authenticator")
CapacityType = Literal["ON_DEMAND", "SPOT"]
SupportType = Literal["STANDARD", "EXTENDED"]
EC2_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")
"""An EC2 instance type such as `m7i.large`."""
MIN_DISK_GIB = 20
MIN_PUBLIC_PREFIX = 16
"""Public-endpoint allowlist entries must be at least this narrow."""
EBS_MIN_VOLUME_GIB = 1
"""Smallest gp3 volume."""


@dataclass(frozen=True, kw_only=True)
class NodeGroupArgs:
    instance_types: Sequence[str] = ("m7i.large", "m6i.large")
    """Instance types, most preferred first."""
    capacity_type: CapacityType = "ON_DEMAND"
    """`ON_DEMAND` or `SPOT` (reclaimable; at least two instance types)."""
    min_size: int = 3
    """Autoscaling lower bound."""
    desired_size: int = 3
    """Initial size; later owned by the cluster autoscaler (drift ignored)."""
    max_size: int = 9
    """Autoscaling upper bound."""
    disk_size_gib: int = 50
    """Encrypted gp3 root volume size."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Kubernetes node labels."""
    max_unavailable_percentage: int = 33
    """Share of nodes replaced at once during a node-group update."""
    per_zone: bool = False
    """One managed group per zone, each with these bounds, instead of one group across all zones.
    Use it for pods with zonal EBS volumes: the cluster autoscaler can then add a node in exactly
    the zone a pending pod's volume lives in."""


@dataclass(frozen=True, kw_only=True)
class EksClusterArgs:
    cluster_name: str
    """EKS cluster name (known before the cluster exists, so the VPC can tag subnets with it)."""
    version: str = "1.35"
    """Kubernetes minor version."""
    support_type: SupportType = "STANDARD"
    """Upgrade policy. STANDARD avoids the extended-support surcharge."""
    vpc_id: pulumi.Input[str]
    """VPC of the cluster."""
    private_subnets: Mapping[str, pulumi.Input[str]]
    """Private subnet id by zone, every zone: control-plane ENIs and nodes go here."""
    endpoint_public_access: bool = False
    """Expose the API endpoint publicly too (the private endpoint is always on)."""
    public_access_cidrs: Sequence[str] = ()
    """Allowlist for the public endpoint; required when it is on; never 0.0.0.0/0."""
    admin_role_arns: Sequence[str] = ()
    """IAM roles given cluster-admin through access entries."""
    log_types: Sequence[ControlPlaneLog] = (
        "api", "audit", "authenticator", "controllerManager", "scheduler",
    )  # fmt: skip
    """Control-plane logs sent to CloudWatch (api, audit, authenticator are mandatory)."""
    log_retention_days: int = 90
    """Retention of the control-plane log group."""
    node_groups: Mapping[str, NodeGroupArgs] = field(
        default_factory=lambda: {"general": NodeGroupArgs()}
    )
    """Managed node groups by name; each spans every zone of `private_subnets` (or, with
    `per_zone`, is one group per zone)."""
    addon_versions: Mapping[str, str] = field(default_factory=dict)
    """Pinned managed add-on versions; unset: the default version for the cluster version."""
    zonal_shift: bool = True
    """Let ARC zonal shift move traffic away from an impaired zone."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Protect the KMS key and log group, and turn on the cluster's deletion protection."""
    alarms: AlarmWiring | None = None
    image_repository_arns: Sequence[pulumi.Input[str]] = ()
    """ECR repositories of this account the nodes may pull from (the registry's); in other
    accounts only registries that grant it themselves (EKS add-on images)."""
    """Alert topics and policy: emit this component's alarms (aws_alarms.py) on them."""
