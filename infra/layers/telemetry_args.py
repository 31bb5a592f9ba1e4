"""What the telemetry layer asks of its components (cluster telemetry, the log search domain),
built from config; imported by the preflight without the SDKs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.kubernetes.aws_irsa_spec import OidcIdentity
from components.kubernetes.platform.charts_spec import ChartArgs
from components.monitoring.aws_search_spec import LogSearchArgs
from components.monitoring.aws_telemetry_spec import (
    ClusterTelemetryArgs,
    LogShippingArgs,
    TracingArgs,
)
from infra.config import AwsStackConfig
from infra.sections.kubernetes import HelmChart

if TYPE_CHECKING:
    from components.network.aws import Vpc


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
