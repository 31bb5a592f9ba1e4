"""ElastiCache Serverless args, versions, ports, usage limits, check; SDK-free: config runs them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, get_args

from components._base import require
from components.aws.data_tier_spec import validate_clients
from components.redis.aws_spec import MAX_SNAPSHOT_RETENTION_DAYS, CacheEngine

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring

MAX_DATA_STORAGE_GB = 5000
ECPU_PER_SECOND_RANGE = (1000, 15_000_000)
MAJOR_VERSIONS: Mapping[str, tuple[str, ...]] = {"valkey": ("7", "8"), "redis": ("7",)}
"""Major engine versions ElastiCache Serverless offers per engine."""
_SNAPSHOT_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PORT, READER_PORT = 6379, 6380
"""Serverless endpoints: read/write on 6379, the reader endpoint on 6380."""
_NAME = re.compile(r"^[a-z](?!.*--)[a-z0-9-]{0,38}[a-z0-9]$")
SERVERLESS_FIELDS = (
    "max_data_storage_gb", "min_data_storage_gb", "max_ecpu_per_second", "min_ecpu_per_second",
)  # fmt: skip
"""The capacity fields only a serverless cache has."""


@dataclass(frozen=True, kw_only=True)
class RedisServerlessArgs:
    vpc_id: pulumi.Input[str]
    """VPC of the data subnets (for the security group)."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Data subnets in 2 or 3 zones: the cache's endpoints live in them."""
    client_security_groups: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    client_cidrs: Mapping[str, str] = field(default_factory=dict)
    """Private CIDRs allowed to connect. 0.0.0.0/0 and public ranges are rejected."""
    engine: CacheEngine = "valkey"
    major_engine_version: str = "8"
    name: str | None = None
    """Cache name (at most 40 characters); defaults to the component name."""
    max_data_storage_gb: int = 10
    """Ceiling of stored data; above it the cache evicts."""
    min_data_storage_gb: int | None = None
    """Capacity kept ready (and billed) at all times; None bills what is stored, from the
    engine's minimum (100 MB for Valkey, 1 GB for Redis OSS)."""
    max_ecpu_per_second: int = 5000
    """Ceiling of request throughput in ECPUs per second; above it requests are throttled."""
    min_ecpu_per_second: int | None = None
    """Throughput kept ready (and billed) at all times."""
    snapshot_retention_days: int = 7
    daily_snapshot_time: str = "03:00"
    """Start of the daily snapshot, hh:mm UTC."""
    kms_key_arn: pulumi.Input[str] | None = None
    """Customer-managed key to use; None creates one (with rotation) for this cache."""
    password_length: int = 64
    alarms: AlarmWiring | None = None
    """Alert topics and policy: emit this component's alarms (aws_alarms.py) on them."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` on the cache, key, users and secret, and a 30-day recovery window on
    the secret. (ElastiCache Serverless takes no final snapshot on delete: protection is the
    guard, daily snapshots the backup.)"""


def serverless_problems(args: RedisServerlessArgs) -> list[str]:
    """What is wrong with the capacity and snapshot settings (empty: nothing); config uses it too,
    so a stack file is refused before the component would be."""
    problems = []
    majors = MAJOR_VERSIONS.get(args.engine, ())
    if args.major_engine_version not in majors:
        problems.append(
            f"major_engine_version: '{args.major_engine_version}' is not offered for "
            f"{args.engine} serverless (allowed: {', '.join(majors)})"
        )
    if not 1 <= args.max_data_storage_gb <= MAX_DATA_STORAGE_GB:
        problems.append(f"max_data_storage_gb: must be 1..{MAX_DATA_STORAGE_GB}")
    low = args.min_data_storage_gb
    if low is not None and not 1 <= low <= args.max_data_storage_gb:
        problems.append("min_data_storage_gb: must be at least 1 and at most the maximum")
    first, last = ECPU_PER_SECOND_RANGE
    if not first <= args.max_ecpu_per_second <= last:
        problems.append(f"max_ecpu_per_second: must be {first}..{last}")
    low = args.min_ecpu_per_second
    if low is not None and not first <= low <= args.max_ecpu_per_second:
        problems.append(f"min_ecpu_per_second: must be at least {first} and at most the maximum")
    if not 1 <= args.snapshot_retention_days <= MAX_SNAPSHOT_RETENTION_DAYS:
        problems.append(f"snapshot_retention_days: must be 1..{MAX_SNAPSHOT_RETENTION_DAYS}")
    if not _SNAPSHOT_TIME.match(args.daily_snapshot_time):
        problems.append(f"daily_snapshot_time: '{args.daily_snapshot_time}' is not hh:mm (UTC)")
    return problems


def validate(args: RedisServerlessArgs) -> None:
    require(
        args.engine in get_args(CacheEngine), "engine", f"'{args.engine}' is not valkey or redis"
    )
    if problems := serverless_problems(args):
        raise ValueError("; ".join(problems))  # each problem names its field
    require(
        2 <= len(args.subnet_ids) <= 3, "subnet_ids", "ElastiCache Serverless takes 2 or 3 subnets"
    )
    require(
        args.name is None or _NAME.match(args.name) is not None,
        "name",
        "2-40 lowercase letters, digits or single hyphens, starting with a letter",
    )
    require(16 <= args.password_length <= 128, "password_length", "must be 16..128")
    validate_clients(args.client_security_groups, args.client_cidrs)
