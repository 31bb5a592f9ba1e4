"""`groundwork:redis`: the Valkey / Redis OSS cache (components/redis/aws.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from infra.sections._windows import check_daily, check_weekly
from infra.sections.base import LogRetentionDays, Section


class Redis(Section):
    enabled: bool = True
    """Create the cache."""
    engine: Literal["valkey", "redis"] = "valkey"
    """Valkey (default, cheaper) or Redis OSS."""
    engine_version: str = Field("8.0", pattern=r"^\d+(\.\d+){0,2}$")
    """Engine version; the major part selects the parameter-group family."""
    node_type: str = Field("cache.r7g.large", pattern=r"^cache\.[a-z0-9-]+\.[a-z0-9]+$")
    """Node type of every node (`cache.*`)."""
    replicas: int = Field(2, ge=0, le=5)
    """Replicas per shard besides the primary (prod needs at least 1, i.e. 2 nodes)."""
    cluster_mode: bool = False
    """Cluster mode (sharding); clients must be cluster-aware."""
    shards: int = Field(1, ge=1, le=500)
    """Shards in cluster mode."""
    multi_az: bool = True
    """Multi-AZ with automatic failover; needs at least one replica."""
    snapshot_retention_days: int = Field(7, ge=1, le=35)
    """Days automatic snapshots are kept."""
    snapshot_window: str = "03:00-04:00"
    """Daily snapshot window, hh24:mi-hh24:mi UTC (at least 60 minutes)."""
    maintenance_window: str = "sun:05:00-sun:06:00"
    """Weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi UTC (at least 60 minutes)."""
    parameters: dict[str, str] = Field(default_factory=dict)
    """Extra parameter-group parameters."""
    auth_token_update_strategy: Literal["ROTATE", "SET"] = "ROTATE"  # noqa: S105
    """How a new AUTH token reaches the running cache: `ROTATE` keeps the old one valid too until
    a later `SET`. The token itself is generated; there is no token key."""
    slow_log_retention_days: LogRetentionDays = 365
    """Retention of the slow-log group."""

    @field_validator("snapshot_window")
    @classmethod
    def _daily(cls, value: str) -> str:
        return check_daily(value, min_minutes=60)

    @field_validator("maintenance_window")
    @classmethod
    def _weekly(cls, value: str) -> str:
        return check_weekly(value, min_minutes=60)
