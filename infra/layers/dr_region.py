"""DR-region foundation (before the data tier): the DR network from the same subnet planner, the
region's data key, the vault that receives backup copies, and the region's alert topics (from the
same `alerting` section: a CloudWatch alarm notifies topics of its own region, so the DR region's
alarms need topics there). Only when `dr.enabled`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.backup.aws import BackupVault
from components.backup.aws_spec import BackupVaultArgs
from components.dr.aws import RegionKey, RegionKeyArgs
from components.monitoring.aws import AlarmWiring, AlertTopics, AlertTopicsArgs
from components.network.aws import Vpc
from components.network.aws_spec import VpcArgs
from infra.config import AwsStackConfig
from infra.layers.lock import lock_args
from infra.layers.network_args import cluster_name, vpc_args_of
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
    alerts: AlertTopics | None = None
    """The DR region's alert topics (None without `alerting`)."""
    alarms: AlarmWiring | None = None
    """What the DR region's components emit their alarms on (its own topics)."""

    @property
    def exports(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "drRegion": self.region,
            "drVpcId": self.vpc.vpc_id,
            "drDataSubnetIds": self.vpc.data_subnet_ids,
        }
        if self.vault is not None:
            out["drBackupVaultArn"] = self.vault.vault_arn
        if self.alerts is not None:
            out["drAlertTopicArns"] = self.alerts.topic_arns
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
    alerts = (
        AlertTopics(f"{prefix}-alerts", AlertTopicsArgs(
            routing=cfg.alerting.routing(), tags=dr_tags(cfg),
            protect_stateful=cfg.protect_stateful_resources,
        ), opts=in_dr)
        if cfg.alerting.configured
        else None
    )  # fmt: skip
    return DrRegionHandles(
        region=dr.region, vpc=vpc, key=key, vault=vault, alerts=alerts,
        alarms=alerts.wiring(cfg.alerting.alarm_policy()) if alerts is not None else None,
    )  # fmt: skip


def dr_tags(cfg: AwsStackConfig) -> dict[str, str]:
    """Tags of everything in the DR region: its role for role-aware rules."""
    return {**cfg.base_tags, "dr-role": "replica"}


def dr_cluster_name(cfg: AwsStackConfig) -> str:
    """The warm standby cluster's name (known before it exists: the DR VPC tags its subnets)."""
    return f"{cluster_name(cfg)}-dr"


def dr_vpc_args(cfg: AwsStackConfig) -> VpcArgs:
    clusters = [dr_cluster_name(cfg)] if cfg.dr.compute == "warm" else []
    return vpc_args_of(
        cfg, cfg.dr.region or "", cfg.dr.network, cluster_names=clusters, tags=dr_tags(cfg)
    )


def dr_vault_args(cfg: AwsStackConfig) -> BackupVaultArgs:
    return BackupVaultArgs(
        vault_lock=lock_args(cfg.dr.vault_lock),
        force_destroy=not cfg.protect_stateful_resources,
        tags=dr_tags(cfg),
        protect_stateful=cfg.protect_stateful_resources,
    )
