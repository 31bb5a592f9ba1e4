"""DR layer (after the data tier and the buckets): the database's secondary in the DR region,
replicas of the critical buckets, and the recovery objectives the plan checks.

    dr_region (network, key, vault) ─> data (secret replica, backup copies)
                                        └─> dr (global secondary, bucket replicas, objectives)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.dr.aws_failover import Endpoint, FailoverRecords, FailoverRecordsArgs
from components.dr.objectives import RecoveryObjectives
from components.network.cidr_plan import SubnetPlan
from components.postgres.aws import ServerlessArgs
from components.postgres.aws_global import GlobalSecondary, GlobalSecondaryArgs
from components.storage.aws import Bucket
from components.storage.aws_replication import ReplicatedBucket, Replication, ReplicationArgs
from infra.config import AwsStackConfig
from infra.layers.api import ApiHandles, failover_dns
from infra.layers.data import DataHandles, global_database
from infra.layers.dr_region import DrRegionHandles, dr_tags
from infra.layers.storage import StorageHandles
from infra.providers import Providers


@dataclass(frozen=True)
class DrHandles:
    region: DrRegionHandles
    postgres: GlobalSecondary | None
    """The Aurora global cluster and its DR secondary (None with `dr.postgres: none`)."""
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
    opts: pulumi.ResourceOptions | None = None,
) -> DrHandles | None:
    if region is None or providers.dr is None:
        return None
    in_dr = providers.in_dr(opts)
    postgres = None
    if global_database(cfg) and data.postgres is not None:
        postgres = GlobalSecondary(
            f"{cfg.prefix}-postgres",
            global_secondary_args(cfg, region, data),
            primary_provider=providers.primary,
            opts=in_dr,
        )
    replicas, replication = _replicas(cfg, providers, storage, opts)
    objectives = RecoveryObjectives(f"{cfg.prefix}-dr", cfg.dr.targets.objectives(), opts=opts)
    failover = None
    if api is not None and failover_dns(cfg):
        failover = FailoverRecords(
            f"{cfg.prefix}-failover", failover_args(cfg, api.edge.domain_name),
            opts=providers.in_primary(opts),
        )  # fmt: skip
    return DrHandles(region, postgres, replicas, replication, objectives, failover)


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
        client_cidrs={f"private-{s.zone}": s.cidr for s in plan.tier("private")},
        kms_key_arn=kms_key_arn or ids,
        backup_retention_days=pg.backup_retention_days,
        parameters=pg.parameters,
        iam_auth=pg.iam_auth,
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
