"""PolarDB for PostgreSQL args, versions, classes, limits, check; SDK-free: config validates it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require
from components.alicloud.data_tier_spec import validate_whitelist, validate_window
from components.postgres import database_name_problem
from components.postgres.alicloud_spec import (
    PG_NAME,
    REGION,
    RESERVED_USERNAMES,
    CrossRegionBackupArgs,
)

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.alicloud import AlarmWiring

NODE_CLASS = re.compile(r"^polar\.pg\.[a-z0-9]+(\.[a-z0-9]+)+$")
ENGINE_VERSIONS = ("14", "15", "16")
MIN_NODES, MAX_NODES = 2, 16
LEVEL1_DAYS = (3, 14)
"""Level-1 (snapshot) backups are kept 3..14 days; log backups up to 7300."""


@dataclass(frozen=True, kw_only=True)
class PolarDbArgs:
    vpc_id: pulumi.Input[str]
    vswitch_ids: Mapping[str, pulumi.Input[str]]
    """Data-tier vSwitch per zone; the cluster uses the first zone's."""
    zones: Sequence[str]
    """Zones to use (order does not matter): the cluster in the first sorted, its hot standby
    storage in the second."""
    client_cidrs: Mapping[str, str]
    """The whitelist: named private ranges of the VPC (0.0.0.0/0 and public ranges are refused)."""
    engine_version: str = "16"
    node_class: str = "polar.pg.g4.medium.c"
    """Class of every compute node, `polar.pg.*`."""
    nodes: int = 2
    """Compute nodes: the primary and read-only nodes (2..16)."""
    database_name: str = "app"
    master_username: str = "app_admin"
    kms_key_id: pulumi.Input[str] | None = None
    """Customer-managed key for TDE; None creates one (rotation on) for this database."""
    kms_instance_id: pulumi.Input[str] | None = None
    """KMS instance the created key lives in (components/alicloud/key_store.py)."""
    encryption_role_arn: pulumi.Input[str] | None = None
    """RAM role PolarDB uses to reach the key."""
    backup_retention_days: int = 14
    """Log backups (point-in-time recovery) are kept this long; level-1 backups up to 14 days."""
    backup_window: str = "18:00Z-19:00Z"
    maintenance_window: str = "20:00Z-21:00Z"
    cross_region_backup: CrossRegionBackupArgs | None = None
    """Copies of the level-2 and log backups in another region."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` plus the cluster's deletion lock and the key's deletion protection."""
    alarms: AlarmWiring | None = None
    """CloudMonitor alarm rules to the severities' contact groups (None: no alarms)."""


def validate(args: PolarDbArgs) -> None:
    require(
        args.engine_version in ENGINE_VERSIONS,
        "engine_version",
        f"'{args.engine_version}' is not a PolarDB for PostgreSQL version: "
        f"{', '.join(ENGINE_VERSIONS)}",
    )
    require(
        NODE_CLASS.match(args.node_class) is not None,
        "node_class",
        f"'{args.node_class}' is not a PolarDB for PostgreSQL class such as polar.pg.g4.medium.c",
    )
    require(MIN_NODES <= args.nodes <= MAX_NODES, "nodes",
            f"{MIN_NODES}..{MAX_NODES}: a primary and at least one node to fail over to")  # fmt: skip
    zones = sorted(set(args.zones))
    require(len(zones) == len(args.zones) >= 2, "zones",
            "at least two distinct zones: the hot standby storage sits in the second")  # fmt: skip
    missing = [z for z in zones if z not in args.vswitch_ids]
    require(not missing, "vswitch_ids", f"no data vSwitch for zone(s) {missing}")
    problem = database_name_problem(args.database_name, PG_NAME)
    require(problem is None, "database_name", problem or "")
    require(
        PG_NAME.match(args.master_username) is not None
        and args.master_username not in RESERVED_USERNAMES,
        "master_username",
        f"'{args.master_username}' is invalid or reserved ({', '.join(RESERVED_USERNAMES)})",
    )
    validate_whitelist("client_cidrs", args.client_cidrs)
    require(7 <= args.backup_retention_days <= 7300, "backup_retention_days",
            "must be 7..7300 (what PolarDB keeps log backups)")  # fmt: skip
    validate_window("backup_window", args.backup_window)
    validate_window("maintenance_window", args.maintenance_window)
    require(args.backup_window != args.maintenance_window, "maintenance_window",
            "must differ from the backup window")  # fmt: skip
    cross = args.cross_region_backup
    if cross is not None:
        require(REGION.match(cross.region) is not None, "cross_region_backup.region",
                f"'{cross.region}' is not an Alibaba Cloud region such as cn-beijing")  # fmt: skip
        require(30 <= cross.retention_days <= 7300, "cross_region_backup.retention_days",
                "must be 30..7300 (PolarDB's level-2 backups)")  # fmt: skip
