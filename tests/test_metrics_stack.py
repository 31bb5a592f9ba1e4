"""The in-cluster metrics stack (issue #12, item 3): kube-prometheus-stack from `groundwork:metrics`,
Alertmanager from `groundwork:alerting`, Grafana, and what each Workload adds (monitors, alerts,
the one scrape path, a dashboard). Every default has a test that fails by name when it is dropped.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from components.kubernetes.platform.monitoring import PROMETHEUS_POD_LABELS, network_policy_specs
from components.kubernetes.platform.monitoring_spec import (
    HIDDEN_CONTROL_PLANE,
    HIDDEN_CONTROL_PLANE_RULES,
)
from components.kubernetes.platform.workload_monitoring import alert_rules
from components.kubernetes.platform.workload_monitoring_spec import (
    WorkloadAlertsArgs,
    WorkloadMetricsArgs,
)
from components.monitoring import alertmanager_config
from infra import ConfigError, parse_config
from infra.build import build
from infra.layers.metrics_args import stack_args
from planner.recorder import RecordedResource, RecordingMonitor
from policies.guardrails.core import Subject
from policies.guardrails.k8s_helm import RULES as HELM_RULES
from tests.conftest import built, raw_stack_config, run_mocked

HELM = "kubernetes:helm.sh/v3:Release"
RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
CONFIGMAP = "kubernetes:core/v1:ConfigMap"
SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription"


def release(monitor: RecordingMonitor) -> RecordedResource:
    (found,) = [r for r in monitor.by_type(HELM) if r.inputs["chart"] == "kube-prometheus-stack"]
    return found


def values(stack: str) -> dict[str, Any]:
    return dict(release(built(stack)).inputs["values"])


def build_with(stack: str, **overrides: Any) -> RecordingMonitor:
    cfg = parse_config({**raw_stack_config(stack), **overrides})
    return run_mocked(lambda: build(cfg), stack=stack)


# -- prod: HA -------------------------------------------------------------------------------------


def test_prod_runs_two_prometheus_and_three_alertmanagers_spread_over_zones() -> None:
    v = values("prod")
    prom, am = v["prometheus"]["prometheusSpec"], v["alertmanager"]["alertmanagerSpec"]
    assert (prom["replicas"], am["replicas"]) == (2, 3)
    for spec in (prom, am):
        assert spec["podAntiAffinity"] == "hard"
        assert spec["podAntiAffinityTopologyKey"] == "topology.kubernetes.io/zone"
    assert v["prometheus"]["podDisruptionBudget"] == {"enabled": True, "minAvailable": 1}
    assert v["alertmanager"]["podDisruptionBudget"] == {"enabled": True, "minAvailable": 2}


def test_prod_keeps_metrics_on_encrypted_volumes_with_retention_from_config() -> None:
    v = values("prod")
    prom = v["prometheus"]["prometheusSpec"]
    claim = prom["storageSpec"]["volumeClaimTemplate"]["spec"]
    assert claim["storageClassName"] == "gp3"  # the baseline's class: encrypted gp3
    assert claim["resources"]["requests"]["storage"] == "50Gi"
    assert prom["retention"] == "15d"
    assert prom["retentionSize"] == f"{int(50 * 0.8 * 1024)}MB"  # never fills the volume
    am_claim = v["alertmanager"]["alertmanagerSpec"]["storage"]["volumeClaimTemplate"]["spec"]
    assert am_claim["storageClassName"] == "gp3"
    changed = build_with("prod", metrics={"prometheus": {"retentionDays": 30, "volumeGib": 80}})
    prom = release(changed).inputs["values"]["prometheus"]["prometheusSpec"]
    assert prom["retention"] == "30d"
    assert prom["storageSpec"]["volumeClaimTemplate"]["spec"]["resources"]["requests"] == {
        "storage": "80Gi"
    }


def test_storage_class_of_the_volumes_is_encrypted() -> None:
    classes = {
        r.inputs["metadata"]["name"]: r.inputs
        for r in built("prod").by_type("kubernetes:storage.k8s.io/v1:StorageClass")
    }
    assert classes["gp3"]["parameters"]["encrypted"] == "true"


def test_prometheus_selects_every_monitor_and_rule_of_the_cluster() -> None:
    prom = values("prod")["prometheus"]["prometheusSpec"]
    for key in ("ruleSelectorNilUsesHelmValues", "serviceMonitorSelectorNilUsesHelmValues"):
        assert prom[key] is False, key


# -- dev: cheap -----------------------------------------------------------------------------------


def test_dev_runs_one_of_each_with_short_retention_and_a_small_volume() -> None:
    v = values("dev")
    prom, am = v["prometheus"]["prometheusSpec"], v["alertmanager"]["alertmanagerSpec"]
    assert (prom["replicas"], am["replicas"]) == (1, 1)
    assert prom["retention"] == "2d"
    assert prom["storageSpec"]["volumeClaimTemplate"]["spec"]["resources"]["requests"] == {
        "storage": "2Gi"
    }
    assert "storage" not in am  # silences in an emptyDir in dev
    assert v["prometheus"]["podDisruptionBudget"]["enabled"] is False
    assert prom["podAntiAffinity"] == "soft"


def test_dev_monitoring_costs_at_most_15_dollars() -> None:
    from planner.policy_report import policy_resources
    from policies.guardrails.adapters import subject_of_resource
    from policies.guardrails.pricing import estimate

    _, outputs = policy_resources(built("dev").recorded)
    by_component = estimate([subject_of_resource(p) for p in outputs], "eu-west-1").by_component()
    monitoring = by_component["acme-dev-monitoring (MonitoringStack)"]
    alerts = by_component["acme-dev-alerts (AlertTopics)"]
    assert monitoring > 0 and monitoring + alerts <= 15.0
    assert monitoring == round(2 * 0.088, 2)  # 2 GiB gp3 in eu-west-1


# -- managed control plane, node-exporter ----------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod", "dev-cn", "prod-cn"])
def test_scrapes_the_managed_control_plane_hides_are_off(stack: str) -> None:
    v = values(stack)
    assert {t for t in HIDDEN_CONTROL_PLANE if v[t] == {"enabled": False}} == {
        "kubeEtcd", "kubeScheduler", "kubeControllerManager", "kubeProxy",
    }  # fmt: skip
    rules = v["defaultRules"]["rules"]
    assert {"etcd", "kubeControllerManager", "kubeSchedulerAlerting", "kubeProxy"} <= {
        r for r in HIDDEN_CONTROL_PLANE_RULES if rules[r] is False
    }


def _helm_rule(rule_id: str) -> Any:
    return next(r for r in HELM_RULES if r.id == rule_id)


def test_node_exporter_is_off_and_the_policy_flags_it_when_on() -> None:
    r = release(built("prod"))
    assert r.inputs["values"]["nodeExporter"] == {"enabled": False}
    rule = _helm_rule("k8s-helm-values-pod-security")

    def findings(vals: dict[str, Any]) -> list[str]:
        subject = Subject(HELM, r.name, r.urn, {**r.inputs, "values": vals})
        assert rule.resource_check is not None
        return list(rule.resource_check(subject, rule.params))

    assert findings(r.inputs["values"]) == []
    on = {**r.inputs["values"], "nodeExporter": {"enabled": True}}
    unset = {k: v for k, v in r.inputs["values"].items() if k != "nodeExporter"}
    for vals in (on, unset):  # the chart's default is on
        assert any("node-exporter" in f for f in findings(vals))


def test_the_chart_repository_is_in_the_allowlist() -> None:
    rule = _helm_rule("k8s-helm-chart-source")
    r = release(built("prod"))
    assert rule.resource_check is not None
    subject = Subject(HELM, r.name, r.urn, r.inputs)
    assert list(rule.resource_check(subject, rule.params)) == []
    assert r.inputs["version"] == "88.5.3"


# -- Alertmanager from the one alerting section ----------------------------------------------------


def alertmanager_config_of(monitor: RecordingMonitor) -> tuple[dict[str, Any], list[str]]:
    """The Alertmanager configuration the stack deploys, and where it is secret: a Secret of its
    own when it holds topic ARNs (AWS), else the chart values."""
    secrets = [
        r for r in monitor.by_type("kubernetes:core/v1:Secret")
        if r.inputs["metadata"]["name"] == "alertmanager-config"
    ]  # fmt: skip
    if secrets:
        (secret,) = secrets
        return yaml.safe_load(secret.inputs["stringData"]["alertmanager.yaml"]), secret.secret_paths
    r = release(monitor)
    return r.inputs["values"]["alertmanager"]["config"], r.secret_paths


def test_alertmanager_config_is_generated_from_alerting_and_kept_secret() -> None:
    monitor = built("prod")
    config, secret_paths = alertmanager_config_of(monitor)
    assert any(p.startswith("stringData") for p in secret_paths)
    assert {rc["name"] for rc in config["receivers"]} == {"null", "P0", "P1", "P2", "P3"}
    assert config == alertmanager_config(
        parse_config(raw_stack_config("prod")).alerting.routing(),
        {s: config_topic(config, s) for s in ("P0", "P1", "P2", "P3")},
        "eu-west-1",
    )
    # Email/SMS channels reach the severity's topic; the topic's ARN is the SNS topic's.
    p2 = next(rc for rc in config["receivers"] if rc["name"] == "P2")
    assert ":acme-prod-alerts-p2-" in p2["sns_configs"][0]["topic_arn"]
    assert p2["sns_configs"][0]["sigv4"] == {"region": "eu-west-1"}
    am = release(monitor).inputs["values"]["alertmanager"]
    assert "config" not in am  # the chart values hold no resource outputs and no secrets
    assert am["alertmanagerSpec"]["useExistingSecret"] is True
    assert am["alertmanagerSpec"]["configSecret"] == "alertmanager-config"


def config_topic(config: dict[str, Any], severity: str) -> str:
    receiver = next(rc for rc in config["receivers"] if rc["name"] == severity)
    return str(receiver["sns_configs"][0]["topic_arn"])


def test_alertmanager_may_publish_to_the_alert_topics_only() -> None:
    monitor = built("prod")
    sa = release(monitor).inputs["values"]["alertmanager"]["serviceAccount"]
    assert sa == {"create": False, "name": "alertmanager"}
    (account,) = [
        r for r in monitor.by_type("kubernetes:core/v1:ServiceAccount")
        if r.inputs["metadata"]["name"] == "alertmanager"
    ]  # fmt: skip
    assert account.inputs["metadata"]["namespace"] == "monitoring"
    role_arn = account.inputs["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    (policy,) = [
        r for r in monitor.by_type("aws:iam/rolePolicy:RolePolicy")
        if r.name == "acme-prod-alerts-alertmanager-irsa-policy"
    ]  # fmt: skip
    statements = json.loads(policy.inputs["policy"])["Statement"]
    assert {s["Sid"]: s["Action"] for s in statements} == {
        "PublishAlerts": "sns:Publish", "EncryptAlerts": ["kms:GenerateDataKey*", "kms:Decrypt"],
    }  # fmt: skip
    assert len(statements[0]["Resource"]) == 4
    assert all(":acme-prod-alerts-p" in arn for arn in statements[0]["Resource"])
    (role,) = [r for r in monitor.by_type("aws:iam/role:Role") if role_arn.endswith(r.name)]
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert "system:serviceaccount:monitoring:alertmanager" in json.dumps(trust)


def test_one_channel_change_changes_the_sns_subscription_and_the_alertmanager_receiver() -> None:
    def both(url: str) -> tuple[set[str], dict[str, Any]]:
        section = {
            **raw_stack_config("prod")["alerting"],
            "webhooks": {"ops": {"kind": "https", "url": url}},
        }
        p1 = {**section["severities"]["P1"], "webhooks": ["ops"]}
        section["severities"] = {**section["severities"], "P1": p1}
        monitor = build_with("prod", alerting=section)
        endpoints = {
            s.inputs["endpoint"] for s in monitor.by_type(SUBSCRIPTION) if "-p1-webhook" in s.name
        }
        config, _ = alertmanager_config_of(monitor)
        return endpoints, next(rc for rc in config["receivers"] if rc["name"] == "P1")

    before_sns, before_am = both("https://hooks.acme.example/one")
    after_sns, after_am = both("https://hooks.acme.example/two")
    assert before_sns == {"https://hooks.acme.example/one"}
    assert after_sns == {"https://hooks.acme.example/two"}
    assert before_am["webhook_configs"] == [
        {"url": "https://hooks.acme.example/one", "send_resolved": True}
    ]
    assert after_am["webhook_configs"] == [
        {"url": "https://hooks.acme.example/two", "send_resolved": True}
    ]


# -- Grafana -------------------------------------------------------------------------------------


def test_grafana_admin_password_is_generated_and_secret() -> None:
    monitor = built("prod")
    (secret,) = [
        r for r in monitor.by_type("kubernetes:core/v1:Secret")
        if r.inputs["metadata"]["name"] == "grafana-admin"
    ]  # fmt: skip
    assert "stringData.admin-password" in secret.secret_paths or "stringData" in secret.secret_paths
    (password,) = [
        r for r in monitor.by_type("random:index/randomPassword:RandomPassword")
        if r.name == "acme-prod-monitoring-grafana-admin"
    ]  # fmt: skip
    assert any(password.urn in urns for urns in secret.property_dependencies.values())
    assert password.inputs["length"] >= 32
    grafana = release(monitor).inputs["values"]["grafana"]
    assert grafana["admin"]["existingSecret"] == "grafana-admin"
    assert "adminPassword" not in grafana


def test_dashboards_for_the_platform_and_each_workload() -> None:
    maps = {
        r.inputs["metadata"]["name"]: r.inputs
        for r in built("prod").by_type(CONFIGMAP)
        if r.inputs["metadata"].get("labels", {}).get("grafana_dashboard") == "1"
    }
    assert set(maps) == {"dashboard-platform", "dashboard-apps-web"}
    for cm in maps.values():
        assert cm["metadata"]["namespace"] == "monitoring"
        (body,) = cm["data"].values()
        assert json.loads(body)["panels"]
    sidecar = values("prod")["grafana"]["sidecar"]["dashboards"]
    assert (sidecar["label"], sidecar["labelValue"]) == ("grafana_dashboard", "1")


# -- Workloads -----------------------------------------------------------------------------------

SERVICE = {"tag": "3.1.0", "runAsUser": 1000, "image": "ghcr.io/acme/api",
           "architectures": ["amd64", "arm64"],
           "ports": {"http": 8080, "metrics": 9090}}  # fmt: skip


def with_api(metrics: dict[str, Any]) -> RecordingMonitor:
    return build_with("dev", apps={"api": {**SERVICE, "metrics": metrics}})


def test_a_workload_gets_a_service_monitor_rules_and_exactly_one_scrape_path() -> None:
    monitor = with_api(
        {"port": "metrics", "alerts": {"errorRatePercent": 2, "restartsSeverity": "P1"}}
    )
    (sm,) = [r for r in monitor.by_type(MONITOR) if r.name == "api-servicemonitor"]
    assert sm.inputs["spec"]["endpoints"] == [
        {"port": "metrics", "path": "/metrics", "interval": "30s"}
    ]
    (rule,) = [r for r in monitor.by_type(RULE) if r.name == "api-rules"]
    alerts = {x["alert"]: x for x in rule.inputs["spec"]["groups"][0]["rules"]}
    assert set(alerts) == {"WorkloadHighErrorRate", "WorkloadHighLatencyP95", "WorkloadCpuSaturated",
                           "WorkloadMemorySaturated", "WorkloadPodRestarting"}  # fmt: skip
    assert alerts["WorkloadHighErrorRate"]["expr"].endswith("* 100 > 2")
    assert alerts["WorkloadPodRestarting"]["labels"]["severity"] == "P1"
    (scrape,) = [r for r in monitor.by_type(NETPOL) if r.name == "api-scrape"]
    (allow,) = scrape.inputs["spec"]["ingress"]
    assert allow["ports"] == [{"protocol": "TCP", "port": 9090}]  # the metrics port only
    (peer,) = allow["from"]
    assert peer["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "monitoring"}
    assert peer["podSelector"]["matchLabels"] == PROMETHEUS_POD_LABELS
    # The namespace keeps its default deny; nothing else admits the monitoring namespace.
    names = {r.inputs["metadata"]["name"] for r in monitor.by_type(NETPOL)
             if r.inputs["metadata"]["namespace"] == "apps"}  # fmt: skip
    assert "default-deny" in names and "allow-from-monitoring" not in names


def test_alert_defaults() -> None:
    a = WorkloadAlertsArgs()
    assert (a.error_rate_percent, a.error_rate_severity) == (5.0, "P1")
    assert (a.p95_latency_seconds, a.p95_latency_severity) == (1.0, "P2")
    assert (a.saturation_percent, a.saturation_severity) == (90.0, "P2")
    assert (a.restarts_per_hour, a.restarts_severity, a.for_minutes) == (3, "P2", 10)
    rules = {r["alert"]: r for r in alert_rules("api", "apps", WorkloadMetricsArgs())}
    assert rules["WorkloadHighLatencyP95"]["expr"].endswith("> 1")
    assert rules["WorkloadHighErrorRate"]["for"] == "10m"
    assert (
        'http_requests_total{namespace="apps", job="api", code=~"5.."}'
        in rules["WorkloadHighErrorRate"]["expr"]
    )


def test_a_service_without_metrics_gets_no_monitor_nor_scrape_path() -> None:
    # The shipped web image exports no request metrics (`source: none`); ingress-nginx, whose
    # per-service metrics stood in for them, is gone (HTTP goes through the Gateway API).
    monitor = built("prod")
    assert monitor.by_type(MONITOR) == []
    assert not [r for r in monitor.by_type(NETPOL) if r.name == "web-scrape"]
    (rule,) = monitor.by_type(RULE)
    alerts = {r["alert"] for r in rule.inputs["spec"]["groups"][0]["rules"]}
    assert alerts == {"WorkloadCpuSaturated", "WorkloadMemorySaturated", "WorkloadPodRestarting"}


def test_the_retired_ingress_source_is_refused_naming_the_key() -> None:
    raw = raw_stack_config("prod")
    web = {**raw["apps"]["web"], "metrics": {"source": "ingress"}}
    with pytest.raises(ConfigError) as err:
        parse_config({**raw, "apps": {"web": web}})
    assert any(p.startswith("groundwork:apps.web.metrics.source:") for p in err.value.problems)


def test_a_worker_without_ports_gets_saturation_and_restart_alerts_only() -> None:
    rules = alert_rules("w", "apps", WorkloadMetricsArgs(source="none"))
    assert {r["alert"] for r in rules} == {
        "WorkloadCpuSaturated", "WorkloadMemorySaturated", "WorkloadPodRestarting",
    }  # fmt: skip


# -- the monitoring namespace's network policies ----------------------------------------------------


def test_monitoring_namespace_is_default_deny_with_only_the_paths_the_stack_needs() -> None:
    specs = network_policy_specs(stack_args(parse_config(raw_stack_config("prod")), "gp3", 1,
                                            __import__("infra.layers.metrics_args", fromlist=["x"])
                                            .AlertmanagerWiring(config={})))  # fmt: skip
    assert specs["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    assert set(specs) == {
        "default-deny", "allow-dns", "allow-same-namespace", "allow-apiserver",
        "allow-operator-webhook", "allow-prometheus-scrapes", "allow-alertmanager-notify",
    }  # fmt: skip
    vpc = str(parse_config(raw_stack_config("prod")).network.cidr)
    api = specs["allow-apiserver"]["egress"][0]
    assert api["to"] == [{"ipBlock": {"cidr": vpc}}]
    assert {p["port"] for p in api["ports"]} == {443, 6443}
    notify = specs["allow-alertmanager-notify"]
    assert notify["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "alertmanager"}
    assert notify["egress"][0]["ports"] == [{"protocol": "TCP", "port": 443}]
    recorded = {r.inputs["metadata"]["name"] for r in built("prod").by_type(NETPOL)
                if r.inputs["metadata"]["namespace"] == "monitoring"}  # fmt: skip
    # Plus the trace collector's two (OTLP in from the workloads, its exporter's port out:
    # tests/test_telemetry.py).
    assert recorded == set(specs) | {
        "opentelemetry-collector-otlp",
        "opentelemetry-collector-export",
    }


# -- config refuses what the component would ---------------------------------------------------------


@pytest.mark.parametrize(
    ("stack", "metrics", "key"),
    [
        ("dev", {"alertmanager": {"replicas": 3}}, "groundwork:metrics.alertmanager.replicas"),
        ("dev-cn", {"prometheus": {"volumeGib": 10}}, "groundwork:metrics.prometheus.volumeGib"),
        ("prod-cn", {"alertmanager": {"volumeGib": 5}}, "groundwork:metrics.alertmanager.volumeGib"),
        ("prod", {"chart": {"chart": "kube-prometheus-stack", "version": "88.x",
                            "repository": "https://prometheus-community.github.io/helm-charts"}},
         "groundwork:metrics.chart.version"),
    ],
)  # fmt: skip
def test_bad_metrics_config_is_refused_naming_the_key(
    stack: str, metrics: dict[str, Any], key: str
) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({**raw_stack_config(stack), "metrics": metrics})
    assert key in str(err.value)


def test_a_service_without_its_metrics_port_is_refused_naming_the_key() -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(
            {**raw_stack_config("dev"), "apps": {"api": {**SERVICE, "metrics": {"port": "admin"}}}}
        )
    assert "groundwork:apps.api.metrics.port" in str(err.value)


def test_metrics_can_be_turned_off() -> None:
    monitor = build_with("dev", metrics={"enabled": False})
    assert not [r for r in monitor.by_type(HELM) if r.inputs["chart"] == "kube-prometheus-stack"]
    assert not monitor.by_type(RULE) and not monitor.by_type(MONITOR)
