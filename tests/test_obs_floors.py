"""Observability floors in staging/prod (policies/guardrails/obs_floors.py): the stack file cannot
switch off or weaken the in-cluster metrics stack, log shipping or the trace collector (config
refuses first, exit 2 naming the key), and the rules block what the plan holds whatever put it
there (a team's own kube-prometheus-stack release, a program without a shipper)."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.cli import EXIT_BLOCKED, EXIT_CONFIG, main
from planner.policy_report import policy_section
from planner.report import PlanContext
from tests.conftest import PROJECT_DIR, any_stack_config, built, raw_stack_config, stack_config
from tests.test_policy_plan import context, plan_cli_with, synthetic

KPS_CHART = {
    "chart": "kube-prometheus-stack",
    "version": "88.5.3",
    "repository": "https://prometheus-community.github.io/helm-charts",
}
HELM = "kubernetes:helm.sh/v3:Release"
HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck"
ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
ONE_PROMETHEUS = {"prometheus": {"prometheusSpec": {"replicas": 1}}}


def _set(config: dict[str, Any], key: str, value: Any) -> None:
    section, *path = key.split(".")
    node = config.setdefault(f"groundwork:{section}", {})
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def _plan_with(
    stack: str, changes: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    """The plan command on a copy of the stack file with `changes` (dotted keys) applied."""
    document = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())
    for key, value in changes.items():
        _set(document["config"], key, copy.deepcopy(value))
    shutil.copy(PROJECT_DIR / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    code = main([stack, "--project-dir", str(tmp_path), "--quiet"])
    return code, capsys.readouterr().err


REFUSED: list[tuple[str, dict[str, Any], str, str]] = [
    ("prod", {"metrics.enabled": False}, "metrics.enabled", "obs-metrics-stack-ha"),
    ("staging", {"metrics.enabled": False}, "metrics.enabled", "obs-metrics-stack-ha"),
    ("prod", {"metrics.prometheus.replicas": 1}, "metrics.prometheus.replicas", "at least 2"),
    ("prod", {"metrics.alertmanager.replicas": 1}, "metrics.alertmanager.replicas", "at least 3"),
    ("prod", {"metrics.prometheus.retentionDays": 7}, "metrics.prometheus.retentionDays", "at least 15"),
    ("prod", {"metrics.alertmanager.volumeGib": 0}, "metrics.alertmanager.volumeGib", "persistent volume"),
    ("prod", {"metrics.chart": {**KPS_CHART, "values": ONE_PROMETHEUS}},
     "metrics.chart.values.prometheus.prometheusSpec.replicas", "the floor is 2"),
    ("prod", {"metrics.chart": {**KPS_CHART, "values": {"alertmanager": {"enabled": False}}}},
     "metrics.chart.values.alertmanager.enabled", "obs-metrics-stack-ha"),
    ("prod", {"metrics.chart": {**KPS_CHART, "values": {"prometheus": {"prometheusSpec": {
        "storageSpec": {"volumeClaimTemplate": {"spec": {"storageClassName": "gp2"}}}}}}}},
     "metrics.chart.values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName",
     "encrypted StorageClass"),
    ("prod", {"logs.shipping.enabled": False}, "logs.shipping.enabled", "obs-log-shipping"),
    ("prod", {"tracing.enabled": False}, "tracing.enabled", "obs-tracing-collector"),
    ("prod", {"healthChecks.enabled": False}, "healthChecks.enabled", "web.acme.example"),
    ("staging", {"healthChecks.enabled": False}, "healthChecks.enabled", "obs-entry-health-checks"),
    ("prod-cn", {"metrics.enabled": False}, "metrics.enabled", "obs-metrics-stack-ha"),
    ("prod-cn", {"metrics.alertmanager.replicas": 1}, "metrics.alertmanager.replicas", "at least 3"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("stack", "changes", "key", "says"), REFUSED, ids=[f"{r[0]}-{r[2]}" for r in REFUSED]
)
def test_config_refuses_a_weakened_floor_naming_the_key_and_what_is_allowed(
    stack: str,
    changes: dict[str, Any],
    key: str,
    says: str,
    tmp_path: Path,
    *,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, err = _plan_with(stack, changes, tmp_path, capsys)
    assert code == EXIT_CONFIG, err
    (line,) = [line for line in err.splitlines() if f"groundwork:{key}:" in line]
    assert says in line and "policy obs-" in line, line


def test_dev_may_run_without_ha_logs_or_traces() -> None:
    raw = raw_stack_config("dev")
    cfg = stack_config(
        "dev",
        metrics={"enabled": False},
        tracing={"enabled": False},
        logs={**raw.get("logs", {}), "shipping": {"enabled": False}},
    )
    assert not cfg.metrics.enabled and not cfg.tracing.enabled and not cfg.logs.shipping.enabled


def test_a_team_s_own_one_replica_kube_prometheus_stack_blocks_the_prod_plan(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = synthetic(
        "prod",
        "kubernetes:helm.sh/v3:Release",
        "team-prometheus",
        {
            "chart": "kube-prometheus-stack",
            "version": "88.5.3",
            "repositoryOpts": {"repo": KPS_CHART["repository"]},
            "values": {**ONE_PROMETHEUS, "nodeExporter": {"enabled": False}},
        },
    )
    code = plan_cli_with("prod", [own], monkeypatch, tmp_path)
    blocked = capsys.readouterr().out.split("PLAN BLOCKED:", 1)[-1]
    assert code == EXIT_BLOCKED
    lines = [b for b in blocked.splitlines() if "policy obs-metrics-stack-ha (mandatory)" in b]
    assert lines and all("team-prometheus" in b for b in lines), blocked
    assert any("prometheusSpec.replicas 1" in b for b in lines)
    assert any("alertmanagerSpec.replicas 1" in b for b in lines)  # the chart's default
    assert any("not set: the data lives in an emptyDir" in b for b in lines)


def _without(stack: str, *charts: str, addon: str | None = None) -> PlanContext:
    """The stack's plan as a program without these releases (or ACK add-on) would make it."""
    ctx = context(stack) if stack in ("prod", "dev") else _alicloud(stack)
    kept = []
    for recorded in built(stack).recorded:
        if recorded.type == HELM and recorded.inputs.get("chart") in charts:
            continue
        if "health" in charts and recorded.type == HEALTH_CHECK:  # healthChecks switched off
            continue
        r = copy.copy(recorded)
        if addon and r.type == ACK:
            r.inputs, r.outputs = (
                {**props, "addons": [a for a in props.get("addons", []) if a["name"] != addon]}
                for props in (r.inputs, r.outputs)
            )
        kept.append(r)
    ctx.monitor.recorded = kept
    return ctx


def _alicloud(stack: str) -> PlanContext:
    monitor = copy.copy(built(stack))
    return PlanContext("groundwork", stack, PROJECT_DIR, monitor, any_stack_config(stack))


@pytest.mark.parametrize(
    ("stack", "charts", "addon", "rule"),
    [
        ("prod", ("kube-prometheus-stack",), None, "obs-metrics-stack-ha"),
        ("prod", ("aws-for-fluent-bit",), None, "obs-log-shipping"),
        ("prod", ("opentelemetry-collector",), None, "obs-tracing-collector"),
        ("prod", ("health",), None, "obs-entry-health-checks"),
        ("prod-cn", ("kube-prometheus-stack",), None, "obs-metrics-stack-ha"),
        ("prod-cn", (), "logtail-ds", "obs-log-shipping"),
    ],
)
def test_a_cluster_without_its_telemetry_blocks_prod_on_either_cloud(
    stack: str, charts: tuple[str, ...], addon: str | None, rule: str
) -> None:
    assert policy_section(_plan_ctx(stack)).blocking == []
    blocking = policy_section(_without(stack, *charts, addon=addon)).blocking
    assert blocking and all(b.startswith(f"policy {rule} (mandatory) on ") for b in blocking), (
        blocking
    )


def _plan_ctx(stack: str) -> PlanContext:
    return context(stack) if stack in ("prod", "dev") else _alicloud(stack)


def test_dev_without_its_telemetry_is_advisory() -> None:
    section = policy_section(
        _without("dev", "kube-prometheus-stack", "aws-for-fluent-bit", "opentelemetry-collector")
    )
    assert section.blocking == []
    advisory = {v["rule"] for v in section.data["violations"] if v["level"] == "advisory"}
    assert {"obs-metrics-stack-ha", "obs-log-shipping", "obs-tracing-collector"} <= advisory


@pytest.mark.parametrize(
    "rule_id", ["obs-metrics-stack-ha", "obs-log-shipping", "obs-tracing-collector"]
)
def test_a_release_whose_properties_are_not_known_yet_defers_instead_of_failing(
    rule_id: str,
) -> None:
    """The engine's preview of a cluster still to be created hands stack rules releases without
    properties (its Kubernetes provider is not configured yet): that is "can't verify", never
    "the cluster has no release" (which would block every first preview of prod)."""
    from policies.guardrails import RULES
    from policies.guardrails.core import Subject, evaluate_stack, resolved_params

    rule = next(r for r in RULES if r.id == rule_id)
    cluster = Subject("aws:eks/cluster:Cluster", "eks", "urn:eks", {"name": "eks"})
    release = Subject("kubernetes:helm.sh/v3:Release", "kps", "urn:kps", {})
    findings = evaluate_stack(rule, [cluster, release], resolved_params(rule, None))
    assert findings and all(f.unverifiable == ("chart",) for f in findings), findings
    # Without the release at all, the same cluster is a violation (the rule still holds).
    missing = evaluate_stack(rule, [cluster], resolved_params(rule, None))
    assert missing and all(not f.unverifiable for f in missing), missing


def test_routes_whose_properties_are_not_known_yet_defer_the_health_check_rule() -> None:
    from policies.guardrails import RULES
    from policies.guardrails.core import Subject, evaluate_stack, resolved_params

    rule = next(r for r in RULES if r.id == "obs-entry-health-checks")
    route = Subject("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "web", "urn:web", {})
    findings = evaluate_stack(rule, [route], resolved_params(rule, None))
    assert findings and all(f.unverifiable == ("spec",) for f in findings), findings
