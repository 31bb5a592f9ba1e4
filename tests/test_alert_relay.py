"""The alert relay in the plan (components/monitoring/aws_relay.py): it exists iff a severity has a
Slack/DingTalk/WeCom webhook, subscribes to exactly those severities' topics, keeps the URLs in a
KMS-encrypted secret only, runs with a least-privilege role, bounded concurrency, retries and a
failure queue with an alarm, passes the policy pack, is priced; the in-cluster Alertmanager sends
those chats through the same topics instead of payloads the robots reject."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from components.monitoring import AlertRouting, SeverityChannels, Webhook, alertmanager_config
from components.monitoring.aws_relay import CODE_DIR, CODE_FILES
from infra import ConfigError, parse_config
from infra.build import build
from planner.alarm_report import routing_rows
from planner.policy_report import policy_resources, policy_section
from planner.recorder import RecordedResource, RecordingMonitor
from planner.report import PlanContext, masked
from policies.guardrails.adapters import subject_of_resource
from policies.guardrails.pricing import estimate
from tests.conftest import PROJECT_DIR, built, raw_stack_config, run_mocked
from tests.test_metrics_stack import alertmanager_config_of

SLACK = "https://hooks.slack.com/services/T0/B0/slack-secret-path"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=ding-secret-token"
DINGTALK_SIGN = "SECding-signing-secret"
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-secret-key"
HTTPS = "https://hooks.acme.example/sns-secret-path"
SECRETS = (SLACK, DINGTALK, DINGTALK_SIGN, WECOM, HTTPS)
RELAY = "groundwork:aws/monitoring:AlertRelay"
FUNCTION = "aws:lambda/function:Function"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def chat_alerting(stack: str = "prod") -> dict[str, Any]:
    """The stack's alerting section plus P0: Slack + signed DingTalk, P2: WeCom, P3: HTTPS."""
    section = raw_stack_config(stack)["alerting"]
    sev = section["severities"]
    return {
        **section,
        "webhooks": {
            "ops": {"kind": "slack", "url": SLACK},
            "cn": {"kind": "dingtalk", "url": DINGTALK, "secret": DINGTALK_SIGN},
            "wx": {"kind": "wecom", "url": WECOM},
            "hook": {"kind": "https", "url": HTTPS},
        },
        "severities": {
            **sev,
            "P0": {**sev["P0"], "webhooks": ["ops", "cn"]},
            "P2": {**sev["P2"], "webhooks": ["wx"]},
            "P3": {**sev["P3"], "webhooks": ["hook"]},
        },
    }


@cache
def chat_plan(stack: str = "prod") -> PlanContext:
    cfg = parse_config({**raw_stack_config(stack), "alerting": chat_alerting(stack)})
    monitor = run_mocked(lambda: build(cfg), stack=stack)
    return PlanContext("groundwork", stack, PROJECT_DIR, monitor, cfg)


def of(monitor: RecordingMonitor, typ: str, prefix: str = "acme-prod-alert-relay") -> list[RecordedResource]:  # fmt: skip
    return [r for r in monitor.by_type(typ) if r.name.startswith(prefix)]


def one(typ: str) -> RecordedResource:
    (found,) = of(chat_plan().monitor, typ)
    return found


TOPIC_SETS = ("acme-prod-alerts", "acme-prod-dr-alerts", "acme-prod-health-alerts")
"""Prod's alert topics: the primary region's, the DR region's, us-east-1's (health checks)."""


def topic(monitor: RecordingMonitor, severity: str, prefix: str = "acme-prod-alerts") -> RecordedResource:  # fmt: skip
    (found,) = [
        r for r in monitor.by_type("aws:sns/topic:Topic") if r.name == f"{prefix}-{severity.lower()}"
    ]  # fmt: skip
    return found


def topic_arn(monitor: RecordingMonitor, severity: str, prefix: str = "acme-prod-alerts") -> str:
    return str(topic(monitor, severity, prefix).outputs["arn"])


# -- exists iff a severity has a chat channel ------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_no_chat_webhook_no_relay(stack: str) -> None:
    assert [r.name for r in built(stack).recorded if "relay" in r.name] == []


def test_an_https_webhook_alone_needs_no_relay() -> None:
    section = raw_stack_config("prod")["alerting"]
    section = {**section, "webhooks": {"hook": {"kind": "https", "url": HTTPS}},
               "severities": {**section["severities"], "P3": {"webhooks": ["hook"]}}}  # fmt: skip
    cfg = parse_config({**raw_stack_config("prod"), "alerting": section})
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    assert monitor.by_type(RELAY) == []
    (hook,) = [s for s in monitor.by_type(SUBSCRIPTION) if s.name == "acme-prod-alerts-p3-webhook-hook"]  # fmt: skip
    assert (hook.inputs["protocol"], hook.inputs["endpoint"]) == ("https", HTTPS)


def test_the_relay_subscribes_exactly_the_topics_with_chat_channels() -> None:
    monitor = chat_plan().monitor
    (relay,) = monitor.by_type(RELAY)
    assert relay.name == "acme-prod-alert-relay"
    function = one(FUNCTION)
    subs = {s.inputs["topic"]: s for s in of(monitor, SUBSCRIPTION)}
    # Every set of topics: alarms of the DR region and of the us-east-1 health checks too.
    assert set(subs) == {
        topic_arn(monitor, sev, prefix) for sev in ("P0", "P2") for prefix in TOPIC_SETS
    }
    assert {(s.inputs["protocol"], s.inputs["endpoint"]) for s in subs.values()} == {
        ("lambda", function.outputs["arn"])
    }
    for sev in ("P0", "P2"):
        for prefix in TOPIC_SETS:  # each subscription is made in its topic's region
            assert (
                subs[topic_arn(monitor, sev, prefix)].provider
                == topic(monitor, sev, prefix).provider
            )
    permissions = of(monitor, "aws:lambda/permission:Permission")
    assert {(p.inputs["principal"], p.inputs["sourceArn"]) for p in permissions} == {
        ("sns.amazonaws.com", arn) for arn in subs
    }
    # Chat robots are never SNS subscribers themselves (they cannot confirm).
    endpoints = json.dumps([s.inputs for s in monitor.by_type(SUBSCRIPTION)])
    assert not any(url in endpoints for url in (SLACK, DINGTALK, WECOM))


# -- secrets ---------------------------------------------------------------------------------------


def test_no_webhook_url_or_signing_secret_is_in_the_plan_in_plain_text() -> None:
    ctx = chat_plan()
    leaks = [
        (r.name, s) for r in ctx.resources for s in SECRETS
        if s in json.dumps(masked(r.inputs, r.secret_paths), default=str)
    ]  # fmt: skip
    assert leaks == []
    assert not any(s in json.dumps(ctx.monitor.stack_outputs, default=str) for s in SECRETS)


def test_the_targets_live_in_a_kms_encrypted_secret_keyed_by_topic() -> None:
    monitor = chat_plan().monitor
    secret, version = (
        one("aws:secretsmanager/secret:Secret"),
        one("aws:secretsmanager/secretVersion:SecretVersion"),
    )
    (key,) = [r for r in monitor.by_type("aws:kms/key:Key") if r.name == "acme-prod-alerts-key"]
    assert secret.inputs["kmsKeyId"] == key.outputs["arn"]
    assert version.secret_paths == ["secretString"]
    p0 = {"severity": "P0", "targets": [
        {"name": "ops", "kind": "slack", "url": SLACK},
        {"name": "cn", "kind": "dingtalk", "url": DINGTALK, "secret": DINGTALK_SIGN},
    ]}  # fmt: skip
    p2 = {"severity": "P2", "targets": [{"name": "wx", "kind": "wecom", "url": WECOM}]}
    assert json.loads(version.inputs["secretString"]) == {
        "topics": {
            **{topic_arn(monitor, "P0", prefix): p0 for prefix in TOPIC_SETS},
            **{topic_arn(monitor, "P2", prefix): p2 for prefix in TOPIC_SETS},
        }
    }
    function = one(FUNCTION)
    assert function.inputs["environment"] == {
        "variables": {"RELAY_SECRET_ARN": secret.outputs["arn"]}
    }
    assert function.inputs["kmsKeyArn"] == key.outputs["arn"]


def test_the_deployed_code_is_the_tested_code() -> None:
    assets = one(FUNCTION).inputs["code"]["assets"]
    assert {p: a["text"] for p, a in assets.items()} == {
        f"relay/{f}": (CODE_DIR / f).read_text() for f in CODE_FILES
    }
    assert one(FUNCTION).inputs["handler"] == "relay.handler.lambda_handler"


# -- least privilege, bounded, retried, failures kept and alarmed -----------------------------------


def test_the_role_reads_its_secret_uses_its_key_and_writes_its_queue_and_logs_only() -> None:
    monitor = chat_plan().monitor
    policy = json.loads(one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    (key,) = [r for r in monitor.by_type("aws:kms/key:Key") if r.name == "acme-prod-alerts-key"]
    assert {s["Sid"]: (s["Action"], s["Resource"]) for s in policy["Statement"]} == {
        "ReadTheTargets": ("secretsmanager:GetSecretValue",
                           one("aws:secretsmanager/secret:Secret").outputs["arn"]),
        "UseTheAlertKey": (["kms:Decrypt", "kms:GenerateDataKey"], key.outputs["arn"]),
        "SendFailures": ("sqs:SendMessage", one("aws:sqs/queue:Queue").outputs["arn"]),
        "WriteOwnLogs": (["logs:CreateLogStream", "logs:PutLogEvents"],
                         f"{one('aws:cloudwatch/logGroup:LogGroup').outputs['arn']}:*"),
    }  # fmt: skip
    (attached,) = of(monitor, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert attached.inputs["policyArn"] == "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
    assert one(FUNCTION).inputs["tracingConfig"] == {"mode": "Active"}
    trust = json.loads(one("aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}


def test_concurrency_is_small_retries_are_bounded_and_failures_are_queued_encrypted() -> None:
    monitor = chat_plan().monitor
    function, queue = one(FUNCTION), one("aws:sqs/queue:Queue")
    assert function.inputs["reservedConcurrentExecutions"] == 2
    assert monitor.by_type("aws:lambda/functionUrl:FunctionUrl") == []
    invoke = one("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig")
    assert invoke.inputs["maximumRetryAttempts"] == 2
    assert invoke.inputs["maximumEventAgeInSeconds"] == 3600
    assert function.inputs["deadLetterConfig"] == {"targetArn": queue.outputs["arn"]}
    (key,) = [r for r in monitor.by_type("aws:kms/key:Key") if r.name == "acme-prod-alerts-key"]
    assert queue.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    (alarm,) = of(monitor, "aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarm.name == "acme-prod-alert-relay-delivery-failed"
    assert alarm.inputs["dimensions"] == {"QueueName": queue.inputs["name"]}
    assert queue.inputs["name"] == "acme-prod-alert-relay-failed"
    assert alarm.inputs["alarmActions"] == [topic_arn(monitor, "P1")]
    assert alarm.inputs["okActions"] == [topic_arn(monitor, "P1")]


def test_the_log_group_is_encrypted_with_the_application_retention_class() -> None:
    log = one("aws:cloudwatch/logGroup:LogGroup")
    function = one(FUNCTION)
    assert log.inputs["name"] == f"/aws/lambda/{function.inputs['name']}"
    assert log.inputs["retentionInDays"] == chat_plan().config.logs.retention.application
    assert log.inputs["tags"]["log-class"] == "application"
    assert function.inputs["loggingConfig"]["logGroup"] == log.inputs["name"]


def test_what_a_rename_would_lose_is_protected() -> None:
    for typ in ("aws:secretsmanager/secret:Secret", "aws:sqs/queue:Queue",
                "aws:cloudwatch/logGroup:LogGroup"):  # fmt: skip
        assert one(typ).protect, typ


def test_the_policy_pack_passes_with_the_relay() -> None:
    ctx = chat_plan()
    section = policy_section(ctx)
    assert section.blocking == []
    relay_urns = {r.urn for r in ctx.resources if "acme-prod-alert-relay" in r.name}
    assert [v for v in section.data["violations"] if v["urn"] in relay_urns] == []


def test_the_relay_is_priced_and_its_usage_listed() -> None:
    _, outputs = policy_resources(chat_plan().resources)
    result = estimate([subject_of_resource(p) for p in outputs], "eu-west-1")
    lines = [
        line for line in result.lines if line.component == "acme-prod-alert-relay (AlertRelay)"
    ]
    assert {line.type: line.status for line in lines if line.status != "priced"} == {
        FUNCTION: "usage", "aws:sqs/queue:Queue": "usage",
        "aws:cloudwatch/logGroup:LogGroup": "usage",
    }  # fmt: skip
    # One secret ($0.40) and the failure alarm ($0.10) a month.
    assert result.by_component()["acme-prod-alert-relay (AlertRelay)"] == pytest.approx(0.50)
    assert [line for line in result.lines if line.status == "unpriced"] == []


# -- the in-cluster Alertmanager goes the same way ---------------------------------------------------


def test_alertmanager_sends_chat_alerts_through_the_topic_not_to_the_robots() -> None:
    monitor = chat_plan().monitor
    config, _ = alertmanager_config_of(monitor)
    receivers = {r["name"]: r for r in config["receivers"]}
    for severity in ("P0", "P2"):
        receiver = receivers[severity]
        assert "slack_configs" not in receiver and "webhook_configs" not in receiver
        (sns,) = receiver["sns_configs"]
        assert sns["topic_arn"] == topic_arn(monitor, severity)
        assert sns["attributes"] == {
            "source": "alertmanager", "severity": severity, "status": "{{ .Status }}",
        }  # fmt: skip
    # HTTPS endpoints still get Alertmanager's own JSON directly.
    assert receivers["P3"]["webhook_configs"] == [{"url": HTTPS, "send_resolved": True}]


def test_without_topics_the_webhooks_stay_direct() -> None:
    """Alibaba Cloud (no topics, no relay): unchanged, and config refuses a severity with only
    DingTalk/WeCom there (tests/test_alerts_alicloud_mail.py)."""
    routing = AlertRouting(
        severities={"P0": SeverityChannels(webhooks=("ops", "cn"))},
        webhooks={"ops": Webhook("slack", SLACK), "cn": Webhook("dingtalk", DINGTALK)},
    )
    (receiver,) = [r for r in alertmanager_config(routing)["receivers"] if r["name"] == "P0"]
    assert receiver["slack_configs"][0]["api_url"] == SLACK
    assert receiver["webhook_configs"] == [{"url": DINGTALK, "send_resolved": True}]
    assert "sns_configs" not in receiver


def test_the_report_says_the_cluster_reaches_the_chats_on_aws() -> None:
    rows = {r["severity"]: r for r in routing_rows(chat_plan().config)}
    assert rows["P0"]["inCluster"] == [
        "email:oncall@acme.example", "sms:+4915112345678", "slack:ops", "dingtalk:cn",
    ]  # fmt: skip
    assert rows["P2"]["inCluster"] == rows["P2"]["channels"]


# -- config ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["slack", "wecom", "https"])
def test_a_signing_secret_is_dingtalk_only(kind: str) -> None:
    section = chat_alerting()
    section["webhooks"] = {
        **section["webhooks"],
        "ops": {"kind": kind, "url": SLACK, "secret": "x"},
    }
    with pytest.raises(ConfigError) as error:
        parse_config({**raw_stack_config("prod"), "alerting": section})
    (problem,) = error.value.problems
    assert problem.startswith(f"groundwork:alerting.webhooks.ops.kind: {kind} takes no signing")
    assert "allowed: remove alerting.webhooks.ops.secret, or kind: dingtalk" in problem


def test_the_failure_alarm_is_overridable_by_key() -> None:
    section = {**chat_alerting(), "alarms": {"relay.delivery-failed": {"severity": "P0"}}}
    cfg = parse_config({**raw_stack_config("prod"), "alerting": section})
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    (alarm,) = of(monitor, "aws:cloudwatch/metricAlarm:MetricAlarm")
    assert alarm.inputs["alarmActions"] == [topic_arn(monitor, "P0")]
