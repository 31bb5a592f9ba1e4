"""What the data layer asks of its components, built from config; imported by the preflight
without the SDKs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from components.backup.aws_spec import BackupPlanArgs, RestoreTestingArgs
from components.network.cidr_plan import SubnetPlan
from components.postgres.aws_spec import PostgresHaArgs, ReaderAutoscalingArgs, ServerlessArgs
from components.redis.aws_serverless_spec import RedisServerlessArgs
from components.redis.aws_spec import RedisHaArgs
from infra.config import AwsStackConfig
from infra.layers.lock import lock_args

if TYPE_CHECKING:
    import pulumi

    from components.network.aws import Vpc


@dataclass(frozen=True)
class DataClients:
    """Who may connect to the databases and caches, each source keyed by a name of its own (the
    name of its ingress rule), never by its position in a list."""

    security_groups: dict[str, pulumi.Input[str]]
    cidrs: dict[str, str]


@dataclass(frozen=True)
class DataSubnets:
    """What the data tier takes from the network."""

    vpc_id: pulumi.Input[str]
    db_subnet_group_name: pulumi.Input[str]
    cache_subnet_group_name: pulumi.Input[str]
    zones: list[str]
    data_subnet_ids: Sequence[pulumi.Input[str]]

    @classmethod
    def of(cls, network: Vpc) -> DataSubnets:
        return cls(
            network.vpc_id,
            network.db_subnet_group_name,
            network.cache_subnet_group_name,
            network.zones,
            network.data_subnet_ids,
        )


def clients_for(plan: SubnetPlan, node_security_group_id: pulumi.Input[str] | None) -> DataClients:
    """The cluster's nodes when there is a cluster, else the application (private) subnets."""
    if node_security_group_id is not None:
        return DataClients(security_groups={"cluster-nodes": node_security_group_id}, cidrs={})
    return DataClients(
        security_groups={}, cidrs={f"private-{s.zone}": s.cidr for s in plan.tier("private")}
    )


def global_database(cfg: AwsStackConfig) -> bool:
    """Whether the database gets a live copy in the DR region (an Aurora Global Database
    secondary, or an RDS cross-region read replica): both need a generated credential."""
    return cfg.dr.enabled and cfg.dr.postgres != "none"


def postgres_args(
    cfg: AwsStackConfig,
    subnets: DataSubnets,
    clients: DataClients,
    backup_tags: dict[str, str],
    dr_key: dict[str, pulumi.Input[str]] | None = None,
) -> PostgresHaArgs:
    pg = cfg.postgres
    is_global = global_database(cfg)
    scaling = pg.reader_autoscaling
    return PostgresHaArgs(
        vpc_id=subnets.vpc_id,
        subnet_group_name=subnets.db_subnet_group_name,
        zones=subnets.zones,
        client_security_groups=clients.security_groups,
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
        # Managed master passwords work neither with global clusters nor with read replicas of
        # a source (the RDS engine's readers, in-region or in the DR region): a generated one,
        # in a secret replicated to the DR region when there is one.
        credential="generated"
        if is_global or (pg.engine == "postgres" and pg.readers > 0)
        else "managed",
        secret_replica_kms_keys=(dr_key or {}) if is_global else {},
        global_member=is_global and pg.engine == "aurora-postgresql",
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def redis_serverless_args(
    cfg: AwsStackConfig, subnets: DataSubnets, clients: DataClients
) -> RedisServerlessArgs | None:
    """The serverless cache's args, or None when the stack asks for nodes."""
    base = cfg.redis.serverless_args()
    if base is None:
        return None
    return replace(
        base,
        vpc_id=subnets.vpc_id,
        # At most three zones' data subnets: the service takes 2 or 3.
        subnet_ids=subnets.data_subnet_ids[:3],
        client_security_groups=clients.security_groups,
        client_cidrs=clients.cidrs,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )


def redis_args(cfg: AwsStackConfig, subnets: DataSubnets, clients: DataClients) -> RedisHaArgs:
    cache_cfg = cfg.redis
    return RedisHaArgs(
        vpc_id=subnets.vpc_id,
        subnet_group_name=subnets.cache_subnet_group_name,
        zones=subnets.zones,
        client_security_groups=clients.security_groups,
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
        protect_stateful=cfg.protect_stateful_resources,
    )


def backup_name(cfg: AwsStackConfig) -> str:
    return f"{cfg.prefix}-backup"


def backup_selection_tags(cfg: AwsStackConfig) -> dict[str, str]:
    """Tags that put a resource (databases, buckets) into the backup plan's selection."""
    if not cfg.backup.enabled:
        return {}
    return {BackupPlanArgs.selection_tag_key: backup_name(cfg)}


def backup_args(
    cfg: AwsStackConfig, name: str, copy_to: list[pulumi.Input[str]] | None = None
) -> BackupPlanArgs:
    bk = cfg.backup
    rt = bk.restore_testing
    return BackupPlanArgs(
        retention_days=bk.retention_days,
        schedule=bk.schedule,
        continuous_backup=bk.continuous_backup,
        selection_tag_value=name,
        vault_lock=lock_args(bk.vault_lock),
        # Configured destinations, plus the DR region's vault.
        copy_to_vault_arns=[*bk.copy_to_vault_arns, *(copy_to or [])],
        back_up_buckets=True,
        restore_testing=(
            RestoreTestingArgs(
                schedule=rt.schedule,
                selection_window_days=rt.selection_window_days,
                validation_window_hours=rt.validation_window_hours,
            )
            if rt.enabled and cfg.postgres.enabled
            else None
        ),
        force_destroy=not cfg.protect_stateful_resources,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
