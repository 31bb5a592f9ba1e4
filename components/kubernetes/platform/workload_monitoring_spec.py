"""A Workload's metrics and alert args and their names: config checks them without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

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
