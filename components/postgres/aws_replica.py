"""`groundwork:aws/postgres:CrossRegionReplica`: a read replica of an RDS for PostgreSQL instance in
another region (the DR region), promoted on failover.

The replica follows the primary by ARN (`replicate_source_db`: a cross-region source must be named
by ARN), so engine, version, master user and database come from the primary; it is encrypted with
a key of its own region (AWS requires one for an encrypted source), private, TLS-only through a
parameter group carrying the primary's parameters, IAM authentication as on the primary,
deletion-protected and `protect`ed; backups are kept so that the promoted instance has them from
the first hour; its PostgreSQL log goes to a log group of its region under that key. Its lag is the
database's RPO (alarmed in its region); promoting it takes minutes (the RTO).

The caller builds it with the DR region's provider. The primary's master password must not be
managed by RDS (AWS refuses read replicas of such a source): the primary uses a generated
credential whose secret is replicated to the DR region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_aws import cloudwatch, rds

from components._base import (
    child_opts,
    log_class_tag,
    merged_tags,
    require,
    spread_over_zones,
    type_token,
)
from components.aws.data_tier import client_security_group, validate_clients
from components.aws.versions import postgres_version_problem
from components.monitoring.aws import AlarmWiring, emit_alarms
from components.postgres.aws import cluster_parameters
from components.postgres.aws_alarms import cross_region_replica_alarms
from components.postgres.aws_spec import INSTANCE_CLASS, MonitoringInterval


@dataclass(frozen=True, kw_only=True)
class CrossRegionReplicaArgs:
    source_db_arn: pulumi.Input[str]
    """ARN of the primary RDS instance (`PostgresHa.arn`)."""
    engine_version: str
    """The primary's version (selects the parameter-group family)."""
    instance_class: str
    """Instance class of the replica (the primary's: it becomes the writer)."""
    vpc_id: pulumi.Input[str]
    """DR-region VPC."""
    subnet_group_name: pulumi.Input[str]
    """DB subnet group over the DR region's data subnets."""
    zones: list[str]
    """DR-region zones (the replica goes in the first, sorted)."""
    kms_key_arn: pulumi.Input[str]
    """The DR region's key: storage, Performance Insights, the log group."""
    client_cidrs: Mapping[str, str] = field(default_factory=dict)
    """DR-region CIDRs allowed to connect (readers now, writers once promoted)."""
    port: int = 5432
    parameters: Mapping[str, str] = field(default_factory=dict)
    """The primary's extra parameters (`rds.force_ssl` is always 1)."""
    iam_auth: bool = True
    backup_retention_days: int = 14
    """Automated backups of the replica (kept when it is promoted)."""
    max_allocated_storage_gib: int = 1000
    performance_insights_retention_days: int = 7
    monitoring_interval_seconds: MonitoringInterval = 60
    monitoring_role_arn: pulumi.Input[str] | None = None
    """The enhanced-monitoring role (IAM is global: the primary's serves)."""
    log_retention_days: int = 365
    ca_cert_identifier: str = "rds-ca-rsa2048-g1"
    maintenance_window: str = "sun:04:00-sun:05:00"
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect`, deletion protection and a final snapshot on delete."""
    alarms: AlarmWiring | None = None
    """Alert topics of the DR region: the replica's lag. None: no alarms."""


class CrossRegionReplica(pulumi.ComponentResource):
    """A private, encrypted, TLS-only read replica of an RDS instance in another region."""

    identifier: str
    arn: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    """The replica's address (read-only until promoted, the writer after)."""

    def __init__(
        self, name: str, args: CrossRegionReplicaArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            type_token("postgres", "CrossRegionReplica", cloud="aws"), name, None, opts
        )
        _validate(args)
        protect, tags = args.protect_stateful, args.tags
        self.identifier = f"{name}-dr-replica"
        sg = client_security_group(
            self, self.identifier, vpc_id=args.vpc_id, port=args.port, service="PostgreSQL",
            client_security_groups={}, client_cidrs=args.client_cidrs, tags=tags,
        )  # fmt: skip
        params = rds.ParameterGroup(
            f"{self.identifier}-params",
            family=f"postgres{args.engine_version.split('.')[0]}",
            description=f"{name} replica: TLS only, the primary's parameters",
            parameters=[
                rds.ParameterGroupParameterArgs(name=p.name, value=p.value,
                                                apply_method=p.apply_method)
                for p in cluster_parameters(args.parameters)
            ],
            tags=merged_tags(tags, f"{self.identifier}-params"),
            opts=child_opts(self),
        )  # fmt: skip
        log_group = cloudwatch.LogGroup(
            f"{self.identifier}-postgresql-logs",
            name=f"/aws/rds/instance/{self.identifier}/postgresql",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            tags=merged_tags(tags, f"{self.identifier}-postgresql-logs", **log_class_tag("audit")),
            opts=child_opts(self, protect=protect),
        )
        self.instance = rds.Instance(
            self.identifier,
            identifier=self.identifier,
            # By ARN: a source in another region is named by its ARN.
            replicate_source_db=args.source_db_arn,
            instance_class=args.instance_class,
            availability_zone=spread_over_zones(args.zones, 1)[0],
            db_subnet_group_name=args.subnet_group_name,
            vpc_security_group_ids=[sg.id],
            parameter_group_name=params.name,
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            storage_type="gp3",
            max_allocated_storage=args.max_allocated_storage_gib,
            publicly_accessible=False,
            iam_database_authentication_enabled=args.iam_auth,
            auto_minor_version_upgrade=True,
            ca_cert_identifier=args.ca_cert_identifier,
            copy_tags_to_snapshot=True,
            deletion_protection=protect,
            backup_retention_period=args.backup_retention_days,
            skip_final_snapshot=not protect,
            final_snapshot_identifier=f"{self.identifier}-final" if protect else None,
            delete_automated_backups=not protect,
            enabled_cloudwatch_logs_exports=["postgresql"],
            performance_insights_enabled=True,
            performance_insights_kms_key_id=args.kms_key_arn,
            performance_insights_retention_period=args.performance_insights_retention_days,
            monitoring_interval=args.monitoring_interval_seconds,
            monitoring_role_arn=(
                args.monitoring_role_arn if args.monitoring_interval_seconds else None
            ),
            maintenance_window=args.maintenance_window,
            port=args.port,
            tags=merged_tags(tags, self.identifier, role="reader", **{"dr-role": "replica"}),
            # Promotion (the failover) clears the source: that must not plan a replacement.
            opts=child_opts(self, protect=protect, depends_on=[log_group],
                            ignore_changes=["replicateSourceDb"]),
        )  # fmt: skip
        self.arn = self.instance.arn
        self.endpoint = self.instance.address
        self.alarms = emit_alarms(
            self, name, "postgres", cross_region_replica_alarms(self.instance.identifier),
            args.alarms, tags,
        )  # fmt: skip
        self.register_outputs({"arn": self.arn, "endpoint": self.endpoint})


MIN_VERSION_WITH_BACKUPS = (14, 1)
"""RDS for PostgreSQL keeps automated backups of a read replica from 14.1 only."""


def _validate(args: CrossRegionReplicaArgs) -> None:
    problem = postgres_version_problem("postgres", args.engine_version)
    require(problem is None, "engine_version", problem or "")
    version = tuple(int(p) for p in args.engine_version.split("."))
    require(
        version >= MIN_VERSION_WITH_BACKUPS,
        "engine_version",
        f"{args.engine_version}: RDS for PostgreSQL keeps no automated backups of a read replica "
        "before 14.1, and a promoted DR replica must have them: use 14.1 or later "
        "(dr.postgres: warm)",
    )
    require(
        INSTANCE_CLASS.match(args.instance_class) is not None,
        "instance_class",
        f"'{args.instance_class}' is not an RDS instance class such as db.m7g.large",
    )
    require(len(args.zones) > 0, "zones", "at least one zone is required")
    require(
        args.parameters.get("rds.force_ssl", "1") == "1",
        "parameters",
        "rds.force_ssl cannot be turned off",
    )
    require(1 <= args.backup_retention_days <= 35, "backup_retention_days", "must be 1..35")
    require(
        args.monitoring_interval_seconds == 0 or args.monitoring_role_arn is not None,
        "monitoring_role_arn",
        "enhanced monitoring needs the monitoring role",
    )
    validate_clients({}, args.client_cidrs)
