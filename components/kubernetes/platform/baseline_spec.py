"""The platform baseline's args, levels and check: config and preflight need them without SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from components._base import require

if TYPE_CHECKING:
    import pulumi

PodSecurityLevel = Literal["privileged", "baseline", "restricted"]
ReclaimPolicy = Literal["Retain", "Delete"]


@dataclass(frozen=True, kw_only=True)
class QuotaArgs:
    requests_cpu: str = "4"
    requests_memory: str = "8Gi"
    limits_cpu: str = "8"
    limits_memory: str = "16Gi"
    pods: int = 50


@dataclass(frozen=True, kw_only=True)
class LimitRangeArgs:
    default_request_cpu: str = "100m"
    default_request_memory: str = "128Mi"
    default_limit_cpu: str = "500m"
    default_limit_memory: str = "512Mi"
    max_cpu: str = "4"
    max_memory: str = "8Gi"


@dataclass(frozen=True, kw_only=True)
class WorkloadNamespaceArgs:
    name: str
    """Namespace name."""
    quota: QuotaArgs = field(default_factory=QuotaArgs)
    """ResourceQuota of the namespace."""
    limits: LimitRangeArgs = field(default_factory=LimitRangeArgs)
    """Per-container defaults and maxima (LimitRange)."""
    pod_security: PodSecurityLevel = "restricted"
    """PSA level enforced, audited and warned; only `restricted` is accepted for workloads."""


@dataclass(frozen=True, kw_only=True)
class StorageClassArgs:
    """The cloud-specific part of the default StorageClass (encrypted block volumes)."""

    name: str
    """StorageClass name (e.g. `gp3`)."""
    provisioner: str
    """CSI driver (e.g. `ebs.csi.aws.com`)."""
    parameters: Mapping[str, pulumi.Input[str]]
    """Driver parameters; they must turn on encryption at rest."""


@dataclass(frozen=True, kw_only=True)
class PlatformBaselineArgs:
    part_of: str
    """Product name (label `app.kubernetes.io/part-of`)."""
    namespaces: Sequence[WorkloadNamespaceArgs]
    """Workload namespaces."""
    ingress_namespace: str = "gateway"
    """Namespace of the public Gateway (north-south entry; its routes' parent)."""
    monitoring_namespace: str = "monitoring"
    """Namespace of the monitoring stack (a platform namespace; its NetworkPolicies are the
    monitoring stack's own)."""
    platform_namespaces: Sequence[str] = ("gateway", "cert-manager", "monitoring")
    """Namespaces for add-ons, created here so they carry PSA labels."""
    storage_class: StorageClassArgs
    """The default StorageClass: its CSI driver and parameters are the cloud's (for AWS,
    `components.kubernetes.aws_eks_spec.ebs_storage_class`)."""
    storage_reclaim_policy: ReclaimPolicy = "Retain"
    """Reclaim policy of the default StorageClass."""
    workload_namespace_labels: Mapping[str, str] = field(default_factory=dict)
    """The cloud's extra labels on workload namespaces (on EKS, the load balancer controller's
    pod readiness gate: a pod is Ready only once its load balancer target is healthy)."""
    protect_stateful: bool = True
    """Protect the namespaces: deleting one deletes every object and volume claim inside it."""


_DNS_LABEL_MAX = 63
BUILTIN_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
"""Kubernetes creates these itself; a Namespace resource of the same name fails to create."""


def validate(args: PlatformBaselineArgs) -> None:
    require(bool(args.part_of), "part_of", "must not be empty")
    require(bool(args.namespaces), "namespaces", "at least one workload namespace is required")
    names = [n.name for n in args.namespaces]
    require(len(set(names)) == len(names), "namespaces", f"duplicate names in {names}")
    platform = list(args.platform_namespaces)
    require(len(set(platform)) == len(platform), "platform_namespaces",
            f"duplicate names in {platform}: each platform add-on has its own namespace")  # fmt: skip
    builtin = sorted((set(names) | set(platform)) & set(BUILTIN_NAMESPACES))
    require(not builtin, "platform_namespaces",
            f"{builtin} exist in every cluster: the baseline creates (and owns) its namespaces")  # fmt: skip
    overlap = sorted(set(names) & set(args.platform_namespaces))
    require(not overlap, "namespaces", f"{overlap} are platform namespaces")
    for ns in args.namespaces:
        require(
            ns.pod_security == "restricted",
            f"namespaces.{ns.name}.pod_security",
            f"workload namespaces enforce 'restricted', got '{ns.pod_security}'",
        )
        require(0 < len(ns.name) <= _DNS_LABEL_MAX, f"namespaces.{ns.name}.name", "1-63 characters")
    require(
        args.ingress_namespace in args.platform_namespaces,
        "ingress_namespace",
        "must be one of platform_namespaces",
    )
