"""ApsaraDB for Redis / Tair args, versions, classes, check; SDK-free: config validates them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require
from components.alicloud.data_tier_spec import validate_whitelist, validate_window

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.alicloud import AlarmWiring

ENGINE_VERSIONS = ("5.0", "6.0", "7.0")
INSTANCE_CLASS = re.compile(r"^(redis|tair)\.[a-z0-9]+(\.[a-z0-9]+)+$")
BACKUP_RETENTION_DAYS = 7
"""KVStore keeps automatic backups for 7 days (not configurable on the instance)."""


@dataclass(frozen=True, kw_only=True)
class RedisHaArgs:
    vswitch_ids: Mapping[str, pulumi.Input[str]]
    """Data-tier vSwitch per zone; the instance sits in its primary zone's."""
    zones: Sequence[str]
    """Zones to use (order does not matter: master in the first sorted, replica in the second)."""
    client_cidrs: Mapping[str, str]
    """The whitelist: named private ranges of the VPC allowed to connect."""
    multi_az: bool = True
    """Put the replica in another zone (`secondaryZoneId`); needs two zones."""
    engine_version: str = "7.0"
    instance_class: str = "redis.master.small.default"
    """A master-replica class (`redis.master.*`, `tair.rdb.*`)."""
    port: int = 6379
    kms_key_id: pulumi.Input[str] | None = None
    """Customer-managed key for TDE; None creates one (rotation on) for this cache."""
    kms_instance_id: pulumi.Input[str] | None = None
    """KMS instance the created key lives in (components/alicloud/key_store.py)."""
    encryption_role_arn: pulumi.Input[str] | None = None
    """RAM role KVStore uses to reach a customer key (`acs:ram::<account>:role/<name>`)."""
    backup_window: str = "19:00Z-20:00Z"
    """Daily backup, UTC."""
    maintenance_start: str = "20:00Z"
    """Start of the daily maintenance hour, UTC (HH:00Z)."""
    alarms: AlarmWiring | None = None
    """CloudMonitor alarm rules (components/redis/alicloud_alarms.py) to the severities' contact
    groups; None creates none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` plus the cloud's release protection."""


def validate(args: RedisHaArgs) -> None:
    require(
        args.engine_version in ENGINE_VERSIONS,
        "engine_version",
        f"'{args.engine_version}' is not one of {', '.join(ENGINE_VERSIONS)}",
    )
    require(
        INSTANCE_CLASS.match(args.instance_class) is not None,
        "instance_class",
        f"'{args.instance_class}' is not a Redis/Tair class such as redis.master.small.default",
    )
    zones = sorted(set(args.zones))
    require(len(zones) == len(args.zones) > 0, "zones", "distinct zones, at least one")
    require(
        not args.multi_az or len(zones) >= 2,
        "zones",
        "multi_az puts the replica in another zone: at least two zones",
    )
    used = zones[:2] if args.multi_az else zones[:1]
    missing = [z for z in used if z not in args.vswitch_ids]
    require(not missing, "vswitch_ids", f"no data vSwitch for zone(s) {missing}")
    require(1024 <= args.port <= 65535, "port", "1024..65535")
    validate_whitelist("client_cidrs", args.client_cidrs)
    validate_window("backup_window", args.backup_window)
    require(
        re.match(r"^([01]\d|2[0-3]):00Z$", args.maintenance_start) is not None,
        "maintenance_start",
        f"'{args.maintenance_start}' is not a whole hour such as 20:00Z",
    )
    require(
        args.backup_window[:6] != args.maintenance_start,
        "maintenance_start",
        "must not start with the backup window",
    )
