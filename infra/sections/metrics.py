"""`groundwork:metrics`: the in-cluster metrics stack (kube-prometheus-stack: Prometheus,
Alertmanager, Grafana; components/kubernetes/platform/monitoring.py), and what each service of
`apps` asks of it (`apps.<name>.metrics`: workload_monitoring.py).

Alertmanager routes by `groundwork:alerting`: the same severities and channels as the cloud's
notification topics. Defaults are production's (HA, 15 days on 50 GiB); the dev preset is cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pydantic import Field

from components.kubernetes.platform.charts_spec import ChartArgs, merge_values
from components.kubernetes.platform.monitoring_spec import (
    AlertmanagerArgs,
    MonitoringStackArgs,
    PrometheusArgs,
    stack_values,
)
from components.kubernetes.platform.workload_monitoring_spec import (
    LABEL_NAME,
    METRIC_NAME,
    Convention,
    MetricsSource,
    Severity,
    WorkloadAlertsArgs,
    WorkloadMetricsArgs,
)
from infra.policy_limits import PolicyLimits
from infra.sections.base import Problem, Section, component_default
from infra.sections.kubernetes import HelmChart
from policies.guardrails.obs_floors import claims as _claims
from policies.guardrails.obs_floors import metrics_stack_problems

_QUANTITY = r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$"
KUBE_PROMETHEUS_STACK = HelmChart(
    chart="kube-prometheus-stack",
    version="88.5.3",
    repository="https://prometheus-community.github.io/helm-charts",
)


def _prom(name: str) -> Any:
    return component_default(PrometheusArgs, name)


def _am(name: str) -> Any:
    return component_default(AlertmanagerArgs, name)


class PrometheusConfig(Section):
    replicas: int = Field(_prom("replicas"), ge=1, le=3)
    """Prometheus servers; more than one: a PodDisruptionBudget and one per zone."""
    retention_days: int = Field(_prom("retention_days"), ge=1, le=90)
    """Days of metrics kept (also capped at 80 % of the volume)."""
    volume_gib: int = Field(_prom("volume_gib"), ge=1, le=1000)
    """Encrypted persistent volume per replica, GiB (priced in the estimate)."""
    requests_cpu: str = Field(_prom("requests_cpu"), pattern=_QUANTITY)
    """CPU reserved per replica."""
    requests_memory: str = Field(_prom("requests_memory"), pattern=_QUANTITY)
    """Memory reserved per replica."""
    limits_memory: str = Field(_prom("limits_memory"), pattern=_QUANTITY)
    """Memory a replica may use at most."""


class AlertmanagerConfig(Section):
    replicas: int = Field(_am("replicas"), ge=1, le=5)
    """Alertmanagers (a gossip cluster); more than one: a PodDisruptionBudget and one per zone."""
    volume_gib: int = Field(_am("volume_gib"), ge=0, le=100)
    """Persistent volume per replica for silences and the notification log; 0: none (lost on
    restart)."""


class Metrics(Section):
    enabled: bool = True
    """Install the stack (needs `cluster.enabled`); off: no Prometheus, no workload monitors.
    Staging and prod keep it on, with their floors of replicas, retention and volumes (policy
    obs-metrics-stack-ha, also over `chart.values`)."""
    chart: HelmChart = KUBE_PROMETHEUS_STACK
    """kube-prometheus-stack, pinned (its repository is in the chart-source policy's allowlist)."""
    prometheus: PrometheusConfig = Field(default_factory=PrometheusConfig)
    """Prometheus servers, retention and volumes."""
    alertmanager: AlertmanagerConfig = Field(default_factory=AlertmanagerConfig)
    """Alertmanager replicas and volumes (routes and receivers come from `alerting`)."""

    def prometheus_args(self) -> PrometheusArgs:
        p = self.prometheus
        return PrometheusArgs(
            replicas=p.replicas,
            retention_days=p.retention_days,
            volume_gib=p.volume_gib,
            requests_cpu=p.requests_cpu,
            requests_memory=p.requests_memory,
            limits_memory=p.limits_memory,
        )

    def alertmanager_args(self) -> AlertmanagerArgs:
        return AlertmanagerArgs(
            replicas=self.alertmanager.replicas, volume_gib=self.alertmanager.volume_gib
        )


def _alert(name: str) -> Any:
    return component_default(WorkloadAlertsArgs, name)


def _wm(name: str) -> Any:
    return component_default(WorkloadMetricsArgs, name)


class AppAlerts(Section):
    error_rate_percent: float = Field(_alert("error_rate_percent"), gt=0, le=100)
    """Alert when more than this share of requests (percent) fail with 5xx over 5 minutes."""
    error_rate_severity: Severity = _alert("error_rate_severity")
    """Severity of the error-rate alert (P0-P3: routed by `alerting`)."""
    p95_latency_seconds: float = Field(_alert("p95_latency_seconds"), gt=0)
    """Alert when the 95th-percentile request duration exceeds this, in seconds."""
    p95_latency_severity: Severity = _alert("p95_latency_severity")
    """Severity of the latency alert."""
    saturation_percent: float = Field(_alert("saturation_percent"), gt=0, le=100)
    """Alert when a pod uses more than this share of its CPU or memory limit."""
    saturation_severity: Severity = _alert("saturation_severity")
    """Severity of the saturation alerts."""
    restarts_per_hour: int = Field(_alert("restarts_per_hour"), ge=1)
    """Alert when a pod's container restarts more often than this within an hour."""
    restarts_severity: Severity = _alert("restarts_severity")
    """Severity of the restart alert."""
    for_minutes: int = Field(_alert("for_minutes"), ge=1, le=60)
    """How long a condition must hold before its alert fires."""

    def args(self) -> WorkloadAlertsArgs:
        return WorkloadAlertsArgs(**self.model_dump())


class AppMetrics(Section):
    enabled: bool = True
    """Alert on the service and give it a dashboard (when `metrics.enabled`). Off for a service
    with a `host` only with `requestAlertsOptOut`."""
    source: MetricsSource = _wm("source")
    """Where the error-rate and p95-latency alerts read requests from: `app`, the service's own
    metrics port (a ServiceMonitor, Prometheus admitted to that port only); `gateway`, the public
    Gateway's proxies for the service's route (Alibaba stacks: Envoy Gateway; the EKS Gateway's
    ALB has no Prometheus metrics, so AWS stacks refuse it); or `none` (a worker: only the
    saturation and restart alerts). A service with a `host` may not have `none` without
    `requestAlertsOptOut`."""
    convention: Convention = _wm("convention")
    """Metric names of `source: app`: `prometheus` (`http_requests_total` with `code`,
    `http_request_duration_seconds`) or `opentelemetry` (the HTTP server semantic conventions:
    `http_server_request_duration_seconds` with `http_response_status_code`, its `_count` as the
    request counter). Each name can be overridden below."""
    port: str = Field(_wm("port"), pattern=r"^[a-z0-9-]{1,15}$")
    """Named port (of `ports`) serving the metrics; Prometheus is admitted to it only."""
    path: str = Field(_wm("path"), pattern=r"^/")
    """HTTP path of the metrics."""
    interval_seconds: int = Field(_wm("interval_seconds"), ge=5, le=300)
    """Scrape interval."""
    requests_metric: str | None = Field(_wm("requests_metric"), pattern=METRIC_NAME.pattern)
    """Request counter the error-rate alert reads (with the status in `statusLabel`); unset:
    the convention's."""
    status_label: str | None = Field(_wm("status_label"), pattern=LABEL_NAME.pattern)
    """Label of `requestsMetric` holding the HTTP status code; unset: the convention's."""
    duration_metric: str | None = Field(_wm("duration_metric"), pattern=METRIC_NAME.pattern)
    """Request-duration histogram (seconds) the latency alert reads; unset: the convention's."""
    request_alerts_opt_out: str | None = Field(
        _wm("request_alerts_opt_out"), min_length=10, max_length=300
    )
    """Why a service with a `host` has no error-rate and p95 alerts (`source: none`, or
    `enabled: false`): the one way to leave a public service without them, written down in the
    stack file. Refused anywhere else."""
    alerts: AppAlerts = Field(default_factory=AppAlerts)
    """Thresholds and severities of the service's alerts."""

    def problems_of(
        self, ports: Iterable[str], *, routed: bool, gateway_metrics: bool
    ) -> Iterator[tuple[str, str]]:
        """(key under `metrics.`, message) of what the Workload would refuse. `routed`: the
        service has a host; `gateway_metrics`: this cloud's Gateway exports request metrics."""
        if not self.enabled:
            if routed and self.request_alerts_opt_out is None:
                yield (
                    "enabled",
                    "false leaves a public service (host set) without any alert: give the "
                    "reason in metrics.requestAlertsOptOut",
                )
            return
        if self.source == "app" and self.port not in ports:
            yield (
                "port",
                f"'{self.port}' is not one of ports {sorted(ports)}; name the port serving the "
                "metrics, or set metrics.source 'gateway' or 'none'",
            )
        if self.source == "gateway" and not gateway_metrics:
            yield (
                "source",
                "'gateway': this cloud's Gateway (the ALB) exports no Prometheus metrics; use "
                "'app' (the service's own metrics, e.g. convention 'opentelemetry')",
            )
        elif self.source == "gateway" and not routed:
            yield "source", "'gateway' measures the service's route; the service has no host"
        if routed and self.source == "none" and self.request_alerts_opt_out is None:
            yield (
                "source",
                "'none' leaves a public service (host set) without error-rate and p95 alerts: "
                f"use {'gateway or ' if gateway_metrics else ''}app, or give the reason in "
                "metrics.requestAlertsOptOut",
            )
        if self.request_alerts_opt_out is not None and not (routed and self.source == "none"):
            yield "requestAlertsOptOut", "only for a service with a host and source 'none'"


def metrics_args_of(app_metrics: AppMetrics, monitoring_namespace: str) -> WorkloadMetricsArgs:
    m = app_metrics
    return WorkloadMetricsArgs(
        source=m.source,
        convention=m.convention,
        port=m.port,
        path=m.path,
        interval_seconds=m.interval_seconds,
        monitoring_namespace=monitoring_namespace,
        requests_metric=m.requests_metric,
        status_label=m.status_label,
        duration_metric=m.duration_metric,
        request_alerts_opt_out=m.request_alerts_opt_out,
        alerts=m.alerts.args(),
    )


FLOOR_RULE = "obs-metrics-stack-ha"
_PLATFORM_CLASS = "<the platform's encrypted StorageClass>"
_KEY_OF_VALUE = {
    "prometheus.enabled": "metrics.enabled",
    "prometheus.prometheusSpec": "metrics.prometheus.replicas",
    "prometheus.podDisruptionBudget": "metrics.prometheus.replicas",
    "prometheus.prometheusSpec.retention": "metrics.prometheus.retentionDays",
    "alertmanager.enabled": "metrics.enabled",
    "alertmanager.alertmanagerSpec": "metrics.alertmanager.replicas",
    "alertmanager.podDisruptionBudget": "metrics.alertmanager.replicas",
    "alertmanager.alertmanagerSpec.storage": "metrics.alertmanager.volumeGib",
    "prometheus.prometheusSpec.storageSpec": "metrics.prometheus.volumeGib",
}
"""The stack-file key that sets each part of the release's values (the longest prefix wins);
PDBs and anti-affinity follow the replicas."""


def _key_of(path: str, overrides: Mapping[str, Any]) -> str:
    """`metrics.chart.values.<path>` when the stack file's chart values set it, else the key whose
    value made it."""
    node: Any = overrides
    for i, part in enumerate(path.split(".")):
        if not isinstance(node, Mapping) or part not in node:
            break
        node = node[part]
        if not isinstance(node, Mapping) or i == path.count("."):
            return f"metrics.chart.values.{'.'.join(path.split('.')[: i + 1])}"
    best = max((p for p in _KEY_OF_VALUE if path == p or path.startswith(p + ".")), key=len)
    return _KEY_OF_VALUE[best]


def metrics_floor_problems(
    metrics: Metrics, limits: PolicyLimits, cluster_enabled: bool
) -> Iterator[Problem]:
    """What `obs-metrics-stack-ha` would block in this environment, refused with its key: the
    release's values are built as the component builds them, the stack file's chart values merged
    over them, and judged by the rule's own function."""
    rule = limits.enforced(FLOOR_RULE)
    if rule is None or not cluster_enabled:
        return
    env = limits.environment
    if not metrics.enabled:
        if rule["requireStack"]:
            yield Problem("metrics.enabled", f"false: {env} keeps the in-cluster metrics stack "
                          f"(policy {FLOOR_RULE}); allowed: true")  # fmt: skip
        return
    values = merge_values(stack_values(_config_args(metrics)), metrics.chart.values)
    allowed = {
        "metrics.enabled": "true",
        "metrics.prometheus.replicas": f"at least {rule['minPrometheusReplicas']}",
        "metrics.alertmanager.replicas": f"at least {rule['minAlertmanagerReplicas']}",
        "metrics.prometheus.retentionDays": f"at least {rule['minRetentionDays']}",
        "metrics.prometheus.volumeGib": "at least 1 (a persistent volume)",
        "metrics.alertmanager.volumeGib": "at least 1 (a persistent volume)",
    }
    seen: set[str] = set()
    try:
        found = list(metrics_stack_problems(values, rule))
    except ValueError as exc:  # a retention that is no Prometheus duration
        found = [("prometheus.prometheusSpec.retention", str(exc))]
    for path, problem in found:
        key = _key_of(path, metrics.chart.values)
        if key in seen:  # one line per key: PDB and anti-affinity follow the replicas
            continue
        seen.add(key)
        if key in allowed:
            yield Problem(key, f"{env} allows {allowed[key]} (policy {FLOOR_RULE}: chart value "
                          f"{path} {problem})")  # fmt: skip
        else:
            yield Problem(key, f"{problem}: {env} refuses this chart value (policy {FLOOR_RULE})")
    if rule["requireEncryptedVolumes"]:
        for where, name in _claims(values):
            if name != _PLATFORM_CLASS:
                yield Problem(
                    f"metrics.chart.values.{where}.storageClassName",
                    f"'{name}': {env} keeps metrics on the platform's encrypted StorageClass "
                    f"(policy {FLOOR_RULE}); remove the override",
                )


def _config_args(metrics: Metrics) -> MonitoringStackArgs:
    """The component's args as far as its values depend on config (the rest is placeholder)."""
    chart = metrics.chart
    return MonitoringStackArgs(
        part_of="config",
        chart=ChartArgs(chart=chart.chart, version=chart.version, repository=chart.repository),
        storage_class=_PLATFORM_CLASS,
        zones=3,
        cluster_network_cidr="10.0.0.0/16",
        prometheus=metrics.prometheus_args(),
        alertmanager=metrics.alertmanager_args(),
        alertmanager_config={},
        alertmanager_config_secret=True,  # no Pulumi Output in the values
    )
