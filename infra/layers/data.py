"""Data layer: PostgreSQL, the cache and backups in the primary region's data subnets."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi

from components.backup.aws import BackupPlan
from components.monitoring.aws_spec import AlarmWiring
from components.postgres.aws import PostgresHa
from components.redis.aws import RedisHa
from components.redis.aws_serverless import RedisServerless
from infra.config import AwsStackConfig
from infra.layers.data_args import (
    DataClients,
    DataSubnets,
    backup_args,
    backup_name,
    clients_for,
    postgres_args,
    redis_args,
    redis_serverless_args,
)
from infra.layers.dr_region import DrRegionHandles
from infra.layers.kubernetes import KubernetesHandles
from infra.layers.network import NetworkHandles
from infra.providers import Providers


@dataclass(frozen=True)
class DataHandles:
    postgres: PostgresHa | None
    """The database (endpoints, security group, key, log group, instance zones)."""
    cache: RedisHa | RedisServerless | None
    """The cache (endpoints, security group, key), node-based or serverless."""
    backup: BackupPlan | None
    """The backup vault and plan (vault ARN for DR copies)."""
    clients: DataClients
    """Who the data tier admits."""

    @property
    def ports(self) -> dict[str, tuple[int, int]]:
        """The first and last port of each data service the stack built, by the name services
        `use` it with (a serverless cache's reader endpoint listens on the next port)."""
        out = {}
        if (db := self.postgres) is not None:
            out["postgres"] = (db.port, db.port)
        if (cache := self.cache) is not None:
            out["redis"] = (cache.port, getattr(cache, "reader_port", cache.port))
        return out

    @property
    def exports(self) -> dict[str, Any]:
        """Endpoints and secret ARNs, never a credential."""
        out: dict[str, Any] = {}
        if (bk := self.backup) is not None:
            out |= {"backupVaultArn": bk.vault_arn, "backupPlanId": bk.plan_id,
                    "backupRoleArn": bk.role_arn}  # fmt: skip
            if bk.restore_testing_plan_name is not None:
                out["backupRestoreTestingPlanName"] = bk.restore_testing_plan_name
        if (db := self.postgres) is not None:
            out |= {
                "postgresClusterArn": db.arn,
                "postgresWriterEndpoint": db.writer_endpoint,
                "postgresReaderEndpoint": db.reader_endpoint,
                "postgresPort": db.port,
                "postgresMasterSecretArn": db.master_user_secret_arn,
                "postgresSecurityGroupId": db.security_group_id,
            }
        if (cache := self.cache) is not None:
            out |= {
                "cachePrimaryEndpoint": cache.primary_endpoint,
                "cacheReaderEndpoint": cache.reader_endpoint,
                "cachePort": cache.port,
                "cacheAuthSecretArn": cache.auth_secret_arn,
                "cacheSecurityGroupId": cache.security_group_id,
            }
        return out


def clients_of(network: NetworkHandles, kubernetes: KubernetesHandles | None) -> DataClients:
    nodes = kubernetes.cluster.node_security_group_id if kubernetes is not None else None
    return clients_for(network.vpc.plan, nodes)


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    network: NetworkHandles,
    kubernetes: KubernetesHandles | None,
    dr: DrRegionHandles | None = None,
    *,
    alarms: AlarmWiring | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> DataHandles:
    """Backups, PostgreSQL and the cache in the primary region's data subnets; with a DR region,
    backup copies go to its vault and the database secret is replicated under its key."""
    in_primary, clients = providers.in_primary(opts), clients_of(network, kubernetes)
    copy_to: list[pulumi.Input[str]] = (
        [dr.vault.vault_arn] if dr is not None and dr.vault is not None else []
    )
    backup = (
        BackupPlan(
            backup_name(cfg),
            replace(backup_args(cfg, backup_name(cfg), copy_to), alarms=alarms),
            opts=in_primary,
        )
        if cfg.backup.enabled
        else None
    )
    backup_tags = backup.selection_tags if backup else {}
    subnets = DataSubnets.of(network.vpc)
    dr_key: dict[str, pulumi.Input[str]] = {dr.region: dr.key.arn} if dr is not None else {}
    postgres = _postgres(cfg, subnets, clients, backup_tags, dr_key, opts=in_primary, alarms=alarms)
    if backup is not None and postgres is not None:
        # By ARN as well as by tag: deleting the tag must not drop the database from backups.
        backup.select("postgres", [postgres.arn])
    return DataHandles(
        postgres=postgres,
        cache=_cache(cfg, subnets, clients, in_primary, alarms),
        backup=backup,
        clients=clients,
    )


def _postgres(
    cfg: AwsStackConfig,
    subnets: DataSubnets,
    clients: DataClients,
    backup_tags: dict[str, str],
    dr_key: dict[str, pulumi.Input[str]],
    *,
    opts: pulumi.ResourceOptions,
    alarms: AlarmWiring | None,
) -> PostgresHa | None:
    if not cfg.postgres.enabled:
        return None
    args = replace(postgres_args(cfg, subnets, clients, backup_tags, dr_key), alarms=alarms)
    return PostgresHa(f"{cfg.prefix}-postgres", args, opts=opts)


def _cache(
    cfg: AwsStackConfig,
    subnets: DataSubnets,
    clients: DataClients,
    opts: pulumi.ResourceOptions,
    alarms: AlarmWiring | None,
) -> RedisHa | RedisServerless | None:
    if not cfg.redis.enabled:
        return None
    name = f"{cfg.prefix}-cache"
    if (serverless := redis_serverless_args(cfg, subnets, clients)) is not None:
        return RedisServerless(name, replace(serverless, alarms=alarms), opts=opts)
    args = replace(redis_args(cfg, subnets, clients), alarms=alarms)
    return RedisHa(name, args, opts=opts)
