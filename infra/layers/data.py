"""Data layer: PostgreSQL, the cache and backups in the primary region's data subnets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.backup.aws import BackupPlan, BackupPlanArgs, VaultLockArgs
from components.network.aws import Vpc
from components.postgres.aws import (
    PostgresHa,
    PostgresHaArgs,
    ReaderAutoscalingArgs,
    ServerlessArgs,
)
from components.redis.aws import RedisHa, RedisHaArgs
from infra.config import AwsStackConfig


@dataclass(frozen=True)
class DataClients:
    security_group_ids: list[pulumi.Output[str]]
    cidrs: list[str]


def data(
    cfg: AwsStackConfig, network: Vpc, clients: DataClients, opts: pulumi.ResourceOptions
) -> dict[str, Any]:
    """Backups, PostgreSQL and the cache in the primary region's data subnets.

    Returns the stack outputs of the data tier: endpoints and secret ARNs, never a credential.
    """
    prefix = f"{cfg.name}-{cfg.environment}"
    protect = cfg.protect_stateful_resources
    outputs: dict[str, Any] = {}

    backup_tags: dict[str, str] = {}
    if cfg.backup.enabled:
        backup = _backup(cfg, f"{prefix}-backup", opts)
        backup_tags = backup.selection_tags
        outputs |= {"backupVaultArn": backup.vault_arn, "backupPlanId": backup.plan_id}

    pg = cfg.postgres
    if pg.enabled:
        scaling = pg.reader_autoscaling
        db = PostgresHa(
            f"{prefix}-postgres",
            PostgresHaArgs(
                vpc_id=network.vpc_id,
                subnet_group_name=network.db_subnet_group_name,
                zones=network.zones,
                client_security_group_ids=clients.security_group_ids,
                client_cidrs=clients.cidrs,
                engine=pg.engine,
                engine_version=pg.engine_version,
                instance_class=pg.instance_class,
                serverless=ServerlessArgs(**pg.serverless.model_dump()) if pg.serverless else None,
                readers=pg.readers,
                multi_az=pg.multi_az,
                allocated_storage_gib=pg.allocated_storage_gib,
                max_allocated_storage_gib=pg.max_allocated_storage_gib,
                database_name=pg.database_name,
                master_username=pg.master_username,
                parameters=pg.parameters,
                iam_auth=pg.iam_auth,
                backup_retention_days=pg.backup_retention_days,
                backup_window=pg.backup_window,
                maintenance_window=pg.maintenance_window,
                performance_insights_retention_days=pg.performance_insights_retention_days,
                monitoring_interval_seconds=pg.monitoring_interval_seconds,
                log_retention_days=pg.log_retention_days,
                autoscaling=(
                    ReaderAutoscalingArgs(
                        max_readers=scaling.max_readers,
                        target_cpu_percent=scaling.target_cpu_percent,
                    )
                    if scaling.enabled
                    else None
                ),
                backup_tags=backup_tags,
                tags=cfg.base_tags,
                protect_stateful=protect,
            ),
            opts=opts,
        )
        outputs |= {
            "postgresWriterEndpoint": db.writer_endpoint,
            "postgresReaderEndpoint": db.reader_endpoint,
            "postgresPort": db.port,
            "postgresMasterSecretArn": db.master_user_secret_arn,
            "postgresSecurityGroupId": db.security_group_id,
        }

    cache_cfg = cfg.redis
    if cache_cfg.enabled:
        cache = RedisHa(
            f"{prefix}-cache",
            RedisHaArgs(
                vpc_id=network.vpc_id,
                subnet_group_name=network.cache_subnet_group_name,
                zones=network.zones,
                client_security_group_ids=clients.security_group_ids,
                client_cidrs=clients.cidrs,
                engine=cache_cfg.engine,
                engine_version=cache_cfg.engine_version,
                node_type=cache_cfg.node_type,
                replicas=cache_cfg.replicas,
                cluster_mode=cache_cfg.cluster_mode,
                shards=cache_cfg.shards,
                multi_az=cache_cfg.multi_az,
                parameters=cache_cfg.parameters,
                auth_token_update_strategy=cache_cfg.auth_token_update_strategy,
                snapshot_retention_days=cache_cfg.snapshot_retention_days,
                snapshot_window=cache_cfg.snapshot_window,
                maintenance_window=cache_cfg.maintenance_window,
                slow_log_retention_days=cache_cfg.slow_log_retention_days,
                tags=cfg.base_tags,
                protect_stateful=protect,
            ),
            opts=opts,
        )
        outputs |= {
            "cachePrimaryEndpoint": cache.primary_endpoint,
            "cacheReaderEndpoint": cache.reader_endpoint,
            "cachePort": cache.port,
            "cacheAuthSecretArn": cache.auth_secret_arn,
            "cacheSecurityGroupId": cache.security_group_id,
        }
    return outputs


def _backup(cfg: AwsStackConfig, name: str, opts: pulumi.ResourceOptions) -> BackupPlan:
    bk = cfg.backup
    lock = bk.vault_lock
    return BackupPlan(
        name,
        BackupPlanArgs(
            retention_days=bk.retention_days,
            schedule=bk.schedule,
            continuous_backup=bk.continuous_backup,
            selection_tag_value=name,
            vault_lock=(
                VaultLockArgs(
                    min_retention_days=lock.min_retention_days,
                    max_retention_days=lock.max_retention_days,
                    changeable_for_days=lock.changeable_for_days,
                )
                if lock.enabled
                else None
            ),
            # Hook for the DR layer: destination vaults in the DR region.
            copy_to_vault_arns=bk.copy_to_vault_arns,
            force_destroy=not cfg.protect_stateful_resources,
            tags=cfg.base_tags,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=opts,
    )
