"""`groundwork:alicloud/postgres:PolarDbPostgres`: PostgreSQL on PolarDB for PostgreSQL, the option
to ApsaraDB RDS (components/postgres/alicloud.py) behind the same handles.

A pay-as-you-go PolarDB for PostgreSQL cluster in the VPC's data vSwitch of the first zone (sorted),
with:
- `nodes` compute nodes (primary + read-only nodes; at least two, so a node failure fails over),
  storage replicated to a hot standby in the second zone (`standbyAz`, `hotStandbyCluster`);
- TDE with a customer-managed KMS key (rotation on), created here unless given;
- SSL on the primary endpoint;
- a whitelist of the VPC's client ranges only (never 0.0.0.0/0, never a public range);
- a backup policy: a level-1 backup every day, log backups for point-in-time recovery kept
  `backup_retention_days`, backups kept after the cluster's deletion; optionally level-2 and log
  backups copied to another region (`cross_region_backup`, disaster recovery);
- the deletion lock (with Pulumi `protect`) when the data is to be kept;
- the privileged account with a generated password kept secret, and the application database;
- CloudMonitor alarm rules (CPU, memory, connections: `alicloud_alarms.polardb_alarms`) to the
  severities' contact groups, from the same alerting config as RDS.
"""

from __future__ import annotations

import pulumi
from pulumi_alicloud import polardb

from components._base import child_opts, merged_tags, type_token
from components.alicloud.data_tier import data_key, generated_password, whitelist
from components.monitoring.alicloud import emit_alarms
from components.postgres.alicloud import ALL_DAYS, PASSWORD_SPECIALS
from components.postgres.alicloud_alarms import polardb_alarms
from components.postgres.alicloud_polardb_spec import (
    LEVEL1_DAYS,
    PolarDbArgs,
    validate,
)

PORT = 5432


class PolarDbPostgres(pulumi.ComponentResource):
    """PolarDB for PostgreSQL with the same handles as `PostgresHa`."""

    instance_id: pulumi.Output[str]
    writer_endpoint: pulumi.Output[str]
    """The cluster's primary endpoint (follows the primary on failover)."""
    reader_endpoints: dict[str, pulumi.Output[str]]
    """None apart: the read-only nodes are reached through the cluster endpoint."""
    port: int
    master_username: str
    master_password: pulumi.Output[str]
    kms_key_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: PolarDbArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            type_token("postgres", "PolarDbPostgres", cloud="alicloud"), name, None, opts
        )
        validate(args)
        protect = args.protect_stateful
        primary_zone, standby_zone = sorted(args.zones)[:2]
        self.port, self.master_username = PORT, args.master_username
        if args.kms_key_id is None:
            key = data_key(self, name, description=f"Encrypts the PolarDB cluster {name}",
                           tags=args.tags, protect=protect,
                           instance_id=args.kms_instance_id)  # fmt: skip
            self.kms_key_id = key.id
        else:
            self.kms_key_id = pulumi.Output.from_input(args.kms_key_id)
        self.cluster = polardb.Cluster(
            f"{name}-cluster",
            description=name,
            db_type="PostgreSQL",
            db_version=args.engine_version,
            db_node_class=args.node_class,
            db_node_count=args.nodes,
            pay_type="PostPaid",
            vpc_id=args.vpc_id,
            zone_id=primary_zone,
            vswitch_id=args.vswitch_ids[primary_zone],
            standby_az=standby_zone,
            hot_standby_cluster="ON",
            security_ips=whitelist(args.client_cidrs),
            tde_status="Enabled",
            encryption_key=self.kms_key_id,
            role_arn=args.encryption_role_arn,
            deletion_lock=1 if protect else 0,
            maintain_time=args.maintenance_window,
            tags=merged_tags(args.tags, name),
            opts=child_opts(self, protect=protect),
        )
        self.instance_id = self.cluster.id
        self.writer_endpoint = self.cluster.connection_string
        self.reader_endpoints = {}
        polardb.PrimaryEndpoint(
            f"{name}-primary-endpoint",
            db_cluster_id=self.cluster.id,
            ssl_enabled="Enable",
            opts=child_opts(self),
        )
        cross = args.cross_region_backup
        level1 = min(max(args.backup_retention_days, LEVEL1_DAYS[0]), LEVEL1_DAYS[1])
        polardb.BackupPolicy(
            f"{name}-backup-policy",
            db_cluster_id=self.cluster.id,
            preferred_backup_periods=list(ALL_DAYS),  # a level-1 backup every day
            preferred_backup_time=args.backup_window,
            data_level1_backup_retention_period=level1,
            log_backup_retention_period=args.backup_retention_days,
            backup_retention_policy_on_cluster_deletion="ALL",
            data_level2_backup_periods=list(ALL_DAYS) if cross else None,
            data_level2_backup_another_region_region=cross.region if cross else None,
            data_level2_backup_another_region_retention_period=(
                cross.retention_days if cross else None
            ),
            log_backup_another_region_region=cross.region if cross else None,
            log_backup_another_region_retention_period=cross.retention_days if cross else None,
            opts=child_opts(self),
        )
        self.master_password = generated_password(
            self, name, specials=PASSWORD_SPECIALS, protect=protect
        )
        account = polardb.Account(
            f"{name}-master",
            db_cluster_id=self.cluster.id,
            account_name=args.master_username,
            account_password=self.master_password,
            account_type="Super",
            account_description="Privileged account; password generated by Pulumi",
            opts=child_opts(self),
        )
        polardb.Database(
            f"{name}-database",
            db_cluster_id=self.cluster.id,
            db_name=args.database_name,
            account_name=args.master_username,
            character_set_name="UTF8",
            db_description="Application database",
            opts=child_opts(self, protect=protect, depends_on=[account]),
        )
        self.alarms = emit_alarms(
            self, name, "postgres", polardb_alarms(self.cluster.id), args.alarms
        )
        self.register_outputs(
            {
                "instanceId": self.instance_id,
                "writerEndpoint": self.writer_endpoint,
                "port": self.port,
                "masterUsername": self.master_username,
                "masterPassword": self.master_password,
                "kmsKeyId": self.kms_key_id,
            }
        )
