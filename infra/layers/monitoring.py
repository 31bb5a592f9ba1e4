"""Monitoring layer: the alert topics every component's alarms notify, from `alerting`.

Runs first, so each later layer can hand its components the wiring and each component emits its
own alarms (components/<capability>/aws_alarms.py). A second set of topics in us-east-1 serves the
alarms on metrics only published there (CloudFront, CLOUDFRONT-scoped WAF, their ACM
certificates, Route 53 health checks): an alarm can only notify a topic of its own region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.aws.certificate_alarms import certificate_alarms
from components.cdn.aws_alarms import distribution_alarms, firewall_alarms
from components.monitoring import AlarmSpec, apply_policy
from components.monitoring.aws import AlertTopics
from components.monitoring.aws_spec import AlarmWiring, AlertTopicsArgs
from infra.config import AwsStackConfig
from infra.layers.health_args import health_wanted
from infra.providers import Providers
from infra.regions import EDGE_REGION


@dataclass(frozen=True)
class MonitoringHandles:
    topics: AlertTopics | None
    """One encrypted topic per severity; None when the stack has no alerting section."""
    alarms: AlarmWiring | None
    """What the later layers hand their components (None: no component emits alarms)."""
    edge_topics: AlertTopics | None = None
    """The us-east-1 topics (same routing); None when no kept alarm lives there, or the stack's
    own region is us-east-1 (then `edge_alarms` is `alarms`)."""
    edge_alarms: AlarmWiring | None = None
    """What the edge components (CDN, API edge, health checks) hand their alarms."""

    @property
    def exports(self) -> dict[str, Any]:
        return {"alertTopicArns": self.topics.topic_arns} if self.topics else {}


def layer(
    cfg: AwsStackConfig, providers: Providers, opts: pulumi.ResourceOptions | None = None
) -> MonitoringHandles:
    if not cfg.alerting.configured:
        return MonitoringHandles(topics=None, alarms=None)
    topics = _topics(cfg, f"{cfg.prefix}-alerts", providers.in_primary(opts))
    policy = cfg.alerting.alarm_policy()
    wiring = topics.wiring(policy)
    if not edge_alarms_kept(cfg):
        return MonitoringHandles(topics=topics, alarms=wiring)
    if cfg.region == EDGE_REGION:
        return MonitoringHandles(topics=topics, alarms=wiring, edge_alarms=wiring)
    # Named as when the health checks owned them (their child then): same key, same topics.
    moved = pulumi.Alias(
        parent=pulumi.create_urn(f"{cfg.prefix}-health", "groundwork:aws/monitoring:EntryHealth")
    )
    edge = _topics(
        cfg,
        f"{cfg.prefix}-health-alerts",
        providers.at_edge(
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(aliases=[moved]))
        ),
    )
    return MonitoringHandles(
        topics=topics, alarms=wiring, edge_topics=edge, edge_alarms=edge.wiring(policy)
    )


def _topics(cfg: AwsStackConfig, name: str, opts: pulumi.ResourceOptions) -> AlertTopics:
    """One topic per severity, subscribed to the stack's channels, in the region of `opts`."""
    args = AlertTopicsArgs(
        routing=cfg.alerting.routing(),
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
    return AlertTopics(name, args, opts=opts)


def edge_alarms_kept(cfg: AwsStackConfig) -> bool:
    """Whether any us-east-1 alarm survives the stack's alarm policy (dev keeps P0 only: no edge
    topics and no second key for alarms it would not create)."""
    policy = cfg.alerting.alarm_policy()
    wanted: list[tuple[str, list[AlarmSpec]]] = []
    if cfg.cdn.enabled or cfg.api.enabled:
        wanted += [("cdn", distribution_alarms("") + firewall_alarms("")),
                   ("certificate", certificate_alarms(""))]  # fmt: skip
    if health_wanted(cfg):
        health = AlarmSpec(key="status", description="", namespace="AWS/Route53",
                           metric="HealthCheckStatus", statistic="Minimum", comparison="<",
                           threshold=1, severity=cfg.health_checks.severity)  # fmt: skip
        wanted.append(("health", [health]))
    return any(apply_policy(capability, specs, policy) for capability, specs in wanted)
