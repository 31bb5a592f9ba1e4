"""The alert relay's function code (components/monitoring/relay/): sample SNS records of each
source in, the exact payload each chatbot accepts out; failures are failures (DingTalk/WeCom answer
200 with an errcode); a failed post raises so Lambda retries, naming the target, never its URL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.monitoring.relay.format import (
    delivery_error,
    dingtalk_signed_url,
    parse,
    payload,
    truncate,
)
from components.monitoring.relay.handler import RelayError, relay

TOPIC = "arn:aws:sns:eu-west-1:123456789012:acme-prod-alerts-p1-1a2b3c"
ALARM = {
    "AlarmName": "acme-prod-db-cpu",
    "AlarmDescription": "[P1] Aurora CPU above 80 % for 15 minutes",
    "AWSAccountId": "123456789012",
    "NewStateValue": "ALARM",
    "NewStateReason": "Threshold Crossed: 3 datapoints were greater than the threshold (80.0).",
    "StateChangeTime": "2026-11-29T12:00:00.000+0000",
    "Region": "EU (Ireland)",
    "OldStateValue": "OK",
}


def record(message: str, subject: str | None = None, **attributes: str) -> dict[str, Any]:
    return {
        "EventSource": "aws:sns",
        "Sns": {
            "TopicArn": TOPIC,
            "Subject": subject,
            "Message": message,
            "MessageAttributes": {k: {"Type": "String", "Value": v} for k, v in attributes.items()},
        },
    }


CLOUDWATCH = record(json.dumps(ALARM), 'ALARM: "acme-prod-db-cpu" in EU (Ireland)')
ALERTMANAGER = record(
    "Pod web-7d9 restarts 5 times an hour\n\nAlerts Firing:\nLabels:\n - alertname = WorkloadPodRestarting\n",
    "[P1] WorkloadPodRestarting",
    source="alertmanager", severity="P1", status="firing",
)  # fmt: skip
BUDGET = record("AWS Budget Notification: actual cost is above 100 %", "AWS Budgets: acme-prod")
CW_LINES = (
    "[P1] Aurora CPU above 80 % for 15 minutes\n"
    "Threshold Crossed: 3 datapoints were greater than the threshold (80.0).\n"
    "EU (Ireland) · 123456789012 · 2026-11-29T12:00:00.000+0000"
)


def test_a_cloudwatch_alarm_becomes_each_chats_exact_payload() -> None:
    note = parse(CLOUDWATCH, "P1")
    assert (note.source, note.status, note.title) == ("cloudwatch", "firing", "acme-prod-db-cpu")
    headline = "[P1] FIRING: acme-prod-db-cpu"
    assert payload("slack", note) == {"text": f"*{headline}*\n{CW_LINES}"}
    assert payload("dingtalk", note) == {
        "msgtype": "markdown",
        "markdown": {"title": headline, "text": f"### {headline}\n\n" + CW_LINES.replace("\n", "\n\n")},
    }  # fmt: skip
    assert payload("wecom", note) == {
        "msgtype": "markdown",
        "markdown": {"content": f'**<font color="warning">{headline}</font>**\n{CW_LINES}'},
    }


def test_an_ok_alarm_is_resolved() -> None:
    note = parse(record(json.dumps({**ALARM, "NewStateValue": "OK"})), "P1")
    assert note.headline == "[P1] RESOLVED: acme-prod-db-cpu"
    assert payload("wecom", note)["markdown"]["content"].startswith('**<font color="info">')


def test_an_alertmanager_notification_keeps_its_subject_and_status() -> None:
    note = parse(ALERTMANAGER, "P1")
    assert (note.source, note.status) == ("alertmanager", "firing")
    assert note.title == "[P1] WorkloadPodRestarting"
    assert payload("slack", note) == {
        "text": "*[P1] FIRING: [P1] WorkloadPodRestarting*\nPod web-7d9 restarts 5 times an hour\n"
        "Alerts Firing:\nLabels:\n - alertname = WorkloadPodRestarting"
    }
    resolved = record(
        "done", "[P1] WorkloadPodRestarting", source="alertmanager", status="resolved"
    )
    assert parse(resolved, "P1").status == "resolved"


def test_other_publishers_are_relayed_as_notices() -> None:
    note = parse(BUDGET, "P2")
    assert (note.source, note.headline) == ("other", "[P2] NOTICE: AWS Budgets: acme-prod")
    assert note.lines == ("AWS Budget Notification: actual cost is above 100 %",)


def test_slack_text_is_escaped() -> None:
    note = parse(record("a <b> & c", "x"), "P3")
    assert payload("slack", note)["text"] == "*[P3] NOTICE: x*\na &lt;b&gt; &amp; c"


def test_wecom_content_is_cut_to_4096_bytes_on_a_character_boundary() -> None:
    note = parse(record("告警" * 3000, "big"), "P0")
    content = payload("wecom", note)["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert content.endswith("…(truncated)")
    assert truncate("short", 4096) == "short"


def test_dingtalk_signature_matches_the_documented_algorithm() -> None:
    # base64(HmacSHA256(key=secret, msg="{timestamp}\n{secret}")), URL-encoded; value computed
    # independently with `openssl dgst -sha256 -hmac SECabc -binary | base64`.
    url = dingtalk_signed_url(
        "https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1700000000000
    )
    assert url == (
        "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=" + SIGN
    )


SIGN = "jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM%3D"  # the openssl value, URL-encoded


@pytest.mark.parametrize(
    ("kind", "status", "body", "error"),
    [
        ("slack", 200, "ok", None),
        ("slack", 404, "no_service", "HTTP 404: no_service"),
        ("dingtalk", 200, '{"errcode":0,"errmsg":"ok"}', None),
        ("dingtalk", 200, '{"errcode":310000,"errmsg":"sign not match"}', "errcode 310000: sign not match"),
        ("wecom", 200, '{"errcode":40058,"errmsg":"markdown.content exceed max length"}',
         "errcode 40058: markdown.content exceed max length"),
        ("wecom", 200, "<html>", "unreadable answer: <html>"),
        ("wecom", 0, "timed out", "HTTP 0: timed out"),
    ],
)  # fmt: skip
def test_a_rejected_message_is_a_failure(
    kind: Any, status: int, body: str, error: str | None
) -> None:
    assert delivery_error(kind, status, body) == error


ROUTES = {
    "topics": {
        TOPIC: {
            "severity": "P1",
            "targets": [
                {"name": "ops", "kind": "slack", "url": "https://hooks.slack.com/services/T/B/x"},
                {"name": "cn", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=t", "secret": "SECabc"},
                {"name": "wx", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"},
            ],
        }
    }
}  # fmt: skip


def test_one_record_goes_to_every_target_of_its_topic_in_its_format() -> None:
    sent: list[tuple[str, dict[str, Any]]] = []

    def post(url: str, body: bytes) -> tuple[int, str]:
        sent.append((url, json.loads(body)))
        return (200, "ok") if "slack" in url else (200, '{"errcode":0}')

    assert relay({"Records": [CLOUDWATCH]}, ROUTES, post, now_ms=1700000000000) == [
        "ops",
        "cn",
        "wx",
    ]
    note = parse(CLOUDWATCH, "P1")
    assert sent == [
        ("https://hooks.slack.com/services/T/B/x", payload("slack", note)),
        (dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1700000000000),
         payload("dingtalk", note)),
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", payload("wecom", note)),
    ]  # fmt: skip


def test_a_failed_target_raises_after_the_others_were_tried_without_its_url() -> None:
    tried: list[str] = []

    def post(url: str, body: bytes) -> tuple[int, str]:
        tried.append(url)
        return (
            (200, '{"errcode":93000,"errmsg":"invalid webhook url"}')
            if "weixin" in url
            else (200, "ok" if "slack" in url else '{"errcode":0}')
        )

    with pytest.raises(RelayError) as failure:
        relay({"Records": [CLOUDWATCH]}, ROUTES, post, now_ms=1)
    assert len(tried) == 3
    assert str(failure.value) == "wx (wecom): errcode 93000: invalid webhook url"
    assert "key=k" not in str(failure.value)


def test_a_record_of_an_unknown_topic_is_a_failure() -> None:
    stray = {
        **CLOUDWATCH,
        "Sns": {**CLOUDWATCH["Sns"], "TopicArn": "arn:aws:sns:eu-west-1:1:other"},
    }
    with pytest.raises(RelayError, match="not a topic of this relay"):
        relay({"Records": [stray]}, ROUTES, lambda u, b: (200, "ok"), now_ms=1)
