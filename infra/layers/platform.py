"""What the Kubernetes layers of every cloud build alike: the platform baseline's args (the cloud
gives only its storage class)."""

from __future__ import annotations

from collections.abc import Mapping

from components.kubernetes.platform.baseline_spec import (
    PlatformBaselineArgs,
    QuotaArgs,
    StorageClassArgs,
    WorkloadNamespaceArgs,
)
from infra.config import StackBase


def shared_baseline_args(
    cfg: StackBase,
    storage_class: StorageClassArgs,
    workload_namespace_labels: Mapping[str, str] | None = None,
) -> PlatformBaselineArgs:
    p = cfg.platform
    return PlatformBaselineArgs(
        part_of=cfg.name,
        namespaces=[
            WorkloadNamespaceArgs(
                name=ns.name,
                quota=QuotaArgs(
                    requests_cpu=ns.quota.requests_cpu,
                    requests_memory=ns.quota.requests_memory,
                    limits_cpu=ns.quota.limits_cpu,
                    limits_memory=ns.quota.limits_memory,
                    pods=ns.quota.pods,
                ),
            )
            for ns in p.namespaces
        ],
        ingress_namespace=p.ingress_namespace,
        monitoring_namespace=p.monitoring_namespace,
        platform_namespaces=[p.ingress_namespace, "cert-manager", p.monitoring_namespace],
        storage_class=storage_class,
        storage_reclaim_policy=p.storage_reclaim_policy,
        workload_namespace_labels=dict(workload_namespace_labels or {}),
        protect_stateful=cfg.protect_stateful_resources,
    )
