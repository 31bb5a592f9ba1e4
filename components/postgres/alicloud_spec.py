"""ApsaraDB RDS for PostgreSQL args, versions, classes, limits, check; SDK-free for config."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

from components._base import require
from components.alicloud.data_tier_spec import validate_whitelist, validate_window
from components.postgres import database_name_problem

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.alicloud import AlarmWiring

Category = Literal["HighAvailability", "Basic"]
StorageType = Literal["cloud_essd", "cloud_essd2", "cloud_essd3"]
SqlLogDays = Literal[30, 180, 365, 1095, 1825]
"""Retentions the SQL explorer (audit log) accepts."""
MIN_BACKUP_RETENTION_DAYS = 7
MAX_BACKUP_RETENTION_DAYS = 730
MAX_READERS = 5
INSTANCE_CLASS = re.compile(r"^pg\.[a-z0-9]+(\.[a-z0-9]+)+$")
READER_CLASS = re.compile(r"^pgro\.[a-z0-9]+(\.[a-z0-9]+)+$")
ENGINE_VERSIONS = ("13.0", "14.0", "15.0", "16.0", "17.0")
PG_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RESERVED_USERNAMES = ("postgres", "admin", "root", "aliyun_root")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+(-\d+)?$")


@dataclass(frozen=True, kw_only=True)
class CrossRegionBackupArgs:
    """Copies of the data and log backups kept in another region (disaster recovery)."""

    region: str
    """Destination region, such as cn-beijing."""
    retention_days: int = 7
    """Days the copies are kept, 7..1825."""


@dataclass(frozen=True, kw_only=True)
class PostgresHaArgs:
    vpc_id: pulumi.Input[str]
    """VPC of the data vSwitches."""
    vswitch_ids: Mapping[str, pulumi.Input[str]]
    """Data-tier vSwitch per zone; the primary, standby and readers use their zone's."""
    zones: Sequence[str]
    """Zones to use (order does not matter: primary in the first sorted, standby in the second,
    readers round-robin from the third)."""
    client_cidrs: Mapping[str, str]
    """The whitelist: named private ranges of the VPC allowed to connect (e.g. the node
    vSwitches). 0.0.0.0/0 and public ranges are refused."""
    category: Category = "HighAvailability"
    """`HighAvailability` (primary + standby in another zone) or `Basic` (one node, no standby:
    a development footprint)."""
    engine_version: str = "16.0"
    instance_class: str = "pg.n2.medium.2c"
    """Primary (and standby) class, `pg.*`; `.2c` classes are the high-availability ones."""
    storage_gib: int = 100
    storage_type: StorageType = "cloud_essd"
    max_storage_gib: int = 1000
    """Storage autoscaling ceiling (grows by itself when 80% full)."""
    readers: int = 0
    """Read-only instances, 0..5."""
    reader_class: str = "pgro.n2.medium.1c"
    database_name: str = "app"
    master_username: str = "app_admin"
    """Privileged account; its password is generated and exported only as a secret."""
    port: int = 5432
    kms_key_id: pulumi.Input[str] | None = None
    """Customer-managed key for the disks; None creates one (rotation on) for this database."""
    kms_instance_id: pulumi.Input[str] | None = None
    """KMS instance the created key lives in (components/alicloud/key_store.py)."""
    encryption_role_arn: pulumi.Input[str] | None = None
    """RAM role RDS uses to reach the key (the account's AliyunRDSInstanceEncryptionDefaultRole)."""
    backup_retention_days: int = 14
    """Full backups and log backups (point-in-time recovery) are kept this long, 7..730."""
    backup_window: str = "18:00Z-19:00Z"
    """Daily full backup, UTC (02:00-03:00 in China Standard Time)."""
    maintenance_window: str = "20:00Z-21:00Z"
    """Daily maintenance window, UTC; must not be the backup window."""
    sql_log_retention_days: SqlLogDays = 30
    """SQL explorer (audit log of statements) retention."""
    cross_region_backup: CrossRegionBackupArgs | None = None
    alarms: AlarmWiring | None = None
    """CloudMonitor alarm rules (components/postgres/alicloud_alarms.py) to the severities'
    contact groups; None creates none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` plus the cloud's deletion protection on the instances and the key."""


def validate(args: PostgresHaArgs) -> None:
    require(
        args.category in get_args(Category), "category", f"'{args.category}' is not one of "
        f"{', '.join(get_args(Category))}",
    )  # fmt: skip
    require(
        args.engine_version in ENGINE_VERSIONS,
        "engine_version",
        f"'{args.engine_version}' is not one of {', '.join(ENGINE_VERSIONS)}",
    )
    require(
        INSTANCE_CLASS.match(args.instance_class) is not None,
        "instance_class",
        f"'{args.instance_class}' is not an RDS PostgreSQL class such as pg.n2.medium.2c",
    )
    require(
        READER_CLASS.match(args.reader_class) is not None,
        "reader_class",
        f"'{args.reader_class}' is not a read-only class such as pgro.n2.medium.1c",
    )
    zones = sorted(set(args.zones))
    require(len(zones) == len(args.zones) > 0, "zones", "distinct zones, at least one")
    ha = args.category == "HighAvailability"
    require(
        not ha or len(zones) >= 2,
        "zones",
        "HighAvailability puts the standby in another zone: at least two zones",
    )
    missing = [z for z in zones if z not in args.vswitch_ids]
    require(not missing, "vswitch_ids", f"no data vSwitch for zone(s) {missing}")
    require(0 <= args.readers <= MAX_READERS, "readers", f"must be 0..{MAX_READERS}")
    require(5 <= args.storage_gib <= 32000 and args.storage_gib % 5 == 0, "storage_gib",
            "5..32000 GiB in steps of 5")  # fmt: skip
    require(
        args.max_storage_gib >= args.storage_gib, "max_storage_gib", "must be at least storage_gib"
    )
    require(
        args.storage_type in get_args(StorageType),
        "storage_type",
        f"one of {', '.join(get_args(StorageType))}",
    )
    problem = database_name_problem(args.database_name, PG_NAME)
    require(problem is None, "database_name", problem or "")
    require(
        PG_NAME.match(args.master_username) is not None
        and args.master_username not in RESERVED_USERNAMES,
        "master_username",
        f"'{args.master_username}' is invalid or reserved ({', '.join(RESERVED_USERNAMES)})",
    )
    require(1024 <= args.port <= 65535, "port", "1024..65535")
    validate_whitelist("client_cidrs", args.client_cidrs)
    require(
        MIN_BACKUP_RETENTION_DAYS <= args.backup_retention_days <= MAX_BACKUP_RETENTION_DAYS,
        "backup_retention_days",
        f"must be {MIN_BACKUP_RETENTION_DAYS}..{MAX_BACKUP_RETENTION_DAYS} (what RDS keeps)",
    )
    validate_window("backup_window", args.backup_window)
    validate_window("maintenance_window", args.maintenance_window)
    require(
        args.backup_window != args.maintenance_window,
        "maintenance_window",
        "must differ from the backup window",
    )
    require(
        args.sql_log_retention_days in get_args(SqlLogDays),
        "sql_log_retention_days",
        f"one of {get_args(SqlLogDays)}",
    )
    cross = args.cross_region_backup
    if cross is not None:
        require(REGION.match(cross.region) is not None, "cross_region_backup.region",
                f"'{cross.region}' is not an Alibaba Cloud region such as cn-beijing")  # fmt: skip
        require(
            7 <= cross.retention_days <= 1825,
            "cross_region_backup.retention_days",
            "must be 7..1825",
        )
