"""`rollout: canary`: a second Deployment and Service beside the stable ones, the HTTPRoute
splitting requests by weight; what config refuses; and what toggling the canary or changing its
weight changes in a whole stack (URN by URN)."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from components.kubernetes.platform.workload_spec import CanaryArgs, RouteArgs
from infra import parse_config
from infra.build import build
from planner.cli import EXIT_OK, main
from planner.policy_report import policy_section
from planner.recorder import RecordedResource, RecordingMonitor
from planner.report import PlanContext
from tests.conftest import PROJECT_DIR, one, raw_stack_config, run_mocked
from tests.test_apps_config import problems
from tests.test_workload import args
from tests.test_workload import build as build_workload

ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
CANARY_DIGEST = "sha256:" + "cd" * 32


def canary_args(**canary: Any) -> Any:
    settings = {"tag": "1.29.4-alpine", "digest": CANARY_DIGEST, "weight": 10, **canary}
    return args(
        route=RouteArgs(host="web.acme.example"), rollout="canary", canary=CanaryArgs(**settings)
    )


def weights(route: RecordedResource) -> dict[str, int]:
    refs = route.inputs["spec"]["rules"][0]["backendRefs"]
    return {ref["name"]: ref["weight"] for ref in refs}


def test_a_canary_runs_beside_the_stable_version_and_takes_its_weight_of_the_route() -> None:
    monitor = build_workload(canary_args(weight=10, replicas=2))
    stable = one(monitor, DEPLOYMENT, "web-deployment").inputs
    canary = one(monitor, DEPLOYMENT, "web-canary-deployment").inputs
    assert canary["metadata"]["name"] == "web-canary"
    image = canary["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == f"docker.io/nginxinc/nginx-unprivileged:1.29.4-alpine@{CANARY_DIGEST}"
    assert stable["spec"]["template"]["spec"]["containers"][0]["image"].endswith(
        ":1.29.3-alpine@sha256:" + "ab" * 32
    )
    # Disjoint selectors: the stable Service never reaches canary pods (the weight would lie).
    stable_selector = stable["spec"]["selector"]["matchLabels"]
    canary_selector = canary["spec"]["selector"]["matchLabels"]
    assert stable_selector["app.kubernetes.io/name"] == "web"
    assert canary_selector["app.kubernetes.io/name"] == "web-canary"
    services = {s.inputs["metadata"]["name"]: s.inputs["spec"]["selector"]
                for s in monitor.recorded if s.type == "kubernetes:core/v1:Service"}  # fmt: skip
    assert services == {"web": stable_selector, "web-canary": canary_selector}
    # The canary takes traffic only once ready: the same readiness probe, and 10 s of it.
    container = canary["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"] == {"path": "/", "port": "http"}
    assert canary["spec"]["minReadySeconds"] == 10 and canary["spec"]["replicas"] == 2
    assert "replicas" not in stable["spec"]  # the stable count stays the autoscaler's
    # Its own NetworkPolicy, admitting the same sources on the canary's pods.
    policies = {p.inputs["metadata"]["name"]: p.inputs["spec"]
                for p in monitor.recorded if p.type.endswith(":NetworkPolicy")}  # fmt: skip
    assert policies["web-canary"]["podSelector"] == {"matchLabels": canary_selector}
    assert policies["web-canary"]["ingress"] == policies["web"]["ingress"]
    assert weights(one(monitor, ROUTE)) == {"web": 90, "web-canary": 10}


def test_the_stable_objects_are_the_same_with_or_without_a_canary() -> None:
    rolling = build_workload(args(route=RouteArgs(host="web.acme.example")))
    canary = build_workload(canary_args(weight=40))
    before = {r.urn: r.inputs for r in rolling.recorded if r.custom}
    after = {r.urn: r.inputs for r in canary.recorded if r.custom}
    changed = {urn for urn in before if before[urn] != after.get(urn)}
    assert {urn.rsplit("::", 1)[-1] for urn in changed} == {"web-route"}
    added = {urn.rsplit("::", 1)[-1] for urn in after.keys() - before.keys()}
    assert added == {
        "web-canary-deployment",
        "web-canary-service",
        "web-canary-netpol",
        "web-canary-pdb",
    }


# (id, args of the component, field its error names)
BAD_CANARIES: list[tuple[str, dict[str, Any], str]] = [
    ("weight-above-100", {"canary": CanaryArgs(tag="2", digest=CANARY_DIGEST, weight=101)}, "canary.weight"),
    ("negative-weight", {"canary": CanaryArgs(tag="2", digest=CANARY_DIGEST, weight=-1)}, "canary.weight"),
    ("no-canary", {"canary": None}, "canary"),
    ("latest", {"canary": CanaryArgs(tag="latest", digest=CANARY_DIGEST)}, "canary.tag"),
    ("no-digest", {"canary": CanaryArgs(tag="2")}, "canary.digest"),
    ("no-route", {"route": None}, "rollout"),
    ("unknown-rollout", {"rollout": "bluegreen"}, "rollout"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field"), [c[1:] for c in BAD_CANARIES], ids=[c[0] for c in BAD_CANARIES]
)
def test_the_component_refuses_a_bad_canary_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_workload(dataclasses.replace(canary_args(), **overrides))


def test_a_leftover_canary_with_a_rolling_rollout_is_refused() -> None:
    rolling = args(canary=CanaryArgs(tag="2", digest=CANARY_DIGEST))
    with pytest.raises(ValueError, match=r"^canary: set only with rollout canary"):
        build_workload(rolling)


def dev_web(**web: Any) -> dict[str, Any]:
    raw = raw_stack_config("dev")
    return {**raw, "apps": {"web": {**raw["apps"]["web"], **web}}}


CANARY = {"tag": "1.29.4-alpine", "weight": 10}
BAD_CONFIG: list[tuple[str, dict[str, Any], str, str]] = [
    ("weight", dev_web(rollout="canary", canary={**CANARY, "weight": 150}), "apps.web.canary.weight", "less than or equal to 100"),
    ("rollout", dev_web(rollout="bluegreen"), "apps.web.rollout", "'rolling' or 'canary'"),
    ("missing-canary", dev_web(rollout="canary"), "apps.web.canary", "required with rollout: canary"),
    ("leftover-canary", dev_web(canary=CANARY), "apps.web.canary", "set only with rollout: canary"),
    ("no-host", dev_web(rollout="canary", canary=CANARY, host=None), "apps.web.rollout", "needs a host"),
    ("latest", dev_web(rollout="canary", canary={**CANARY, "tag": "latest"}), "apps.web.canary.tag", "not a pin"),
    ("digest", dev_web(rollout="canary", canary=CANARY, requireDigest=True, digest="sha256:" + "ab" * 32), "apps.web.canary.digest", "required when requireDigest"),
    ("unknown-key", dev_web(rollout="canary", canary={**CANARY, "percent": 5}), "apps.web.canary.percent", "unknown key"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "key", "fragment"), [c[1:] for c in BAD_CONFIG], ids=[c[0] for c in BAD_CONFIG]
)
def test_config_refuses_a_bad_rollout_naming_the_key(
    raw: dict[str, Any], key: str, fragment: str
) -> None:
    lines = [p for p in problems(raw) if p.startswith(f"groundwork:{key}:")]
    assert lines and any(fragment in line for line in lines), problems(raw)


def _stack(**web: Any) -> RecordingMonitor:
    cfg = parse_config(dev_web(**web))
    return run_mocked(lambda: build(cfg), stack="dev")


def _by_urn(monitor: RecordingMonitor) -> dict[str, dict[str, Any]]:
    return {r.urn: r.inputs for r in monitor.recorded}


def _names(urns: set[str]) -> set[str]:
    return {urn.rsplit("::", 1)[-1] for urn in urns}


def test_toggling_the_canary_or_its_weight_changes_only_the_route_and_the_canary_objects() -> None:
    rolling = _by_urn(_stack())
    ten = _by_urn(_stack(rollout="canary", canary=CANARY))
    thirty = _by_urn(_stack(rollout="canary", canary={**CANARY, "weight": 30}))
    # Turning the canary on adds its four objects, keeps every URN (the stable Deployment's
    # among them) and changes the inputs of the route only.
    assert rolling.keys() <= ten.keys()
    assert _names(ten.keys() - rolling.keys()) == {
        "web-canary-deployment", "web-canary-service", "web-canary-netpol", "web-canary-pdb"}  # fmt: skip
    changed = {urn for urn in rolling if rolling[urn] != ten[urn]}
    assert _names(changed) == {"web-route"}
    # A new weight: the same URNs, and only the route's inputs differ.
    assert thirty.keys() == ten.keys()
    assert _names({urn for urn in ten if ten[urn] != thirty[urn]}) == {"web-route"}
    (route,) = [urn for urn in thirty if urn.endswith("::web-route")]
    backends = thirty[route]["spec"]["rules"][0]["backendRefs"]
    assert [(b["name"], b["weight"]) for b in backends] == [("web", 70), ("web-canary", 30)]
    # Turning it off again (promotion or rollback done) is the first stack again.
    assert _by_urn(_stack()) == rolling


def test_a_canary_plan_shows_both_deployments_and_the_weights(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns(
        ".venv*", ".git", "out", "__pycache__", ".cache", ".engine", "e2e"))  # fmt: skip
    stack = (project / "Pulumi.dev.yaml").read_text()
    canary = "      rollout: canary\n      canary: {tag: 1.29.4-alpine, weight: 25}\n"
    stack = stack.replace("      host: web.dev.acme.example\n",
                          "      host: web.dev.acme.example\n" + canary)  # fmt: skip
    (project / "Pulumi.canary.yaml").write_text(stack)
    report_path = tmp_path / "plan.json"
    code = main(["canary", "--project-dir", str(project), "--quiet", "--json", str(report_path)])
    assert code == EXIT_OK
    report = json.loads(report_path.read_text())
    deployments = {r["inputs"]["metadata"]["name"]: r["inputs"]
                   for r in report["resources"] if r["type"] == DEPLOYMENT}  # fmt: skip
    images = {
        n: d["spec"]["template"]["spec"]["containers"][0]["image"] for n, d in deployments.items()
    }
    assert images == {"web": "docker.io/nginxinc/nginx-unprivileged:1.29.3-alpine",
                      "web-canary": "docker.io/nginxinc/nginx-unprivileged:1.29.4-alpine"}  # fmt: skip
    (route,) = [r for r in report["resources"] if r["type"] == ROUTE and r["name"] == "web-route"]
    refs = route["inputs"]["spec"]["rules"][0]["backendRefs"]
    assert [(b["name"], b["weight"]) for b in refs] == [("web", 75), ("web-canary", 25)]


def prod_web(**canary: Any) -> dict[str, Any]:
    raw = raw_stack_config("prod")
    web = {**raw["apps"]["web"], "rollout": "canary",
           "canary": {**CANARY, "digest": CANARY_DIGEST, **canary}}  # fmt: skip
    return {**raw, "apps": {"web": web}}


def test_a_canary_passes_prod_with_its_own_disruption_budget() -> None:
    # Before: every prod canary planned, then k8s-replicas-and-pdb blocked it (exit 1): one
    # replica by default, and no PodDisruptionBudget selecting the canary's pods.
    assert problems(prod_web()) == [
        "groundwork:apps.web.canary.replicas: prod needs at least 2 pods per Deployment, the "
        "canary's too, got 1 (policy k8s-replicas-and-pdb)"
    ]
    cfg = parse_config(prod_web(replicas=2))
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    pdb = one(monitor, "kubernetes:policy/v1:PodDisruptionBudget", "web-canary-pdb").inputs
    canary = one(monitor, DEPLOYMENT, "web-canary-deployment").inputs
    assert pdb["spec"]["selector"]["matchLabels"] == canary["spec"]["selector"]["matchLabels"]
    ctx = PlanContext("groundwork", "prod", PROJECT_DIR, monitor, cfg)
    assert policy_section(ctx).blocking == []


def test_on_eks_a_pod_is_ready_only_once_its_load_balancer_target_is_healthy() -> None:
    from tests.conftest import built, of_type

    def labels(stack: str, name: str) -> dict[str, str]:
        namespaces = of_type(built(stack), "kubernetes:core/v1:Namespace")
        (ns,) = [n for n in namespaces if n.inputs["metadata"]["name"] == name]
        return dict(ns.inputs["metadata"]["labels"])

    gate = "elbv2.k8s.aws/pod-readiness-gate-inject"
    assert labels("dev", "apps")[gate] == "enabled"
    assert gate not in labels("dev", "gateway")  # only workload namespaces
    assert gate not in labels("dev-cn", "apps")  # ACK: Envoy holds only ready endpoints
