"""`groundwork:redis`: the Valkey / Redis OSS cache.

`Redis` is the intent every cloud implements (replicas, sharding, retention); `AwsRedis` adds what
only ElastiCache has (components/redis/aws.py), `AlicloudRedis` what only ApsaraDB for Redis / Tair
has. Defaults come from the component; patterns and enums are the component's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field, field_validator

from components._base import ENGINE_VERSION
from components.alicloud.data_tier import WINDOW
from components.aws.windows import windows_overlap
from components.redis.alicloud import BACKUP_RETENTION_DAYS as ALI_BACKUP_DAYS
from components.redis.alicloud import ENGINE_VERSIONS as ALI_ENGINE_VERSIONS
from components.redis.alicloud import INSTANCE_CLASS as ALI_CLASS
from components.redis.alicloud import RedisHaArgs as AliRedisHaArgs
from components.redis.aws import (
    MAX_REPLICAS,
    MAX_SHARDS,
    MAX_SNAPSHOT_RETENTION_DAYS,
    MIN_WINDOW_MINUTES,
    NODE_TYPE,
    AuthTokenUpdateStrategy,
    CacheEngine,
    RedisHaArgs,
)
from infra.sections._windows import check_daily, check_weekly
from infra.sections.base import LogRetentionDays, Problem, Section, component_default


def _cache(name: str) -> Any:
    return component_default(RedisHaArgs, name)


def _ali(name: str) -> Any:
    return component_default(AliRedisHaArgs, name)


class Redis(Section):
    enabled: bool = True
    """Create the cache."""
    engine_version: str = Field(_cache("engine_version"), pattern=ENGINE_VERSION.pattern)
    """Engine version; the major part selects the parameter-group family."""
    replicas: int = Field(_cache("replicas"), ge=0, le=MAX_REPLICAS)
    """Replicas per shard besides the primary (prod needs at least 1, i.e. 2 nodes)."""
    cluster_mode: bool = _cache("cluster_mode")
    """Cluster mode (sharding); clients must be cluster-aware."""
    shards: int = Field(_cache("shards"), ge=1, le=MAX_SHARDS)
    """Shards in cluster mode."""
    multi_az: bool = _cache("multi_az")
    """Multi-AZ with automatic failover; needs at least one replica."""
    snapshot_retention_days: int = Field(
        _cache("snapshot_retention_days"), ge=1, le=MAX_SNAPSHOT_RETENTION_DAYS
    )
    """Days automatic snapshots are kept."""
    slow_log_retention_days: LogRetentionDays = _cache("slow_log_retention_days")
    """Retention of the slow-log group."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.multi_az and self.replicas < 1:
            yield Problem("multiAz", "needs at least 1 replica (a single node cannot fail over)")
        if self.shards > 1 and not self.cluster_mode:
            yield Problem("shards", "more than one shard needs clusterMode")


class AwsRedis(Redis):
    engine: CacheEngine = _cache("engine")
    """Valkey (default, cheaper) or Redis OSS."""
    node_type: str = Field(_cache("node_type"), pattern=NODE_TYPE.pattern)
    """Node type of every node (`cache.*`)."""
    snapshot_window: str = _cache("snapshot_window")
    """Daily snapshot window, hh24:mi-hh24:mi UTC (at least 60 minutes)."""
    maintenance_window: str = _cache("maintenance_window")
    """Weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi UTC (at least 60 minutes)."""
    parameters: dict[str, str] = Field(default_factory=dict)
    """Extra parameter-group parameters."""
    auth_token_update_strategy: AuthTokenUpdateStrategy = _cache("auth_token_update_strategy")
    """How a new AUTH token reaches the running cache: `ROTATE` keeps the old one valid too until
    a later `SET`. The token itself is generated; there is no token key."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if windows_overlap(self.snapshot_window, self.maintenance_window):
            yield Problem(
                "snapshotWindow",
                f"'{self.snapshot_window}' overlaps the maintenance window "
                f"'{self.maintenance_window}'",
            )

    @field_validator("snapshot_window")
    @classmethod
    def _daily(cls, value: str) -> str:
        return check_daily(value, min_minutes=MIN_WINDOW_MINUTES)

    @field_validator("maintenance_window")
    @classmethod
    def _weekly(cls, value: str) -> str:
        return check_weekly(value, min_minutes=MIN_WINDOW_MINUTES)


class AlicloudRedis(Redis):
    """ApsaraDB for Redis / Tair (components/redis/alicloud.py): one master-replica instance, the
    replica in a second zone with `multiAz`."""

    engine_version: str = Field(_ali("engine_version"), pattern=ENGINE_VERSION.pattern)
    """Redis version, one of 5.0, 6.0, 7.0."""
    node_type: str = Field(_ali("instance_class"), pattern=ALI_CLASS.pattern)
    """Master-replica instance class, such as redis.master.small.default (1 GB)."""
    replicas: int = Field(1, ge=0, le=1)
    """1: a master-replica class (`redis.master.*`, `tair.*`); 0: a single-node class
    (`redis.basic.*`), a development footprint without failover."""
    snapshot_retention_days: int = Field(ALI_BACKUP_DAYS, ge=1, le=ALI_BACKUP_DAYS)
    """KVStore keeps its daily backups 7 days, whatever is asked: at most 7 here, so the stack
    file never promises more than it gets."""
    backup_window: str = Field(_ali("backup_window"), pattern=WINDOW.pattern)
    """Daily backup, whole hours UTC such as 19:00Z-20:00Z."""
    maintenance_start: str = Field(_ali("maintenance_start"), pattern=r"^([01]\d|2[0-3]):00Z$")
    """Start of the daily maintenance hour, UTC (HH:00Z); not the backup's start."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.cluster_mode:
            yield Problem(
                "clusterMode", "not built on Alibaba Cloud yet (issue #16); set it to false"
            )
        if self.engine_version not in ALI_ENGINE_VERSIONS:
            yield Problem(
                "engineVersion",
                f"'{self.engine_version}' is not one of {', '.join(ALI_ENGINE_VERSIONS)}",
            )
        single = self.node_type.startswith("redis.basic.")
        if single != (self.replicas == 0):
            yield Problem(
                "nodeType",
                f"'{self.node_type}' does not match replicas={self.replicas} "
                "(0: a redis.basic.* class; 1: a master-replica class such as redis.master.*)",
            )
        if self.backup_window[:6] == self.maintenance_start:
            yield Problem("maintenanceStart", "must not start with the backup window")
