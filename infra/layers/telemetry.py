"""Telemetry layer (after the cluster, before the apps): where the cluster's container logs and
traces go (components/monitoring/aws_telemetry.py). The apps layer gives every service the
collector's endpoint and a network path to it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi

from components.kubernetes.aws_irsa import OidcIdentity
from components.kubernetes.platform.charts import ChartArgs
from components.kubernetes.platform.workload import PeerArgs
from components.monitoring.aws_telemetry import (
    ClusterTelemetry,
    ClusterTelemetryArgs,
    LogShippingArgs,
    TracingArgs,
)
from infra.config import AwsStackConfig
from infra.layers.kubernetes import KubernetesHandles
from infra.layers.monitoring import MonitoringHandles
from infra.sections.kubernetes import HelmChart


@dataclass(frozen=True)
class TelemetryHandles:
    telemetry: ClusterTelemetry | None
    """None without a cluster, or with neither `logs.shipping` nor `tracing` enabled."""

    @property
    def exports(self) -> dict[str, Any]:
        t = self.telemetry
        if t is None:
            return {}
        out: dict[str, Any] = {}
        if t.log_group_name is not None:
            out["containerLogGroupName"] = t.log_group_name
        if t.otlp_endpoint is not None:
            out["otlpEndpoint"] = t.otlp_endpoint
        return out

    def egress_peer(self) -> PeerArgs | None:
        return self.telemetry.egress_peer() if self.telemetry else None

    def otlp_env(self) -> dict[str, str]:
        return self.telemetry.otlp_env() if self.telemetry else {}


def layer(
    cfg: AwsStackConfig,
    kubernetes: KubernetesHandles | None,
    alerts: MonitoringHandles | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> TelemetryHandles:
    """`alerts`: the container log group shares the alert topics' key (one key, not two)."""
    if kubernetes is None:
        return TelemetryHandles(None)
    args = telemetry_args(cfg, kubernetes.cluster.static_name, kubernetes.cluster.oidc)
    if alerts is not None and alerts.topics is not None:
        args = replace(args, kms_key_arn=alerts.topics.key_arn)
    if args.logs is None and args.tracing is None:
        return TelemetryHandles(None)
    on_platform = pulumi.ResourceOptions.merge(kubernetes.on_platform, opts)
    return TelemetryHandles(ClusterTelemetry(f"{cfg.prefix}-telemetry", args, opts=on_platform))


def _chart(chart: HelmChart) -> ChartArgs:
    return ChartArgs(
        chart=chart.chart, version=chart.version, repository=chart.repository, values=chart.values
    )


def telemetry_args(
    cfg: AwsStackConfig, eks_cluster_name: str, oidc: OidcIdentity
) -> ClusterTelemetryArgs:
    shipping, tracing = cfg.logs.shipping, cfg.tracing
    return ClusterTelemetryArgs(
        part_of=cfg.name,
        cluster_name=eks_cluster_name,
        oidc=oidc,
        region=cfg.region,
        logs=LogShippingArgs(
            chart=_chart(shipping.chart), retention_days=cfg.logs.retention.application
        )
        if shipping.enabled
        else None,
        tracing=TracingArgs(
            chart=_chart(tracing.chart),
            sampling_ratio=tracing.sampling_ratio,
            exporter=tracing.exporter,
            endpoint=tracing.endpoint,
            replicas=tracing.replicas,
        )
        if tracing.enabled
        else None,
        monitoring_namespace=cfg.platform.monitoring_namespace,
        workload_namespaces=[n.name for n in cfg.platform.namespaces],
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
