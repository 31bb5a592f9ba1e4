"""`groundwork:alicloud/postgres:PostgresHa`: highly available PostgreSQL on ApsaraDB RDS.

Creates an RDS for PostgreSQL instance of the High-availability category: the primary in the
first zone (sorted) and the synchronous standby in the second (`zoneIdSlaveA`), on enhanced SSDs
in the VPC's data vSwitches, with:
- cloud-disk encryption with a customer-managed KMS key (rotation on), created here unless given;
- SSL on (`sslAction=Open`, the cloud's certificate);
- a whitelist of the VPC's client ranges only (never 0.0.0.0/0, never a public range);
- a backup policy: a full backup every day, log backups for point-in-time recovery, retention from
  the args (7..730 days, what RDS accepts);
- deletion protection (with Pulumi `protect`) when the data is to be kept;
- connection and statement-duration logging, and automatic minor-version upgrades in the
  maintenance window;
- `readers` read-only instances spread over the other zones, with SSL and the same whitelist;
- the privileged account with a generated password kept secret (never in config or code), and
  the application database;
- optionally, cross-region copies of the backups (`cross_region_backup`) for disaster recovery.
"""

from __future__ import annotations

import pulumi
from pulumi_alicloud import rds

from components._base import child_opts, merged_tags, spread_over_zones, type_token
from components.alicloud.data_tier import data_key, generated_password, whitelist
from components.monitoring.alicloud import emit_alarms
from components.postgres.alicloud_alarms import postgres_alarms
from components.postgres.alicloud_spec import (
    PostgresHaArgs,
    validate,
)

PASSWORD_SPECIALS = "!@#$%^&*()_+-="  # noqa: S105 (character set, not a secret)
"""Specials RDS accepts in an account password."""
CONNECTION_LOGGING = {"log_connections": "on", "log_disconnections": "on", "log_duration": "on"}
"""Who connected, when they left and how long statements took: in the instance's logs for audits
and incident work (PostgreSQL parameters, applied without a restart)."""
ALL_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class PostgresHa(pulumi.ComponentResource):
    """PostgreSQL with a standby in another zone, encrypted with a CMK, SSL-only, VPC-only."""

    instance_id: pulumi.Output[str]
    writer_endpoint: pulumi.Output[str]
    """Private connection string of the primary (follows it on failover)."""
    reader_endpoints: dict[str, pulumi.Output[str]]
    """Connection string of each read-only instance, by name."""
    port: int
    master_username: str
    master_password: pulumi.Output[str]
    """The generated password of the privileged account (a secret)."""
    kms_key_id: pulumi.Output[str]
    instance_zones: list[str]
    """Zone of the primary, the standby (HA), then each reader."""

    def __init__(
        self, name: str, args: PostgresHaArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("postgres", "PostgresHa", cloud="alicloud"), name, None, opts)
        validate(args)
        protect = args.protect_stateful
        ha = args.category == "HighAvailability"
        ordered = sorted(args.zones)
        primary_zone = ordered[0]
        standby_zone = ordered[1] if ha else None
        reader_zones = spread_over_zones(ordered[2:] or ordered[1:] or ordered, args.readers)
        self.port, self.master_username = args.port, args.master_username

        if args.kms_key_id is None:
            self.key = data_key(self, name, description=f"Encrypts the PostgreSQL database {name}",
                                tags=args.tags, protect=protect,
                                instance_id=args.kms_instance_id)  # fmt: skip
            self.kms_key_id = self.key.id
        else:
            self.key = None
            self.kms_key_id = pulumi.Output.from_input(args.kms_key_id)

        ips = whitelist(args.client_cidrs)
        db_zones = [primary_zone] + ([standby_zone] if standby_zone else [])
        self.instance = rds.Instance(
            f"{name}-instance",
            instance_name=name,
            engine="PostgreSQL",
            engine_version=args.engine_version,
            category=args.category,
            instance_type=args.instance_class,
            instance_storage=args.storage_gib,
            db_instance_storage_type=args.storage_type,
            storage_auto_scale="Enable",
            storage_threshold=20,
            storage_upper_bound=args.max_storage_gib,
            instance_charge_type="Postpaid",
            zone_id=primary_zone,
            zone_id_slave_a=standby_zone,
            vpc_id=args.vpc_id,
            vswitch_id=pulumi.Output.all(*[args.vswitch_ids[z] for z in db_zones]).apply(",".join),
            port=str(args.port),
            security_ips=ips,
            ssl_action="Open",
            ca_type="aliyun",
            encryption_key=self.kms_key_id,
            role_arn=args.encryption_role_arn,
            deletion_protection=protect,
            maintain_time=args.maintenance_window,
            auto_upgrade_minor_version="Auto",  # minor versions carry the security fixes
            parameters=[{"name": k, "value": v} for k, v in sorted(CONNECTION_LOGGING.items())],
            sql_collector_status="Enabled",
            sql_collector_config_value=args.sql_log_retention_days,
            tags=merged_tags(args.tags, name),
            opts=child_opts(self, protect=protect),
        )
        self.instance_id = self.instance.id
        self.writer_endpoint = self.instance.connection_string

        self.backup_policy = rds.BackupPolicy(
            f"{name}-backup-policy",
            instance_id=self.instance.id,
            preferred_backup_periods=list(ALL_DAYS),  # a full backup every day
            preferred_backup_time=args.backup_window,
            backup_retention_period=args.backup_retention_days,
            enable_backup_log=ha,  # the Basic category has no log backups (no PITR)
            log_backup_retention_period=args.backup_retention_days if ha else None,
            opts=child_opts(self),
        )
        if args.cross_region_backup is not None:
            cross = args.cross_region_backup
            rds.RdsInstanceCrossBackupPolicy(
                f"{name}-cross-region-backup",
                instance_id=self.instance.id,
                cross_backup_region=cross.region,
                retention=cross.retention_days,
                log_backup_enabled="Enable" if ha else "Disabled",
                opts=child_opts(self, depends_on=[self.backup_policy]),
            )

        self.master_password = generated_password(
            self, name, specials=PASSWORD_SPECIALS, protect=protect
        )
        account = rds.RdsAccount(
            f"{name}-master",
            db_instance_id=self.instance.id,
            account_name=args.master_username,
            account_password=self.master_password,
            account_type="Super",
            account_description="Privileged account; password generated by Pulumi",
            opts=child_opts(self),
        )
        rds.Database(
            f"{name}-database",
            instance_id=self.instance.id,
            data_base_name=args.database_name,
            character_set="UTF8",
            description="Application database",
            opts=child_opts(self, protect=protect, depends_on=[account]),
        )

        self.readers: dict[str, rds.ReadOnlyInstance] = {}
        for i, zone in enumerate(reader_zones, start=1):
            reader_name = f"{name}-reader-{i}"  # keyed by ordinal: readers are interchangeable
            self.readers[reader_name] = rds.ReadOnlyInstance(
                reader_name,
                instance_name=reader_name,
                master_db_instance_id=self.instance.id,
                engine_version=args.engine_version,
                instance_type=args.reader_class,
                instance_storage=args.storage_gib,
                db_instance_storage_type=args.storage_type,
                zone_id=zone,
                vswitch_id=args.vswitch_ids[zone],
                security_ips=ips,
                ssl_enabled=1,
                deletion_protection=protect,
                tags=merged_tags(args.tags, reader_name),
                opts=child_opts(self, protect=protect),
            )
        self.reader_endpoints = {k: r.connection_string for k, r in sorted(self.readers.items())}
        self.instance_zones = db_zones + reader_zones
        self.alarms = emit_alarms(
            self, name, "postgres", postgres_alarms(self.instance.id), args.alarms
        )

        self.register_outputs(
            {
                "instanceId": self.instance_id,
                "writerEndpoint": self.writer_endpoint,
                "readerEndpoints": self.reader_endpoints,
                "port": self.port,
                "masterUsername": self.master_username,
                "masterPassword": self.master_password,
                "kmsKeyId": self.kms_key_id,
                "instanceZones": self.instance_zones,
            }
        )
