"""Operations rules gated by config: disaster-recovery copies and alarms on stateful resources."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, Subject, as_list, get, need
from .joins import linked
from .storage import BUCKETS, REPLICATION

ALI_RDS = "alicloud:rds/instance:Instance"
ALI_KV = "alicloud:kvstore/instance:Instance"
ALARMED = (
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:eks/cluster:Cluster",
    ALI_RDS,
    ALI_KV,
)
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
CMS_ALARM = "alicloud:cms/alarm:Alarm"
OSS = "alicloud:oss/bucket:Bucket"
OSS_REPLICATION = "alicloud:oss/bucketReplication:BucketReplication"
RDS_CROSS_BACKUP = "alicloud:rds/rdsInstanceCrossBackupPolicy:RdsInstanceCrossBackupPolicy"


def _cross_region_backup(subjects: Sequence[Subject]) -> bool:
    for plan in subjects:
        if plan.type == "aws:backup/plan:Plan":
            for rule in as_list(get(plan.props, "rules"), "rules"):
                if get(rule, "copyActions"):
                    return True
    return False


def _dr_cross_region(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    if not params["enabled"]:
        return
    backup_copies = _cross_region_backup(subjects)
    for s in subjects:
        if s.type in (*BUCKETS, OSS) and not any(
            r.type in (*REPLICATION, OSS_REPLICATION) and linked(r, "bucket", s) for r in subjects
        ):
            yield Finding(f"bucket '{s.name}' is not replicated to the DR region", s.urn)
        elif s.type == ALI_RDS and not any(
            b.type == RDS_CROSS_BACKUP and linked(b, "instanceId", s) for b in subjects
        ):
            yield Finding(f"RDS instance '{s.name}' has no cross-region backup policy", s.urn)
        elif (
            s.type == "aws:rds/cluster:Cluster"
            and not get(s.props, "globalClusterIdentifier")
            and not backup_copies
        ):
            yield Finding(
                f"Aurora cluster '{s.name}' has neither a global secondary nor cross-region backup copies",
                s.urn,
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
        if s.type not in ALARMED:
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
        description="When enabled: buckets (S3, OSS) replicate to the DR region; Aurora has a global secondary or cross-region backup copies; Alibaba RDS has a cross-region backup policy.",
        remediation="Add bucket replication and an Aurora global cluster or AWS Backup copy action to the DR region (Alibaba: oss.BucketReplication, rds.RdsInstanceCrossBackupPolicy).",
        types=(*BUCKETS, "aws:rds/cluster:Cluster"),
        stack_check=_dr_cross_region,
        params={"enabled": False},
        anchors="CKV_AWS_144, PBP s3-bucket-replication",
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
