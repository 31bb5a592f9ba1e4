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
from pydantic.alias_generators import to_camel, to_snake

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
from components.redis.aws_serverless import (
    ECPU_PER_SECOND_RANGE,
    MAX_DATA_STORAGE_GB,
    RedisServerlessArgs,
    serverless_problems,
)
from infra.presets import ALTERNATIVES
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

    @property
    def node_based(self) -> bool:
        """Whether the cache runs on nodes the stack sizes (every cloud's default)."""
        return True

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.multi_az and self.replicas < 1:
            yield Problem("multiAz", "needs at least 1 replica (a single node cannot fail over)")
        if self.shards > 1 and not self.cluster_mode:
            yield Problem("shards", "more than one shard needs clusterMode")


def _serverless(name: str) -> Any:
    return component_default(RedisServerlessArgs, name)


class ServerlessCache(Section):
    max_data_storage_gb: int = Field(
        _serverless("max_data_storage_gb"), ge=1, le=MAX_DATA_STORAGE_GB
    )
    """Ceiling of stored data in GB; above it the cache evicts (an alarm fires at 80 %)."""
    min_data_storage_gb: int | None = Field(None, ge=1, le=MAX_DATA_STORAGE_GB)
    """Capacity kept ready and billed at all times; unset bills what is stored (the estimate
    prices the engine's minimum: 0.1 GB Valkey, 1 GB Redis OSS)."""
    max_ecpu_per_second: int = Field(
        _serverless("max_ecpu_per_second"), ge=ECPU_PER_SECOND_RANGE[0], le=ECPU_PER_SECOND_RANGE[1]
    )
    """Ceiling of throughput in ECPUs per second; above it requests are throttled."""
    min_ecpu_per_second: int | None = Field(
        None, ge=ECPU_PER_SECOND_RANGE[0], le=ECPU_PER_SECOND_RANGE[1]
    )
    """Throughput kept ready and billed at all times."""


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
    serverless: ServerlessCache | None = None
    """ElastiCache Serverless instead of nodes: replicated across zones by the service, billed per
    GB stored and per ECPU, authenticated by a generated user's password. The node keys
    (nodeType, replicas, clusterMode, shards, multiAz, parameters, maintenanceWindow,
    authTokenUpdateStrategy, slowLogRetentionDays) do not apply; the engine version's major part
    and the snapshot window's start do."""

    @property
    def node_based(self) -> bool:
        return self.serverless is None

    def serverless_args(self) -> RedisServerlessArgs | None:
        """The component's capacity and snapshot settings (None: a node-based cache)."""
        if self.serverless is None:
            return None
        return RedisServerlessArgs(
            vpc_id="", subnet_ids=(), engine=self.engine,
            major_engine_version=self.engine_version.split(".")[0],
            snapshot_retention_days=self.snapshot_retention_days,
            daily_snapshot_time=self.snapshot_window.split("-")[0],
            **self.serverless.model_dump(),
        )  # fmt: skip

    def problems(self) -> Iterator[Problem]:
        if (args := self.serverless_args()) is not None:
            yield from self._serverless_problems(args)
            return
        yield from super().problems()
        if windows_overlap(self.snapshot_window, self.maintenance_window):
            yield Problem(
                "snapshotWindow",
                f"'{self.snapshot_window}' overlaps the maintenance window "
                f"'{self.maintenance_window}'",
            )

    def _serverless_problems(self, args: RedisServerlessArgs) -> Iterator[Problem]:
        for key in ALTERNATIVES["redis.serverless"]:
            if to_snake(key) in self.model_fields_set:
                yield Problem(key, "not used with serverless (set serverless: null for nodes)")
        for problem in serverless_problems(args):
            field_name, _, message = problem.partition(": ")
            yield Problem(_SERVERLESS_KEYS.get(field_name, f"serverless.{to_camel(field_name)}"),
                          message)  # fmt: skip

    @field_validator("snapshot_window")
    @classmethod
    def _daily(cls, value: str) -> str:
        return check_daily(value, min_minutes=MIN_WINDOW_MINUTES)

    @field_validator("maintenance_window")
    @classmethod
    def _weekly(cls, value: str) -> str:
        return check_weekly(value, min_minutes=MIN_WINDOW_MINUTES)


_SERVERLESS_KEYS = {
    "major_engine_version": "engineVersion",
    "snapshot_retention_days": "snapshotRetentionDays",
    "daily_snapshot_time": "snapshotWindow",
}
"""Component fields config derives from other keys: a problem names the key the user sets."""


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
