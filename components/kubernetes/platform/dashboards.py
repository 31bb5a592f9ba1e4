"""Grafana dashboards as data: the platform's and one per Workload. Each becomes a ConfigMap with
the label Grafana's dashboard sidecar watches (kube-prometheus-stack's default)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from components.kubernetes.platform import gateway_metrics as envoy
from components.kubernetes.platform.gateway_metrics import GatewayProxies

DASHBOARD_LABEL = "grafana_dashboard"
"""ConfigMaps with this label (value "1") are loaded by Grafana's sidecar, in any namespace."""


def _panel(index: int, title: str, exprs: Sequence[tuple[str, str]], unit: str) -> dict[str, Any]:
    """A time-series panel; two per row."""
    return {
        "id": index + 1,
        "type": "timeseries",
        "title": title,
        "datasource": {"type": "prometheus", "uid": "prometheus"},
        "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend}
            for i, (expr, legend) in enumerate(exprs)
        ],
    }


def dashboard(
    uid: str, title: str, panels: Sequence[tuple[str, Sequence[tuple[str, str]], str]]
) -> dict[str, Any]:
    return {
        "uid": uid,
        "title": title,
        "tags": ["groundwork"],
        "timezone": "utc",
        "schemaVersion": 39,
        "refresh": "1m",
        "time": {"from": "now-6h", "to": "now"},
        "panels": [_panel(i, t, exprs, unit) for i, (t, exprs, unit) in enumerate(panels)],
    }


def platform_dashboard(gateway: GatewayProxies | None = None) -> dict[str, Any]:
    """The cluster at a glance: nodes, pods not ready, restarts, alerts and, where the public
    Gateway's proxies export metrics (`gateway`), its traffic and 5xx share by route."""
    traffic: list[tuple[str, list[tuple[str, str]], str]] = []
    if gateway is not None:
        route, status = envoy.CLUSTER_LABEL, envoy.STATUS_CLASS
        sel = f'namespace="{gateway.namespace}"'
        total = f"sum by ({route}) (rate({envoy.REQUESTS}{{{sel}}}[5m]))"
        errors = f'sum by ({route}) (rate({envoy.REQUESTS}{{{sel}, {status}="5"}}[5m]))'
        by_class = f"sum by ({route}, {status}) (rate({envoy.REQUESTS}{{{sel}}}[5m]))"
        traffic = [
            ("Gateway responses by route and class",
             [(by_class, f"{{{{{route}}}}} {{{{{status}}}}}xx")], "reqps"),
            ("Gateway 5xx ratio by route", [(f"{errors} / {total}", f"{{{{{route}}}}}")],
             "percentunit"),
        ]  # fmt: skip
    return dashboard(
        "groundwork-platform",
        "Platform overview",
        [
            ("Nodes ready", [("sum(kube_node_status_condition{condition=\"Ready\",status=\"true\"})", "ready")], "short"),
            ("Pods not ready by namespace", [("sum by (namespace) (kube_pod_status_ready{condition=\"false\"})", "{{namespace}}")], "short"),
            ("Container restarts (1h) by namespace", [("sum by (namespace) (increase(kube_pod_container_status_restarts_total[1h]))", "{{namespace}}")], "short"),
            ("CPU used / requested by namespace", [("sum by (namespace) (rate(container_cpu_usage_seconds_total{container!=\"\"}[5m])) / sum by (namespace) (kube_pod_container_resource_requests{resource=\"cpu\"})", "{{namespace}}")], "percentunit"),
            *traffic,
            ("Firing alerts by severity", [("sum by (severity) (ALERTS{alertstate=\"firing\"})", "{{severity}}")], "short"),
            ("Prometheus TSDB size", [("sum by (pod) (prometheus_tsdb_storage_blocks_bytes)", "{{pod}}")], "bytes"),
        ],
    )  # fmt: skip
