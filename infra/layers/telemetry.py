"""Telemetry layer (after the cluster, before the apps): where the cluster's container logs and
traces go (components/monitoring/aws_telemetry.py). The apps layer gives every service the
collector's endpoint and a network path to it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi

from components.kubernetes.platform.workload_spec import PeerArgs
from components.monitoring.aws_search import LogSearch
from components.monitoring.aws_telemetry import ClusterTelemetry
from components.monitoring.aws_telemetry_spec import (
    SearchTarget,
)
from components.network.aws import Vpc
from infra.config import AwsStackConfig
from infra.layers.kubernetes import KubernetesHandles
from infra.layers.monitoring import MonitoringHandles
from infra.layers.telemetry_args import log_search_args, telemetry_args
from infra.providers import Providers


@dataclass(frozen=True)
class TelemetryHandles:
    telemetry: ClusterTelemetry | None
    """None without a cluster, or with neither `logs.shipping` nor `tracing` enabled."""
    search: LogSearch | None = None
    """The OpenSearch domain of `logs.search` (None when off)."""

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
        if self.search is not None:
            out["logSearchEndpoint"] = self.search.endpoint
        return out

    def egress_peer(self) -> PeerArgs | None:
        return self.telemetry.egress_peer() if self.telemetry else None

    def otlp_env(self) -> dict[str, str]:
        return self.telemetry.otlp_env() if self.telemetry else {}


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    network: Vpc,
    kubernetes: KubernetesHandles | None,
    *,
    alerts: MonitoringHandles | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> TelemetryHandles:
    """`alerts`: the container log group shares the alert topics' key (one key, not two)."""
    if kubernetes is None:
        return TelemetryHandles(None)
    args = telemetry_args(cfg, kubernetes.cluster.static_name, kubernetes.cluster.oidc)
    if alerts is not None and alerts.topics is not None:
        args = replace(args, kms_key_arn=alerts.topics.key_arn)
    search = None
    if (search_args := log_search_args(cfg, network)) is not None and args.logs is not None:
        search = LogSearch(f"{cfg.prefix}-log-search", search_args, opts=providers.in_primary(opts))
        args = replace(args, search=SearchTarget(endpoint=search.endpoint, arn=search.arn))
    if args.logs is None and args.tracing is None:
        return TelemetryHandles(None)
    on_platform = pulumi.ResourceOptions.merge(kubernetes.on_platform, opts)
    return TelemetryHandles(
        ClusterTelemetry(f"{cfg.prefix}-telemetry", args, opts=on_platform), search
    )
