"""`groundwork:alerting`: alert severities P0-P3 and their channels (components/monitoring/).

One section feeds both the cloud's notification topics (with the alarms every component emits) and
the in-cluster Alertmanager. Webhook URLs and the PagerDuty key are secrets: set them with
`pulumi config set --secret --path 'groundwork:alerting.pagerdutyKey' ...`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field, SecretStr

from components.monitoring import (
    SEVERITIES,
    AlarmOverride,
    AlarmPolicy,
    AlertRouting,
    Severity,
    SeverityChannels,
    Webhook,
    WebhookKind,
    routing_problems,
)
from infra.sections.base import Email, Problem, Section, listed_twice

Phone = Annotated[str, Field(pattern=r"^\+[1-9]\d{6,14}$")]
ChannelName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")]
AlarmKey = Annotated[str, Field(pattern=r"^[a-z]+\.[a-z0-9-]+$")]


class WebhookChannel(Section):
    kind: WebhookKind
    """`slack`, `dingtalk`, `wecom` (Alertmanager only: chat webhooks cannot confirm an SNS
    subscription) or `https` (an endpoint that confirms SNS subscriptions: both)."""
    url: SecretStr
    """The webhook URL; a Pulumi secret."""


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
                n: Webhook(kind=w.kind, url=w.url.get_secret_value())
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


def _alarm_keys(cloud: str) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each capability's alarm keys on this cloud, and those whose threshold is a percentage:
    an override of an alarm the cloud does not emit would silently do nothing."""
    # (imported here: the components import this package's types; an import cycle otherwise)
    if cloud == "alicloud":
        from components.postgres import alicloud_alarms as ali_postgres  # noqa: PLC0415
        from components.redis import alicloud_alarms as ali_redis  # noqa: PLC0415

        return {
            "postgres": (ali_postgres.KEYS, ali_postgres.PERCENT_KEYS),
            "redis": (ali_redis.KEYS, ali_redis.PERCENT_KEYS),
        }
    from components.backup import aws_alarms as backup  # noqa: PLC0415
    from components.kubernetes import aws_alarms as cluster  # noqa: PLC0415
    from components.monitoring import aws_health as health  # noqa: PLC0415
    from components.network import aws_alarms as network  # noqa: PLC0415
    from components.postgres import aws_alarms as postgres  # noqa: PLC0415
    from components.redis import aws_alarms as redis  # noqa: PLC0415
    from components.storage import aws_alarms as storage  # noqa: PLC0415

    return {
        "postgres": (postgres.KEYS, postgres.PERCENT_KEYS), "redis": (redis.KEYS, redis.PERCENT_KEYS),
        "cluster": (cluster.KEYS, ()), "backup": (backup.KEYS, ()), "network": (network.KEYS, ()),
        "storage": (storage.KEYS, ()), "health": (health.KEYS, ()),
    }  # fmt: skip


def alerting_problems(
    alerting: Alerting, *, required: bool, cloud: str = "aws"
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
