"""What the DR layer asks of its components, built from config; imported by the preflight without
the SDKs."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from components.dr.aws_failover_spec import Endpoint, FailoverRecordsArgs
from components.kubernetes.aws_eks_spec import EksClusterArgs, NodeGroupArgs
from components.network.cidr_plan import SubnetPlan
from components.postgres.aws_global_spec import GlobalSecondaryArgs
from components.postgres.aws_replica_spec import CrossRegionReplicaArgs
from components.postgres.aws_spec import ServerlessArgs
from components.redis.aws_global_spec import GlobalDatastoreArgs
from components.storage.aws_replication_spec import ReplicatedBucket, ReplicationArgs
from infra.config import AwsStackConfig
from infra.layers.dr_region_args import dr_cluster_name, dr_tags
from infra.layers.kubernetes_args import cluster_args

if TYPE_CHECKING:
    import pulumi


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


def replication_args(cfg: AwsStackConfig, pairs: dict[str, ReplicatedBucket]) -> ReplicationArgs:
    return ReplicationArgs(
        buckets=pairs,
        replication_time_control=cfg.dr.replication_time_control,
        tags=cfg.base_tags,
    )
