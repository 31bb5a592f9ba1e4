"""Request alerts (error rate, p95) of exposed Workloads after the Gateway API move (issue #12 item
3, issue #17): from Envoy Gateway's per-route metrics on ACK, from the service's own metrics
(Prometheus or OpenTelemetry names) anywhere, never silently absent for a public service.

The selector checks here run without Go: each rule's series selectors are matched against series
written out as each source exports them (planner/rule_tests.py `EXPORTS`); `./tasks
monitoring-validate` runs the same cases through the real `promtool test rules`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from components.kubernetes.alicloud_gateway_spec import proxy_labels
from components.kubernetes.gateway_api import http_route_spec
from components.kubernetes.platform.gateway_metrics import KEPT_METRICS, GatewayProxies
from components.kubernetes.platform.workload_monitoring import alert_rules
from components.kubernetes.platform.workload_monitoring_spec import (
    WorkloadAlertsArgs,
    WorkloadMetricsArgs,
)
from components.kubernetes.platform.workload_spec import WorkloadArgs, validate_workload
from infra import ConfigError, parse_config
from planner.cli import EXIT_CONFIG, main
from planner.monitoring_validate import examples
from planner.rule_tests import EXPORTS, OTHER, mismatched_control, rule_tests
from tests.conftest import PROJECT_DIR, built, raw_stack_config

RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor"
ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
ENVOY_PROXY = "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy"
REQUEST_ALERTS = {"WorkloadHighErrorRate", "WorkloadHighLatencyP95"}
PROXIES = GatewayProxies(namespace="gateway", pod_labels=proxy_labels("gateway"))

# -- a small PromQL selector matcher: which series does a rule read? -----------------------------

_SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}")
_MATCHER = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"')


def selectors(expr: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(metric, [(label, op, value)]) of every vector selector in `expr`."""
    return [(m, _MATCHER.findall(body)) for m, body in _SELECTOR.findall(expr)]


def series(text: str) -> tuple[str, dict[str, str]]:
    ((metric, body),) = _SELECTOR.findall(text)
    return metric, {k: v for k, _, v in _MATCHER.findall(body)}


def reads(
    selector: tuple[str, list[tuple[str, str, str]]], one: tuple[str, dict[str, str]]
) -> bool:
    """Whether the selector selects the series (PromQL semantics: regexes are anchored)."""
    metric, matchers = selector
    name, labels = one
    ops = {"=": lambda v, x: v == x, "!=": lambda v, x: v != x,
           "=~": lambda v, x: re.fullmatch(x, v) is not None,
           "!~": lambda v, x: re.fullmatch(x, v) is None}  # fmt: skip
    return metric == name and all(ops[op](labels.get(k, ""), x) for k, op, x in matchers)


def exported(source: str, ns: str, svc: str) -> list[tuple[str, dict[str, str]]]:
    e = EXPORTS[source]
    return [
        series(e.requests.format(ns=ns, svc=svc, status=e.ok)),
        series(e.requests.format(ns=ns, svc=svc, status=e.error)),
        series(e.buckets.format(ns=ns, svc=svc, le="+Inf")),
    ]


def request_rules(rules: list[dict[str, Any]]) -> dict[str, str]:
    return {r["alert"]: r["expr"] for r in rules if r["alert"] in REQUEST_ALERTS}


# -- every source reads its own series, and only those -------------------------------------------


@pytest.mark.parametrize(
    ("source", "args"),
    [
        ("gateway", WorkloadMetricsArgs(source="gateway", gateway=PROXIES)),
        ("prometheus", WorkloadMetricsArgs(source="app")),
        ("opentelemetry", WorkloadMetricsArgs(source="app", convention="opentelemetry")),
    ],
)
def test_each_source_reads_the_series_it_exports_and_not_another_services(
    source: str, args: WorkloadMetricsArgs
) -> None:
    exprs = request_rules(alert_rules("web", "apps", args))
    assert set(exprs) == REQUEST_ALERTS
    own, other = exported(source, "apps", "web"), exported(source, "apps", OTHER)
    for alert, expr in exprs.items():
        found = selectors(expr)
        assert found, alert
        for selector in found:
            assert any(reads(selector, s) for s in own), (alert, selector)
            assert not any(reads(selector, s) for s in other), (alert, selector)
    # The error rate's numerator is the server errors only.
    (errors, _total) = selectors(exprs["WorkloadHighErrorRate"])
    ok, error, _bucket = own
    assert reads(errors, error) and not reads(errors, ok)


def test_envoy_latency_is_converted_from_milliseconds() -> None:
    m = WorkloadMetricsArgs(
        source="gateway", gateway=PROXIES, alerts=WorkloadAlertsArgs(p95_latency_seconds=0.5)
    )
    expr = request_rules(alert_rules("web", "apps", m))["WorkloadHighLatencyP95"]
    assert "envoy_cluster_upstream_rq_time_bucket" in expr
    assert expr.endswith(") > 0.5") and "* 0.001" in expr


def test_opentelemetry_names_can_be_overridden_in_the_spec() -> None:
    raw = raw_stack_config("dev")
    web = {**raw["apps"]["web"], "ports": {"http": 8080, "metrics": 9464}, "metrics": {
        "source": "app", "port": "metrics", "convention": "opentelemetry",
        "durationMetric": "http_server_duration_seconds"}}  # fmt: skip
    m = parse_config({**raw, "apps": {"web": web}}).apps["web"].metrics
    assert (m.convention, m.duration_metric, m.requests_metric) == (
        "opentelemetry", "http_server_duration_seconds", None)  # fmt: skip
    from infra.sections.metrics import metrics_args_of

    exprs = request_rules(alert_rules("web", "apps", metrics_args_of(m, "monitoring")))
    assert "http_server_duration_seconds_bucket{" in exprs["WorkloadHighLatencyP95"]
    assert 'http_response_status_code=~"5.."' in exprs["WorkloadHighErrorRate"]
    assert "http_server_request_duration_seconds_count{" in exprs["WorkloadHighErrorRate"]


def test_the_promtool_cases_cover_every_request_source_and_have_a_control() -> None:
    found = examples()
    assert set(found.tests) == {"source-app", "source-app-opentelemetry", "source-gateway"}
    for tests in found.tests.values():
        assert [t["name"] for t in tests] == ["failing", "healthy", "other-series"]
        failing = tests[0]["alert_rule_test"]
        assert {t["alertname"] for t in failing if t["exp_alerts"]} == REQUEST_ALERTS
        assert all(not t["exp_alerts"] for g in tests[1:] for t in g["alert_rule_test"])
    (control,) = found.controls["source-gateway"]
    assert (
        'envoy_cluster_name="httproute/apps/other/rule/0"' in control["input_series"][0]["series"]
    )
    assert any(t["exp_alerts"] for t in control["alert_rule_test"])
    assert rule_tests("w", "apps", WorkloadMetricsArgs(source="none")) == []
    assert mismatched_control("example", "apps", WorkloadMetricsArgs(source="app"))


# -- ACK: Envoy Gateway's proxies --------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev-cn", "prod-cn"])
def test_ack_web_alerts_on_its_own_route_from_the_envoy_proxies(stack: str) -> None:
    monitor = built(stack)
    (route,) = [r for r in monitor.by_type(ROUTE) if r.name == "web-route"]
    meta = route.inputs["metadata"]
    assert len(route.inputs["spec"]["rules"]) == 1  # one rule: one Envoy cluster, rule/0
    cluster = f"httproute/{meta['namespace']}/{meta['name']}/rule/0"
    (rule,) = [r for r in monitor.by_type(RULE) if r.name == "web-rules"]
    exprs = request_rules(rule.inputs["spec"]["groups"][0]["rules"])
    assert set(exprs) == REQUEST_ALERTS
    for expr in exprs.values():
        for _metric, matchers in selectors(expr):
            assert ("envoy_cluster_name", "=", cluster) in matchers
            assert ("namespace", "=", "gateway") in matchers
    # One PodMonitor, in the Gateway's namespace, on Envoy's stats port, for this Gateway's
    # proxies (the labels the EnvoyProxy spreads them by), keeping every series a rule reads.
    (pm,) = monitor.by_type(POD_MONITOR)
    assert pm.inputs["metadata"]["namespace"] == "gateway"
    spec = pm.inputs["spec"]
    (proxy,) = monitor.by_type(ENVOY_PROXY)
    spread = proxy.inputs["spec"]["provider"]["kubernetes"]["envoyDeployment"]["pod"]
    assert spec["selector"] == spread["topologySpreadConstraints"][0]["labelSelector"]
    (endpoint,) = spec["podMetricsEndpoints"]
    assert (endpoint["port"], endpoint["path"]) == ("metrics", "/stats/prometheus")
    (keep,) = endpoint["metricRelabelings"]
    read = {m for e in exprs.values() for m, _ in selectors(e)}
    assert keep["action"] == "keep" and read <= set(keep["regex"].split("|"))
    assert read <= set(KEPT_METRICS)


def test_the_envoy_proxies_keep_their_prometheus_stats_on() -> None:
    # Envoy Gateway serves /stats/prometheus unless telemetry.metrics.prometheus.disable is set.
    (proxy,) = built("prod-cn").by_type(ENVOY_PROXY)
    telemetry = proxy.inputs["spec"].get("telemetry", {})
    assert not telemetry.get("metrics", {}).get("prometheus", {}).get("disable", False)


def test_prometheus_reaches_the_proxies_and_no_policy_isolates_them() -> None:
    """The scrape path: the monitoring namespace's default deny admits Prometheus' scrapes of pods
    in other namespaces; the Gateway's namespace isolates nothing (its proxies take public
    traffic), so no policy there is needed for the scrape nor may one appear by accident."""
    monitor = built("prod-cn")
    policies = {r.inputs["metadata"]["name"]: r.inputs
                for r in monitor.by_type(NETPOL)}  # fmt: skip
    scrapes = policies["allow-prometheus-scrapes"]
    assert scrapes["metadata"]["namespace"] == "monitoring"
    assert {"to": [{"namespaceSelector": {}}]} in scrapes["spec"]["egress"]
    assert not [
        r for r in monitor.by_type(NETPOL) if r.inputs["metadata"]["namespace"] == "gateway"
    ]


def test_a_canary_shares_its_routes_envoy_cluster() -> None:
    # Both weighted backends are in the route's one rule: Envoy Gateway makes them one cluster,
    # so the route's alerts cover the canary's requests too.
    spec = http_route_spec(gateway_namespace="gateway", host="web.example.com", path="/",
                           backends={"web": 90, "web-canary": 10})  # fmt: skip
    (only,) = spec["rules"]
    assert [b["name"] for b in only["backendRefs"]] == ["web", "web-canary"]


# -- AWS: the ALB has no Prometheus metrics ----------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_aws_web_has_no_request_alerts_and_says_why(stack: str) -> None:
    monitor = built(stack)
    assert monitor.by_type(POD_MONITOR) == []
    (rule,) = [r for r in monitor.by_type(RULE) if r.name == "web-rules"]
    assert not request_rules(rule.inputs["spec"]["groups"][0]["rules"])
    web = parse_config(raw_stack_config(stack)).apps["web"]
    assert web.host and web.metrics.source == "none"
    assert "no request metrics" in (web.metrics.request_alerts_opt_out or "")


# -- config refuses (exit 2), naming the key; the component refuses the same ----------------------


def refusal(stack: str, metrics: dict[str, Any], **service: Any) -> list[str]:
    raw = raw_stack_config(stack)
    web = {**raw["apps"]["web"], "metrics": metrics, **service}
    with pytest.raises(ConfigError) as err:
        parse_config({**raw, "apps": {"web": web}})
    return [p for p in err.value.problems if ".metrics." in p]


@pytest.mark.parametrize("stack", ["dev", "dev-cn"])
def test_an_exposed_service_without_request_metrics_is_refused_naming_the_key(stack: str) -> None:
    (problem,) = refusal(stack, {"source": "none"})
    assert problem.startswith("groundwork:apps.web.metrics.source: 'none' leaves a public service")
    assert "metrics.requestAlertsOptOut" in problem


def test_the_gateway_source_is_refused_on_aws() -> None:
    (problem,) = refusal("prod", {"source": "gateway"})
    assert problem.startswith("groundwork:apps.web.metrics.source: 'gateway'")
    assert "ALB" in problem


@pytest.mark.parametrize(
    ("metrics", "service", "key"),
    [
        ({"source": "gateway", "requestAlertsOptOut": "no reason at all"}, {}, "requestAlertsOptOut"),
        ({"source": "none", "requestAlertsOptOut": "a worker, it has no route"}, {"host": None},
         "requestAlertsOptOut"),
        ({"source": "gateway"}, {"host": None}, "source"),
        ({"source": "none", "requestAlertsOptOut": "short"}, {}, "requestAlertsOptOut"),
        ({"enabled": False}, {}, "enabled"),
    ],
)  # fmt: skip
def test_what_would_mean_nothing_is_refused_too(
    metrics: dict[str, Any], service: dict[str, Any], key: str
) -> None:
    problems = refusal("dev-cn", metrics, **service)
    assert any(p.startswith(f"groundwork:apps.web.metrics.{key}:") for p in problems), problems


@pytest.mark.parametrize("metrics", [{"enabled": False}, {"source": "none"}])
def test_a_public_service_may_go_without_request_alerts_with_the_reason_written(
    metrics: dict[str, Any],
) -> None:
    raw = raw_stack_config("dev-cn")
    reason = {"requestAlertsOptOut": "static page, the CDN's 5xx alarm watches it"}
    web = {**raw["apps"]["web"], "metrics": {**metrics, **reason}}
    parsed = parse_config({**raw, "apps": {"web": web}}).apps["web"].metrics
    assert parsed.request_alerts_opt_out == reason["requestAlertsOptOut"]


def test_the_plan_exits_2_on_a_public_service_without_request_alerts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns(
        ".venv*", ".git", "out", "__pycache__", ".cache", ".engine", "e2e"))  # fmt: skip
    text = (project / "Pulumi.dev-cn.yaml").read_text()
    assert "metrics: {source: gateway}" in text
    (project / "Pulumi.broken.yaml").write_text(
        text.replace("metrics: {source: gateway}", "metrics: {source: none}")
    )
    assert main(["broken", "--project-dir", str(project), "--quiet"]) == EXIT_CONFIG
    assert "apps.web.metrics.source: 'none' leaves a public service" in capsys.readouterr().err


def test_the_workload_refuses_what_config_refuses() -> None:
    from components.kubernetes.platform.workload_spec import RouteArgs

    route = RouteArgs(host="web.example.com", gateway_namespace="gateway")

    def args(m: WorkloadMetricsArgs, routed: bool = True) -> WorkloadArgs:
        return WorkloadArgs(namespace="apps", part_of="acme", image="ghcr.io/acme/web",
                            tag="1.0.0", require_digest=False, route=route if routed else None,
                            metrics=m)  # fmt: skip

    cases = [
        (WorkloadMetricsArgs(source="none"), True, "metrics.source"),
        (WorkloadMetricsArgs(source="gateway"), True, "metrics.source"),  # the ALB: no proxies
        (WorkloadMetricsArgs(source="gateway", gateway=PROXIES), False, "metrics.source"),
        (WorkloadMetricsArgs(source="app", request_alerts_opt_out="not needed"), True,
         "metrics.request_alerts_opt_out"),
    ]  # fmt: skip
    for m, routed, key in cases:
        with pytest.raises(ValueError, match=re.escape(key)):
            validate_workload("web", args(m, routed))
    validate_workload(
        "web", args(WorkloadMetricsArgs(source="none", request_alerts_opt_out="a reason, written"))
    )
    validate_workload("web", args(WorkloadMetricsArgs(source="gateway", gateway=PROXIES)))
