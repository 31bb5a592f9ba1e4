"""Alibaba Cloud monitoring under mocks: contacts and one contact group per severity from the
shared alerting routing (DingTalk URLs secret, an https webhook on the alarm rules), CloudMonitor
alarm rules from the components' AlarmSpecs (severity -> escalation level, contact group, policy
overrides), the data components emitting their alarms, and SLS logstores by retention class."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.monitoring import (
    AlarmOverride,
    AlarmPolicy,
    AlertRouting,
    SeverityChannels,
    Webhook,
)
from components.monitoring.alicloud import AlertContacts
from components.monitoring.alicloud_logs import LogProject
from components.monitoring.alicloud_logs_spec import LogProjectArgs
from components.monitoring.alicloud_spec import AlertContactsArgs
from components.postgres.alicloud import PostgresHa
from components.postgres.alicloud_spec import PostgresHaArgs
from components.redis.alicloud import RedisHa
from components.redis.alicloud_spec import RedisHaArgs
from planner.recorder import RecordingMonitor
from tests.conftest import of_type, one, run_mocked

CONTACT = "alicloud:cms/alarmContact:AlarmContact"
GROUP = "alicloud:cms/alarmContactGroup:AlarmContactGroup"
ALARM = "alicloud:cms/alarm:Alarm"
STORE = "alicloud:log/store:Store"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=secret-token"
ROUTING = AlertRouting(
    severities={
        "P0": SeverityChannels(emails=["oncall@example.cn"], sms=["+8613800000000"],
                               webhooks=["ops-dingtalk", "pager"]),
        "P1": SeverityChannels(emails=["oncall@example.cn"], webhooks=["ops-dingtalk"]),
        "P2": SeverityChannels(emails=["team@example.cn"], webhooks=["ops-wecom"]),
        "P3": SeverityChannels(emails=["team@example.cn"]),
    },
    webhooks={"ops-dingtalk": Webhook("dingtalk", DINGTALK),
              "ops-wecom": Webhook("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"),
              "pager": Webhook("https", "https://pager.example.cn/hook")},
)  # fmt: skip
ZONES = ["cn-shanghai-l", "cn-shanghai-m"]
DATA: dict[str, Any] = {"vswitch_ids": {z: f"vsw-{z[-1]}" for z in ZONES}, "zones": ZONES,
                        "client_cidrs": {"nodes": "10.0.16.0/20"}}  # fmt: skip


def build(policy: AlarmPolicy | None = None, routing: AlertRouting = ROUTING) -> RecordingMonitor:
    import pulumi
    import pulumi_alicloud as alicloud
    import pulumi_random

    def program() -> None:
        opts = pulumi.ResourceOptions(providers=[alicloud.Provider("ali", region="cn-shanghai"),
                                                 pulumi_random.Provider("random")])  # fmt: skip
        contacts = AlertContacts("acme-alerts", AlertContactsArgs(routing=routing), opts)
        wiring = contacts.wiring(policy or AlarmPolicy())
        PostgresHa("db", PostgresHaArgs(vpc_id="vpc-1", alarms=wiring, **DATA), opts)
        RedisHa("cache", RedisHaArgs(alarms=wiring, **DATA), opts)

    return run_mocked(program)


@pytest.fixture(scope="module")
def stack() -> RecordingMonitor:
    return build()


def test_one_contact_per_recipient_and_a_group_per_severity(stack: RecordingMonitor) -> None:
    contacts = {c.inputs["alarmContactName"]: c.inputs for c in of_type(stack, CONTACT)}
    assert set(contacts) == {"acme-alerts-email-oncall-example-cn", "acme-alerts-sms-8613800000000",
                             "acme-alerts-dingtalk-ops-dingtalk", "acme-alerts-email-team-example-cn"}  # fmt: skip
    assert contacts["acme-alerts-email-oncall-example-cn"]["channelsMail"] == "oncall@example.cn"
    assert contacts["acme-alerts-sms-8613800000000"]["channelsSms"] == "+8613800000000"
    groups = {
        g.inputs["alarmContactGroupName"]: g.inputs["contacts"] for g in of_type(stack, GROUP)
    }
    assert groups["acme-alerts-p0"] == ["acme-alerts-email-oncall-example-cn", "acme-alerts-sms-8613800000000",
                                        "acme-alerts-dingtalk-ops-dingtalk"]  # fmt: skip
    assert groups["acme-alerts-p3"] == ["acme-alerts-email-team-example-cn"]
    assert len(groups) == 4


def test_dingtalk_url_is_a_secret(stack: RecordingMonitor) -> None:
    (bot,) = [c for c in of_type(stack, CONTACT) if "channelsDingWebHook" in c.inputs]
    assert bot.inputs["channelsDingWebHook"] == DINGTALK
    assert "channelsDingWebHook" in bot.secret_paths


def test_alarms_notify_their_severitys_group(stack: RecordingMonitor) -> None:
    alarms = {a.name: a.inputs for a in of_type(stack, ALARM)}
    assert set(alarms) == {"db-cpu", "db-memory", "db-free-storage", "db-connections",
                           "cache-cpu", "cache-memory", "cache-connections"}  # fmt: skip
    storage = alarms["db-free-storage"]
    assert storage["contactGroups"] == ["acme-alerts-p0"]
    assert storage["escalationsCritical"] == {"statistics": "Average", "comparisonOperator": ">",
                                              "threshold": "85", "times": 1}  # fmt: skip
    assert storage["project"] == "acs_rds_dashboard"
    db = one(stack, "alicloud:rds/instance:Instance")
    assert json.loads(storage["metricDimensions"]) == [{"instanceId": db.id}]
    assert db.urn in one(stack, ALARM, "db-free-storage").dependencies  # watches what exists
    cpu = alarms["cache-cpu"]
    assert cpu["contactGroups"] == ["acme-alerts-p2"] and "escalationsWarn" in cpu
    assert alarms["cache-memory"]["contactGroups"] == ["acme-alerts-p1"]


def test_https_webhook_on_the_alarms_of_its_severity(stack: RecordingMonitor) -> None:
    storage = one(stack, ALARM, "db-free-storage")
    assert storage.inputs["webhook"] == "https://pager.example.cn/hook"
    assert "webhook" in storage.secret_paths
    assert "webhook" not in one(stack, ALARM, "db-cpu").inputs  # P2 has only a WeCom chatbot


def test_stack_policy_overrides_and_filters_alarms() -> None:
    policy = AlarmPolicy(overrides={"postgres.cpu": AlarmOverride(threshold=60, severity="P1"),
                                    "redis.connections": AlarmOverride(enabled=False)},
                         severities=["P0", "P1"])  # fmt: skip
    alarms = {a.name: a.inputs for a in of_type(build(policy), ALARM)}
    assert set(alarms) == {"db-cpu", "db-free-storage", "cache-memory"}
    assert alarms["db-cpu"]["escalationsCritical"]["threshold"] == "60"
    assert alarms["db-cpu"]["contactGroups"] == ["acme-alerts-p1"]


def test_no_wiring_no_alarms() -> None:
    import pulumi
    import pulumi_alicloud as alicloud
    import pulumi_random

    def program() -> None:
        opts = pulumi.ResourceOptions(providers=[alicloud.Provider("ali", region="cn-shanghai"),
                                                 pulumi_random.Provider("random")])  # fmt: skip
        RedisHa("cache", RedisHaArgs(**DATA), opts)

    assert of_type(run_mocked(program), ALARM) == []


def test_two_https_webhooks_for_one_severity_are_refused() -> None:
    routing = AlertRouting(
        severities={**ROUTING.severities, "P0": SeverityChannels(webhooks=["a", "b"])},
        webhooks={"a": Webhook("https", "https://a"), "b": Webhook("https", "https://b"),
                  **ROUTING.webhooks},
    )  # fmt: skip
    with pytest.raises(ValueError, match=r"^routing.severities.P0.webhooks: at most one https"):
        build(routing=routing)


def test_a_severity_without_channels_is_refused() -> None:
    routing = AlertRouting(severities={s: c for s, c in ROUTING.severities.items() if s != "P3"},
                           webhooks=ROUTING.webhooks)  # fmt: skip
    with pytest.raises(ValueError, match=r"^routing.severities.P3: required"):
        build(routing=routing)


def build_logs(**overrides: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_alicloud as alicloud

    fields: dict[str, Any] = {"project_name": "acme-prod-app-logs", "log_class": "application",
                              "retention_days": 30, "stores": ["containers", "ingress"]}  # fmt: skip
    args = LogProjectArgs(**{**fields, **overrides})

    def program() -> None:
        provider = alicloud.Provider("ali", region="cn-shanghai")
        LogProject("logs", args, pulumi.ResourceOptions(provider=provider))

    return run_mocked(program)


def test_logstores_keep_logs_for_their_class_named_on_the_project() -> None:
    m = build_logs()
    stores = {s.inputs["logstoreName"]: s.inputs for s in of_type(m, STORE)}
    assert {k: v["retentionPeriod"] for k, v in stores.items()} == {"containers": 30, "ingress": 30}
    assert all(v["encryptConf"]["enable"] is True for v in stores.values())
    project = one(m, "alicloud:log/project:Project")
    assert project.inputs["tags"]["log-class"] == "application"
    assert all(s.inputs["projectName"] == project.inputs["projectName"] for s in of_type(m, STORE))
    assert {r.type for r in m.recorded if r.protect} == {"alicloud:log/project:Project", STORE}


def test_logstores_with_a_customer_key() -> None:
    m = build_logs(kms_key_id="key-1", encryption_role_arn="acs:ram::1:role/aliyunlogdefaultrole")
    conf = one(m, STORE, "logs-containers").inputs["encryptConf"]
    assert conf["userCmkInfo"] == {
        "cmkKeyId": "key-1",
        "arn": "acs:ram::1:role/aliyunlogdefaultrole",
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"project_name": "Acme_Logs"}, r"^project_name: "),
        ({"log_class": "debug"}, r"^log_class: 'debug' is not one of application, audit, flow"),
        ({"retention_days": 3650}, r"^retention_days: SLS keeps logs 1 to 3649 days"),
        ({"stores": []}, r"^stores: at least one"),
        ({"stores": ["a-b", "a-b"]}, r"^stores: a logstore is listed twice"),
        ({"kms_key_id": "key-1"}, r"^encryption_role_arn: "),
    ],
)  # fmt: skip
def test_bad_log_args_are_refused_naming_the_field(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_logs(**overrides)
