"""A Workload's metrics and alert args, names and check: config and preflight need no SDK."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from components._base import require
from components.kubernetes.platform.gateway_metrics import GatewayProxies

if TYPE_CHECKING:
    import pulumi

Severity = Literal["P0", "P1", "P2", "P3"]
MetricsSource = Literal["app", "gateway", "none"]
SOURCES: tuple[MetricsSource, ...] = ("app", "gateway", "none")
Convention = Literal["prometheus", "opentelemetry"]
CONVENTIONS: Mapping[Convention, tuple[str, str, str]] = {
    "prometheus": ("http_requests_total", "code", "http_request_duration_seconds"),
    "opentelemetry": (
        "http_server_request_duration_seconds_count",
        "http_response_status_code",
        "http_server_request_duration_seconds",
    ),
}
"""(requests counter, its status-code label, duration histogram in seconds) of each convention."""
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


@dataclass(frozen=True, kw_only=True)
class WorkloadAlertsArgs:
    """Thresholds and severities of the Workload's alerts."""

    error_rate_percent: float = 5.0
    """Share of responses that are 5xx, in percent, over 5 minutes."""
    error_rate_severity: Severity = "P1"
    p95_latency_seconds: float = 1.0
    """95th percentile of the request duration, over 5 minutes."""
    p95_latency_severity: Severity = "P2"
    saturation_percent: float = 90.0
    """CPU or memory used by a pod's container against its limit, in percent."""
    saturation_severity: Severity = "P2"
    restarts_per_hour: int = 3
    """Container restarts of one pod within an hour."""
    restarts_severity: Severity = "P2"
    for_minutes: int = 10
    """How long a condition must hold before the alert fires."""


@dataclass(frozen=True, kw_only=True)
class WorkloadMetricsArgs:
    source: MetricsSource = "app"
    """Where the request metrics come from: the service's own metrics port (`app`), the public
    Gateway's proxies (`gateway`), or nowhere (`none`)."""
    convention: Convention = "prometheus"
    """Metric names of `source: app` (each overridable below)."""
    port: str = "http"
    """Named port (of `WorkloadArgs.ports`) serving the metrics."""
    path: str = "/metrics"
    interval_seconds: int = 30
    monitoring_namespace: str = "monitoring"
    """Namespace of Prometheus (admitted to the port) and of the dashboard ConfigMap."""
    prometheus_pod_labels: Mapping[str, str] = field(
        default_factory=lambda: {"app.kubernetes.io/name": "prometheus"}
    )
    requests_metric: str | None = None
    """Counter of requests, with the response status in `status_label`; None: the convention's."""
    status_label: str | None = None
    """None: the convention's."""
    duration_metric: str | None = None
    """Histogram of request durations, in seconds (`<name>_bucket`); None: the convention's."""
    gateway: GatewayProxies | None = None
    """The public Gateway's proxies, when they export request metrics (`source: gateway`)."""
    request_alerts_opt_out: str | None = None
    """Why a routed service has no request alerts (`source: none`): required then, refused
    otherwise, so a public service never loses them unnoticed."""
    alerts: WorkloadAlertsArgs = field(default_factory=WorkloadAlertsArgs)
    after: Sequence[pulumi.Resource] = ()
    """What installs the monitoring CRDs (the stack's release): created after it."""


def validate_metrics(m: WorkloadMetricsArgs, ports: Mapping[str, int], *, routed: bool) -> None:
    """`routed`: the Workload has a public route (its request alerts are not optional)."""
    require(m.source in SOURCES, "metrics.source", f"'{m.source}': one of {', '.join(SOURCES)}")
    require(
        m.convention in CONVENTIONS,
        "metrics.convention",
        f"'{m.convention}': {', '.join(CONVENTIONS)}",
    )
    require(
        m.source != "app" or m.port in ports,
        "metrics.port",
        f"'{m.port}' is not one of the workload's ports {sorted(ports)}",
    )
    if m.source == "gateway":
        require(routed, "metrics.source", "'gateway' measures the service's route: it has none")
        require(
            m.gateway is not None,
            "metrics.source",
            "'gateway': this cluster's Gateway exports no request metrics (the ALB's are "
            "CloudWatch's); use 'app'",
        )
    if routed and m.source == "none":
        require(
            bool(m.request_alerts_opt_out),
            "metrics.source",
            "'none' leaves a routed service without error-rate and p95 alerts: use 'app' (or "
            "'gateway' where the Gateway has metrics), or give the reason in "
            "request_alerts_opt_out",
        )
    else:
        require(
            m.request_alerts_opt_out is None,
            "metrics.request_alerts_opt_out",
            "only for a routed service with source 'none'",
        )
    require(m.path.startswith("/"), "metrics.path", "must start with /")
    require(5 <= m.interval_seconds <= 300, "metrics.interval_seconds", "5-300")
    for key, metric in (
        ("requests_metric", m.requests_metric),
        ("duration_metric", m.duration_metric),
    ):
        require(
            metric is None or bool(METRIC_NAME.match(metric)),
            f"metrics.{key}",
            f"'{metric}' is not a metric name",
        )
    require(
        m.status_label is None or bool(LABEL_NAME.match(m.status_label)),
        "metrics.status_label",
        "not a label name",
    )
    a = m.alerts
    require(0 < a.error_rate_percent <= 100, "metrics.alerts.error_rate_percent", "0-100")
    require(a.p95_latency_seconds > 0, "metrics.alerts.p95_latency_seconds", "above 0")
    require(0 < a.saturation_percent <= 100, "metrics.alerts.saturation_percent", "0-100")
    require(a.restarts_per_hour >= 1, "metrics.alerts.restarts_per_hour", "at least 1")
    require(1 <= a.for_minutes <= 60, "metrics.alerts.for_minutes", "1-60")
