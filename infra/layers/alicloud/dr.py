"""DR layer (Alibaba Cloud): the DR region's network (the cold path restores the database and
brings up the cluster there) and the recovery objectives the plan checks. The copies themselves
belong to what they copy: the database's cross-region backups to the data layer, the critical
buckets' replicas to the storage layer. Only when `dr.enabled`.

    storage (replicas, role) ─┐
    data (cross-region backups) ─┴─> dr (DR VPC, objectives)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.dr.objectives import RecoveryObjectives
from components.network.alicloud import Vpc
from components.network.alicloud_spec import VpcArgs
from infra.config import AlicloudStackConfig
from infra.layers.alicloud.network_args import vpc_args_of
from infra.providers import Providers

DR_ROLE = {"dr-role": "replica"}
"""Tags of everything in the DR region: its role, for role-aware rules (as on AWS)."""


@dataclass(frozen=True)
class DrHandles:
    region: str
    vpc: Vpc
    objectives: RecoveryObjectives

    @property
    def exports(self) -> dict[str, Any]:
        return {
            "drRegion": self.region,
            "drVpcId": self.vpc.vpc_id,
            "drDataSwitchIds": self.vpc.switch_ids("data"),
        }


def dr_tags(cfg: AlicloudStackConfig) -> dict[str, str]:
    return {**cfg.base_tags, **DR_ROLE}


def layer(
    cfg: AlicloudStackConfig, providers: Providers, opts: pulumi.ResourceOptions | None = None
) -> DrHandles | None:
    dr = cfg.dr
    if not dr.enabled or dr.region is None or providers.dr is None:
        return None
    vpc = Vpc(f"{cfg.prefix}-dr", dr_vpc_args(cfg), opts=providers.in_dr(opts))
    objectives = RecoveryObjectives(f"{cfg.prefix}-dr", dr.targets.objectives(), opts=opts)
    return DrHandles(region=dr.region, vpc=vpc, objectives=objectives)


def dr_vpc_args(cfg: AlicloudStackConfig) -> VpcArgs:
    return vpc_args_of(cfg, cfg.dr.region or "", cfg.dr.network, dr_tags(cfg))
