"""Cluster telemetry args (logs, traces) and check: config and preflight need them without SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from components._base import LOG_RETENTION_DAYS, require
from components.kubernetes.platform.charts_spec import ChartArgs, validate_charts

if TYPE_CHECKING:
    import pulumi

    from components.kubernetes.aws_irsa_spec import OidcIdentity

TraceExporter = Literal["xray", "otlp"]


@dataclass(frozen=True, kw_only=True)
class LogShippingArgs:
    chart: ChartArgs
    """The pinned `aws-for-fluent-bit` chart."""
    retention_days: int = 30
    """Days the container logs are kept (the stack's `application` class)."""


@dataclass(frozen=True, kw_only=True)
class SearchTarget:
    """An OpenSearch domain Fluent Bit ships the container logs to as well (`LogSearch`)."""

    endpoint: pulumi.Input[str]
    arn: pulumi.Input[str]
    index: str = "containers"


@dataclass(frozen=True, kw_only=True)
class TracingArgs:
    chart: ChartArgs
    """The pinned `opentelemetry-collector` chart."""
    sampling_ratio: float = 0.1
    """Share of traces kept (0 < ratio <= 1)."""
    exporter: TraceExporter = "xray"
    endpoint: str | None = None
    """`otlp`: the OTLP/gRPC endpoint traces go to (`https://jaeger.example:4317`)."""
    replicas: int = 2


@dataclass(frozen=True, kw_only=True)
class ClusterTelemetryArgs:
    part_of: str
    """Product name (label `app.kubernetes.io/part-of`)."""
    cluster_name: str
    oidc: OidcIdentity
    region: str
    logs: LogShippingArgs | None = None
    """None: container logs are not shipped."""
    tracing: TracingArgs | None = None
    """None: no collector."""
    monitoring_namespace: str = "monitoring"
    """Where the collector runs (a platform namespace)."""
    workload_namespaces: Sequence[str] = ()
    """Namespaces whose pods may send OTLP to the collector."""
    search: SearchTarget | None = None
    """Ship the container logs to this search domain too (needs `logs`)."""
    kms_key_arn: pulumi.Input[str] | None = None
    """Key of the container log group (one that lets CloudWatch Logs use it, such as the alert
    topics' key); None: a key of its own."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Protect the log group and its key."""


def validate(args: ClusterTelemetryArgs) -> None:
    require(bool(args.cluster_name), "cluster_name", "must not be empty")
    require(args.search is None or args.logs is not None, "search", "needs logs (Fluent Bit)")
    if args.logs is not None:
        require(
            args.logs.retention_days in LOG_RETENTION_DAYS,
            "logs.retention_days",
            f"{args.logs.retention_days} is not a CloudWatch Logs retention period",
        )
        validate_charts({"fluent_bit": args.logs.chart}, ["fluent_bit"])
    tracing = args.tracing
    if tracing is not None:
        validate_charts({"collector": tracing.chart}, ["collector"])
        require(0 < tracing.sampling_ratio <= 1, "tracing.sampling_ratio", "must be in (0, 1]")
        require(tracing.replicas >= 1, "tracing.replicas", "at least 1")
        require(
            (tracing.exporter == "otlp") == (tracing.endpoint is not None),
            "tracing.endpoint",
            "required for the otlp exporter, and only for it",
        )
        require(
            tracing.endpoint is None or tracing.endpoint.startswith("https://"),
            "tracing.endpoint",
            "must be an https:// URL (traces leave the cluster encrypted)",
        )
        require(bool(args.workload_namespaces), "workload_namespaces", "at least one")
