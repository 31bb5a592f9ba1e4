"""What a Workload adds for the in-cluster monitoring stack (`WorkloadArgs.metrics`):

- a PrometheusRule with four alerts, thresholds and severities from the spec: error rate (share
  of 5xx responses), p95 latency (from a request-duration histogram), saturation (CPU and
  memory used against the container's limits) and pod restarts;
- for `source: app`, a ServiceMonitor for its metrics port and path, and a NetworkPolicy admitting
  exactly the Prometheus pods of the monitoring namespace to that port (the namespace's default
  deny holds everything else);
- a Grafana dashboard (a ConfigMap with the sidecar's label in the monitoring namespace).

Where the request metrics (error rate, p95) come from, `source`:
- `app`: the service's own metrics port, in one of two conventions (`convention`), each metric
  renameable: `prometheus` (client-library names: the `http_requests_total` counter with a `code`
  label, the `http_request_duration_seconds` histogram) or `opentelemetry` (the HTTP server
  semantic conventions as Prometheus exports them: the `http_server_request_duration_seconds`
  histogram with `http_response_status_code`; its `_count` counts the requests);
- `gateway`: the public Gateway's proxies, per route (gateway_metrics.py: Envoy Gateway on ACK;
  the EKS Gateway's ALB has no Prometheus metrics);
- `none`: no request alerts (a worker). A routed (public) service may not silently have none:
  it needs `request_alerts_opt_out`, the reason, written down.

Saturation and restarts come from cAdvisor and kube-state-metrics, whatever the source.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi_kubernetes import apiextensions, core, networking

from components._base import child_opts
from components.kubernetes.platform import gateway_metrics as envoy
from components.kubernetes.platform.dashboards import DASHBOARD_LABEL, dashboard
from components.kubernetes.platform.workload_monitoring_spec import (
    CONVENTIONS,
    Severity,
    WorkloadMetricsArgs,
)

RULE_WINDOW = "5m"
"""Rate window of the request and CPU expressions (>= 4 scrape intervals of 30 s)."""


@dataclass(frozen=True)
class RequestSeries:
    """The series a Workload's request alerts and panels read."""

    selector: str
    requests: str
    """Counter of responses, by status in `status_label`."""
    status_label: str
    server_errors: str
    """Regex of `status_label` values that are server errors."""
    duration: str
    """Histogram of request durations (`<name>_bucket`)."""
    seconds_per_unit: float = 1.0
    """The histogram's unit, in seconds (Envoy counts milliseconds)."""
    where: str = ""
    """Where the requests are measured (the alerts' description tells the on-call)."""


def request_series(name: str, namespace: str, m: WorkloadMetricsArgs) -> RequestSeries | None:
    """The request series of the source (None: `source: none`)."""
    # (A gateway source without proxies is refused by validate_metrics.)
    if m.source == "gateway" and m.gateway is not None:
        cluster = envoy.route_cluster(namespace, name)  # the HTTPRoute is named as the Workload
        return RequestSeries(
            selector=f'namespace="{m.gateway.namespace}", {envoy.CLUSTER_LABEL}="{cluster}"',
            requests=envoy.REQUESTS,
            status_label=envoy.STATUS_CLASS,
            server_errors="5",
            duration=envoy.DURATION_MS,
            seconds_per_unit=0.001,
            where=f"measured at the public Gateway (Envoy cluster {cluster})",
        )
    if m.source == "app":
        counter, status, duration = CONVENTIONS[m.convention]
        return RequestSeries(
            selector=f'namespace="{namespace}", job="{name}"',
            requests=m.requests_metric or counter,
            status_label=m.status_label or status,
            server_errors="5..",
            duration=m.duration_metric or duration,
            where=f"measured by the service (its metrics, job {name})",
        )
    return None


def _latency(s: RequestSeries, quantile: float, window: str) -> str:
    """The quantile of the request duration, in seconds."""
    expr = f"histogram_quantile({quantile:g}, sum by (le) (rate({s.duration}_bucket{{{s.selector}}}[{window}])))"
    return expr if s.seconds_per_unit == 1 else f"{expr} * {s.seconds_per_unit:g}"


def alert_rules(name: str, namespace: str, m: WorkloadMetricsArgs) -> list[dict[str, Any]]:
    """The Workload's alerting rules (PrometheusRule `spec.groups[0].rules`)."""
    a, w = m.alerts, RULE_WINDOW
    series = request_series(name, namespace, m)
    container = f'namespace="{namespace}", container="{name}"'
    # The namespace label of the alert is the workload's (whatever the source's own is), so
    # inhibition by namespace groups it with the workload's other alerts.
    ns = f'label_replace(__expr__, "namespace", "{namespace}", "", "")'

    def used_over_limit(usage: str, resource: str) -> str:
        return (
            f"sum by (namespace, pod) ({usage}) / sum by (namespace, pod) "
            f'(kube_pod_container_resource_limits{{{container}, resource="{resource}"}}) * 100'
        )

    cpu = used_over_limit(f"rate(container_cpu_usage_seconds_total{{{container}}}[{w}])", "cpu")
    memory = used_over_limit(f"container_memory_working_set_bytes{{{container}}}", "memory")

    def rule(
        alert: str, expr: str, severity: Severity, summary: str, description: str
    ) -> dict[str, Any]:
        return {
            "alert": alert,
            "expr": expr,
            "for": f"{a.for_minutes}m",
            "labels": {"severity": severity, "workload": name},
            "annotations": {"summary": f"{name}: {summary}", "description": description},
        }

    requests_rules = []
    if series is not None:
        sel, counter, status = series.selector, series.requests, series.status_label
        requests = ns.replace("__expr__", f"sum(rate({counter}{{{sel}}}[{w}]))")
        errors = ns.replace(
            "__expr__",
            f'sum(rate({counter}{{{sel}, {status}=~"{series.server_errors}"}}[{w}]))',
        )
        latency = ns.replace("__expr__", _latency(series, 0.95, w))
        requests_rules = [
            rule(
                "WorkloadHighErrorRate",
                f"{errors} / {requests} * 100 > {a.error_rate_percent:g}",
                a.error_rate_severity,
                f"more than {a.error_rate_percent:g}% of requests fail with 5xx",
                f"{{{{ $value | humanize }}}}% of requests answered 5xx over {w}, {series.where}",
            ),
            rule(
                "WorkloadHighLatencyP95",
                f"{latency} > {a.p95_latency_seconds:g}",
                a.p95_latency_severity,
                f"p95 latency above {a.p95_latency_seconds:g}s",
                f"p95 {{{{ $value | humanizeDuration }}}} over {w}, {series.where}",
            ),
        ]
    return [
        *requests_rules,
        rule(
            "WorkloadCpuSaturated",
            f"{cpu} > {a.saturation_percent:g}",
            a.saturation_severity,
            f"a pod uses more than {a.saturation_percent:g}% of its CPU limit",
            "{{ $labels.pod }} uses {{ $value | humanize }}% of its CPU limit",
        ),
        rule(
            "WorkloadMemorySaturated",
            f"{memory} > {a.saturation_percent:g}",
            a.saturation_severity,
            f"a pod uses more than {a.saturation_percent:g}% of its memory limit",
            "{{ $labels.pod }} uses {{ $value | humanize }}% of its memory limit",
        ),
        rule(
            "WorkloadPodRestarting",
            f"sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total"
            f"{{{container}}}[1h])) > {a.restarts_per_hour}",
            a.restarts_severity,
            f"a pod restarted more than {a.restarts_per_hour} times in an hour",
            "{{ $labels.pod }} restarted {{ $value | humanize }} times in the last hour",
        ),
    ]


def workload_dashboard(name: str, namespace: str, m: WorkloadMetricsArgs) -> dict[str, Any]:
    w = RULE_WINDOW
    s = request_series(name, namespace, m)
    container = f'namespace="{namespace}", container="{name}"'
    requests = (
        []
        if s is None
        else [
            (
                "Requests by status",
                [
                    (
                        f"sum by ({s.status_label}) (rate({s.requests}{{{s.selector}}}[{w}]))",
                        f"{{{{{s.status_label}}}}}",
                    )
                ],
                "reqps",
            ),
            ("Latency", [(_latency(s, q, w), f"p{int(q * 100)}") for q in (0.5, 0.95, 0.99)], "s"),
        ]
    )
    return dashboard(
        f"workload-{namespace}-{name}"[:40],
        f"Workload {namespace}/{name}",
        [
            *requests,
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
