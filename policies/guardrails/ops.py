"""Operations rules gated by config: disaster-recovery copies and alarms on stateful resources."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, Subject, as_list, get, is_dr_replica, need
from .dr_posture import (
    ACK,
    ALI_RDS,
    BACKUP_PLAN,
    BUCKETS,
    CLUSTER,
    CRITICAL_TAG,
    DB_INSTANCE,
    OBJECTIVES_TYPE,
    OSS,
    POLARDB,
    bucket_posture,
    database_posture,
    declared_targets,
    format_seconds,
    in_dr,
    is_critical,
    misses,
    posture,
    region_of_arn,
)
from .joins import linked

ALI_KV = "alicloud:kvstore/instance:Instance"
ALARMED = (
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:eks/cluster:Cluster",
    ALI_RDS,
    POLARDB,
    ALI_KV,
)
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
CMS_ALARM = "alicloud:cms/alarm:Alarm"


def _dr_cross_region(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    """Every primary database and every critical bucket has a copy in another region (any such
    resource of the stack, not only ours), on either cloud."""
    if not params["enabled"]:
        return
    for s in subjects:
        if in_dr(s):
            continue
        if s.type in (*BUCKETS, OSS) and is_critical(s):
            if bucket_posture(subjects, s).mechanism == "none":
                yield Finding(
                    f"critical bucket '{s.name}' (tag {CRITICAL_TAG}=true) is neither replicated "
                    "nor copied to the DR region",
                    s.urn,
                )
        elif (
            s.type in (CLUSTER, DB_INSTANCE, ALI_RDS, POLARDB)
            and not get(s.props, "replicateSourceDb")
            and database_posture(subjects, s).mechanism == "none"
        ):
            yield Finding(
                f"database '{s.name}' has no global secondary, cross-region replica or "
                "cross-region backup copies (Alibaba RDS: a cross-region backup policy)",
                s.urn,
            )


def _backup_copies(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    """Every backup plan of the primary region copies its recovery points to another region."""
    if not params["enabled"]:
        return
    for plan in subjects:
        if plan.type != BACKUP_PLAN or in_dr(plan):
            continue
        for rule in as_list(get(plan.props, "rules"), "rules"):
            regions = {region_of_arn(get(c, "destinationVaultArn"))
                       for c in get(rule, "copyActions") or []}  # fmt: skip
            if not regions - {plan.region}:
                yield Finding(
                    f"backup plan '{plan.name}' rule '{get(rule, 'ruleName')}' has no copy "
                    "action to a vault in another region",
                    plan.urn,
                )


def _objectives_met(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    if not params["enabled"]:
        return
    targets, seen = declared_targets(subjects), posture(subjects)
    if targets is None and seen:  # tiers the model knows, and no objectives for them
        yield Finding(
            "the stack declares no recovery objectives (groundwork:dr is off or missing), so "
            "nothing shows the DR region meets the RPO/RTO the environment promises"
        )
        return
    for tier, implied in seen.items():
        target = (targets or {}).get(tier)
        missed = misses(target, implied) if target else []
        if missed:
            yield Finding(
                f"tier {tier}: implied RPO {format_seconds(implied.rpo_seconds)} / RTO "
                f"{format_seconds(implied.rto_seconds)} ({implied.mechanism}) misses the target RPO "
                f"{format_seconds(target.rpo_seconds)} / RTO "  # type: ignore[union-attr]
                f"{format_seconds(target.rto_seconds)} ({' and '.join(missed)})",  # type: ignore[union-attr]
                implied.subjects[0] if implied.subjects else None,
            )


def _alarms(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    if not params["enabled"]:
        return
    alarms = [
        a
        for a in subjects
        if (a.type == ALARM and get(a.props, "alarmActions"))
        or (a.type == CMS_ALARM and get(a.props, "contactGroups"))
    ]
    for s in subjects:
        # A DR replica (the global database's secondary) serves nothing until a failover. An
        # alarm on its replication lag needs a topic in the DR region: not built yet (docs/dr.md).
        if s.type not in ALARMED or is_dr_replica(s):
            continue
        if not any(linked(a, "dimensions", s) or s.urn in a.dependencies for a in alarms):
            yield Finding(f"'{s.name}' has no metric alarm with alarmActions", s.urn)


def _alarm_actions(alarm: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if alarm.type == CMS_ALARM:
        if need(alarm.props, "enabled", True) is False:
            yield "enabled is false: the alarm rule tells nobody"
        if not as_list(need(alarm.props, "contactGroups"), "contactGroups"):
            yield "no contactGroups: nobody hears when it fires"
        return
    if need(alarm.props, "actionsEnabled", True) is False:
        yield "actionsEnabled is false: the alarm tells nobody"
    actions = as_list(need(alarm.props, "alarmActions"), "alarmActions")
    if not actions:
        yield "no alarmActions: nobody hears when it fires"
    # Whoever is notified that it fired is told that it recovered; automation actions (EC2
    # recover/reboot) need no OK action.
    notifies = any(not isinstance(a, str) or ":sns:" in a for a in actions)
    if notifies and not as_list(need(alarm.props, "okActions"), "okActions"):
        yield "no okActions: nobody hears when it recovers"


RULES = [
    Rule(
        id="obs-alarm-actions",
        group="availability",
        severity="medium",
        description="Every metric alarm acts: actions enabled, alarmActions set, and okActions wherever alarmActions notify a topic; CloudMonitor alarm rules are enabled and notify contact groups.",
        remediation="Point alarmActions and okActions at the severity's alert topic (groundwork:alerting); on Alibaba Cloud, the severity's contact group.",
        types=(ALARM, CMS_ALARM),
        resource_check=_alarm_actions,
        anchors="CKV_AWS_319",
    ),
    Rule(
        id="dr-cross-region",
        group="availability",
        severity="high",
        description="When enabled: every primary database has an Aurora global secondary, a cross-region replica or cross-region backup copies (Alibaba RDS: a cross-region backup policy to another region); every bucket (S3, OSS) tagged dr-critical=true is replicated (or copied) to another region.",
        remediation="Set groundwork:dr (postgres: headless or warm, criticalBuckets) or add S3 replication / an AWS Backup copy action to the DR region (Alibaba: oss.BucketReplication, rds.RdsInstanceCrossBackupPolicy).",
        types=(*BUCKETS, OSS, CLUSTER, DB_INSTANCE, ALI_RDS, POLARDB),
        stack_check=_dr_cross_region,
        params={"enabled": False},
        anchors="CKV_AWS_144, PBP s3-bucket-replication",
    ),
    Rule(
        id="dr-backup-copies",
        group="availability",
        severity="high",
        description="When enabled: every rule of every backup plan copies its recovery points to a vault in another region (off-site copies).",
        remediation="Add a copy action to a vault in the DR region (groundwork:dr.backupCopies).",
        types=(BACKUP_PLAN,),
        stack_check=_backup_copies,
        params={"enabled": False},
        anchors="cloudposse/terraform-aws-backup copy_action",
    ),
    Rule(
        id="dr-objectives-met",
        group="availability",
        severity="high",
        description="When enabled: the stack declares recovery objectives, and for every tier the RPO/RTO its resources imply for a region loss meets them (policies/guardrails/dr_posture.py).",
        remediation="Raise the tier's DR mechanism (dr.postgres headless/warm, replication time control, backup copies, the DR network) or, if the promise allows, relax groundwork:dr.targets.",
        types=(OBJECTIVES_TYPE, *BUCKETS, CLUSTER, DB_INSTANCE, OSS, ALI_RDS, POLARDB, ALI_KV, ACK),
        stack_check=_objectives_met,
        params={"enabled": False},
    ),
    Rule(
        id="obs-alarms-for-stateful",
        group="availability",
        severity="medium",
        description="When enabled: every database, cache and cluster has at least one metric alarm with alarmActions.",
        remediation="Create CloudWatch alarms (CPU, storage, replication lag) wired to the on-call SNS topic (Alibaba: CloudMonitor alarm rules notifying a contact group).",
        types=ALARMED,
        stack_check=_alarms,
        params={"enabled": True},
        anchors="CKV_AWS_319",
    ),
]
