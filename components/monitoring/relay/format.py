"""Pure formatting of SNS notifications for chat webhooks (no I/O; unit-tested).

Two sources publish to a severity's topic and reach chat through the relay: CloudWatch alarms (the
message is the alarm's state-change JSON) and the in-cluster Alertmanager (`sns_configs`: plain
text, marked by the `source=alertmanager` message attribute). Anything else (AWS Budgets, AWS
Backup, Cost Anomaly Detection) is relayed as its subject and text.
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
    source: Literal["cloudwatch", "alertmanager", "other"]

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
