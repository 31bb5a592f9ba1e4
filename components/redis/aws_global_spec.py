"""ElastiCache Global Datastore args and the limits AWS sets; SDK-free: config checks them first."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require
from components.aws.data_tier_spec import validate_clients
from components.redis.aws_spec import CacheEngine

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring

NODE_TYPE = re.compile(r"^cache\.(m5|m6g|m7g|r5|r6g|r6gd|r7g|c7gn)\.(large|\d*xlarge)$")
"""Node types of a global datastore: M5, M6g, M7g, R5, R6g, R6gd, R7g, C7gn, large and above
(no burstable T types, no earlier generations)."""
MIN_VERSION: dict[str, tuple[int, ...]] = {"redis": (5, 0, 6), "valkey": (7, 2)}
REGIONS = frozenset({
    "af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-5",
    "ap-southeast-4", "ap-south-1", "ap-northeast-3", "ap-northeast-2", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-7", "ap-northeast-1", "ca-central-1", "ca-west-1",
    "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-west-2", "eu-west-1", "eu-south-1",
    "eu-west-3", "eu-south-2", "eu-north-1", "eu-central-2", "us-gov-west-1", "us-gov-east-1",
    "il-central-1", "me-south-1", "me-central-1", "us-east-1", "us-east-2", "us-west-1",
    "us-west-2", "mx-central-1", "sa-east-1",
})  # fmt: skip
"""Regions with global datastores (the user guide's list, as of 2026-11-29)."""
CHINA = frozenset({"cn-north-1", "cn-northwest-1"})
"""Beijing and Ningxia replicate only to each other."""


def global_datastore_problems(
    *, engine: str, engine_version: str, node_type: str, primary_region: str, region: str
) -> list[tuple[str, str]]:
    """(field, message) for each combination AWS refuses for a global datastore."""
    problems: list[tuple[str, str]] = []
    if not NODE_TYPE.match(node_type):
        problems.append(("node_type", f"'{node_type}' cannot join a global datastore: it needs "
                         "an M5, M6g, M7g, R5, R6g, R6gd, R7g or C7gn node type, large or above "
                         "(such as cache.m7g.large)"))  # fmt: skip
    minimum = MIN_VERSION.get(engine)
    version = tuple(int(p) for p in engine_version.split(".") if p.isdigit())
    if minimum is not None and version < minimum:
        problems.append(("engine_version", f"{engine} {engine_version} has no global datastores "
                         f"(from {'.'.join(map(str, minimum))})"))  # fmt: skip
    for key, value in (("primary_region", primary_region), ("region", region)):
        if value not in REGIONS:
            problems.append((key, f"{value} has no ElastiCache global datastores"))
    if primary_region == region:
        problems.append(("region", "the secondary must be in another region than the primary"))
    elif (primary_region in CHINA) != (region in CHINA):
        problems.append(("region", "Beijing and Ningxia replicate only to each other"))
    return problems


@dataclass(frozen=True, kw_only=True)
class GlobalDatastoreArgs:
    primary_replication_group_id: pulumi.Input[str]
    """The primary replication group (`RedisHa.replication_group.id`)."""
    engine: CacheEngine
    engine_version: str
    node_type: str
    """The primary's (checked here; the secondary inherits them)."""
    primary_region: str
    region: str
    """The DR region, where the caller's provider puts the secondary."""
    vpc_id: pulumi.Input[str]
    """DR-region VPC."""
    subnet_group_name: pulumi.Input[str]
    """Cache subnet group over the DR region's data subnets."""
    kms_key_arn: pulumi.Input[str]
    """The DR region's key: the secondary's storage, its secret and its slow log."""
    replicas: int = 1
    """Replicas per shard of the secondary: the primary's (AWS gives the secondary the primary's
    automatic failover, which needs one)."""
    multi_az: bool = True
    """The primary's Multi-AZ setting (AWS gives it to the secondary)."""
    cluster_mode: bool = False
    """The primary's cluster mode (the secondary then has the primary's shard count)."""
    shards: int = 1
    """The primary's shard count (cluster mode): one lag alarm per shard."""
    client_cidrs: Mapping[str, str] = field(default_factory=dict)
    """DR-region CIDRs allowed to connect (readers now, writers once promoted)."""
    port: int = 6379
    auth_token_length: int = 64
    snapshot_retention_days: int = 7
    snapshot_window: str = "03:00-04:00"
    maintenance_window: str = "sun:05:00-sun:06:00"
    slow_log_retention_days: int = 365
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` on the datastore, the secondary, its token and secret and log group, and a
    final snapshot of the secondary on delete."""
    alarms: AlarmWiring | None = None
    """Alert topics of the DR region: replication lag of the secondary. None: no alarms."""


def validate(args: GlobalDatastoreArgs) -> None:
    for field_name, message in global_datastore_problems(
        engine=args.engine, engine_version=args.engine_version, node_type=args.node_type,
        primary_region=args.primary_region, region=args.region,
    ):  # fmt: skip
        require(False, field_name, message)
    require(0 <= args.replicas <= 5, "replicas", "must be 0..5")
    require(
        not args.multi_az or args.replicas >= 1,
        "multi_az",
        "needs at least one replica (a single node cannot fail over)",
    )
    validate_clients({}, args.client_cidrs)
