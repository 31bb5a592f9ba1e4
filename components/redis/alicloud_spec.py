"""ApsaraDB for Redis / Tair args, versions, classes; SDK-free: config validates against them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
