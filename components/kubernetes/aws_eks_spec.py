"""EKS cluster args, limits, StorageClass and check: config and preflight need them without SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import TYPE_CHECKING, Literal, get_args

from components._base import require
from components.aws.versions import eks_version_problem
from components.kubernetes.architecture import group_architecture
from components.kubernetes.platform.baseline_spec import StorageClassArgs

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring

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


def role_key(role_arn: str) -> str:
    """A role's identity within the stack: its path and name (`role/ops/admin` -> `ops-admin`)."""
    return role_arn.split(":role/", 1)[-1].replace("/", "-")


def ebs_storage_class(kms_key_arn: pulumi.Input[str] | None = None) -> StorageClassArgs:
    """The platform's default StorageClass on EKS: encrypted gp3 EBS volumes (through the
    aws-ebs-csi-driver add-on), with a customer-managed key when given, else the account's
    default EBS key."""
    parameters: dict[str, pulumi.Input[str]] = {
        "type": "gp3",
        "encrypted": "true",
        "csi.storage.k8s.io/fstype": "ext4",
    }
    if kms_key_arn is not None:
        parameters["kmsKeyId"] = kms_key_arn
    return StorageClassArgs(name="gp3", provisioner="ebs.csi.aws.com", parameters=parameters)


def validate(args: EksClusterArgs) -> None:
    require(bool(args.cluster_name), "cluster_name", "must not be empty")
    require(args.support_type in get_args(SupportType), "support_type", "STANDARD or EXTENDED")
    version_problem = eks_version_problem(args.version, args.support_type)
    require(version_problem is None, "version", version_problem or "")
    require(len(args.private_subnets) >= 2, "private_subnets", "EKS needs two or more zones")
    missing = [t for t in MANDATORY_LOGS if t not in args.log_types]
    require(not missing, "log_types", f"must include {list(MANDATORY_LOGS)}; missing {missing}")
    require(args.log_retention_days > 0, "log_retention_days", "must be positive")
    if args.endpoint_public_access:
        require(
            bool(args.public_access_cidrs),
            "public_access_cidrs",
            "required when endpoint_public_access is true",
        )
    for cidr in args.public_access_cidrs:
        try:
            net = IPv4Network(cidr, strict=True)
        except ValueError as exc:
            raise ValueError(f"public_access_cidrs: '{cidr}' is not a CIDR ({exc})") from None
        require(
            net.prefixlen >= MIN_PUBLIC_PREFIX,
            "public_access_cidrs",
            f"'{cidr}' is wider than /{MIN_PUBLIC_PREFIX}: a few such blocks open the API to everyone",
        )
    keys = [role_key(arn) for arn in args.admin_role_arns]
    require(
        len(set(keys)) == len(keys), "admin_role_arns", f"two roles share a path and name: {keys}"
    )
    require(bool(args.node_groups), "node_groups", "at least one node group is required")
    for group_name, group in args.node_groups.items():
        field_name = f"node_groups.{group_name}"
        require(
            0 <= group.min_size <= group.desired_size <= group.max_size and group.max_size > 0,
            field_name,
            "need 0 <= min_size <= desired_size <= max_size, max_size > 0",
        )
        require(
            group.capacity_type in get_args(CapacityType),
            f"{field_name}.capacity_type",
            "ON_DEMAND or SPOT",
        )
        require(bool(group.instance_types), f"{field_name}.instance_types", "must not be empty")
        bad = [t for t in group.instance_types if not EC2_INSTANCE_TYPE.match(t)]
        require(not bad, f"{field_name}.instance_types", f"not EC2 instance types: {bad}")
        try:
            group_architecture(tuple(group.instance_types))
        except ValueError as exc:
            require(False, f"{field_name}.instance_types", str(exc))
        if group.capacity_type == "SPOT":
            require(
                len(group.instance_types) >= 2,
                f"{field_name}.instance_types",
                "SPOT needs at least two instance types",
            )
        require(
            group.disk_size_gib >= MIN_DISK_GIB,
            f"{field_name}.disk_size_gib",
            f"at least {MIN_DISK_GIB} GiB",
        )
