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

import pulumi
from pulumi_aws import cloudwatch, rds

from components._base import (
    child_opts,
    log_class_tag,
    merged_tags,
    spread_over_zones,
    type_token,
)
from components.aws.data_tier import client_security_group
from components.monitoring.aws import emit_alarms
from components.postgres.aws import cluster_parameters
from components.postgres.aws_alarms import cross_region_replica_alarms
from components.postgres.aws_replica_spec import CrossRegionReplicaArgs, validate


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
        validate(args)
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
