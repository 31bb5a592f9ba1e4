"""Every rule, in pack order."""

from __future__ import annotations

from . import (
    alicloud_compute,
    alicloud_data,
    alicloud_edge,
    alicloud_kms,
    alicloud_ram,
    alicloud_services,
    alicloud_storage,
    aws_compute,
    aws_encryption,
    aws_exposure,
    aws_iam,
    cost,
    data,
    identity,
    images,
    k8s_exposure,
    k8s_helm,
    k8s_rbac,
    k8s_workloads,
    kubernetes,
    network,
    obs_floors,
    ops,
    platform,
    prod_floors,
    storage,
)
from .core import Rule

RULES: list[Rule] = [
    *network.RULES,
    *platform.RULES,
    *identity.RULES,
    *data.RULES,
    *storage.RULES,
    *aws_iam.RULES,
    *aws_exposure.RULES,
    *aws_encryption.RULES,
    *aws_compute.RULES,
    *kubernetes.RULES,
    *k8s_workloads.RULES,
    *k8s_rbac.RULES,
    *k8s_exposure.RULES,
    *k8s_helm.RULES,
    *alicloud_storage.RULES,
    *alicloud_data.RULES,
    *alicloud_edge.RULES,
    *alicloud_kms.RULES,
    *alicloud_compute.RULES,
    *alicloud_ram.RULES,
    *alicloud_services.RULES,
    *images.RULES,
    *prod_floors.RULES,
    *obs_floors.RULES,
    *ops.RULES,
    *cost.RULES,
]

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
if len(BY_ID) != len(RULES):  # pragma: no cover (import-time guard)
    raise RuntimeError("duplicate rule ids")
