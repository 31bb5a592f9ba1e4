"""DR layer (after the data tier and the buckets): the database's secondary in the DR region (an
Aurora Global Database secondary, or a cross-region read replica of an RDS instance), the cache's
Global Datastore secondary when asked, replicas of the critical buckets, the DR region's alarms on
all of them (on its own topics), and the recovery objectives the plan checks.

    dr_region (network, key, vault) ─> data (secret replica, backup copies)
                                        └─> dr (global secondary, bucket replicas, objectives)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pulumi

from components.dr.aws_failover import FailoverRecords
from components.dr.aws_failover_spec import Endpoint, FailoverRecordsArgs
from components.dr.objectives import RecoveryObjectives
from components.kubernetes.aws_eks import EksCluster
from components.kubernetes.aws_eks_spec import EksClusterArgs, NodeGroupArgs
from components.network.cidr_plan import SubnetPlan
from components.postgres.aws_global import GlobalSecondary
from components.postgres.aws_global_spec import GlobalSecondaryArgs
from components.postgres.aws_replica import CrossRegionReplica, CrossRegionReplicaArgs
from components.postgres.aws_spec import ServerlessArgs
from components.redis.aws import RedisHa
from components.redis.aws_global import GlobalDatastore
from components.redis.aws_global_spec import GlobalDatastoreArgs
from components.storage.aws import Bucket
from components.storage.aws_replication import Replication, ReplicationAlarms, ReplicationAlarmsArgs
from components.storage.aws_replication_spec import ReplicatedBucket, ReplicationArgs
from infra.config import AwsStackConfig
from infra.layers.api import ApiHandles
from infra.layers.api_args import failover_dns
from infra.layers.data import DataHandles, global_database
from infra.layers.dr_region import DrRegionHandles, dr_cluster_name, dr_tags
from infra.layers.kubernetes import cluster_args
from infra.layers.storage import StorageHandles
from infra.providers import Providers


@dataclass(frozen=True)
class DrHandles:
    region: DrRegionHandles
    postgres: GlobalSecondary | None
    """The Aurora global cluster and its DR secondary (None with `dr.postgres: none` or RDS)."""
    replica: CrossRegionReplica | None
    """The RDS engine's cross-region read replica (`dr.postgres: warm` with engine postgres)."""
    cache: GlobalDatastore | None
    """The cache's Global Datastore and its DR secondary (`dr.cache: replicated`)."""
    standby: EksCluster | None
    """The warm standby cluster (`dr.compute: warm`)."""
    replicas: dict[str, Bucket]
    """Replica buckets in the DR region, by the role of their source."""
    replication: Replication | None
    objectives: RecoveryObjectives
    failover: FailoverRecords | None
    """Health checks and failover records of the API hostname (None without `dr.failover`)."""

    @property
    def exports(self) -> dict[str, Any]:
        out = dict(self.region.exports)
        if (pg := self.postgres) is not None:
            out |= {
                "postgresGlobalClusterId": pg.global_cluster_id,
                "drPostgresClusterIdentifier": pg.secondary_identifier,
                "drPostgresClusterArn": pg.secondary_cluster_arn,
                "drPostgresEndpoint": pg.secondary_endpoint,
            }
        if (replica := self.replica) is not None:
            out |= {
                "drPostgresReplicaIdentifier": replica.identifier,
                "drPostgresReplicaArn": replica.arn,
                "drPostgresEndpoint": replica.endpoint,
            }
        if (cache := self.cache) is not None:
            out |= {
                "cacheGlobalDatastoreId": cache.global_replication_group_id,
                "cacheReplicationGroupId": cache.primary_group_id,
                "drCacheReplicationGroupId": cache.secondary_group_id,
                "drCacheEndpoint": cache.secondary_endpoint,
                "drCacheAuthSecretArn": cache.secondary_auth_secret_arn,
            }
        if (standby := self.standby) is not None:
            out |= {"drClusterName": standby.cluster_name, "drClusterEndpoint": standby.endpoint,
                    "drNodeGroupNames": standby.node_group_names}  # fmt: skip
        out |= {
            f"dr{role.capitalize()}BucketName": b.bucket_name for role, b in self.replicas.items()
        }
        if self.failover is not None:
            out["apiHealthCheckIds"] = self.failover.health_check_ids
        return out


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    region: DrRegionHandles | None,
    data: DataHandles,
    storage: StorageHandles,
    *,
    api: ApiHandles | None = None,
    image_repository_arns: Sequence[pulumi.Input[str]] = (),
    opts: pulumi.ResourceOptions | None = None,
) -> DrHandles | None:
    """`image_repository_arns`: the registry's repositories (the standby's nodes pull from their
    replicas in the DR region)."""
    if region is None or providers.dr is None:
        return None
    in_dr = providers.in_dr(opts)
    postgres, replica = None, None
    if global_database(cfg) and data.postgres is not None:
        if data.postgres.is_aurora:
            postgres = GlobalSecondary(
                f"{cfg.prefix}-postgres",
                replace(global_secondary_args(cfg, region, data), alarms=region.alarms),
                primary_provider=providers.primary,
                opts=in_dr,
            )
        else:
            replica = CrossRegionReplica(
                f"{cfg.prefix}-postgres",
                replace(cross_region_replica_args(cfg, region, data), alarms=region.alarms),
                opts=in_dr,
            )
    cache = None
    if cfg.dr.cache == "replicated" and isinstance(data.cache, RedisHa):
        cache = GlobalDatastore(
            f"{cfg.prefix}-cache",
            replace(global_datastore_args(cfg, region, data.cache), alarms=region.alarms),
            primary_provider=providers.primary,
            opts=in_dr,
        )
    standby = None
    if cfg.dr.compute == "warm" and cfg.cluster.enabled:
        standby = EksCluster(
            f"{cfg.prefix}-dr-eks",
            replace(
                standby_args(cfg, region),
                alarms=region.alarms,
                # From their replicas when the registry replicates to the DR region.
                image_repository_arns=[_in_region(a, cfg.region, region.region)
                                       if cfg.registry.replicate_to_dr else a
                                       for a in image_repository_arns],
            ),
            opts=in_dr,
        )  # fmt: skip
    replicas, replication = _replicas(cfg, providers, storage, opts)
    if replication is not None and region.alarms is not None:
        ReplicationAlarms(
            f"{cfg.prefix}-replication",
            ReplicationAlarmsArgs(
                buckets={role: (storage.buckets[role].bucket_name, b.bucket_name)
                         for role, b in replicas.items()},
                alarms=region.alarms,
                tags=dr_tags(cfg),
            ),
            opts=in_dr,
        )  # fmt: skip
    objectives = RecoveryObjectives(f"{cfg.prefix}-dr", cfg.dr.targets.objectives(), opts=opts)
    failover = None
    if api is not None and failover_dns(cfg):
        failover = FailoverRecords(
            f"{cfg.prefix}-failover", failover_args(cfg, api.edge.domain_name),
            opts=providers.in_primary(opts),
        )  # fmt: skip
    return DrHandles(
        region, postgres, replica, cache, standby, replicas, replication, objectives, failover
    )


def _in_region(arn: pulumi.Input[str], primary: str, region: str) -> pulumi.Output[str]:
    """The ARN of a repository's replica in `region` (ECR replication keeps the name)."""
    return pulumi.Output.from_input(arn).apply(lambda a: a.replace(f":{primary}:", f":{region}:"))


def standby_args(cfg: AwsStackConfig, region: DrRegionHandles) -> EksClusterArgs:
    vpc = region.vpc
    private = {zone: s.id for zone, s in vpc.subnets["private"].items()}
    return standby_args_of(cfg, vpc.vpc_id, private)


def standby_args_of(
    cfg: AwsStackConfig, vpc_id: pulumi.Input[str], private: dict[str, pulumi.Input[str]]
) -> EksClusterArgs:
    """The primary cluster's settings with one node: the first node group's types, at least one
    node, up to its maximum (failover scales it)."""
    first = next(iter(cfg.cluster.node_groups.values()))
    return replace(
        cluster_args(cfg, vpc_id, private),
        cluster_name=dr_cluster_name(cfg),
        node_groups={
            "standby": NodeGroupArgs(
                instance_types=first.instance_types, capacity_type=first.capacity_type,
                min_size=1, desired_size=1, max_size=first.max_size,
                disk_size_gib=first.disk_size_gib, labels=first.labels,
            )
        },
        tags=dr_tags(cfg),
    )  # fmt: skip


def failover_args(cfg: AwsStackConfig, edge_domain: pulumi.Input[str]) -> FailoverRecordsArgs:
    """The API hostname: PRIMARY to the edge (health-checked through it to the origin),
    SECONDARY to the DR region's entry."""
    zone, api = cfg.platform.route53_zone, cfg.api
    assert zone is not None
    assert api.host is not None
    return FailoverRecordsArgs(
        zone_id=zone.zone_id,
        endpoints={
            api.host: Endpoint(
                checked_fqdn=edge_domain,
                path=api.health_check_path,
                primary=edge_domain,
                secondary=cfg.dr.failover.api_standby_host,
            )
        },
        tags=cfg.base_tags,
    )


def global_secondary_args(
    cfg: AwsStackConfig, region: DrRegionHandles, data: DataHandles
) -> GlobalSecondaryArgs:
    vpc = region.vpc
    assert data.postgres is not None
    return global_secondary_args_of(
        cfg, zones=vpc.zones, plan=vpc.plan, ids=data.postgres.arn,
        vpc_id=vpc.vpc_id, subnet_group_name=vpc.db_subnet_group_name, kms_key_arn=region.key.arn,
    )  # fmt: skip


def global_secondary_args_of(
    cfg: AwsStackConfig,
    *,
    zones: list[str],
    plan: SubnetPlan,
    ids: pulumi.Input[str],
    vpc_id: pulumi.Input[str] | None = None,
    subnet_group_name: pulumi.Input[str] | None = None,
    kms_key_arn: pulumi.Input[str] | None = None,
) -> GlobalSecondaryArgs:
    """The secondary's args; `ids` stands for what only the cloud knows (the preflight passes a
    stand-in for each)."""
    pg = cfg.postgres
    return GlobalSecondaryArgs(
        source_cluster_arn=ids,
        engine_version=pg.engine_version,
        vpc_id=vpc_id or ids,
        subnet_group_name=subnet_group_name or ids,
        zones=zones,
        mode=cfg.dr.postgres,
        serverless=ServerlessArgs(**pg.serverless.model_dump()) if pg.serverless else None,
        instance_class=pg.instance_class,
        client_cidrs=dr_clients(plan),
        kms_key_arn=kms_key_arn or ids,
        backup_retention_days=pg.backup_retention_days,
        parameters=pg.parameters,
        iam_auth=pg.iam_auth,
        tags=dr_tags(cfg),
        protect_stateful=cfg.protect_stateful_resources,
    )


def dr_clients(plan: SubnetPlan) -> dict[str, str]:
    """Who may connect to the DR region's data stores: its private (application) subnets."""
    return {f"private-{s.zone}": s.cidr for s in plan.tier("private")}


def cross_region_replica_args(
    cfg: AwsStackConfig, region: DrRegionHandles, data: DataHandles
) -> CrossRegionReplicaArgs:
    vpc = region.vpc
    assert data.postgres is not None
    return cross_region_replica_args_of(
        cfg, zones=vpc.zones, plan=vpc.plan, ids=data.postgres.arn, vpc_id=vpc.vpc_id,
        subnet_group_name=vpc.db_subnet_group_name, kms_key_arn=region.key.arn,
        monitoring_role_arn=data.postgres.monitoring_role_arn,
    )  # fmt: skip


def cross_region_replica_args_of(
    cfg: AwsStackConfig,
    *,
    zones: list[str],
    plan: SubnetPlan,
    ids: pulumi.Input[str],
    vpc_id: pulumi.Input[str] | None = None,
    subnet_group_name: pulumi.Input[str] | None = None,
    kms_key_arn: pulumi.Input[str] | None = None,
    monitoring_role_arn: pulumi.Input[str] | None = None,
) -> CrossRegionReplicaArgs:
    """The RDS replica's args; `ids` stands for what only the cloud knows (the source's ARN and,
    in the preflight, every other id)."""
    pg = cfg.postgres
    return CrossRegionReplicaArgs(
        source_db_arn=ids,
        engine_version=pg.engine_version,
        instance_class=pg.instance_class,
        vpc_id=vpc_id or ids,
        subnet_group_name=subnet_group_name or ids,
        zones=zones,
        kms_key_arn=kms_key_arn or ids,
        client_cidrs=dr_clients(plan),
        parameters=pg.parameters,
        iam_auth=pg.iam_auth,
        backup_retention_days=pg.backup_retention_days,
        max_allocated_storage_gib=pg.max_allocated_storage_gib,
        performance_insights_retention_days=pg.performance_insights_retention_days,
        monitoring_interval_seconds=pg.monitoring_interval_seconds,
        monitoring_role_arn=monitoring_role_arn or ids,
        log_retention_days=pg.log_retention_days,
        maintenance_window=pg.maintenance_window,
        tags=dr_tags(cfg),
        protect_stateful=cfg.protect_stateful_resources,
    )


def global_datastore_args(
    cfg: AwsStackConfig, region: DrRegionHandles, cache: RedisHa
) -> GlobalDatastoreArgs:
    vpc = region.vpc
    return global_datastore_args_of(
        cfg, plan=vpc.plan, ids=cache.replication_group.id, vpc_id=vpc.vpc_id,
        subnet_group_name=vpc.cache_subnet_group_name, kms_key_arn=region.key.arn,
    )  # fmt: skip


def global_datastore_args_of(
    cfg: AwsStackConfig,
    *,
    plan: SubnetPlan,
    ids: pulumi.Input[str],
    vpc_id: pulumi.Input[str] | None = None,
    subnet_group_name: pulumi.Input[str] | None = None,
    kms_key_arn: pulumi.Input[str] | None = None,
) -> GlobalDatastoreArgs:
    """The cache's Global Datastore args; `ids` as in `cross_region_replica_args_of`."""
    rc = cfg.redis
    return GlobalDatastoreArgs(
        primary_replication_group_id=ids,
        engine=rc.engine,
        engine_version=rc.engine_version,
        node_type=rc.node_type,
        primary_region=cfg.region,
        region=cfg.dr.region or "",
        vpc_id=vpc_id or ids,
        subnet_group_name=subnet_group_name or ids,
        kms_key_arn=kms_key_arn or ids,
        replicas=rc.replicas,
        multi_az=rc.multi_az,
        cluster_mode=rc.cluster_mode,
        shards=rc.shards,
        client_cidrs=dr_clients(plan),
        snapshot_retention_days=rc.snapshot_retention_days,
        snapshot_window=rc.snapshot_window,
        maintenance_window=rc.maintenance_window,
        slow_log_retention_days=rc.slow_log_retention_days,
        tags=dr_tags(cfg),
        protect_stateful=cfg.protect_stateful_resources,
    )


def _replicas(
    cfg: AwsStackConfig,
    providers: Providers,
    storage: StorageHandles,
    opts: pulumi.ResourceOptions | None,
) -> tuple[dict[str, Bucket], Replication | None]:
    """Replication of the critical buckets into their replicas (which the storage layer builds in
    the DR region, so that the CDN can fail over to the assets replica)."""
    replicas = storage.replicas
    sources: dict[str, Bucket] = {r: storage.buckets[r] for r in replicas}
    if not sources:
        return {}, None
    pairs = {
        role: ReplicatedBucket(
            source_bucket=src.bucket_name,
            source_arn=src.arn,
            source_kms_key_arn=src.kms_key_arn,
            destination_arn=replicas[role].arn,
            destination_kms_key_arn=replicas[role].kms_key_arn,  # type: ignore[arg-type]
            depends_on=(src, replicas[role]),
        )
        for role, src in sources.items()
    }
    replication = Replication(
        f"{cfg.prefix}-replication", replication_args(cfg, pairs), opts=providers.in_primary(opts)
    )
    return replicas, replication


def replication_args(cfg: AwsStackConfig, pairs: dict[str, ReplicatedBucket]) -> ReplicationArgs:
    return ReplicationArgs(
        buckets=pairs,
        replication_time_control=cfg.dr.replication_time_control,
        tags=cfg.base_tags,
    )
