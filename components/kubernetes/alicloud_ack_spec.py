"""ACK cluster args, versions, limits, StorageClass and check: config and preflight need no SDK."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import TYPE_CHECKING, Literal

from components._base import require
from components.kubernetes.platform.baseline_spec import StorageClassArgs

if TYPE_CHECKING:
    import pulumi

ACK_VERSIONS: dict[str, str] = {"1.35": "1.35.7-aliyun.1", "1.36": "1.36.1-aliyun.1"}
"""Kubernetes minor version -> the newest ACK release of it, checked 2026-11-29 against Alibaba
Cloud's public pages: "Kubernetes versions supported by ACK" (updated 2026-10-06: 1.36 supported
until 2027-05-30, 1.35 until 2027-02-28, 1.34's support ended 2026-09-30, 1.33's 2026-05-31) and
the 1.35 / 1.36 release notes (1.35.7-aliyun.1, updated 2026-08-26; 1.36.1-aliyun.1, 2026-06-06).
Refresh with `aliyun cs DescribeKubernetesVersionMetadata`; a minor outside the table is refused
before anything is created."""
MIN_DISK_GIB = 40
"""Smallest system disk ACK nodes take (the OS image and container images share it)."""


@dataclass(frozen=True, kw_only=True)
class NodePoolArgs:
    instance_types: Sequence[str] = ("ecs.g7.large", "ecs.g7.xlarge")
    """ECS instance types, most preferred first."""
    spot: bool = False
    """Preemptible instances (SpotAsPriceGo; reclaimable: at least two types)."""
    min_size: int = 3
    desired_size: int = 3
    """Informational: the autoscaler owns the count between min and max."""
    max_size: int = 9
    disk_size_gib: int = 120
    labels: Mapping[str, str] = field(default_factory=dict)
    per_zone: bool = False
    """One pool per zone, each with these bounds (zonal disks); default: one pool over all."""


@dataclass(frozen=True, kw_only=True)
class AckClusterArgs:
    cluster_name: str
    version: str = "1.35"
    """Kubernetes minor version (a key of ACK_VERSIONS). The default moves one minor at a time:
    ACK upgrades a cluster one minor per step."""
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    """The VPC block (the security group admits it; the service CIDR must not overlap it)."""
    private_switches: Mapping[str, pulumi.Input[str]]
    """Private vSwitch id by zone: control plane ENIs, nodes and (Terway) pods."""
    service_cidr: str = "172.21.0.0/20"
    endpoint_public: bool = False
    """Also put the API server behind an internet load balancer (off: reachable in the VPC only)."""
    log_retention_days: int = 365
    app_log_project: pulumi.Input[str] | None = None
    """SLS project of the services' container logs: ACK's log agent (logtail-ds) ships to it; None
    installs no agent."""
    node_pools: Mapping[str, NodePoolArgs] = field(
        default_factory=lambda: {"general": NodePoolArgs()}
    )
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Deletion protection on the cluster and its key; Pulumi `protect` on the key and logs."""
    kms_instance_id: pulumi.Input[str] | None = None
    """KMS instance the cluster's key lives in (components/alicloud/key_store.py)."""
    kms_key_id: pulumi.Input[str] | None = None
    """A key shared with the rest of the stack (the region's default key); None creates the
    cluster's own key (in `kms_instance_id`)."""


ESSD_MIN_VOLUME_GIB = 20
"""Smallest ESSD PL1 cloud disk (PL0 allows smaller ones; 20 GiB holds for both)."""

EssdLevel = Literal["PL0", "PL1"]
"""ESSD performance levels the platform's volumes may use (the two the price list holds): PL0
(up to 10,000 IOPS, half PL1's price per GB in the catalogue) or PL1 (up to 50,000 IOPS)."""


SLS_NAME_MAX = 63


def csi_storage_class(
    kms_key_id: pulumi.Input[str] | None = None, performance_level: EssdLevel = "PL1"
) -> StorageClassArgs:
    """The platform's default StorageClass on ACK: encrypted ESSD disks of a performance level
    through the managed CSI plugin, with a customer key when given, else the account's default
    disk key."""
    parameters: dict[str, pulumi.Input[str]] = {
        "type": "cloud_essd",
        "performanceLevel": performance_level,
        "encrypted": "true",
        "csi.storage.k8s.io/fstype": "ext4",
    }
    if kms_key_id is not None:
        parameters["kmsKeyId"] = kms_key_id
    return StorageClassArgs(
        name="alicloud-disk-essd-encrypted",
        provisioner="diskplugin.csi.alibabacloud.com",
        parameters=parameters,
    )


def validate(args: AckClusterArgs) -> None:
    require(
        args.version in ACK_VERSIONS,
        "version",
        f"ACK offers new clusters {', '.join(ACK_VERSIONS)} (table of 2026-11-29)",
    )
    require(len(args.private_switches) >= 2, "private_switches", "at least two zones")
    require(bool(args.node_pools), "node_pools", "at least one node pool")
    service = IPv4Network(args.service_cidr, strict=False)
    require(
        not service.overlaps(IPv4Network(args.vpc_cidr)),
        "service_cidr",
        f"{args.service_cidr} overlaps the VPC {args.vpc_cidr}",
    )
    require(
        1 <= args.log_retention_days <= 3650, "log_retention_days", "SLS keeps logs 1 to 3650 days"
    )
    require(
        len(f"{args.cluster_name}-ack-logs") <= SLS_NAME_MAX,
        "cluster_name",
        f"the SLS project '{args.cluster_name}-ack-logs' is longer than {SLS_NAME_MAX} characters",
    )
    for name, pool in args.node_pools.items():
        require(bool(pool.instance_types), f"node_pools.{name}.instance_types", "at least one")
        require(
            not pool.spot or len(pool.instance_types) >= 2,
            f"node_pools.{name}.instance_types",
            "spot needs at least two types (one reclaimed pool must not empty the group)",
        )
        require(
            0 <= pool.min_size <= pool.max_size,
            f"node_pools.{name}",
            f"need 0 <= min_size <= max_size, got {pool.min_size}, {pool.max_size}",
        )
        require(
            pool.disk_size_gib >= MIN_DISK_GIB,
            f"node_pools.{name}.disk_size_gib",
            f"at least {MIN_DISK_GIB} GiB",
        )
