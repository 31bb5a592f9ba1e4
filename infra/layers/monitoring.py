"""Monitoring layer: the alert topics every component's alarms notify, from `alerting`.

Runs first, so each later layer can hand its components the wiring and each component emits its
own alarms (components/<capability>/aws_alarms.py)."""

from __future__ import annotations

import pulumi

from components.monitoring.aws import AlarmWiring, AlertTopics, AlertTopicsArgs
from infra.config import AwsStackConfig as StackConfig


def alert_topics(cfg: StackConfig, opts: pulumi.ResourceOptions) -> AlertTopics | None:
    """None when the stack has no alerting section (then no component emits alarms)."""
    if not cfg.alerting.configured:
        return None
    return AlertTopics(
        f"{cfg.name}-{cfg.environment}-alerts",
        AlertTopicsArgs(
            routing=cfg.alerting.routing(),
            tags=cfg.base_tags,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=opts,
    )


def wiring(cfg: StackConfig, topics: AlertTopics | None) -> AlarmWiring | None:
    return topics.wiring(cfg.alerting.alarm_policy()) if topics else None
