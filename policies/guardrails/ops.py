"""Operations rules gated by config: disaster-recovery copies and alarms on stateful resources."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, Subject, as_list, get, need
from .joins import linked
from .storage import BUCKETS, REPLICATION

ALARMED = (
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:eks/cluster:Cluster",
)
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


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
        if s.type in BUCKETS and not any(
            r.type in REPLICATION and linked(r, "bucket", s) for r in subjects
        ):
            yield Finding(f"bucket '{s.name}' is not replicated to the DR region", s.urn)
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
    alarms = [a for a in subjects if a.type == ALARM and get(a.props, "alarmActions")]
    for s in subjects:
        if s.type not in ALARMED:
            continue
        if not any(linked(a, "dimensions", s) or s.urn in a.dependencies for a in alarms):
            yield Finding(f"'{s.name}' has no metric alarm with alarmActions", s.urn)


def _alarm_actions(alarm: Subject, params: Mapping[str, Any]) -> Iterator[str]:
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
        description="Every metric alarm acts: actions enabled, alarmActions set, and okActions wherever alarmActions notify a topic.",
        remediation="Point alarmActions and okActions at the severity's alert topic (groundwork:alerting).",
        types=(ALARM,),
        resource_check=_alarm_actions,
        anchors="CKV_AWS_319",
    ),
    Rule(
        id="dr-cross-region",
        group="availability",
        severity="high",
        description="When enabled: buckets replicate to the DR region; Aurora has a global secondary or cross-region backup copies.",
        remediation="Add bucket replication and an Aurora global cluster or AWS Backup copy action to the DR region.",
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
        remediation="Create CloudWatch alarms (CPU, storage, replication lag) wired to the on-call SNS topic.",
        types=ALARMED,
        stack_check=_alarms,
        params={"enabled": True},
        anchors="CKV_AWS_319",
    ),
]
