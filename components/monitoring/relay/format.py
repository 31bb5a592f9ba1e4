"""Pure formatting of alert notifications for chat webhooks (no I/O; unit-tested), on both clouds.

AWS: two sources publish to a severity's topic and reach chat through the relay: CloudWatch alarms
(the message is the alarm's state-change JSON) and the in-cluster Alertmanager (`sns_configs`:
plain text, marked by the `source=alertmanager` message attribute). Anything else (AWS Budgets,
AWS Backup, Cost Anomaly Detection) is relayed as its subject and text (`parse`).

Alibaba Cloud: CloudMonitor invokes the relay function with an alarm rule's callback JSON
(`parse_cloudmonitor`); the in-cluster Alertmanager posts its webhook JSON to the function's
VPC-only HTTP trigger (`parse_alertmanager_webhook`). Every parser gives the same `Notification`;
`payload` formats it per chat.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

ChatKind = Literal["slack", "dingtalk", "wecom"]
CHAT_KINDS: tuple[ChatKind, ...] = ("slack", "dingtalk", "wecom")
Status = Literal["firing", "resolved", "insufficient-data", "notice"]

SOURCE_ATTRIBUTE = "source"
STATUS_ATTRIBUTE = "status"
ALERTMANAGER = "alertmanager"
"""The `source` attribute the Alertmanager's sns_configs set (components/monitoring/__init__.py)."""

# What each chatbot accepts in one message: WeCom markdown content is at most 4096 bytes, DingTalk
# messages 20,000 bytes; Slack truncates text beyond 40,000 characters (kept well under).
MAX_BYTES: Mapping[ChatKind, int] = {"slack": 12000, "dingtalk": 12000, "wecom": 4096}
_CLOUDWATCH_STATES: Mapping[str, Status] = {
    "ALARM": "firing",
    "OK": "resolved",
    "INSUFFICIENT_DATA": "insufficient-data",
}
_HEADLINE_WORD: Mapping[Status, str] = {
    "firing": "FIRING",
    "resolved": "RESOLVED",
    "insufficient-data": "INSUFFICIENT DATA",
    "notice": "NOTICE",
}
_WECOM_COLOUR: Mapping[Status, str] = {
    "firing": "warning",
    "resolved": "info",
    "insufficient-data": "comment",
    "notice": "comment",
}


@dataclass(frozen=True)
class Notification:
    """One notification, independent of the chat it goes to."""

    severity: str
    status: Status
    title: str
    lines: tuple[str, ...]
    source: Literal["cloudwatch", "cloudmonitor", "alertmanager", "other"]

    @property
    def headline(self) -> str:
        return f"[{self.severity}] {_HEADLINE_WORD[self.status]}: {self.title}"


def parse(record: Mapping[str, Any], severity: str) -> Notification:
    """The notification in one SNS record of a Lambda event (`record["Sns"]`)."""
    sns = record["Sns"]
    message = str(sns.get("Message") or "")
    subject = str(sns.get("Subject") or "")
    attributes = {
        k: str(v.get("Value", "")) for k, v in (sns.get("MessageAttributes") or {}).items()
    }
    if attributes.get(SOURCE_ATTRIBUTE) == ALERTMANAGER:
        status: Status = "resolved" if attributes.get(STATUS_ATTRIBUTE) == "resolved" else "firing"
        lines = _text_lines(message)
        return Notification(severity, status, subject or _first(lines), lines, "alertmanager")
    alarm = _json_object(message)
    if alarm is not None and "AlarmName" in alarm and "NewStateValue" in alarm:
        return Notification(
            severity,
            _CLOUDWATCH_STATES.get(str(alarm["NewStateValue"]), "notice"),
            str(alarm["AlarmName"]),
            tuple(
                line
                for line in (
                    str(alarm.get("AlarmDescription") or ""),
                    str(alarm.get("NewStateReason") or ""),
                    " · ".join(
                        str(alarm[k])
                        for k in ("Region", "AWSAccountId", "StateChangeTime")
                        if alarm.get(k)
                    ),
                )
                if line
            ),
            "cloudwatch",
        )
    lines = _text_lines(message)
    return Notification(severity, "notice", subject or _first(lines), lines, "other")


_CLOUDMONITOR_STATES: Mapping[str, Status] = {
    "ALERT": "firing",
    "OK": "resolved",
    "INSUFFICIENT_DATA": "insufficient-data",
}


def parse_cloudmonitor(alarm: Mapping[str, Any], severity: str) -> Notification:
    """The notification in a CloudMonitor alarm rule's callback (`alertName`, `alertState` ALERT /
    OK / INSUFFICIENT_DATA, `metricProject`, `metricName`, `curValue`, `dimensions`,
    `expression`, `timestamp` in ms): what it invokes the relay function with."""
    metric = "/".join(str(alarm[k]) for k in ("metricProject", "metricName") if alarm.get(k))
    value = alarm.get("curValue")
    when = alarm.get("timestamp")
    lines = (
        f"{metric} = {value}" if metric and value not in (None, "") else metric,
        _cloudmonitor_expression(alarm.get("expression")),
        _cloudmonitor_dimensions(alarm.get("dimensions")),
        " · ".join(
            str(v)
            for v in (alarm.get("regionName") or alarm.get("regionId"), alarm.get("userId"), when)
            if v
        ),
    )
    return Notification(
        severity,
        _CLOUDMONITOR_STATES.get(str(alarm.get("alertState", "")).upper(), "notice"),
        str(alarm.get("alertName") or alarm.get("ruleName") or "(unnamed alarm)"),
        tuple(line for line in lines if line),
        "cloudmonitor",
    )


def parse_alertmanager_webhook(message: Mapping[str, Any], severity: str) -> Notification:
    """The notification in an Alertmanager webhook message (version 4: `status`, `alerts`,
    `commonLabels`, `commonAnnotations`): one line per alert, its summary and where it fired."""
    common = message.get("commonLabels") or {}
    alerts = [a for a in message.get("alerts") or [] if isinstance(a, Mapping)]
    first = (alerts[0].get("labels") or {}) if alerts else {}
    title = str(common.get("alertname") or first.get("alertname") or "(no alert)")
    lines = []
    for alert in alerts:
        labels, notes = alert.get("labels") or {}, alert.get("annotations") or {}
        what = notes.get("summary") or notes.get("description") or labels.get("alertname", "")
        where = " ".join(
            f"{k}={labels[k]}" for k in ("namespace", "pod", "service") if labels.get(k)
        )
        lines.append(
            f"{str(alert.get('status', '')).upper()}: {what}" + (f" ({where})" if where else "")
        )
    status: Status = "resolved" if message.get("status") == "resolved" else "firing"
    return Notification(severity, status, title, tuple(lines), "alertmanager")


def is_cloudmonitor_alarm(event: Mapping[str, Any]) -> bool:
    return "alertName" in event and "alertState" in event


def _cloudmonitor_expression(raw: Any) -> str:
    """`[{"expression":"$Average>80","level":3,"times":3}]` (a JSON string) -> `$Average>80 (3 times)`."""
    items = _json_list(raw)
    return "; ".join(
        f"{i.get('expression')}" + (f" ({i['times']} times)" if i.get("times") else "")
        for i in items
        if isinstance(i, Mapping) and i.get("expression")
    )


def _cloudmonitor_dimensions(raw: Any) -> str:
    items = _json_list(raw)
    return ", ".join(
        f"{k}={v}"
        for i in items
        if isinstance(i, Mapping)
        for k, v in sorted(i.items())
        if k != "userId"
    )


def _json_list(raw: Any) -> list[Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    return raw if isinstance(raw, list) else [raw] if isinstance(raw, Mapping) else []


def payload(kind: ChatKind, note: Notification) -> dict[str, Any]:
    """The JSON body the chat's incoming webhook / group robot accepts."""
    limit = MAX_BYTES[kind]
    if kind == "slack":
        text = f"*{_slack_escape(note.headline)}*\n" + "\n".join(map(_slack_escape, note.lines))
        return {"text": truncate(text, limit)}
    if kind == "dingtalk":
        text = f"### {note.headline}\n\n" + "\n\n".join(note.lines)
        return {
            "msgtype": "markdown",
            "markdown": {"title": note.headline[:64], "text": truncate(text, limit)},
        }
    colour = _WECOM_COLOUR[note.status]
    content = f'**<font color="{colour}">{note.headline}</font>**\n' + "\n".join(note.lines)
    return {"msgtype": "markdown", "markdown": {"content": truncate(content, limit)}}


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """A DingTalk robot URL with the signature its "sign" security setting requires:
    base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), URL-encoded."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={sign}"


def delivery_error(kind: ChatKind, status: int, body: str) -> str | None:
    """Why a post failed, or None. DingTalk and WeCom answer HTTP 200 with a non-zero `errcode`
    when they reject a message (bad format, bad signature, rate limit): that is a failure too."""
    if not 200 <= status < 300:
        return f"HTTP {status}: {body[:200]}"
    if kind == "slack":
        return None
    answer = _json_object(body)
    if answer is None:
        return f"unreadable answer: {body[:200]}"
    if answer.get("errcode", 0) != 0:
        return f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"
    return None


def truncate(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` UTF-8 bytes, on a character boundary, marked when cut."""
    data = text.encode()
    if len(data) <= max_bytes:
        return text
    mark = "\n…(truncated)"
    return data[: max_bytes - len(mark.encode())].decode(errors="ignore") + mark


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text_lines(message: str) -> tuple[str, ...]:
    return tuple(line.rstrip() for line in message.strip().splitlines() if line.strip())


def _first(lines: tuple[str, ...]) -> str:
    return lines[0] if lines else "(no subject)"


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
