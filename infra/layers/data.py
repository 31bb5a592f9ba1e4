"""Data layer: PostgreSQL, the cache and backups in the primary region's data subnets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.backup.aws import BackupPlan, BackupPlanArgs, VaultLockArgs
from components.network.aws import Vpc
from components.postgres.aws import PostgresHa, PostgresHaArgs, ReaderAutoscalingArgs
from components.redis.aws import RedisHa, RedisHaArgs
from infra.config import AwsStackConfig


@dataclass(frozen=True)
class DataClients:
    security_group_ids: list[pulumi.Input[str]]
    cidrs: list[str]

    @classmethod
    def of(
        cls, cfg: AwsStackConfig, node_security_group_id: pulumi.Input[str] | None
    ) -> DataClients:
        """Who may reach the databases and caches: the cluster's nodes when there is a cluster,
        else the application (private) subnets."""
        if node_security_group_id is not None:
            return cls(security_group_ids=[node_security_group_id], cidrs=[])
        return cls(security_group_ids=[], cidrs=[s.cidr for s in cfg.subnet_plan().tier("private")])


@dataclass(frozen=True)
class DataSubnets:
    """What the data tier takes from the network."""

    vpc_id: pulumi.Input[str]
    db_subnet_group_name: pulumi.Input[str]
    cache_subnet_group_name: pulumi.Input[str]
    zones: list[str]

    @classmethod
    def of(cls, network: Vpc) -> DataSubnets:
        return cls(
            network.vpc_id,
            network.db_subnet_group_name,
            network.cache_subnet_group_name,
            network.zones,
        )


def data(
    cfg: AwsStackConfig, network: Vpc, clients: DataClients, opts: pulumi.ResourceOptions
) -> dict[str, Any]:
    """Backups, PostgreSQL and the cache in the primary region's data subnets.

    Returns the stack outputs of the data tier: endpoints and secret ARNs, never a credential.
    """
    prefix = f"{cfg.name}-{cfg.environment}"
    outputs: dict[str, Any] = {}

    backup_tags: dict[str, str] = {}
    if cfg.backup.enabled:
        backup = _backup(cfg, f"{prefix}-backup", opts)
        backup_tags = backup.selection_tags
        outputs |= {"backupVaultArn": backup.vault_arn, "backupPlanId": backup.plan_id}

    subnets = DataSubnets.of(network)
    if cfg.postgres.enabled:
        db = PostgresHa(
            f"{prefix}-postgres", postgres_args(cfg, subnets, clients, backup_tags), opts=opts
        )
        outputs |= {
            "postgresWriterEndpoint": db.writer_endpoint,
            "postgresReaderEndpoint": db.reader_endpoint,
            "postgresPort": db.port,
            "postgresMasterSecretArn": db.master_user_secret_arn,
            "postgresSecurityGroupId": db.security_group_id,
        }

    if cfg.redis.enabled:
        cache = RedisHa(f"{prefix}-cache", redis_args(cfg, subnets, clients), opts=opts)
        outputs |= {
            "cachePrimaryEndpoint": cache.primary_endpoint,
            "cacheReaderEndpoint": cache.reader_endpoint,
            "cachePort": cache.port,
            "cacheAuthSecretArn": cache.auth_secret_arn,
            "cacheSecurityGroupId": cache.security_group_id,
        }
    return outputs


def postgres_args(
    cfg: AwsStackConfig,
    subnets: DataSubnets,
    clients: DataClients,
    backup_tags: Mapping[str, str],
) -> PostgresHaArgs:
    pg = cfg.postgres
    scaling = pg.reader_autoscaling
    return PostgresHaArgs(
        vpc_id=subnets.vpc_id,
        subnet_group_name=subnets.db_subnet_group_name,
        zones=subnets.zones,
        client_security_group_ids=clients.security_group_ids,
        client_cidrs=clients.cidrs,
        engine=pg.engine,
        engine_version=pg.engine_version,
        instance_class=pg.instance_class,
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
                max_readers=scaling.max_readers, target_cpu_percent=scaling.target_cpu_percent
            )
            if scaling.enabled
            else None
        ),
        backup_tags=dict(backup_tags),
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def redis_args(cfg: AwsStackConfig, subnets: DataSubnets, clients: DataClients) -> RedisHaArgs:
    cache = cfg.redis
    return RedisHaArgs(
        vpc_id=subnets.vpc_id,
        subnet_group_name=subnets.cache_subnet_group_name,
        zones=subnets.zones,
        client_security_group_ids=clients.security_group_ids,
        client_cidrs=clients.cidrs,
        engine=cache.engine,
        engine_version=cache.engine_version,
        node_type=cache.node_type,
        replicas=cache.replicas,
        cluster_mode=cache.cluster_mode,
        shards=cache.shards,
        multi_az=cache.multi_az,
        parameters=cache.parameters,
        auth_token_update_strategy=cache.auth_token_update_strategy,
        snapshot_retention_days=cache.snapshot_retention_days,
        snapshot_window=cache.snapshot_window,
        maintenance_window=cache.maintenance_window,
        slow_log_retention_days=cache.slow_log_retention_days,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def _backup(cfg: AwsStackConfig, name: str, opts: pulumi.ResourceOptions) -> BackupPlan:
    return BackupPlan(name, backup_args(cfg, name), opts=opts)


def backup_args(cfg: AwsStackConfig, name: str) -> BackupPlanArgs:
    bk = cfg.backup
    lock = bk.vault_lock
    return BackupPlanArgs(
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
    )
