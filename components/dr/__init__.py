"""Disaster recovery, cloud-neutral: what a stack asks of its DR region, per tier.

A *tier* is one kind of state the platform keeps (`database`, `objects`, `cache`, `compute`). For
each, a stack states recovery objectives for the loss of its primary region (`Objective`: RPO and
RTO in seconds); the plan derives what the built resources imply (policies/guardrails/dr_posture.py)
and compares. The defaults are the plans' region-level promise (RTO < 4 h, RPO < 1 h); the cache
has none by default: it can be rebuilt from the database.

Each cloud implements the tiers with its own resources beside this module (`aws.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

PostgresDrMode = Literal["none", "headless", "warm"]
"""`none`: cross-region backup copies only; `headless`: a secondary cluster in the DR region that
replicates storage without instances (cheapest live copy; an instance is added on failover);
`warm`: the secondary also runs one reader, ready to be promoted. With a single-instance engine
(AWS: RDS for PostgreSQL) `warm` is a cross-region read replica and `headless` does not exist."""

CacheDrMode = Literal["rebuild", "replicated"]
"""`rebuild`: no cache in the DR region (created empty on failover and refilled from the
database); `replicated`: a cross-region replica of the cache, promoted on failover (AWS: an
ElastiCache Global Datastore secondary)."""
CACHE_DR_MODE: CacheDrMode = "rebuild"
"""A cache can be rebuilt: a replica in the DR region is an option, not the default."""

ComputeDrMode = Literal["cold", "warm"]
"""`cold`: the DR region has a network but no cluster; the cold path creates the cluster, the
platform and the services there on failover (docs/runbooks/dr-failover.md). `warm`: a minimal
cluster runs there (one node), so failover deploys the platform and services and scales it."""
COMPUTE_DR_MODE: ComputeDrMode = "cold"
"""A standby cluster costs its control plane, a node and NAT every month: the cold path meets
the default compute target (4 h) without them."""

Tier = Literal["database", "objects", "cache", "compute"]
TIERS: tuple[Tier, ...] = ("database", "objects", "cache", "compute")

HOUR = 3600
CRITICAL_TAG = "dr-critical"
"""Tag (value `true`) of a bucket whose objects must survive the loss of the region: the rules
hold it to replication (`dr-cross-region`)."""


@dataclass(frozen=True, kw_only=True)
class Objective:
    """Recovery objectives of one tier for the loss of the primary region."""

    rpo_seconds: int
    """Most data (as time before the loss) the tier may lose."""
    rto_seconds: int
    """Longest the tier may stay unavailable."""


@dataclass(frozen=True, kw_only=True)
class DrTargets:
    database: Objective | None = field(
        default_factory=lambda: Objective(rpo_seconds=HOUR, rto_seconds=4 * HOUR)
    )
    objects: Objective | None = field(
        default_factory=lambda: Objective(rpo_seconds=HOUR, rto_seconds=4 * HOUR)
    )
    cache: Objective | None = None
    """None: no objective (the cache is rebuilt from the database)."""
    compute: Objective | None = field(
        default_factory=lambda: Objective(rpo_seconds=HOUR, rto_seconds=4 * HOUR)
    )
