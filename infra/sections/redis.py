"""`groundwork:redis`: the Valkey / Redis OSS cache.

`Redis` is the intent every cloud implements (replicas, sharding, retention); `AwsRedis` adds what
only ElastiCache has (components/redis/aws.py), `AlicloudRedis` what only ApsaraDB for Redis / Tair
has. Defaults come from the component; patterns and enums are the component's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import Field, field_validator

from components._base import ENGINE_VERSION
from components.aws.windows import windows_overlap
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

ALICLOUD_NODE_TYPE = re.compile(r"^(redis|tair)\.[a-z0-9]+(\.[a-z0-9]+)+$")


def _cache(name: str) -> Any:
    return component_default(RedisHaArgs, name)


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
    node_type: str | None = None
    """ApsaraDB for Redis / Tair instance class, such as `redis.master.small.default`; the Alibaba
    Cloud implementation (issue #16) sets the default."""

    @field_validator("node_type")
    @classmethod
    def _alicloud_type(cls, value: str | None) -> str | None:
        if value is not None and not ALICLOUD_NODE_TYPE.match(value):
            raise ValueError(
                f"'{value}' is not an Alibaba Cloud Redis/Tair class such as "
                "redis.master.small.default"
                + (
                    " (cache.* node types are AWS ElastiCache)"
                    if value.startswith("cache.")
                    else ""
                )
            )
        return value
