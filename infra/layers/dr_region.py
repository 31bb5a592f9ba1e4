"""DR-region foundation (before the data tier): the DR network from the same subnet planner, the
region's data key and the vault that receives backup copies. Only when `dr.enabled`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.backup.aws import BackupVault, BackupVaultArgs
from components.dr.aws import RegionKey, RegionKeyArgs
from components.network.aws import Vpc, VpcArgs
from infra.config import AwsStackConfig
from infra.layers.lock import lock_args
from infra.layers.network import vpc_args_of
from infra.providers import Providers


@dataclass(frozen=True)
class DrRegionHandles:
    region: str
    vpc: Vpc
    """The DR VPC: data subnets and subnet groups for the database secondary."""
    key: RegionKey
    """The DR region's data key (secondary storage, replicated secrets)."""
    vault: BackupVault | None
    """Destination of backup copies (None when `dr.backupCopies` is false)."""

    @property
    def exports(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "drRegion": self.region,
            "drVpcId": self.vpc.vpc_id,
            "drDataSubnetIds": self.vpc.data_subnet_ids,
        }
        if self.vault is not None:
            out["drBackupVaultArn"] = self.vault.vault_arn
        return out


def layer(
    cfg: AwsStackConfig, providers: Providers, opts: pulumi.ResourceOptions | None = None
) -> DrRegionHandles | None:
    dr = cfg.dr
    if not dr.enabled or dr.region is None or providers.dr is None:
        return None
    in_dr = providers.in_dr(opts)
    prefix = f"{cfg.prefix}-dr"
    vpc = Vpc(prefix, dr_vpc_args(cfg), opts=in_dr)
    key = RegionKey(f"{prefix}-data", RegionKeyArgs(tags=dr_tags(cfg),
                    protect_stateful=cfg.protect_stateful_resources), opts=in_dr)  # fmt: skip
    vault = (
        BackupVault(f"{prefix}-backup", dr_vault_args(cfg), opts=in_dr)
        if dr.backup_copies
        else None
    )
    return DrRegionHandles(region=dr.region, vpc=vpc, key=key, vault=vault)


def dr_tags(cfg: AwsStackConfig) -> dict[str, str]:
    """Tags of everything in the DR region: its role for role-aware rules."""
    return {**cfg.base_tags, "dr-role": "replica"}


def dr_vpc_args(cfg: AwsStackConfig) -> VpcArgs:
    return vpc_args_of(
        cfg, cfg.dr.region or "", cfg.dr.network, cluster_names=[], tags=dr_tags(cfg)
    )


def dr_vault_args(cfg: AwsStackConfig) -> BackupVaultArgs:
    return BackupVaultArgs(
        vault_lock=lock_args(cfg.dr.vault_lock),
        force_destroy=not cfg.protect_stateful_resources,
        tags=dr_tags(cfg),
        protect_stateful=cfg.protect_stateful_resources,
    )
