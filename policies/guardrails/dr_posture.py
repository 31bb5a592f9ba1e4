"""Disaster-recovery posture: for each tier, the RPO and RTO the captured resources imply for the
loss of the primary region, and the objectives the stack declares.

Cloud-neutral: a tier's posture is the best *mechanism* found among the stack's resources; each
cloud contributes recognizers (`RECOGNIZERS`, AWS below; Alibaba Cloud adds its own) that return
the mechanisms they see. A mechanism's figures are properties of that mechanism (AWS's documented
or typical values, named in `MECHANISMS`), never of the tier: change the resources and the implied
figures change. Used by the `dr-objectives-met` rule and the plan report (planner/dr_report.py).

The objectives come from the stack itself: the DR layer registers a `groundwork:dr:RecoveryObjectives`
component whose inputs carry the targets from `groundwork:dr.targets`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .core import Subject, as_list, get, is_unknown, truthy
from .joins import linked
from .pricing import scope_of
from .storage import BUCKETS, REPLICATION

TIERS = ("database", "objects", "cache", "compute")
OBJECTIVES_TYPE = "groundwork:dr:RecoveryObjectives"
CRITICAL_TAG = "dr-critical"
"""Tag (value `true`) that marks a bucket whose objects must survive the loss of the region."""
HOUR = 3600


@dataclass(frozen=True)
class Mechanism:
    key: str
    rpo_seconds: float | None
    """None: no bound (the data would be lost)."""
    rto_seconds: float | None
    basis: str
    """Where the figures come from."""


MECHANISMS: dict[str, Mechanism] = {m.key: m for m in (
    Mechanism("aurora-global-warm", 1, 60,
              "Aurora Global Database: typical replication lag under 1 s; managed failover to a "
              "secondary with a running instance typically completes within a minute"),
    Mechanism("aurora-global-headless", 1, 60 + 15 * 60,
              "Aurora Global Database without secondary instances: lag under 1 s; failover first "
              "adds an instance to the secondary (about 15 min), then promotes it"),
    Mechanism("rds-cross-region-replica", 60, 10 * 60,
              "RDS cross-region read replica: asynchronous (lag typically seconds to a minute); "
              "promotion takes minutes"),
    Mechanism("backup-copies", None, 2 * HOUR,
              "AWS Backup copies in the DR region: RPO is the backup interval (from the rule's "
              "schedule); restoring a snapshot into a new cluster takes about 2 h"),
    Mechanism("s3-replication-rtc", 15 * 60, 15 * 60,
              "S3 replication with Replication Time Control: 99.99% of objects within 15 min; "
              "clients switch to the replica bucket (runbook) or the CDN's origin group fails over"),
    Mechanism("s3-replication", None, 15 * 60,
              "S3 replication without Replication Time Control: no time bound on the copy"),
    Mechanism("elasticache-global-datastore", 1, 60,
              "ElastiCache Global Datastore: lag typically under 1 s; promoting the secondary "
              "takes under a minute"),
    Mechanism("cache-rebuild", None, 20 * 60,
              "No cache in the DR region: created empty on failover (about 20 min) and refilled "
              "from the database"),
    Mechanism("rds-cross-region-log-backup", 30 * 60, 2 * HOUR,
              "ApsaraDB RDS cross-region backups with log backups: full and log backups are "
              "copied to the DR region after each upload, and a new instance there restores to a "
              "point in time. Alibaba Cloud publishes no bound on the copy delay: 30 min is an "
              "assumption (AWS's comparable cross-region PITR replication is 5-30 min); restoring "
              "a new instance typically takes about 2 h"),
    Mechanism("rds-cross-region-backup", None, 2 * HOUR,
              "ApsaraDB RDS cross-region backups without log backups: RPO is the interval between "
              "full backups (from the instance's backup policy); restore takes about 2 h"),
    Mechanism("oss-replication-rtc", 10 * 60, 15 * 60,
              "OSS cross-region replication with Replication Time Control: 99.99% of new objects "
              "within 10 min (alibabacloud.com/help/en/oss/rtc); clients switch to the replica "
              "bucket (runbook)"),
    Mechanism("oss-replication", None, 15 * 60,
              "OSS cross-region replication without Replication Time Control: no time bound on "
              "the copy"),
    Mechanism("compute-warm-standby", 0, 15 * 60,
              "A running cluster in the DR region: its node group is scaled up and the platform "
              "add-ons and stateless services are deployed to it (about 15 min)"),
    Mechanism("compute-cold-path", 0, HOUR,
              "A DR network but no cluster: the cold path creates the cluster, nodes, platform "
              "add-ons and services there (about 1 h; docs/runbooks/dr-failover.md)"),
)}  # fmt: skip


@dataclass(frozen=True)
class Implied:
    """A tier's posture: None figures mean unbounded."""

    rpo_seconds: float | None
    rto_seconds: float | None
    mechanism: str
    """`MECHANISMS` key, or `none` when nothing covers the tier."""
    subjects: tuple[str, ...] = ()
    """URNs of the primary resources the tier covers."""


@dataclass(frozen=True)
class Target:
    rpo_seconds: float
    rto_seconds: float


Recognizer = Callable[[Sequence[Subject]], Iterator[tuple[str, Implied]]]
"""Yields (tier, implied) for every tier it sees resources of; the best per tier wins."""


def format_seconds(seconds: float | None) -> str:
    """`1 s`, `15 min`, `4 h`, `1.5 d`; None (no bound) as `unbounded`."""
    if seconds is None:
        return "unbounded"
    for unit, size in (("d", 86400), ("h", HOUR), ("min", 60)):
        if seconds >= size:
            value = seconds / size
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{seconds:g} s"


def in_dr(subject: Subject) -> bool:
    return scope_of(subject) == "dr"


def _figures(m: Mechanism, rpo: float | None = None) -> tuple[float | None, float | None]:
    return (rpo if rpo is not None else m.rpo_seconds), m.rto_seconds


def implied(
    mechanism: str, subjects: tuple[str, ...] = (), rpo_seconds: float | None = None
) -> Implied:
    rpo, rto = _figures(MECHANISMS[mechanism], rpo_seconds)
    return Implied(rpo, rto, mechanism, subjects)


# -- AWS recognizers --------------------------------------------------------------------------

CLUSTER = "aws:rds/cluster:Cluster"
CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
DB_INSTANCE = "aws:rds/instance:Instance"
BACKUP_PLAN = "aws:backup/plan:Plan"
BACKUP_SELECTION = "aws:backup/selection:Selection"


def schedule_interval_seconds(schedule: Any) -> float | None:
    """Seconds between runs of an AWS cron schedule `cron(min hour dom month dow year)`: hourly
    for `*` hours, every n hours for `*/n`, else a day over the number of listed hours."""
    if not isinstance(schedule, str):
        return None
    match = re.fullmatch(r"cron\((.+)\)", schedule.strip())
    fields = match.group(1).split() if match else []
    if len(fields) != 6:
        return None
    hours = fields[1]
    if hours == "*":
        return HOUR
    if hours.startswith("*/") and hours[2:].isdigit():
        return int(hours[2:]) * HOUR
    listed = [h for h in re.split(r"[,]", hours) if h]
    if all(h.isdigit() for h in listed):
        return 24 * HOUR / len(listed)
    return None


def region_of_arn(arn: Any) -> str | None:
    parts = arn.split(":") if isinstance(arn, str) and not is_unknown(arn) else []
    return parts[3] if len(parts) > 3 else None


def backup_copy_rpo(subjects: Sequence[Subject], target: Subject) -> float | None:
    """RPO of the cross-region backup copies of `target` (None: no copies): the shortest interval
    of a plan rule with a copy action to another region, of a plan whose selection picks
    `target` by tag."""
    tags = get(target.props, "tags") or {}
    best: float | None = None
    for plan in subjects:
        if plan.type != BACKUP_PLAN:
            continue
        selected = any(
            s.type == BACKUP_SELECTION and linked(s, "planId", plan) and _selects(s, tags)
            for s in subjects
        )
        if not selected:
            continue
        for rule in as_list(get(plan.props, "rules"), "rules"):
            copies = get(rule, "copyActions") or []
            remote = [c for c in copies
                      if region_of_arn(get(c, "destinationVaultArn")) not in (None, plan.region)]  # fmt: skip
            unknown_region = [
                c for c in copies if region_of_arn(get(c, "destinationVaultArn")) is None
            ]
            if not remote and not unknown_region:
                continue
            interval = schedule_interval_seconds(get(rule, "schedule"))
            if interval is not None and (best is None or interval < best):
                best = interval
    return best


def _selects(selection: Subject, tags: Mapping[str, Any]) -> bool:
    for cond in get(selection.props, "selectionTags") or []:
        if tags.get(get(cond, "key")) == get(cond, "value"):
            return True
    return False


def _aws_database(subjects: Sequence[Subject]) -> Iterator[tuple[str, Implied]]:
    primaries = [s for s in subjects if not in_dr(s) and (
        s.type == CLUSTER or (s.type == DB_INSTANCE and not get(s.props, "replicateSourceDb")))]  # fmt: skip
    for db in primaries:
        yield "database", database_posture(subjects, db)


def database_posture(subjects: Sequence[Subject], db: Subject) -> Implied:
    """The best recovery the stack has for one primary database."""
    if db.type == ALI_RDS:
        return _ali_rds_posture(subjects, db)
    urns = (db.urn,)
    if db.type == CLUSTER:
        global_id = get(db.props, "globalClusterIdentifier")
        globals_ = [g for g in subjects if g.type == "aws:rds/globalCluster:GlobalCluster"
                    and (linked(g, "sourceDbClusterIdentifier", db)
                         or (global_id and linked(db, "globalClusterIdentifier", g)))]  # fmt: skip
        secondaries = [s for s in subjects if s.type == CLUSTER and in_dr(s)
                       and any(linked(s, "globalClusterIdentifier", g) for g in globals_)]  # fmt: skip
        if secondaries:
            warm = any(i.type == CLUSTER_INSTANCE and linked(i, "clusterIdentifier", s)
                       for s in secondaries for i in subjects)  # fmt: skip
            return implied("aurora-global-warm" if warm else "aurora-global-headless", urns)
    else:
        replicas = [r for r in subjects if r.type == DB_INSTANCE and in_dr(r)
                    and linked(r, "replicateSourceDb", db)]  # fmt: skip
        if replicas:
            return implied("rds-cross-region-replica", urns)
    rpo = backup_copy_rpo(subjects, db)
    if rpo is not None:
        return implied("backup-copies", urns, rpo)
    return Implied(None, None, "none", urns)


def _replication_rules(subjects: Sequence[Subject], bucket: Subject) -> list[Any]:
    return [rule for r in subjects if r.type in REPLICATION and linked(r, "bucket", bucket)
            for rule in as_list(get(r.props, "rules"), "rules")
            if get(rule, "status") == "Enabled"]  # fmt: skip


def is_critical(bucket: Subject) -> bool:
    tags = get(bucket.props, "tags") or {}
    return str(tags.get(CRITICAL_TAG, "")).lower() == "true"


def _aws_objects(subjects: Sequence[Subject]) -> Iterator[tuple[str, Implied]]:
    for bucket in subjects:
        if bucket.type in BUCKETS and not in_dr(bucket) and is_critical(bucket):
            yield "objects", bucket_posture(subjects, bucket)


def bucket_posture(subjects: Sequence[Subject], bucket: Subject) -> Implied:
    if bucket.type == OSS:
        return _ali_oss_posture(subjects, bucket)
    rules = _replication_rules(subjects, bucket)
    urns = (bucket.urn,)
    if rules:
        rtc = all(get(r, "destination.replicationTime.status") == "Enabled" for r in rules)
        return implied("s3-replication-rtc" if rtc else "s3-replication", urns)
    rpo = backup_copy_rpo(subjects, bucket)
    if rpo is not None:
        return implied("backup-copies", urns, rpo)
    return Implied(None, None, "none", urns)


CACHE_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
GLOBAL_DATASTORE = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"


def _aws_cache(subjects: Sequence[Subject]) -> Iterator[tuple[str, Implied]]:
    groups = [s for s in subjects if s.type == CACHE_GROUP and not in_dr(s)
              and not get(s.props, "globalReplicationGroupId")]  # fmt: skip
    for group in groups:
        yield "cache", cache_posture(subjects, group)


def cache_posture(subjects: Sequence[Subject], group: Subject) -> Implied:
    """A Global Datastore counts once it has a secondary group in the DR region."""
    datastores = [g for g in subjects
                  if g.type == GLOBAL_DATASTORE and linked(g, "primaryReplicationGroupId", group)]  # fmt: skip
    secondaries = [s for s in subjects if s.type == CACHE_GROUP and in_dr(s)
                   and any(linked(s, "globalReplicationGroupId", g) for g in datastores)]  # fmt: skip
    mechanism = "elasticache-global-datastore" if secondaries else "cache-rebuild"
    return implied(mechanism, (group.urn,))


# -- Alibaba Cloud recognizers -----------------------------------------------------------------

ALI_RDS = "alicloud:rds/instance:Instance"
ALI_RDS_BACKUP = "alicloud:rds/backupPolicy:BackupPolicy"
ALI_CROSS_BACKUP = "alicloud:rds/rdsInstanceCrossBackupPolicy:RdsInstanceCrossBackupPolicy"
OSS = "alicloud:oss/bucket:Bucket"
OSS_REPLICATION = "alicloud:oss/bucketReplication:BucketReplication"
KVSTORE = "alicloud:kvstore/instance:Instance"
ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
ALI_VPC = "alicloud:vpc/network:Network"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekly_gap_seconds(days: Any) -> float | None:
    """The longest wait between two backups of a weekly schedule (`["Monday", ...]`)."""
    listed = sorted({WEEKDAYS.index(d) for d in days or [] if d in WEEKDAYS})
    if not listed:
        return None
    gaps = [(b - a) % 7 or 7 for a, b in zip(listed, [*listed[1:], listed[0]], strict=True)]
    return max(gaps) * 24 * HOUR


def _ali_rds_posture(subjects: Sequence[Subject], db: Subject) -> Implied:
    urns = (db.urn,)
    copies = [c for c in subjects if c.type == ALI_CROSS_BACKUP and linked(c, "instanceId", db)
              and get(c.props, "crossBackupRegion") not in (None, db.region)]  # fmt: skip
    if not copies:
        return Implied(None, None, "none", urns)
    if any(get(c.props, "logBackupEnabled") in ("Enable", "1") for c in copies):
        return implied("rds-cross-region-log-backup", urns)
    periods = [get(p.props, "preferredBackupPeriods") for p in subjects
               if p.type == ALI_RDS_BACKUP and linked(p, "instanceId", db)]  # fmt: skip
    gaps = [g for g in map(weekly_gap_seconds, periods) if g is not None]
    # No backup policy of ours: RDS's default is a backup every other day or so; unbounded.
    return implied("rds-cross-region-backup", urns, min(gaps) if gaps else None)


def _ali_oss_posture(subjects: Sequence[Subject], bucket: Subject) -> Implied:
    urns = (bucket.urn,)
    rules = [r for r in subjects if r.type == OSS_REPLICATION and linked(r, "bucket", bucket)
             and get(r.props, "destination.location") != f"oss-{bucket.region}"]  # fmt: skip
    if not rules:
        return Implied(None, None, "none", urns)
    rtc = all(get(r.props, "rtc.enabled") is True for r in rules)
    return implied("oss-replication-rtc" if rtc else "oss-replication", urns)


def _alicloud_database(subjects: Sequence[Subject]) -> Iterator[tuple[str, Implied]]:
    for db in subjects:
        if db.type == ALI_RDS and not in_dr(db):
            yield "database", _ali_rds_posture(subjects, db)


def _alicloud_objects(subjects: Sequence[Subject]) -> Iterator[tuple[str, Implied]]:
    for bucket in subjects:
        if bucket.type == OSS and not in_dr(bucket) and is_critical(bucket):
            yield "objects", _ali_oss_posture(subjects, bucket)


def _alicloud_cache(subjects: Sequence[Subject]) -> Iterator[tuple[str, Implied]]:
    for cache in subjects:
        if cache.type == KVSTORE and not in_dr(cache):
            yield "cache", implied("cache-rebuild", (cache.urn,))


def _compute(cluster_type: str, vpc_type: str) -> Recognizer:
    """A cloud's compute tier: a cluster in the DR region (warm), a DR network to build one in
    (cold path), or nothing."""

    def recognize(subjects: Sequence[Subject]) -> Iterator[tuple[str, Implied]]:
        clusters = [s for s in subjects if s.type == cluster_type]
        primary = tuple(c.urn for c in clusters if not in_dr(c))
        if not primary:
            return
        if any(in_dr(c) for c in clusters):
            yield "compute", implied("compute-warm-standby", primary)
        elif any(s.type == vpc_type and in_dr(s) for s in subjects):
            yield "compute", implied("compute-cold-path", primary)
        else:
            yield "compute", Implied(None, None, "none", primary)

    return recognize


RECOGNIZERS: list[Recognizer] = [
    _aws_database, _aws_objects, _aws_cache, _compute("aws:eks/cluster:Cluster", "aws:ec2/vpc:Vpc"),
    _alicloud_database, _alicloud_objects, _alicloud_cache, _compute(ACK, ALI_VPC),
]  # fmt: skip
"""Per cloud: each recognizes its own resource types."""


def _worse(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else max(a, b)


def posture(subjects: Sequence[Subject]) -> dict[str, Implied]:
    """Per tier built in the stack, the implied posture: the *weakest* resource of the tier (a
    tier recovers only when all of its state does)."""
    found: dict[str, Implied] = {}
    for recognize in RECOGNIZERS:
        for tier, seen in recognize(subjects):
            prev = found.get(tier)
            if prev is None:
                found[tier] = seen
                continue
            weaker = seen if _rank(seen) > _rank(prev) else prev
            found[tier] = Implied(
                _worse(prev.rpo_seconds, seen.rpo_seconds),
                _worse(prev.rto_seconds, seen.rto_seconds),
                weaker.mechanism,
                prev.subjects + seen.subjects,
            )
    return found


def _rank(i: Implied) -> tuple[float, float]:
    inf = float("inf")
    return (inf if i.rpo_seconds is None else i.rpo_seconds,
            inf if i.rto_seconds is None else i.rto_seconds)  # fmt: skip


def declared_targets(subjects: Sequence[Subject]) -> dict[str, Target] | None:
    """The objectives the stack declares (None: it declares none)."""
    found = [s for s in subjects if s.type == OBJECTIVES_TYPE]
    if not found:
        return None
    targets: dict[str, Target] = {}
    for tier, value in (get(found[0].props, "targets") or {}).items():
        if isinstance(value, Mapping) and truthy(value.get("rpoSeconds") is not None):
            targets[tier] = Target(float(value["rpoSeconds"]), float(value["rtoSeconds"]))
    return targets


def misses(target: Target, seen: Implied) -> list[str]:
    """What of `target` the implied posture misses (empty: met)."""
    out = []
    if seen.rpo_seconds is None or seen.rpo_seconds > target.rpo_seconds:
        out.append("RPO")
    if seen.rto_seconds is None or seen.rto_seconds > target.rto_seconds:
        out.append("RTO")
    return out
