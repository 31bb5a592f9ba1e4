"""Telemetry layer (after the cluster, before the apps): where the cluster's container logs and
traces go (components/monitoring/aws_telemetry.py). The apps layer gives every service the
collector's endpoint and a network path to it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pulumi

from components.kubernetes.aws_irsa import OidcIdentity
from components.kubernetes.platform.charts_spec import ChartArgs
from components.kubernetes.platform.workload_spec import PeerArgs
from components.monitoring.aws_search import LogSearch
from components.monitoring.aws_search_spec import LogSearchArgs
from components.monitoring.aws_telemetry import ClusterTelemetry
from components.monitoring.aws_telemetry_spec import (
    ClusterTelemetryArgs,
    LogShippingArgs,
    SearchTarget,
    TracingArgs,
)
from components.network.aws import Vpc
from infra.config import AwsStackConfig
from infra.layers.kubernetes import KubernetesHandles
from infra.layers.monitoring import MonitoringHandles
from infra.providers import Providers
from infra.sections.kubernetes import HelmChart


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


def log_search_args(cfg: AwsStackConfig, network: Vpc | None = None) -> LogSearchArgs | None:
    """The search domain of `logs.search`, in the data subnets, reachable from the private ones
    (`network` None: stand-ins for the ids, as the preflight checks it)."""
    search = cfg.logs.search
    if not search.enabled or search.master_role_arn is None:
        return None
    plan = cfg.subnet_plan()
    return LogSearchArgs(
        domain_name=f"{cfg.prefix}-logs",
        vpc_id=network.vpc_id if network else "stand-in",
        subnet_ids={
            zone: (network.subnets["data"][zone].id if network else "stand-in")
            for zone in cfg.zone_names
        },
        client_cidrs={f"private-{s.zone}": s.cidr for s in plan.tier("private")},
        master_role_arn=search.master_role_arn,
        engine_version=search.engine_version,
        instance_type=search.instance_type,
        instance_count=search.instance_count,
        zones=search.zones,
        volume_gib=search.volume_gib,
        dedicated_masters=search.dedicated_masters,
        dedicated_master_type=search.dedicated_master_type,
        log_retention_days=cfg.logs.retention.audit,
        tags=cfg.base_tags,
        protect_stateful=cfg.protect_stateful_resources,
    )
