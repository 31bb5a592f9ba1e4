"""Monitoring capability, cloud-neutral part: alert severities and channels, the alarms a component
emits, and the Alertmanager configuration derived from the same channels.

A cloud implementation (`aws.py`) turns `AlertRouting` into one encrypted notification topic per
severity and each component's `AlarmSpec`s into metric alarms on those topics; the in-cluster
Alertmanager gets `alertmanager_config(routing, ...)`. One routing, two consumers: a channel changed
once changes both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

Severity = Literal["P0", "P1", "P2", "P3"]
SEVERITIES: tuple[Severity, ...] = ("P0", "P1", "P2", "P3")
"""Most to least urgent."""

WebhookKind = Literal["slack", "dingtalk", "wecom", "https"]
Comparison = Literal[">", ">=", "<", "<="]
Statistic = Literal["Average", "Maximum", "Minimum", "Sum", "SampleCount"]


@dataclass(frozen=True)
class Webhook:
    kind: WebhookKind
    url: Any
    """The URL, a secret (a `pulumi.Output` marked secret, or a plain string in pure tests)."""
    secret: Any = None
    """DingTalk only: the robot's signing secret ("sign" security setting), a secret too."""


@dataclass(frozen=True)
class SeverityChannels:
    """Who hears about alerts of one severity."""

    emails: Sequence[str] = ()
    sms: Sequence[str] = ()
    """E.164 phone numbers."""
    webhooks: Sequence[str] = ()
    """Names of `AlertRouting.webhooks`."""
    pages: bool = False
    """Page the on-call (PagerDuty) for this severity."""


@dataclass(frozen=True)
class AlertRouting:
    """Every severity's channels, the webhook URLs and the PagerDuty key, stated once."""

    severities: Mapping[Severity, SeverityChannels]
    webhooks: Mapping[str, Webhook] = field(default_factory=dict)
    pagerduty_key: Any = None
    """PagerDuty Events API v2 integration key (a secret); required when any severity pages."""
    group_by: Sequence[str] = ("alertname", "severity", "namespace")
    group_wait_seconds: int = 30
    group_interval_seconds: int = 300
    repeat_interval_hours: int = 4


def routing_problems(routing: AlertRouting) -> list[tuple[str, str]]:
    """(field, message) for every inconsistency; the config reports the same ones first."""
    problems: list[tuple[str, str]] = [
        (f"severities.{s}", "required: every severity needs its channels")
        for s in SEVERITIES
        if s not in routing.severities
    ]
    for severity, channels in routing.severities.items():
        for name in channels.webhooks:
            if name not in routing.webhooks:
                problems.append(
                    (f"severities.{severity}.webhooks", f"'{name}' is not a defined webhook")
                )
        if channels.pages and routing.pagerduty_key is None:
            problems.append((f"severities.{severity}.pages", "paging needs a pagerdutyKey"))
        if not (channels.emails or channels.sms or channels.webhooks or channels.pages):
            problems.append((f"severities.{severity}", "has no channel: nobody would be told"))
    return problems


@dataclass(frozen=True)
class AlarmSpec:
    """One metric alarm a component emits, independent of the cloud's alarm API."""

    key: str
    """Stable name within the component (`cpu`, `free-storage`): part of the alarm's name and the
    key under which config overrides it."""
    description: str
    namespace: str
    metric: str
    statistic: Statistic
    comparison: Comparison
    threshold: float
    severity: Severity
    dimensions: Mapping[str, Any] = field(default_factory=dict)
    period_seconds: int = 300
    evaluation_periods: int = 3
    missing_data: Literal["missing", "ignore", "breaching", "notBreaching"] = "missing"
    instance: str = ""
    """Tells apart alarms of one key on several members (a replica, a cache node); the override
    key stays `<capability>.<key>`."""
    query: str = ""
    """A CloudWatch Metrics Insights query that selects the series instead of `dimensions`: for a
    resource whose dimension values the program cannot know (a load balancer a controller makes).
    `namespace`/`metric` then only describe it; `statistic` is the query's function."""
    series: int = 1
    """How many metrics the query analyses (a query alarm is billed per metric): the estimate."""

    @property
    def name(self) -> str:
        return f"{self.key}-{self.instance}" if self.instance else self.key


@dataclass(frozen=True)
class AlarmOverride:
    threshold: float | None = None
    severity: Severity | None = None
    enabled: bool = True


@dataclass(frozen=True)
class AlarmPolicy:
    """What the stack wants of every component's alarms."""

    overrides: Mapping[str, AlarmOverride] = field(default_factory=dict)
    """By `<capability>.<key>` (`postgres.cpu`)."""
    severities: Sequence[Severity] = SEVERITIES
    """Only alarms of these severities are created (dev keeps the urgent ones only)."""


def apply_policy(
    capability: str, specs: Sequence[AlarmSpec], policy: AlarmPolicy
) -> list[AlarmSpec]:
    """The component's default alarms with the stack's overrides applied and the filtered ones
    dropped."""
    chosen: list[AlarmSpec] = []
    for spec in specs:
        override = policy.overrides.get(f"{capability}.{spec.key}", AlarmOverride())
        if not override.enabled:
            continue
        tuned = replace(
            spec,
            threshold=spec.threshold if override.threshold is None else override.threshold,
            severity=override.severity or spec.severity,
        )
        if tuned.severity in policy.severities:
            chosen.append(tuned)
    return chosen


_SLACK = "slack"
RELAYED_KINDS: tuple[WebhookKind, ...] = ("slack", "dingtalk", "wecom")
"""Chat webhooks that cannot confirm an SNS subscription: where the cloud has notification topics
(AWS), the alert relay function posts the topic's notifications to them in their own format."""
CHAT_ADAPTER_KINDS: tuple[WebhookKind, ...] = ("dingtalk", "wecom")
"""Chatbots that only accept their own message format: Alertmanager has no receiver for them and
its generic webhook payload is not that format (they need an adapter Alertmanager does not ship)."""
IMPLICIT_TLS_PORT = 465
"""SMTP over TLS from the first byte (Alertmanager dials TLS on this port); on any other port the
relay must offer STARTTLS (`require_tls`)."""


@dataclass(frozen=True)
class SmtpRelay:
    """The mail relay Alertmanager sends email alerts through (where no notification topic does)."""

    host: str
    port: int
    sender: str
    """The From address (DirectMail: a sender address of a verified domain)."""
    username: str
    password: Any
    """A secret (a `pulumi.Output` marked secret, or a plain string in pure tests)."""

    @property
    def smarthost(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class ChatRelay:
    """Where the Alertmanager posts the alerts of DingTalk and WeCom robots when no notification
    topic carries them (Alibaba Cloud's relay function): its endpoint and bearer token."""

    url: Any
    token: Any
    """A secret (a `pulumi.Output` marked secret, or a plain string in pure tests)."""


def relayed_webhooks(routing: AlertRouting) -> dict[Severity, list[str]]:
    """Each severity's chat webhooks (RELAYED_KINDS) by name; severities without any left out."""
    chats = {
        severity: [
            n for n in channels.webhooks
            if n in routing.webhooks and routing.webhooks[n].kind in RELAYED_KINDS
        ]
        for severity, channels in routing.severities.items()
    }  # fmt: skip
    return {s: names for s, names in chats.items() if names}


def chat_target(routing: AlertRouting, name: str) -> dict[str, Any]:
    """What a relay function posts to for webhook `name` (relay/deliver.py): its name, kind,
    URL and, for a signing DingTalk robot, its secret (secrets as given: Outputs or text)."""
    hook = routing.webhooks[name]
    return {"name": name, "kind": hook.kind, "url": hook.url,
            **({"secret": hook.secret} if hook.secret else {})}  # fmt: skip


def alertmanager_reach(
    routing: AlertRouting, severity: Severity, *, email: bool, sms: bool, chat: bool = False
) -> list[str]:
    """Who the in-cluster Alertmanager tells about alerts of `severity`: the channels it can
    deliver (`email:<address>`, `sms:<number>`, `<kind>:<webhook>`, `pagerduty`). `email`/`sms`:
    whether the cloud gives it a way to send them (a notification topic, an SMTP relay); `chat`:
    whether DingTalk/WeCom chatbots are reached through the cloud's alert relay (without it they
    never count: CHAT_ADAPTER_KINDS)."""
    channels = routing.severities.get(severity)
    if channels is None:
        return []
    reach = [f"email:{e}" for e in channels.emails if email]
    reach += [f"sms:{n}" for n in channels.sms if sms]
    reach += [
        f"{routing.webhooks[n].kind}:{n}"
        for n in channels.webhooks
        if n in routing.webhooks and (chat or routing.webhooks[n].kind not in CHAT_ADAPTER_KINDS)
    ]
    return reach + (["pagerduty"] if channels.pages else [])


def alertmanager_config(
    routing: AlertRouting,
    topic_arns: Mapping[Severity, Any] | None = None,
    region: str | None = None,
    smtp: SmtpRelay | None = None,
    chat_relay: ChatRelay | None = None,
) -> dict[str, Any]:
    """The Alertmanager configuration for `routing` (secrets resolved: pass it to a Secret).

    One receiver per severity: PagerDuty when it pages; with notification topics (AWS), the
    severity's topic for its email, SMS and chat channels (the alert relay function posts to Slack,
    DingTalk and WeCom in their own formats, as it does for the cloud's alarms), HTTPS webhooks
    directly; without topics, Slack natively, HTTPS as a generic webhook, DingTalk/WeCom to the
    `chat_relay` (which posts in their format; without one they would get the generic payload they
    reject: config refuses a severity that only has them) and its emails through the SMTP relay
    (TLS required). A firing P0 inhibits the P2/P3 alerts of the same
    namespace and alertname group it causes; a P1 inhibits the P3s.
    """
    receivers: list[dict[str, Any]] = [{"name": "null"}]
    routes: list[dict[str, Any]] = []
    for severity in SEVERITIES:
        channels = routing.severities.get(severity)
        if channels is None:
            continue
        receiver: dict[str, Any] = {"name": severity}
        if channels.pages:
            receiver["pagerduty_configs"] = [
                {"routing_key": routing.pagerduty_key, "severity": _pd_severity(severity)}
            ]
        topic = topic_arns.get(severity) if topic_arns else None
        hooks = [routing.webhooks[n] for n in channels.webhooks]
        # Through the topic, the relay posts to the chats: posting here too would say it twice.
        direct = [w for w in hooks if topic is None or w.kind not in RELAYED_KINDS]
        relayed = [w for w in direct if chat_relay and w.kind in CHAT_ADAPTER_KINDS]
        direct = [w for w in direct if w not in relayed]
        slack = [w for w in direct if w.kind == _SLACK]
        other = [w for w in direct if w.kind != _SLACK]
        if slack:
            receiver["slack_configs"] = [
                {
                    "api_url": w.url,
                    "send_resolved": True,
                    "title": f"[{severity}] {{{{ .CommonLabels.alertname }}}}",
                }
                for w in slack
            ]
        webhooks = [{"url": w.url, "send_resolved": True} for w in other]
        if relayed and chat_relay is not None:  # one post; the relay knows the severity's robots
            webhooks.append({
                "url": chat_relay.url,
                "send_resolved": True,
                "http_config": {"authorization": {"type": "Bearer",
                                                  "credentials": chat_relay.token}},
            })  # fmt: skip
        if webhooks:
            receiver["webhook_configs"] = webhooks
        if topic is not None and (
            channels.emails or channels.sms or len(direct) + len(relayed) < len(hooks)
        ):
            receiver["sns_configs"] = [
                {
                    "topic_arn": topic,
                    "sigv4": {"region": region} if region else {},
                    "subject": f"[{severity}] {{{{ .CommonLabels.alertname }}}}",
                    "send_resolved": True,
                    # The relay tells Alertmanager's text from an alarm's JSON by these.
                    "attributes": {
                        "source": "alertmanager",
                        "severity": severity,
                        "status": "{{ .Status }}",
                    },
                }
            ]
        elif channels.emails and smtp is not None:
            receiver["email_configs"] = [
                {
                    "to": ", ".join(channels.emails),
                    "send_resolved": True,
                    "headers": {"Subject": f"[{severity}] {{{{ .CommonLabels.alertname }}}}"},
                }
            ]
        receivers.append(receiver)
        routes.append(
            {
                "receiver": severity,
                "matchers": [f'severity="{severity}"'],
                "continue": False,
                **({"repeat_interval": "1h"} if channels.pages else {}),
            }
        )
    # The Watchdog heartbeat of kube-prometheus-stack always fires: it goes nowhere by default.
    routes.insert(0, {"receiver": "null", "matchers": ['alertname="Watchdog"']})
    # The least urgent severity catches what carries none; with no severity at all, nothing goes
    # anywhere (the null receiver) rather than to an undefined receiver.
    least = next((s for s in reversed(SEVERITIES) if s in routing.severities), "null")
    return {
        **({"global": _smtp_global(smtp)} if smtp is not None else {}),
        "route": {
            "receiver": least,
            "group_by": list(routing.group_by),
            "group_wait": f"{routing.group_wait_seconds}s",
            "group_interval": f"{routing.group_interval_seconds}s",
            "repeat_interval": f"{routing.repeat_interval_hours}h",
            "routes": routes,
        },
        "inhibit_rules": [
            {
                "source_matchers": ['severity="P0"'],
                "target_matchers": ['severity=~"P2|P3"'],
                "equal": ["namespace"],
            },
            {
                "source_matchers": ['severity="P1"'],
                "target_matchers": ['severity="P3"'],
                "equal": ["namespace"],
            },
        ],
        "receivers": receivers,
    }


def _smtp_global(smtp: SmtpRelay) -> dict[str, Any]:
    return {
        "smtp_smarthost": smtp.smarthost,
        "smtp_from": smtp.sender,
        "smtp_auth_username": smtp.username,
        "smtp_auth_password": smtp.password,
        # Never in clear: port 465 is TLS from the start, any other port must offer STARTTLS.
        "smtp_require_tls": True,
    }


def _pd_severity(severity: Severity) -> str:
    return {"P0": "critical", "P1": "error", "P2": "warning", "P3": "info"}[severity]
