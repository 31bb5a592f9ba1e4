"""`groundwork:redis`: the Valkey / Redis OSS cache.

`Redis` is the intent every cloud implements (replicas, sharding, retention); `AwsRedis` adds what
only ElastiCache has (components/redis/aws.py), `AlicloudRedis` what only ApsaraDB for Redis / Tair
has. Defaults come from the component; patterns and enums are the component's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field, field_validator
from pydantic.alias_generators import to_camel, to_snake

from components._base import ENGINE_VERSION
from components.alicloud.data_tier_spec import WINDOW
from components.aws.windows import windows_overlap
from components.redis.alicloud_spec import BACKUP_RETENTION_DAYS as ALI_BACKUP_DAYS
from components.redis.alicloud_spec import ENGINE_VERSIONS as ALI_ENGINE_VERSIONS
from components.redis.alicloud_spec import INSTANCE_CLASS as ALI_CLASS
from components.redis.alicloud_spec import RedisHaArgs as AliRedisHaArgs
from components.redis.aws_serverless_spec import (
    ECPU_PER_SECOND_RANGE,
    MAX_DATA_STORAGE_GB,
    RedisServerlessArgs,
    serverless_problems,
)
from components.redis.aws_spec import (
    MAX_REPLICAS,
    MAX_SHARDS,
    MAX_SNAPSHOT_RETENTION_DAYS,
    MIN_WINDOW_MINUTES,
    NODE_TYPE,
    AuthTokenUpdateStrategy,
    CacheEngine,
    RedisHaArgs,
)
from infra.presets import ALTERNATIVES
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
    """ApsaraDB for Redis / Tair (components/redis/alicloud.py): one master-replica instance, the
    replica in a second zone with `multiAz`."""

    engine_version: str = Field(_ali("engine_version"), pattern=ENGINE_VERSION.pattern)
    """Redis version, one of 5.0, 6.0, 7.0."""
    node_type: str = _ali("instance_class")
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

    @field_validator("node_type")
    @classmethod
    def _alicloud_type(cls, value: str) -> str:
        if not ALI_CLASS.match(value):
            raise ValueError(
                f"'{value}' is not an ApsaraDB for Redis / Tair class such as "
                "redis.master.small.default"
                + (
                    " (cache.* node types are AWS ElastiCache)"
                    if value.startswith("cache.")
                    else ""
                )
            )
        return value

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
