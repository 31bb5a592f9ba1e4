"""ApsaraDB RDS for PostgreSQL args, versions, classes, limits; SDK-free: config validates them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

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
