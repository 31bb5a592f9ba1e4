"""ElastiCache replication group args, node types, limits, check; SDK-free: config runs them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

from components._base import require
from components.aws.data_tier_spec import validate_clients
from components.aws.versions import cache_version_problem
from components.aws.windows import daily_window, weekly_window, windows_overlap

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring

CacheEngine = Literal["valkey", "redis"]
AuthTokenUpdateStrategy = Literal["ROTATE", "SET"]
MAX_REPLICAS = 5
MAX_SHARDS = 500
MAX_SNAPSHOT_RETENTION_DAYS = 35
MIN_WINDOW_MINUTES = 60
"""ElastiCache's shortest snapshot and maintenance window."""
NODE_TYPE = re.compile(r"^cache\.[a-z0-9-]+\.[a-z0-9]+$")
_IDENTIFIER = re.compile(r"^[a-z](?!.*--)[a-z0-9-]{0,38}[a-z0-9]$")


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


def validate(args: RedisHaArgs) -> None:
    require(
        args.engine in get_args(CacheEngine), "engine", f"'{args.engine}' is not valkey or redis"
    )
    version_problem = cache_version_problem(args.engine, args.engine_version)
    require(version_problem is None, "engine_version", version_problem or "")
    require(
        NODE_TYPE.match(args.node_type) is not None,
        "node_type",
        f"'{args.node_type}' is not a node type such as cache.r7g.large",
    )
    require(0 <= args.replicas <= MAX_REPLICAS, "replicas", f"must be 0..{MAX_REPLICAS}")
    require(len(args.zones) > 0, "zones", "at least one zone is required")
    require(
        args.identifier is None or _IDENTIFIER.match(args.identifier) is not None,
        "identifier",
        "2-40 lowercase letters, digits or single hyphens, starting with a letter",
    )
    require(
        args.cluster_mode or args.shards == 1, "shards", "more than one shard needs cluster_mode"
    )
    require(1 <= args.shards <= MAX_SHARDS, "shards", f"must be 1..{MAX_SHARDS}")
    require(
        not args.multi_az or args.replicas >= 1,
        "multi_az",
        "needs at least one replica (a single node cannot fail over)",
    )
    require(
        args.auth_token_update_strategy in get_args(AuthTokenUpdateStrategy),
        "auth_token_update_strategy",
        "must be ROTATE or SET",
    )
    require(16 <= args.auth_token_length <= 128, "auth_token_length", "must be 16..128")
    require(
        args.auth_token_rotation_days is None or 1 <= args.auth_token_rotation_days <= 365,
        "auth_token_rotation_days",
        "must be 1..365 (or None for no rotation)",
    )
    require(
        1 <= args.snapshot_retention_days <= MAX_SNAPSHOT_RETENTION_DAYS,
        "snapshot_retention_days",
        f"must be 1..{MAX_SNAPSHOT_RETENTION_DAYS}",
    )
    try:
        daily_window(args.snapshot_window, min_minutes=MIN_WINDOW_MINUTES)
    except ValueError as exc:
        raise ValueError(f"snapshot_window: {exc}") from None
    try:
        weekly_window(args.maintenance_window, min_minutes=MIN_WINDOW_MINUTES)
    except ValueError as exc:
        raise ValueError(f"maintenance_window: {exc}") from None
    require(
        not windows_overlap(args.snapshot_window, args.maintenance_window),
        "snapshot_window",
        f"'{args.snapshot_window}' overlaps the maintenance window '{args.maintenance_window}'",
    )
    require(args.slow_log_retention_days > 0, "slow_log_retention_days", "must be positive")
    validate_clients(args.client_security_groups, args.client_cidrs)
