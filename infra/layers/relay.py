"""Relay layer: the alert relay that posts every set of alert topics' notifications (primary
region, DR region, us-east-1 edge and health-check alarms) to Slack, DingTalk and WeCom, when a severity has one
of those webhooks (components/monitoring/aws_relay.py).

Runs last: it subscribes to the topics the monitoring and DR-region layers made."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.monitoring import relayed_webhooks
from components.monitoring.aws_relay import AlertRelay, AlertRelayArgs, TopicSet
from infra.config import AwsStackConfig
from infra.layers.dr_region import DrRegionHandles
from infra.layers.monitoring import MonitoringHandles
from infra.providers import Providers


@dataclass(frozen=True)
class RelayHandles:
    relay: AlertRelay | None
    """None without alerting or without a Slack/DingTalk/WeCom webhook."""


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    monitoring: MonitoringHandles,
    dr_region: DrRegionHandles | None,
    opts: pulumi.ResourceOptions | None = None,
) -> RelayHandles:
    topics = monitoring.topics
    if topics is None or not relayed_webhooks(routing := cfg.alerting.routing()):
        return RelayHandles(None)
    sets = [TopicSet("", topics.topic_arns)]
    if dr_region is not None and dr_region.alerts is not None:
        sets.append(TopicSet("dr", dr_region.alerts.topic_arns, providers.dr))
    if monitoring.edge_topics is not None:  # us-east-1: the CDN's, API edge's and health alarms
        sets.append(TopicSet("edge", monitoring.edge_topics.topic_arns, providers.edge))
    relay = AlertRelay(
        f"{cfg.prefix}-alert-relay",
        AlertRelayArgs(
            routing=routing,
            topic_sets=sets,
            key_arn=topics.key_arn,
            log_retention_days=cfg.logs.retention.application,
            alarms=monitoring.alarms,
            tags=cfg.base_tags,
            protect_stateful=cfg.protect_stateful_resources,
        ),
        opts=providers.in_primary(opts),
    )
    return RelayHandles(relay)
