"""Alerting (issue #12): one config section feeds the SNS topics and Alertmanager; components emit
their own alarms on the severity's topic; prod refuses to run without it."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from components.monitoring import alertmanager_config
from components.monitoring.aws import PAGERDUTY_CLOUDWATCH_URL, AlertTopics
from components.monitoring.aws_spec import AlertTopicsArgs
from infra import ConfigError, parse_config
from infra.build import build
from infra.config import load_config
from infra.sections.alerting import Alerting
from planner.policy_report import policy_section
from planner.recorder import RecordingMonitor
from planner.report import PlanContext
from tests.conftest import PROJECT_DIR, built, raw_stack_config, run_mocked

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"
TOPIC = "aws:sns/topic:Topic"


def alerting(**changes: Any) -> dict[str, Any]:
    section: dict[str, Any] = {
        "severities": {
            "P0": {"pages": True, "sms": ["+4915112345678"], "webhooks": ["ops"]},
            "P1": {"pages": True},
            "P2": {"emails": ["team@acme.example"], "webhooks": ["chat"]},
            "P3": {"emails": ["team@acme.example"]},
        },
        "webhooks": {
            "ops": {"kind": "https", "url": "https://hooks.acme.example/ops"},
            "chat": {"kind": "slack", "url": "https://hooks.slack.com/services/T/B/x"},
        },
        "pagerdutyKey": "pd-key-1",
    }
    section.update(changes)
    return section


def prod_with(**overrides: Any) -> dict[str, Any]:
    return {**raw_stack_config("prod"), **overrides}


def topics_and_alertmanager(section: dict[str, Any]) -> tuple[RecordingMonitor, dict[str, Any]]:
    cfg = parse_config(prod_with(alerting=section))
    routing = cfg.alerting.routing()

    def program() -> None:
        provider = aws.Provider("aws-test", region="eu-west-1")
        opts = pulumi.ResourceOptions(provider=provider)
        AlertTopics("alerts", AlertTopicsArgs(routing=routing), opts=opts)

    monitor = run_mocked(program)
    return monitor, alertmanager_config(routing)


def endpoints(monitor: RecordingMonitor) -> dict[str, str]:
    return {r.name: r.inputs["endpoint"] for r in monitor.by_type(SUBSCRIPTION)}


def test_one_channel_change_changes_sns_and_alertmanager() -> None:
    before_sns, before_am = topics_and_alertmanager(alerting())
    changed = alerting(
        webhooks={**alerting()["webhooks"],
                  "ops": {"kind": "https", "url": "https://hooks.acme.example/new"}},
        pagerdutyKey="pd-key-2",
    )  # fmt: skip
    after_sns, after_am = topics_and_alertmanager(changed)

    assert endpoints(before_sns)["alerts-p0-webhook-ops"] == "https://hooks.acme.example/ops"
    assert endpoints(after_sns)["alerts-p0-webhook-ops"] == "https://hooks.acme.example/new"
    assert endpoints(after_sns)["alerts-p1-pagerduty"] == PAGERDUTY_CLOUDWATCH_URL.format(
        key="pd-key-2"
    )

    def receiver(am: dict[str, Any], name: str) -> dict[str, Any]:
        return next(r for r in am["receivers"] if r["name"] == name)

    assert receiver(before_am, "P0")["webhook_configs"][0]["url"].endswith("/ops")
    assert receiver(after_am, "P0")["webhook_configs"][0]["url"].endswith("/new")
    assert receiver(after_am, "P1")["pagerduty_configs"][0]["routing_key"] == "pd-key-2"
    # Everything else stayed as it was.
    assert receiver(before_am, "P2") == receiver(after_am, "P2")


def test_topics_are_encrypted_and_subscriptions_follow_the_channels() -> None:
    monitor, _ = topics_and_alertmanager(alerting())
    topics = monitor.by_type(TOPIC)
    assert sorted(t.name for t in topics) == ["alerts-p0", "alerts-p1", "alerts-p2", "alerts-p3"]
    assert all(t.inputs.get("kmsMasterKeyId") for t in topics)
    protocols = {r.name: r.inputs["protocol"] for r in monitor.by_type(SUBSCRIPTION)}
    assert protocols == {
        "alerts-p0-sms-4915112345678": "sms",
        "alerts-p0-webhook-ops": "https",
        "alerts-p0-pagerduty": "https",
        "alerts-p1-pagerduty": "https",
        "alerts-p2-email-team-acme-example": "email",
        "alerts-p3-email-team-acme-example": "email",
    }  # the Slack webhook cannot confirm an SNS subscription: Alertmanager only
    secret = {r.name for r in monitor.by_type(SUBSCRIPTION) if "endpoint" in r.secret_paths}
    assert secret == {"alerts-p0-webhook-ops", "alerts-p0-pagerduty", "alerts-p1-pagerduty"}


def test_alertmanager_routes_by_severity_and_p0_inhibits_p2() -> None:
    _, am = topics_and_alertmanager(alerting())
    routes = {r["receiver"]: r["matchers"] for r in am["route"]["routes"]}
    assert routes["P0"] == ['severity="P0"'] and routes["P3"] == ['severity="P3"']
    p0_inhibits = next(i for i in am["inhibit_rules"] if i["source_matchers"] == ['severity="P0"'])
    assert p0_inhibits["target_matchers"] == ['severity=~"P2|P3"']
    slack = next(r for r in am["receivers"] if r["name"] == "P2")["slack_configs"]
    assert slack[0]["api_url"] == "https://hooks.slack.com/services/T/B/x"


def test_prod_without_alerting_is_refused_naming_the_key() -> None:
    raw = raw_stack_config("prod")
    raw.pop("alerting")
    with pytest.raises(ConfigError) as err:
        parse_config(raw)
    assert any(p.startswith("groundwork:alerting.severities: required") for p in err.value.problems)


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        (alerting(alarms={"postgres.nope": {"threshold": 1}}),
         "groundwork:alerting.alarms.postgres.nope: no such alarm"),
        (alerting(pagerdutyKey=None), "groundwork:alerting.severities.P0.pages: paging needs"),
        (alerting(severities={"P0": {"emails": ["a@b.example"]}}),
         "groundwork:alerting.severities.P1: required"),
        (alerting(webhooks={}), "groundwork:alerting.severities.P0.webhooks: 'ops' is not"),
        (alerting(alarms={"postgres.memory": {"threshold": 70}}),  # Alibaba Cloud's key
         "groundwork:alerting.alarms.postgres.memory: no such alarm on cloud aws"),
        (alerting(alarms={"postgres.connections": {"threshold": -1}}),
         "groundwork:alerting.alarms.postgres.connections.threshold: Input should be greater"),
        (alerting(alarms={"redis.engine-cpu": {"threshold": 150}}),
         "groundwork:alerting.alarms.redis.engine-cpu.threshold: a percentage: at most 100"),
        (alerting(alarmSeverities=["P0", "P1", "P0"]),
         "groundwork:alerting.alarmSeverities: listed twice: P0"),
        (alerting(severities={**alerting()["severities"], "P3": {"emails": ["a@b.example"] * 2}}),
         "groundwork:alerting.severities.P3.emails: listed twice: a@b.example"),
    ],
)  # fmt: skip
def test_bad_alerting_is_refused_naming_the_key(section: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(prod_with(alerting=section))
    assert any(p.startswith(problem) for p in err.value.problems), err.value.problems


def prod_cn_alarms(alarms: dict[str, Any]) -> dict[str, Any]:
    raw = raw_stack_config("prod-cn")
    return {**raw, "alerting": {**raw["alerting"], "alarms": alarms}}


def test_alarm_overrides_are_checked_against_the_stacks_own_cloud() -> None:
    # An AWS-only alarm on Alibaba Cloud would silently do nothing; Alibaba's own keys are valid.
    with pytest.raises(ConfigError) as err:
        parse_config(prod_cn_alarms({"backup.failed-jobs": {"threshold": 1},
                                     "postgres.cpu": {"threshold": 500}}))  # fmt: skip
    assert err.value.problems[:2] == [
        "groundwork:alerting.alarms.backup.failed-jobs: no such alarm on cloud alicloud; allowed: "
        "postgres.cpu, postgres.memory, postgres.free-storage, postgres.connections, redis.cpu, "
        "redis.memory, redis.connections, relay.delivery-failed",
        "groundwork:alerting.alarms.postgres.cpu.threshold: a percentage: at most 100, got 500",
    ]
    tuned = parse_config(prod_cn_alarms({"postgres.memory": {"threshold": 70}}))
    assert tuned.alerting.alarms["postgres.memory"].threshold == 70


def test_prod_cannot_drop_every_alarm_of_a_stateful_capability() -> None:
    # Planned, then blocked by obs-alarms-for-stateful (exit 1): the config refuses it first.
    raw = raw_stack_config("prod-cn")
    with pytest.raises(ConfigError) as err:
        parse_config({**raw, "alerting": {**raw["alerting"], "alarmSeverities": ["P0"]}})
    assert err.value.problems == [
        "groundwork:alerting.alarmSeverities: redis keeps no alarm (its alarms: cpu P2, memory P1, "
        "connections P2); every database, cache and cluster needs one here (policy "
        "obs-alarms-for-stateful): add their severity or override one alarm's severity "
        "(alerting.alarms.redis.<alarm>.severity)"
    ]
    kept = {"redis.memory": {"severity": "P0"}}
    assert parse_config({**raw, "alerting": {**raw["alerting"], "alarmSeverities": ["P0"],
                                             "alarms": kept}}).alerting.alarm_severities == ["P0"]  # fmt: skip
    off = {
        f"postgres.{key}": {"enabled": False}
        for key in ("cpu", "memory", "free-storage", "connections")
    }
    with pytest.raises(ConfigError, match=r"postgres keeps no alarm"):
        parse_config({**raw, "alerting": {**raw["alerting"], "alarms": off}})
    aws = raw_stack_config("prod")
    with pytest.raises(ConfigError) as err:
        parse_config({**aws, "alerting": {**aws["alerting"], "alarmSeverities": ["P0"]}})
    assert [p.split(" keeps")[0] for p in err.value.problems] == [
        "groundwork:alerting.alarmSeverities: redis",
        "groundwork:alerting.alarmSeverities: cluster",
    ]


def test_plain_text_webhook_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    config = {f"groundwork:{k}": json.dumps(v) if not isinstance(v, str) else v
              for k, v in prod_with(alerting=alerting()).items()}  # fmt: skip
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", "[]")
    with pytest.raises(pulumi.RunError, match="groundwork:alerting: holds webhook URLs"):
        load_config()
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(["groundwork:alerting"]))
    # Marking secret inputs needs a running stack; this test is about the refusal only.
    monkeypatch.setattr("infra.secret_inputs.mark_secret_inputs", lambda secrets: None)
    assert load_config().alerting.pagerduty_key is not None


def test_every_prod_alarm_notifies_its_severity_topic_on_alarm_and_ok() -> None:
    monitor = built("prod")
    topic_urn = {r.urn: r.name.rsplit("-", 1)[1].upper() for r in monitor.by_type(TOPIC)}
    alarms = monitor.by_type(ALARM)
    assert len(alarms) > 20
    for alarm in alarms:
        severity = alarm.inputs["tags"]["severity"]
        deps = alarm.property_dependencies
        assert [topic_urn[u] for u in deps["alarmActions"]] == [severity], alarm.name
        assert deps["okActions"] == deps["alarmActions"], alarm.name
        assert alarm.inputs["alarmDescription"].startswith(f"[{severity}]")


def test_components_emit_their_alarms_in_prod() -> None:
    names = {r.name for r in built("prod").by_type(ALARM)}
    for expected in (
        "acme-prod-postgres-free-storage", "acme-prod-postgres-replica-lag",
        "acme-prod-cache-memory-001", "acme-prod-cache-replication-lag-002",
        "acme-prod-eks-pending-pods", "acme-prod-backup-failed-jobs",
        "acme-prod-nat-port-allocation-eu-west-1c",
    ):  # fmt: skip
        assert expected in names


def test_dev_keeps_only_the_p0_alarms() -> None:
    alarms = built("dev").by_type(ALARM)
    emitted = [a for a in alarms if "severity" in a.inputs["tags"]]
    assert emitted and {a.inputs["tags"]["severity"] for a in emitted} == {"P0"}
    # The rest are the NAT instance's own EC2 recover/reboot alarms (issue 14), not alerts.
    others = [a for a in alarms if a not in emitted]
    assert all(":ec2:" in str(a.inputs["alarmActions"]) for a in others)


def test_prod_plan_without_alerting_is_blocked_by_the_alarm_rule() -> None:
    # What config refuses first (test above), the policy would still block.
    cfg = parse_config(raw_stack_config("prod")).model_copy(update={"alerting": Alerting()})
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    assert monitor.by_type(ALARM) == []
    section = policy_section(PlanContext("groundwork", "prod", PROJECT_DIR, monitor, cfg))
    blocked = [b for b in section.blocking if "obs-alarms-for-stateful" in b]
    assert any("acme-prod-postgres-cluster" in b for b in blocked)
    assert any("acme-prod-cache-group" in b for b in blocked)
