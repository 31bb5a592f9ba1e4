"""Behaviour tests of a Workload's request alerts for `promtool test rules`: syntax checks cannot
tell whether a rule reads the series its source really exports, these can.

For a source's rules (`alert_rules` of `WorkloadMetricsArgs`), three test groups over synthetic
series written out here as each source exports them (`EXPORTS`: from Envoy Gateway v1.7's proxy
stats and the metric conventions, deliberately not from the component's own constants, so a rule
reading a wrong name, label or unit fails):

- `failing`: 10 % of the Workload's requests answer 5xx and its p95 is 1.9 s: the error-rate and
  latency alerts fire, with the severity, workload and namespace labels routing needs;
- `healthy`: the same series at 0.5 % errors and a p95 of 95 ms: neither fires (the thresholds);
- `other-series`: the failing traffic, but on another service's series (another job, another
  route's Envoy cluster): neither fires (the selector).

`mismatched_control` is the negative control: the failing expectation over the other service's
series, which promtool must refuse (else these tests could not fail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from components.kubernetes.platform.workload_monitoring import (
    RULE_WINDOW,
    RequestSeries,
    request_series,
)
from components.kubernetes.platform.workload_monitoring_spec import WorkloadMetricsArgs

STEPS = 30
"""Minutes of input series (1m apart); alerts are evaluated at `EVAL`."""
EVAL = "25m"
OTHER = "other"
"""The service whose series must not be read (the Workload under test is `name`)."""


@dataclass(frozen=True)
class Export:
    """How a source exports a service's requests: series templates over `{ns}` (the Workload's
    namespace), `{svc}` (its name), the status (`{status}`) and the bucket bound (`{le}`)."""

    requests: str
    buckets: str
    ok: str
    error: str
    seconds_per_unit: float = 1.0


EXPORTS: dict[str, Export] = {
    # Envoy's cluster stats, scraped from the proxy pods in the Gateway's namespace; the cluster
    # is Envoy Gateway's for the HTTPRoute `{ns}/{svc}`'s first rule; latency in milliseconds.
    "gateway": Export(
        requests='envoy_cluster_upstream_rq_xx{{namespace="gateway", pod="envoy-gateway-public-7f9c", '
        'envoy_cluster_name="httproute/{ns}/{svc}/rule/0", envoy_response_code_class="{status}"}}',
        buckets='envoy_cluster_upstream_rq_time_bucket{{namespace="gateway", pod="envoy-gateway-public-7f9c", '
        'envoy_cluster_name="httproute/{ns}/{svc}/rule/0", le="{le}"}}',
        ok="2", error="5", seconds_per_unit=0.001,
    ),
    # Prometheus client libraries, scraped by the Workload's ServiceMonitor (job = Service).
    "prometheus": Export(
        requests='http_requests_total{{namespace="{ns}", job="{svc}", pod="{svc}-0", method="GET", code="{status}"}}',
        buckets='http_request_duration_seconds_bucket{{namespace="{ns}", job="{svc}", pod="{svc}-0", le="{le}"}}',
        ok="200", error="500",
    ),
    # OpenTelemetry's HTTP server semantic conventions through a Prometheus exporter: one
    # histogram, the requests are its `_count`.
    "opentelemetry": Export(
        requests='http_server_request_duration_seconds_count{{namespace="{ns}", job="{svc}", pod="{svc}-0", '
        'http_request_method="GET", http_response_status_code="{status}"}}',
        buckets='http_server_request_duration_seconds_bucket{{namespace="{ns}", job="{svc}", pod="{svc}-0", '
        'http_request_method="GET", http_response_status_code="200", le="{le}"}}',
        ok="200", error="500",
    ),
}  # fmt: skip


def export_of(m: WorkloadMetricsArgs) -> Export:
    return EXPORTS["gateway" if m.source == "gateway" else m.convention]


def _input_series(e: Export, ns: str, svc: str, per_min: tuple[int, int], le_s: float) -> list[dict[str, str]]:  # fmt: skip
    """Counters of `per_min` (ok, 5xx) requests a minute, every one taking at most `le_s` s."""
    ok, err = per_min
    le = f"{le_s / e.seconds_per_unit:g}"

    def counter(series: str, step: int) -> dict[str, str]:
        return {"series": series, "values": f"0+{step}x{STEPS}"}

    return [
        counter(e.requests.format(ns=ns, svc=svc, status=e.ok), ok),
        counter(e.requests.format(ns=ns, svc=svc, status=e.error), err),
        counter(e.buckets.format(ns=ns, svc=svc, le=le), ok + err),
        counter(e.buckets.format(ns=ns, svc=svc, le="+Inf"), ok + err),
    ]


def _no_request_alerts() -> list[dict[str, Any]]:
    return [
        {"eval_time": EVAL, "alertname": alert, "exp_alerts": []}
        for alert in ("WorkloadHighErrorRate", "WorkloadHighLatencyP95")
    ]


def _firing(name: str, namespace: str, m: WorkloadMetricsArgs, s: RequestSeries) -> list[dict[str, Any]]:  # fmt: skip
    a = m.alerts

    def alert(alertname: str, severity: str, summary: str, description: str) -> dict[str, Any]:
        labels = {"severity": severity, "workload": name, "namespace": namespace}
        return {
            "eval_time": EVAL,
            "alertname": alertname,
            "exp_alerts": [
                {
                    "exp_labels": labels,
                    "exp_annotations": {
                        "summary": f"{name}: {summary}",
                        "description": description,
                    },
                }
            ],
        }

    w = RULE_WINDOW
    return [
        alert("WorkloadHighErrorRate", a.error_rate_severity,
              f"more than {a.error_rate_percent:g}% of requests fail with 5xx",
              f"10% of requests answered 5xx over {w}, {s.where}"),
        alert("WorkloadHighLatencyP95", a.p95_latency_severity,
              f"p95 latency above {a.p95_latency_seconds:g}s",
              f"p95 1.9s over {w}, {s.where}"),
    ]  # fmt: skip


def rule_tests(name: str, namespace: str, m: WorkloadMetricsArgs) -> list[dict[str, Any]]:
    """The test groups (`tests:` of a promtool test file) of the Workload's request alerts;
    empty for a source without request metrics. Defaults' thresholds: 5 % and 1 s."""
    s = request_series(name, namespace, m)
    if s is None:
        return []
    e = export_of(m)
    return [
        {"name": "failing", "interval": "1m",
         "input_series": _input_series(e, namespace, name, (90, 10), 2.0),
         "alert_rule_test": _firing(name, namespace, m, s)},
        {"name": "healthy", "interval": "1m",
         "input_series": _input_series(e, namespace, name, (995, 5), 0.1),
         "alert_rule_test": _no_request_alerts()},
        {"name": "other-series", "interval": "1m",
         "input_series": _input_series(e, namespace, OTHER, (90, 10), 2.0),
         "alert_rule_test": _no_request_alerts()},
    ]  # fmt: skip


def mismatched_control(name: str, namespace: str, m: WorkloadMetricsArgs) -> list[dict[str, Any]]:
    """A test group promtool must fail: alerts expected from another service's series."""
    groups = rule_tests(name, namespace, m)
    failing, other = groups[0], groups[2]
    return [{**failing, "name": "control", "input_series": other["input_series"]}]


def test_file(rule_file: str, tests: list[dict[str, Any]]) -> dict[str, Any]:
    return {"rule_files": [rule_file], "evaluation_interval": "1m", "tests": tests}
