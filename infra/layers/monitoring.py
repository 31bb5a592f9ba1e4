"""Monitoring layer: the alert topics every component's alarms notify, from `alerting`.

Runs first, so each later layer can hand its components the wiring and each component emits its
own alarms (components/<capability>/aws_alarms.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.monitoring.aws import AlarmWiring, AlertTopics, AlertTopicsArgs
from infra.config import AwsStackConfig
from infra.providers import Providers


@dataclass(frozen=True)
class MonitoringHandles:
    topics: AlertTopics | None
    """One encrypted topic per severity; None when the stack has no alerting section."""
    alarms: AlarmWiring | None
    """What the later layers hand their components (None: no component emits alarms)."""

    @property
    def exports(self) -> dict[str, Any]:
        return {"alertTopicArns": self.topics.topic_arns} if self.topics else {}


def layer(
    cfg: AwsStackConfig, providers: Providers, opts: pulumi.ResourceOptions | None = None
) -> MonitoringHandles:
    if not cfg.alerting.configured:
        return MonitoringHandles(topics=None, alarms=None)
    topics = AlertTopics(
        f"{cfg.prefix}-alerts",
        AlertTopicsArgs(
            routing=cfg.alerting.routing(),
            tags=cfg.base_tags,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=providers.in_primary(opts),
    )
    return MonitoringHandles(topics=topics, alarms=topics.wiring(cfg.alerting.alarm_policy()))
