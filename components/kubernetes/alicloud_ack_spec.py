"""ACK cluster args, versions and disk limits: config validates against them without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

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
