"""ElastiCache replication group args, node types, limits; SDK-free: config validates them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws import AlarmWiring

CacheEngine = Literal["valkey", "redis"]
AuthTokenUpdateStrategy = Literal["ROTATE", "SET"]
MAX_REPLICAS = 5
MAX_SHARDS = 500
MAX_SNAPSHOT_RETENTION_DAYS = 35
MIN_WINDOW_MINUTES = 60
"""ElastiCache's shortest snapshot and maintenance window."""
NODE_TYPE = re.compile(r"^cache\.[a-z0-9-]+\.[a-z0-9]+$")


@dataclass(frozen=True, kw_only=True)
class RedisHaArgs:
    vpc_id: pulumi.Input[str]
    """VPC of the data subnets (for the security group)."""
    subnet_group_name: pulumi.Input[str]
    """Cache subnet group over the isolated data subnets (`Vpc.cache_subnet_group_name`)."""
    zones: Sequence[str]
    """Zones to spread the nodes over (primary in the first)."""
    client_security_groups: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Security groups allowed to connect."""
    client_cidrs: Mapping[str, str] = field(default_factory=dict)
    """Private CIDRs allowed to connect. 0.0.0.0/0 and public ranges are rejected."""
    engine: CacheEngine = "valkey"
    engine_version: str = "8.0"
    """Engine version; its major part selects the parameter-group family (`valkey8`)."""
    node_type: str = "cache.r7g.large"
    replicas: int = 2
    """Replicas per shard (0..5). Automatic failover is on whenever this is at least 1."""
    cluster_mode: bool = False
    """Cluster mode (sharding). Clients must be cluster-aware."""
    shards: int = 1
    """Shards (node groups) in cluster mode."""
    multi_az: bool = True
    """Multi-AZ: replicas in other zones and fast failover; needs at least one replica."""
    identifier: str | None = None
    """Replication group id (at most 40 characters); defaults to the component name."""
    port: int = 6379
    kms_key_arn: pulumi.Input[str] | None = None
    """Customer-managed key to use; None creates one (with rotation) for this cache. A given key's
    policy must also let CloudWatch Logs use it (the slow-log group is encrypted with it)."""
    parameters: Mapping[str, str] = field(default_factory=dict)
    """Extra parameters of the parameter group."""
    auth_token_update_strategy: AuthTokenUpdateStrategy = "ROTATE"  # noqa: S105
    """How a new token is applied to the running group: `ROTATE` (old and new both valid until a
    later `SET`) or `SET` (only the new one). Ignored at creation, where the token is set."""
    auth_token_length: int = 64
    auth_token_rotation_days: int | None = 30
    """Rotate the token every this many days through Secrets Manager (a rotation Lambda, see
    aws_rotation.py); None: never (the token then changes only through Pulumi). With rotation,
    Pulumi ignores later differences in the token and the secret's value: AWS owns them."""
    snapshot_retention_days: int = 7
    """Days automatic snapshots are kept (1..35)."""
    snapshot_window: str = "03:00-04:00"
    """Daily snapshot window, hh24:mi-hh24:mi UTC (at least 60 minutes)."""
    maintenance_window: str = "sun:05:00-sun:06:00"
    """Weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi UTC."""
    slow_log_retention_days: int = 365
    """Retention of the slow-log group."""
    apply_immediately: bool = False
    """Apply modifications now instead of in the maintenance window."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` on the group, key, secret, token and log group, a final snapshot on
    delete, and a 30-day recovery window on the secret."""
    alarms: AlarmWiring | None = None
    """Alert topics and policy: emit this component's alarms (aws_alarms.py) on them."""
