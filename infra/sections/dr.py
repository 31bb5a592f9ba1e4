"""`groundwork:dr`: the disaster-recovery region.

`DisasterRecovery` is the intent every cloud shares (the region, its network from the same CIDR
planner as the primary's, how the database is kept there, which buckets are critical, backup
copies, and the recovery objectives per tier); `AwsDisasterRecovery` adds AWS's own keys (S3
Replication Time Control, Vault Lock of the DR vault), `AlicloudDisasterRecovery` Alibaba Cloud's
(OSS Replication Time Control; the database's copies are RDS cross-region backups). Defaults come from the components
(components/dr, components/postgres/aws_global.py, components/storage/aws_replication.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from pydantic import Field

from components.dr import (
    CACHE_DR_MODE,
    COMPUTE_DR_MODE,
    CacheDrMode,
    ComputeDrMode,
    DrTargets,
    Objective,
    PostgresDrMode,
)
from components.network.aws_spec import NatStrategy
from components.postgres.aws_global_spec import GlobalSecondaryArgs
from components.storage.aws_replication_spec import ReplicationArgs
from components.storage.spec import ReplicationArgs as OssReplicationArgs
from infra.sections.backup import VaultLock
from infra.sections.base import Problem, Section, component_default
from infra.sections.network import AlicloudNatStrategy, AlicloudNetwork, AwsNetwork, Network
from policies.guardrails.dr_posture import MECHANISMS, format_seconds

BucketRole = Literal["assets", "uploads", "backups"]
BUCKET_ROLES: tuple[BucketRole, ...] = ("assets", "uploads", "backups")
DR_NAT: Literal["none"] = "none"
"""The DR network has no NAT by default: nothing there needs egress until failover (a cold-path
cluster sets `dr.network.nat` then), and NAT gateways would dominate the DR add-on."""


class TierObjective(Section):
    rpo_seconds: int = Field(ge=0)
    """Most data (as time before the loss of the primary region) the tier may lose."""
    rto_seconds: int = Field(ge=1)
    """Longest the tier may stay unavailable after the loss of the primary region."""


def _objective(tier: str) -> Any:
    value = component_default(DrTargets, tier)
    return (
        TierObjective(rpo_seconds=value.rpo_seconds, rto_seconds=value.rto_seconds)
        if value
        else None
    )


class Targets(Section):
    database: TierObjective | None = _objective("database")
    """PostgreSQL."""
    objects: TierObjective | None = _objective("objects")
    """The critical buckets."""
    cache: TierObjective | None = _objective("cache")
    """The cache (none by default: it is rebuilt from the database)."""
    compute: TierObjective | None = _objective("compute")
    """The cluster and its services."""

    def objectives(self) -> dict[str, Objective]:
        return {
            tier: Objective(rpo_seconds=value.rpo_seconds, rto_seconds=value.rto_seconds)
            for tier in ("database", "objects", "cache", "compute")
            if (value := getattr(self, tier)) is not None
        }


class Failover(Section):
    api_standby_host: str | None = Field(
        None, max_length=253, pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
    )
    """The DR region's entry for the API (e.g. the DR cluster's ingress, which the cold path brings
    up): with `api.enabled`, Route 53 failover records answer for `api.host` with it when the
    primary edge fails its health check."""


class DisasterRecovery(Section):
    enabled: bool = False
    """Build the DR region: network, database secondary, bucket replicas, backup copies and the
    recovery objectives the plan checks (docs/dr.md)."""
    region: str | None = None
    """The DR region; must differ from the primary region."""
    network: Network = Field(default_factory=Network)
    """The DR region's VPC, planned like the primary's (same subnet planner)."""
    postgres: PostgresDrMode = component_default(GlobalSecondaryArgs, "mode")
    """How the database is kept in the DR region: `none` (cross-region backup copies only),
    `headless` (Aurora Global Database secondary without instances) or `warm` (with one reader;
    with postgres.engine `postgres`, a cross-region read replica)."""
    cache: CacheDrMode = CACHE_DR_MODE
    """How the cache is kept in the DR region: `rebuild` (nothing there: it is created empty on
    failover and refilled from the database) or `replicated` (a cross-region replica promoted on
    failover: an ElastiCache Global Datastore, which doubles the cache's node cost)."""
    compute: ComputeDrMode = COMPUTE_DR_MODE
    """How the cluster is kept in the DR region: `cold` (none: the cold path creates it on
    failover) or `warm` (a minimal EKS cluster runs there, one node of the primary's first node
    group's types; needs `dr.network.nat` so its nodes reach ECR and EKS)."""
    critical_buckets: list[BucketRole] = Field(default_factory=lambda: list(BUCKET_ROLES))
    """Buckets (by role) replicated to the DR region and tagged `dr-critical=true`."""
    backup_copies: bool = True
    """Copy every recovery point of the backup plan into a vault in the DR region."""
    failover: Failover = Field(default_factory=Failover)
    """DNS failover of the public entry points to the DR region."""
    targets: Targets = Field(default_factory=Targets)
    """Recovery objectives per tier for the loss of the primary region; a plan whose resources
    imply worse fails `dr-objectives-met` where it is mandatory (prod)."""

    BUILT: ClassVar[dict[str, tuple[str, ...]]] = {}
    """Tier -> the dr_posture mechanisms this cloud's DR options can build for it."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if len(set(self.critical_buckets)) != len(self.critical_buckets):
            yield Problem("criticalBuckets", f"listed twice: {self.critical_buckets}")
        if self.enabled:
            yield from self._unmeetable_targets()

    def _unmeetable_targets(self) -> Iterator[Problem]:
        """A target below what every DR option of this cloud implies: no setting could meet it,
        so it is a config error (exit 2), not a plan for dr-objectives-met to block."""
        for tier, objective in self.targets.objectives().items():
            built = [MECHANISMS[key] for key in self.BUILT.get(tier, ())]
            for figure, wanted in (("rpo", objective.rpo_seconds), ("rto", objective.rto_seconds)):
                bounded = [m for m in built if getattr(m, f"{figure}_seconds") is not None]
                best = min(bounded, key=lambda m: getattr(m, f"{figure}_seconds"), default=None)
                best_seconds = getattr(best, f"{figure}_seconds") if best else None
                if best_seconds is None or wanted < best_seconds:
                    reach = (
                        f"the best is {format_seconds(best_seconds)} ({best.key})"
                        if best
                        else "no option bounds it"
                    )
                    yield Problem(
                        f"targets.{tier}.{figure}Seconds",
                        f"{wanted} s cannot be met by any DR option built on this cloud: {reach}",
                    )


class AwsDrNetwork(AwsNetwork):
    nat: NatStrategy = DR_NAT
    """Egress of the DR private subnets (`none` until a cluster runs there)."""


class AwsDisasterRecovery(DisasterRecovery):
    BUILT: ClassVar[dict[str, tuple[str, ...]]] = {
        "database": ("aurora-global-warm", "aurora-global-headless", "rds-cross-region-replica",
                     "backup-copies"),
        "objects": ("s3-replication-rtc", "s3-replication"),
        "cache": ("elasticache-global-datastore", "cache-rebuild"),
        "compute": ("compute-warm-standby", "compute-cold-path"),
    }  # fmt: skip
    network: AwsDrNetwork = Field(default_factory=AwsDrNetwork)
    """The DR region's VPC, planned like the primary's (same subnet planner)."""
    replication_time_control: bool = component_default(ReplicationArgs, "replication_time_control")
    """S3 Replication Time Control on the critical buckets (15-minute SLA, billed per GB)."""
    vault_lock: VaultLock = Field(default_factory=VaultLock)
    """Vault Lock of the DR backup vault."""


class AlicloudDrNetwork(AlicloudNetwork):
    nat: AlicloudNatStrategy = DR_NAT
    """Egress of the DR private vSwitches (`none` until a cluster runs there)."""


class AlicloudDisasterRecovery(DisasterRecovery):
    BUILT: ClassVar[dict[str, tuple[str, ...]]] = {
        "database": ("rds-cross-region-log-backup", "polardb-cross-region-log-backup",
                     "rds-cross-region-backup"),
        "objects": ("oss-replication-rtc", "oss-replication"),
        "cache": ("cache-rebuild",),
        "compute": ("compute-cold-path",),
    }  # fmt: skip
    network: AlicloudDrNetwork = Field(default_factory=AlicloudDrNetwork)
    """The DR region's VPC and vSwitches, planned like the primary's (same subnet planner): where
    the cold path restores the database and brings up the cluster."""
    postgres: PostgresDrMode = "none"
    """`none`: the database's full and log backups are copied to the DR region (RDS cross-region
    backups, `backupCopies`); a live secondary (`headless`, `warm`) is not built on Alibaba Cloud."""
    backup_copies: bool = True
    """Copy the database's full and log backups to the DR region (RDS cross-region backups, kept
    as long as `postgres.backupRetentionDays`); restoring them is the database's recovery."""
    replication_time_control: bool = component_default(
        OssReplicationArgs, "replication_time_control"
    )
    """OSS Replication Time Control on the critical buckets (99.99% of new objects within 10
    minutes; billed per GB); only between the regions OSS offers it in."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.postgres != "none":
            yield Problem(
                "postgres",
                f"'{self.postgres}' (a live secondary) is not built on Alibaba Cloud; use none "
                "(cross-region backups of the database, dr.backupCopies)",
            )
        if self.compute != "cold":
            yield Problem(
                "compute",
                f"'{self.compute}' (a standby cluster) is not built on Alibaba Cloud; use cold",
            )
        if self.cache != "rebuild":
            yield Problem(
                "cache",
                f"'{self.cache}' (a cross-region replica of the cache) is not built on Alibaba "
                "Cloud; use rebuild",
            )
        if self.failover.api_standby_host:
            yield Problem(
                "failover.apiStandbyHost",
                "not built on Alibaba Cloud (no API edge with failover records); remove it",
            )
