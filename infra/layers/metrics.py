"""Metrics layer, on either cloud: the in-cluster monitoring stack (`groundwork:metrics`) on the
cluster the Kubernetes layer built, its Alertmanager routed by `groundwork:alerting`.

On AWS the Alertmanager also publishes to the severity's notification topic (email and SMS):
`aws_alertmanager` gives it the topics' ARNs and an IRSA role that may publish to them only. On
Alibaba Cloud (no topics) `alicloud_alertmanager` mails from the DirectMail sender and posts
DingTalk/WeCom alerts to the alert relay function; config refuses a severity it would tell
nobody of (infra/sections/alerting.py `in_cluster_problems`).
The apps layer takes `after` so each Workload's monitors wait for the CRDs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pulumi

from components.kubernetes.aws_irsa_spec import OidcIdentity
from components.kubernetes.platform.gateway_metrics import GatewayProxies
from components.kubernetes.platform.monitoring import MonitoringStack
from components.kubernetes.platform.monitoring_spec import (
    ALERTMANAGER_SERVICE_ACCOUNT,
)
from components.monitoring import ChatRelay, alertmanager_config
from components.monitoring.alicloud_mail import AlertMailSender
from components.monitoring.alicloud_relay import AlertRelay
from components.monitoring.aws import AlertTopics
from infra.config import StackBase
from infra.layers.metrics_args import AlertmanagerWiring, stack_args


class _Baseline(Protocol):
    @property
    def storage_class_name(self) -> str: ...


class _Gateway(Protocol):
    @property
    def proxies(self) -> GatewayProxies | None: ...


class KubernetesLike(Protocol):
    """What the layer takes from any cloud's Kubernetes handles."""

    @property
    def baseline(self) -> _Baseline: ...
    @property
    def gateway(self) -> _Gateway: ...
    @property
    def on_platform(self) -> pulumi.ResourceOptions: ...


@dataclass(frozen=True)
class MetricsHandles:
    stack: MonitoringStack | None = None
    """None when `metrics.enabled` is false or the stack has no cluster."""

    @property
    def after(self) -> Sequence[pulumi.Resource] | None:
        """What a Workload's monitors wait for (None: no monitoring stack, no monitors)."""
        return [self.stack.release] if self.stack is not None else None

    @property
    def exports(self) -> dict[str, Any]:
        if self.stack is None:
            return {}
        # Where to find the login, never the login itself.
        return {"grafanaAdminSecret": f"{self.stack.namespace}/grafana-admin"}


def plain_alertmanager(cfg: StackBase) -> AlertmanagerWiring:
    """Routes, receivers and inhibitions from `alerting`, without cloud notification topics."""
    return AlertmanagerWiring(config=alertmanager_config(cfg.alerting.routing()))


def alicloud_alertmanager(
    cfg: StackBase, mail: AlertMailSender | None, relay: AlertRelay | None = None
) -> AlertmanagerWiring:
    """Webhooks and PagerDuty as everywhere; the severities' emails from the DirectMail sender;
    DingTalk and WeCom through the alert relay's VPC endpoint (with its bearer token)."""
    chat = (
        ChatRelay(relay.cluster_url, relay.cluster_token)
        if relay is not None and relay.cluster_url is not None
        else None
    )
    if (mail is None and chat is None) or not cfg.alerting.configured:
        return plain_alertmanager(cfg)
    smtp = mail.relay if mail is not None else None
    return AlertmanagerWiring(
        # The generated password and token are Outputs inside the plain config (the engine
        # resolves them).
        config=alertmanager_config(cfg.alerting.routing(), smtp=smtp, chat_relay=chat),
        own_secret=True,
        notify_ports=tuple(sorted({443, *([smtp.port] if smtp else [])})),
    )


def aws_alertmanager(
    cfg: StackBase, topics: AlertTopics | None, oidc: OidcIdentity
) -> AlertmanagerWiring:
    """Email and SMS receivers publish to the severity's topic through an IRSA role."""
    if topics is None or not cfg.alerting.configured:
        return plain_alertmanager(cfg)
    role = topics.publisher_role(
        oidc, cfg.platform.monitoring_namespace, ALERTMANAGER_SERVICE_ACCOUNT, cfg.base_tags
    )
    return AlertmanagerWiring(
        # The ARNs are Outputs inside the plain config: the engine resolves nested Outputs.
        config=alertmanager_config(cfg.alerting.routing(), topics.topic_arns, cfg.region),
        service_account_annotations={"eks.amazonaws.com/role-arn": role.arn},
        own_secret=True,
    )


def layer(
    cfg: StackBase,
    kubernetes: KubernetesLike | None,
    alertmanager: Callable[[], AlertmanagerWiring],
    *,
    min_volume_gib: int,
    random_provider: pulumi.ProviderResource,
    opts: pulumi.ResourceOptions | None = None,
) -> MetricsHandles:
    if kubernetes is None or not cfg.metrics.enabled:
        return MetricsHandles()
    on_platform = pulumi.ResourceOptions.merge(
        kubernetes.on_platform, pulumi.ResourceOptions(providers=[random_provider])
    )
    args = stack_args(
        cfg,
        kubernetes.baseline.storage_class_name,
        min_volume_gib,
        alertmanager(),
        kubernetes.gateway.proxies,
    )
    return MetricsHandles(
        stack=MonitoringStack(
            f"{cfg.prefix}-monitoring",
            args,
            opts=pulumi.ResourceOptions.merge(on_platform, opts),
        )
    )
