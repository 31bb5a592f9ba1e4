"""What a Workload adds for the in-cluster monitoring stack (`WorkloadArgs.metrics`):

- a ServiceMonitor for its metrics port and path;
- a PrometheusRule with four alerts, thresholds and severities from the spec: error rate (share
  of 5xx responses), p95 latency (from the request-duration histogram), saturation (CPU and
  memory used against the container's limits) and pod restarts;
- a NetworkPolicy admitting exactly the Prometheus pods of the monitoring namespace to the
  metrics port (the namespace's default deny holds everything else);
- a Grafana dashboard (a ConfigMap with the sidecar's label in the monitoring namespace).

Request metrics come from the service itself (`source: app`, the default; Prometheus client
conventions: `http_requests_total` with a `code` label, the `http_request_duration_seconds`
histogram, each renameable in the spec) or, for a service that exports none, from the ingress
controller's per-service metrics (`source: ingress`: no ServiceMonitor and no scrape path to the
pods, which serve no metrics), or nowhere (`source: none`, a worker without ports: no request
alerts). Saturation and restarts come from cAdvisor and kube-state-metrics, whatever the source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
from pulumi_kubernetes import apiextensions, core, networking

from components._base import child_opts, require
from components.kubernetes.platform.dashboards import DASHBOARD_LABEL, dashboard

Severity = Literal["P0", "P1", "P2", "P3"]
MetricsSource = Literal["app", "ingress", "none"]
INGRESS_REQUESTS = ("nginx_ingress_controller_requests", "status")
INGRESS_DURATION = "nginx_ingress_controller_request_duration_seconds"
"""ingress-nginx's per-Ingress request counter (status label) and duration histogram."""
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
RULE_WINDOW = "5m"
"""Rate window of the request and CPU expressions (>= 4 scrape intervals of 30 s)."""


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
    """Where the request metrics come from: the service's own metrics port (`app`), the
    ingress controller's metrics of the service's Ingress (`ingress`), or nowhere (`none`)."""
    port: str = "http"
    """Named port (of `WorkloadArgs.ports`) serving the metrics."""
    path: str = "/metrics"
    interval_seconds: int = 30
    monitoring_namespace: str = "monitoring"
    """Namespace of Prometheus (admitted to the port) and of the dashboard ConfigMap."""
    prometheus_pod_labels: Mapping[str, str] = field(
        default_factory=lambda: {"app.kubernetes.io/name": "prometheus"}
    )
    requests_metric: str = "http_requests_total"
    """Counter of requests, with the response status in `status_label`."""
    status_label: str = "code"
    duration_metric: str = "http_request_duration_seconds"
    """Histogram of request durations, in seconds (`<name>_bucket`)."""
    alerts: WorkloadAlertsArgs = field(default_factory=WorkloadAlertsArgs)
    after: Sequence[pulumi.Resource] = ()
    """What installs the monitoring CRDs (the stack's release): created after it."""


def request_metrics(name: str, namespace: str, m: WorkloadMetricsArgs) -> tuple[str, str, str, str]:
    """(selector, requests counter, its status label, duration histogram) of the source."""
    if m.source == "ingress":
        requests, status = INGRESS_REQUESTS
        sel = f'exported_namespace="{namespace}", exported_service="{name}"'
        return sel, requests, status, INGRESS_DURATION
    sel = f'namespace="{namespace}", job="{name}"'
    return sel, m.requests_metric, m.status_label, m.duration_metric


def alert_rules(name: str, namespace: str, m: WorkloadMetricsArgs) -> list[dict[str, Any]]:
    """The Workload's alerting rules (PrometheusRule `spec.groups[0].rules`)."""
    a, w = m.alerts, RULE_WINDOW
    sel, counter, status, duration = request_metrics(name, namespace, m)
    container = f'namespace="{namespace}", container="{name}"'
    # The namespace label of the alert is the workload's (the ingress metrics' own is the
    # controller's), so inhibition by namespace groups it with the workload's other alerts.
    ns = f'label_replace(__expr__, "namespace", "{namespace}", "", "")'
    requests = ns.replace("__expr__", f"sum(rate({counter}{{{sel}}}[{w}]))")
    errors = ns.replace("__expr__", f'sum(rate({counter}{{{sel}, {status}=~"5.."}}[{w}]))')
    latency = ns.replace(
        "__expr__",
        f"histogram_quantile(0.95, sum by (le) (rate({duration}_bucket{{{sel}}}[{w}])))",
    )

    def used_over_limit(usage: str, resource: str) -> str:
        return (
            f"sum by (namespace, pod) ({usage}) / sum by (namespace, pod) "
            f'(kube_pod_container_resource_limits{{{container}, resource="{resource}"}}) * 100'
        )

    cpu = used_over_limit(f"rate(container_cpu_usage_seconds_total{{{container}}}[{w}])", "cpu")
    memory = used_over_limit(f"container_memory_working_set_bytes{{{container}}}", "memory")

    def rule(alert: str, expr: str, severity: Severity, summary: str) -> dict[str, Any]:
        return {
            "alert": alert,
            "expr": expr,
            "for": f"{a.for_minutes}m",
            "labels": {"severity": severity, "workload": name},
            "annotations": {"summary": f"{name}: {summary}", "description": "{{ $value }}"},
        }

    requests_rules = [
        rule(
            "WorkloadHighErrorRate",
            f"{errors} / {requests} * 100 > {a.error_rate_percent:g}",
            a.error_rate_severity,
            f"more than {a.error_rate_percent:g}% of requests fail with 5xx",
        ),
        rule(
            "WorkloadHighLatencyP95",
            f"{latency} > {a.p95_latency_seconds:g}",
            a.p95_latency_severity,
            f"p95 latency above {a.p95_latency_seconds:g}s",
        ),
    ]
    return [
        *(requests_rules if m.source != "none" else []),
        rule(
            "WorkloadCpuSaturated",
            f"{cpu} > {a.saturation_percent:g}",
            a.saturation_severity,
            f"a pod uses more than {a.saturation_percent:g}% of its CPU limit",
        ),
        rule(
            "WorkloadMemorySaturated",
            f"{memory} > {a.saturation_percent:g}",
            a.saturation_severity,
            f"a pod uses more than {a.saturation_percent:g}% of its memory limit",
        ),
        rule(
            "WorkloadPodRestarting",
            f"sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total"
            f"{{{container}}}[1h])) > {a.restarts_per_hour}",
            a.restarts_severity,
            f"a pod restarted more than {a.restarts_per_hour} times in an hour",
        ),
    ]


def workload_dashboard(name: str, namespace: str, m: WorkloadMetricsArgs) -> dict[str, Any]:
    w = RULE_WINDOW
    sel, counter, status, duration = request_metrics(name, namespace, m)
    container = f'namespace="{namespace}", container="{name}"'
    return dashboard(
        f"workload-{namespace}-{name}"[:40],
        f"Workload {namespace}/{name}",
        [
            ("Requests by status", [(f"sum by ({status}) (rate({counter}{{{sel}}}[{w}]))", f"{{{{{status}}}}}")], "reqps"),
            ("Latency", [(f"histogram_quantile({q}, sum by (le) (rate({duration}_bucket{{{sel}}}[{w}])))", f"p{int(q * 100)}") for q in (0.5, 0.95, 0.99)], "s"),
            ("CPU by pod", [(f"sum by (pod) (rate(container_cpu_usage_seconds_total{{{container}}}[{w}]))", "{{pod}}")], "short"),
            ("Memory by pod", [(f"sum by (pod) (container_memory_working_set_bytes{{{container}}})", "{{pod}}")], "bytes"),
            ("Restarts (1h) by pod", [(f"sum by (pod) (increase(kube_pod_container_status_restarts_total{{{container}}}[1h]))", "{{pod}}")], "short"),
            ("Pods ready", [(f"sum(kube_pod_status_ready{{namespace=\"{namespace}\", condition=\"true\", pod=~\"{name}-.*\"}})", "ready")], "short"),
        ],
    )  # fmt: skip


def observe(  # noqa: PLR0917 (the Workload's own facts, each a different kind)
    parent: pulumi.Resource,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    pod_selector: Mapping[str, str],
    port_number: int,
    m: WorkloadMetricsArgs,
) -> None:
    """Create the PrometheusRule and dashboard and, for `source: app`, the ServiceMonitor and
    the scrape NetworkPolicy."""
    meta = {"namespace": namespace, "labels": dict(labels)}
    after = child_opts(parent, depends_on=list(m.after))
    apiextensions.CustomResource(
        f"{name}-rules",
        api_version="monitoring.coreos.com/v1",
        kind="PrometheusRule",
        metadata={"name": name, **meta},
        spec={
            "groups": [{"name": f"{namespace}.{name}", "rules": alert_rules(name, namespace, m)}]
        },
        opts=after,
    )
    core.v1.ConfigMap(
        f"{name}-dashboard",
        metadata={
            "name": f"dashboard-{namespace}-{name}"[:63],
            "namespace": m.monitoring_namespace,
            "labels": {**labels, DASHBOARD_LABEL: "1"},
        },
        data={
            f"{namespace}-{name}.json": json.dumps(
                workload_dashboard(name, namespace, m), sort_keys=True
            )
        },
        opts=after,
    )
    if m.source == "app":
        _scrape(parent, name, meta, pod_selector, port_number, m)


def _scrape(  # noqa: PLR0917
    parent: pulumi.Resource,
    name: str,
    meta: Mapping[str, Any],
    pod_selector: Mapping[str, str],
    port_number: int,
    m: WorkloadMetricsArgs,
) -> None:
    """The ServiceMonitor, and the one path it needs: Prometheus to the metrics port."""
    namespace = meta["namespace"]
    apiextensions.CustomResource(
        f"{name}-servicemonitor",
        api_version="monitoring.coreos.com/v1",
        kind="ServiceMonitor",
        metadata={"name": name, **meta},
        spec={
            "namespaceSelector": {"matchNames": [namespace]},
            "selector": {"matchLabels": dict(pod_selector)},
            "endpoints": [{"port": m.port, "path": m.path, "interval": f"{m.interval_seconds}s"}],
        },
        opts=child_opts(parent, depends_on=list(m.after)),
    )
    networking.v1.NetworkPolicy(
        f"{name}-scrape",
        metadata={"name": f"{name}-scrape", **meta},
        spec={
            "podSelector": {"matchLabels": dict(pod_selector)},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {
                                    "kubernetes.io/metadata.name": m.monitoring_namespace
                                }
                            },
                            "podSelector": {"matchLabels": dict(m.prometheus_pod_labels)},
                        }
                    ],
                    "ports": [{"protocol": "TCP", "port": port_number}],
                }
            ],
        },
        opts=child_opts(parent),
    )


def validate_metrics(
    m: WorkloadMetricsArgs, ports: Mapping[str, int], *, has_ingress: bool
) -> None:
    require(
        m.source != "ingress" or has_ingress,
        "metrics.source",
        "'ingress' reads the metrics of the service's Ingress; it has none (no host)",
    )
    require(
        m.source != "app" or m.port in ports,
        "metrics.port",
        f"'{m.port}' is not one of the workload's ports {sorted(ports)}",
    )
    require(m.path.startswith("/"), "metrics.path", "must start with /")
    require(5 <= m.interval_seconds <= 300, "metrics.interval_seconds", "5-300")
    for key, metric in (
        ("requests_metric", m.requests_metric),
        ("duration_metric", m.duration_metric),
    ):
        require(
            bool(METRIC_NAME.match(metric)), f"metrics.{key}", f"'{metric}' is not a metric name"
        )
    require(bool(LABEL_NAME.match(m.status_label)), "metrics.status_label", "not a label name")
    a = m.alerts
    require(0 < a.error_rate_percent <= 100, "metrics.alerts.error_rate_percent", "0-100")
    require(a.p95_latency_seconds > 0, "metrics.alerts.p95_latency_seconds", "above 0")
    require(0 < a.saturation_percent <= 100, "metrics.alerts.saturation_percent", "0-100")
    require(a.restarts_per_hour >= 1, "metrics.alerts.restarts_per_hour", "at least 1")
    require(1 <= a.for_minutes <= 60, "metrics.alerts.for_minutes", "1-60")
