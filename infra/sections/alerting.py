"""`groundwork:alerting`: alert severities P0-P3 and their channels (components/monitoring/).

One section feeds both the cloud's notification topics (with the alarms every component emits) and
the in-cluster Alertmanager. Webhook URLs and the PagerDuty key are secrets: set them with
`pulumi config set --secret --path 'groundwork:alerting.pagerdutyKey' ...`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, SecretStr, field_validator

from components._base import Cloud
from components.monitoring import (
    IMPLICIT_TLS_PORT,
    SEVERITIES,
    AlarmOverride,
    AlarmPolicy,
    AlertRouting,
    Severity,
    SeverityChannels,
    Webhook,
    WebhookKind,
    alertmanager_reach,
    routing_problems,
)
from components.monitoring.alicloud_mail_spec import DIRECTMAIL_PORTS, SENDER, DirectMailRegion
from infra.sections.base import Email, Problem, Section, listed_twice

Phone = Annotated[str, Field(pattern=r"^\+[1-9]\d{6,14}$")]
ChannelName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")]
AlarmKey = Annotated[str, Field(pattern=r"^[a-z]+\.[a-z0-9-]+$")]


class WebhookChannel(Section):
    kind: WebhookKind
    """`slack` (incoming webhook), `dingtalk` or `wecom` (group robot): on AWS the alert relay
    function posts the severity topic's notifications (alarms and the in-cluster Alertmanager's)
    to them in their own format; on Alibaba Cloud CloudMonitor posts to an unsigned DingTalk robot
    itself and the alert relay function (Function Compute) to the others, and the in-cluster
    Alertmanager's DingTalk/WeCom alerts go through it too; or `https` (an endpoint that confirms
    SNS subscriptions on AWS; CloudMonitor's alarm callback on Alibaba Cloud)."""
    url: SecretStr
    """The webhook URL; a Pulumi secret."""
    secret: SecretStr | None = None
    """`dingtalk` only: the robot's signing secret (its "sign" security setting); a Pulumi
    secret."""


class SeverityChannelsConfig(Section):
    emails: list[Email] = Field(default_factory=list)
    """Addresses subscribed to the severity's topic (each confirms once by email)."""
    sms: list[Phone] = Field(default_factory=list)
    """Phone numbers in E.164 form (`+4915112345678`)."""
    webhooks: list[ChannelName] = Field(default_factory=list)
    """Names of `alerting.webhooks`."""
    pages: bool = False
    """Page the on-call through PagerDuty (needs `alerting.pagerdutyKey`)."""

    def problems(self) -> Iterator[Problem]:
        # A channel listed twice would subscribe (and notify) it twice.
        for key in ("emails", "sms", "webhooks"):
            yield from listed_twice(key, getattr(self, key))


class AlarmOverrideConfig(Section):
    threshold: float | None = Field(None, ge=0)
    """Replaces the component's default threshold (in the alarm's unit: a percentage, bytes,
    a count; never negative)."""
    severity: Severity | None = None
    """Replaces the component's default severity."""
    enabled: bool = True
    """False drops the alarm."""


class Alerting(Section):
    severities: dict[Severity, SeverityChannelsConfig] = Field(default_factory=dict)
    """Channels of each severity P0 (most urgent) to P3; all four are required."""
    webhooks: dict[ChannelName, WebhookChannel] = Field(default_factory=dict)
    """Chat and HTTPS webhooks by name (Slack, DingTalk, WeCom, HTTPS)."""
    pagerduty_key: SecretStr | None = None
    """PagerDuty Events API v2 integration key; a Pulumi secret."""
    group_wait_seconds: int = Field(30, ge=0, le=600)
    """Alertmanager: wait this long to batch the first alerts of a group."""
    group_interval_seconds: int = Field(300, ge=30, le=3600)
    """Alertmanager: wait this long before notifying about new alerts of a group."""
    repeat_interval_hours: int = Field(4, ge=1, le=168)
    """Alertmanager: re-send a still-firing alert after this long."""
    alarm_severities: list[Severity] = Field(default_factory=lambda: list(SEVERITIES), min_length=1)
    """Only the components' alarms of these severities are created (dev keeps P0 only)."""
    alarms: dict[AlarmKey, AlarmOverrideConfig] = Field(default_factory=dict)
    """Per-alarm overrides keyed `<capability>.<alarm>` (`postgres.cpu`); see docs/monitoring.md
    for every alarm, its default threshold and severity."""

    def problems(self) -> Iterator[Problem]:
        yield from listed_twice("alarmSeverities", self.alarm_severities)

    @property
    def configured(self) -> bool:
        return bool(self.severities)

    def has_secrets(self) -> bool:
        return bool(self.webhooks) or self.pagerduty_key is not None

    def routing(self) -> AlertRouting:
        """The cloud-neutral routing, secrets as plain strings (the layer marks them secret)."""
        return AlertRouting(
            severities={
                s: SeverityChannels(
                    emails=tuple(c.emails),
                    sms=tuple(c.sms),
                    webhooks=tuple(c.webhooks),
                    pages=c.pages,
                )
                for s, c in self.severities.items()
            },
            webhooks={
                n: Webhook(
                    kind=w.kind,
                    url=w.url.get_secret_value(),
                    secret=w.secret.get_secret_value() if w.secret else None,
                )
                for n, w in self.webhooks.items()
            },
            pagerduty_key=self.pagerduty_key.get_secret_value() if self.pagerduty_key else None,
            group_wait_seconds=self.group_wait_seconds,
            group_interval_seconds=self.group_interval_seconds,
            repeat_interval_hours=self.repeat_interval_hours,
        )

    def alarm_policy(self) -> AlarmPolicy:
        return AlarmPolicy(
            overrides={
                k: AlarmOverride(threshold=o.threshold, severity=o.severity, enabled=o.enabled)
                for k, o in self.alarms.items()
            },
            severities=tuple(self.alarm_severities),
        )


class DirectMail(Section):
    """The sender address the in-cluster Alertmanager mails alerts from, through Alibaba Cloud
    DirectMail's SMTP relay. The stack creates the address with a generated SMTP password (never in
    config); its domain must already be verified in DirectMail (DNS records, docs/monitoring.md)."""

    sender: Email = Field(examples=["alerts@mail.example.com"])
    """The sender address, on a domain verified in DirectMail in `region`."""
    region: DirectMailRegion = "cn-hangzhou"
    """DirectMail's region (its SMTP endpoint): cn-hangzhou (mainland China), ap-southeast-1,
    us-east-1, eu-central-1."""
    port: int = IMPLICIT_TLS_PORT
    """465 (TLS from the first byte), or 25 or 80 with STARTTLS (required: Alertmanager never sends
    the SMTP password in clear)."""

    @field_validator("sender")
    @classmethod
    def _directmail_address(cls, sender: str) -> str:
        if not SENDER.match(sender):
            raise ValueError(
                "DirectMail sender addresses are local@domain of lower-case letters, digits, "
                "'_' and '-'"
            )
        return sender

    @field_validator("port")
    @classmethod
    def _tls_port(cls, port: int) -> int:
        if port not in DIRECTMAIL_PORTS:
            allowed = ", ".join(str(p) for p in DIRECTMAIL_PORTS)
            raise ValueError(f"{port} is not a DirectMail SMTP port; allowed: {allowed}")
        return port


class AlicloudAlerting(Alerting):
    """Alibaba Cloud: CloudMonitor notifies each severity's contacts of the components' alarms
    (and invokes the alert relay for the chats it cannot post to); the in-cluster Alertmanager has
    no notification topic, sends email through DirectMail and DingTalk/WeCom through the relay."""

    direct_mail: DirectMail | None = None
    """The DirectMail sender the in-cluster Alertmanager mails the severities' `emails` from
    (docs/monitoring.md); without it, it reaches only webhooks (DingTalk and WeCom through the
    alert relay)."""


def in_cluster_problems(alerting: AlicloudAlerting) -> list[tuple[str, str]]:
    """(stack-file key, message) for each severity whose in-cluster alerts would reach nobody on
    Alibaba Cloud (no topic: email only through `directMail`, SMS never; DingTalk and WeCom
    through the alert relay, components/monitoring/alicloud_relay.py)."""
    if not alerting.configured:
        return []
    routing, email = alerting.routing(), alerting.direct_mail is not None
    problems = []
    for severity, channels in alerting.severities.items():
        nothing = not (channels.emails or channels.sms or channels.webhooks or channels.pages)
        # DingTalk and WeCom: through the alert relay, which the stack builds for them.
        if nothing or alertmanager_reach(routing, severity, email=email, sms=False, chat=True):
            continue  # no channel at all: alerting_problems says so
        why = [
            *(["its emails need alerting.directMail"] if channels.emails and not email else []),
            *(["Alertmanager sends no SMS"] if channels.sms else []),
        ]
        problems.append(
            (
                f"alerting.severities.{severity}",
                f"the in-cluster Alertmanager would tell nobody of {severity} alerts on Alibaba "
                f"Cloud ({'; '.join(why)}); allowed: emails with alerting.directMail.sender set "
                "(a DirectMail sender address), or a slack, dingtalk, wecom or https webhook",
            )
        )
    return problems


def _alarm_keys(cloud: Cloud) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each capability's alarm keys on this cloud, and those whose threshold is a percentage:
    an override of an alarm the cloud does not emit would silently do nothing."""
    # (imported here: the components import this package's types; an import cycle otherwise)
    if cloud == "alicloud":
        from components.monitoring import alicloud_relay_spec as ali_relay  # noqa: PLC0415
        from components.postgres import alicloud_alarms as ali_postgres  # noqa: PLC0415
        from components.redis import alicloud_alarms as ali_redis  # noqa: PLC0415

        return {
            "postgres": (ali_postgres.KEYS, ali_postgres.PERCENT_KEYS),
            "redis": (ali_redis.KEYS, ali_redis.PERCENT_KEYS),
            "relay": (ali_relay.KEYS, ()),
        }
    from components.aws import certificate_alarms as certificate  # noqa: PLC0415
    from components.backup import aws_alarms as backup  # noqa: PLC0415
    from components.cdn import aws_alarms as cdn  # noqa: PLC0415
    from components.kubernetes import aws_alarms as cluster  # noqa: PLC0415
    from components.kubernetes import aws_gateway_alarms as gateway  # noqa: PLC0415
    from components.monitoring import aws_health_spec as health  # noqa: PLC0415
    from components.monitoring import aws_relay_spec as relay  # noqa: PLC0415
    from components.network import aws_alarms as network  # noqa: PLC0415
    from components.postgres import aws_alarms as postgres  # noqa: PLC0415
    from components.redis import aws_alarms as redis  # noqa: PLC0415
    from components.storage import aws_alarms as storage  # noqa: PLC0415

    return {
        "postgres": (postgres.KEYS, postgres.PERCENT_KEYS), "redis": (redis.KEYS, redis.PERCENT_KEYS),
        "cluster": (cluster.KEYS, ()), "backup": (backup.KEYS, ()), "network": (network.KEYS, ()),
        "storage": (storage.KEYS, ()), "health": (health.KEYS, ()),
        "cdn": (cdn.KEYS, ()), "gateway": (gateway.KEYS, ()), "certificate": (certificate.KEYS, ()),
        "relay": (relay.KEYS, ()),
    }  # fmt: skip


def alerting_problems(
    alerting: Alerting, *, required: bool, cloud: Cloud = "aws"
) -> list[tuple[str, str]]:
    """(stack-file key, message) for every problem of the section; what AlertTopics would
    reject, rejected here first. `required`: the environment's policy makes alarms mandatory."""
    problems: list[tuple[str, str]] = []
    if not alerting.configured:
        if required:
            problems.append(
                ("alerting.severities", "required in this environment (policy "
                 "obs-alarms-for-stateful is mandatory): give P0-P3 their channels, e.g. "
                 "P0: {pages: true}, P2: {emails: [oncall@example.com]}; without it no alarm "
                 "would tell anyone")
            )  # fmt: skip
        return problems
    problems += [(f"alerting.{f}", m) for f, m in routing_problems(alerting.routing())]
    problems += [
        # Keyed on `kind`: the secret's value is fine, its presence is not (and the offline plan
        # must not read this as "no stand-in fits the secure value").
        (f"alerting.webhooks.{name}.kind",
         f"{hook.kind} takes no signing `secret` (only a dingtalk robot signs its messages); "
         "allowed: remove alerting.webhooks." + name + ".secret, or kind: dingtalk")
        for name, hook in alerting.webhooks.items()
        if hook.secret is not None and hook.kind != "dingtalk"
    ]  # fmt: skip
    known = _alarm_keys(cloud)
    for key, override in alerting.alarms.items():
        capability, _, alarm = key.partition(".")
        keys, percent = known.get(capability, ((), ()))
        if alarm not in keys:
            allowed = ", ".join(f"{c}.{k}" for c, (ks, _) in known.items() for k in ks)
            problems.append((f"alerting.alarms.{key}",
                             f"no such alarm on cloud {cloud}; allowed: {allowed}"))  # fmt: skip
        elif alarm in percent and override.threshold is not None and override.threshold > 100:
            problems.append((f"alerting.alarms.{key}.threshold",
                             f"a percentage: at most 100, got {override.threshold:g}"))  # fmt: skip
    return problems


def unwatched(alerting: Alerting, defaults: dict[str, dict[str, Severity]]) -> Iterator[Problem]:
    """A capability whose alarms the overrides and `alarmSeverities` all drop. `defaults`: each
    stateful capability the stack builds, its alarms' keys and default severities."""
    for capability, alarms in defaults.items():
        kept = []
        for key, severity in alarms.items():
            override = alerting.alarms.get(f"{capability}.{key}")
            if override is None or override.enabled:
                chosen = (override.severity if override else None) or severity
                kept += [key] if chosen in alerting.alarm_severities else []
        if alarms and not kept:
            yield Problem(
                "alerting.alarmSeverities",
                f"{capability} keeps no alarm (its alarms: "
                f"{', '.join(f'{k} {v}' for k, v in alarms.items())}); every database, cache and "
                "cluster needs one here (policy obs-alarms-for-stateful): add their severity or "
                f"override one alarm's severity (alerting.alarms.{capability}.<alarm>.severity)",
            )
