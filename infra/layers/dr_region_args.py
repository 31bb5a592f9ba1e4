"""What the DR-region layer asks of its components, built from config; imported by the preflight
without the SDKs."""

from __future__ import annotations

from components.backup.aws_spec import BackupVaultArgs
from components.network.aws_spec import VpcArgs
from infra.config import AwsStackConfig
from infra.layers.lock import lock_args
from infra.layers.network_args import cluster_name, vpc_args_of


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
