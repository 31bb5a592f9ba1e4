"""Pod security reaches every object that carries a pod template: each workload kind and API version
the pinned SDK offers, their Patch types, and objects declared in yaml/v2 manifests (inline, as
YAML text, or in files)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from policies.guardrails import BY_ID
from policies.guardrails.core import Subject, evaluate_resource, resolved_params
from policies.guardrails.k8s_objects import WORKLOADS, kind
from tests.policy_cases_k8s import PRIVILEGED_RC, config_group, container, with_pod_spec
from tests.policy_kit import R, run

POD_RULES = sorted(r.id for r in BY_ID.values() if "kubernetes:apps/v1:DaemonSetPatch" in r.types)
CONFIG_FILE = "kubernetes:yaml/v2:ConfigFile"


def test_pod_rules_cover_every_kind_and_their_patches() -> None:
    expected = sorted(
        [
            "k8s-no-privileged",
            "k8s-no-host-namespaces",
            "k8s-no-privilege-escalation",
            "k8s-pod-security-baseline",
            "k8s-run-as-non-root",
            "k8s-drop-capabilities",
            "k8s-image-pinned",
            "k8s-readonly-rootfs-seccomp",
            "k8s-resource-limits",
        ]
    )
    assert expected == POD_RULES
    kinds = {kind(t) for t in WORKLOADS}
    assert kinds == {
        "Pod",
        "PodTemplate",
        "ReplicationController",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
    }
    assert len([t for t in WORKLOADS if t.endswith("Patch")]) == len(WORKLOADS) // 2


@pytest.mark.parametrize("token", [t for t in WORKLOADS if not t.endswith("Patch")])
def test_a_compliant_object_of_every_kind_passes_every_pod_rule(token: str) -> None:
    obj = R(token, "obj", with_pod_spec(kind(token), {"containers": [container()]}))
    for rule_id in POD_RULES:
        assert run(rule_id, [obj]) == [], (token, rule_id)


@pytest.mark.parametrize("token", WORKLOADS)
def test_a_privileged_container_is_found_in_every_kind_and_patch(token: str) -> None:
    privileged = {"name": "web", "securityContext": {"privileged": True}}
    obj = R(token, "obj", with_pod_spec(kind(token), {"containers": [privileged]}))
    assert any("runs privileged" in m for m in run("k8s-no-privileged", [obj])), token


def test_a_patch_is_judged_on_what_it_sets() -> None:
    # A DeploymentPatch that only changes the image leaves the live securityContext in place:
    # nothing to judge. The same patch setting hostNetwork or root is a violation.
    image_only = R(
        "kubernetes:apps/v1:DeploymentPatch",
        "p",
        with_pod_spec("Deployment", {"containers": [{"name": "web", "image": "a:2"}]}),
    )
    for rule_id in POD_RULES:
        assert run(rule_id, [image_only]) == [], rule_id
    root = R(
        "kubernetes:apps/v1:DeploymentPatch",
        "p",
        with_pod_spec("Deployment", {"securityContext": {"runAsUser": 0}, "hostNetwork": True}),
    )
    assert run("k8s-run-as-non-root", [root])
    assert run("k8s-no-host-namespaces", [root])


def test_manifest_findings_name_the_object() -> None:
    messages = run("k8s-no-privileged", [config_group(PRIVILEGED_RC, name="legacy")])
    assert len(messages) == 1
    assert "legacy/ReplicationController/web: containers[web] runs privileged" in messages[0]
    # Objects of other kinds in the same group are left to their own rules.
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}
    assert run("k8s-no-privileged", [config_group(svc)]) == []


def test_a_v1_list_in_a_manifest_is_unpacked() -> None:
    listed = {"apiVersion": "v1", "kind": "List", "items": [PRIVILEGED_RC]}
    assert run("k8s-no-privileged", [config_group(listed, as_yaml=True)])


def test_manifest_files_are_read_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "legacy.yaml").write_text(json.dumps(PRIVILEGED_RC))
    monkeypatch.chdir(tmp_path)
    assert run("k8s-no-privileged", [R(CONFIG_FILE, "f", {"file": "manifests/legacy.yaml"})])
    group = R("kubernetes:yaml/v2:ConfigGroup", "g", {"files": ["manifests/*.yaml"]})
    assert run("k8s-no-privileged", [group])


@pytest.mark.parametrize("path", ["missing.yaml", "https://example.com/app.yaml"])
def test_a_manifest_file_only_the_provider_can_read_is_deferred_offline_and_left_to_its_objects_in_the_engine(
    path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rule = BY_ID["k8s-no-privileged"]
    offline = Subject(type=CONFIG_FILE, name="f", urn="urn:f", props={"file": path})
    # Offline (no provider): the rule says it could not check the file instead of passing it.
    (finding,) = evaluate_resource(rule, offline, resolved_params(rule, None))
    assert finding.unverifiable == ("file",)
    assert finding.read_by_engine is not None and path in finding.read_by_engine
    # In the engine the provider registers the file's objects as resources, where every rule
    # sees them: the component itself is not deferred on every preview for ever.
    assert run("k8s-no-privileged", [R(CONFIG_FILE, "f", {"file": path})]) == []
    registered = dataclasses.replace(offline, objects_registered=True)
    assert evaluate_resource(rule, registered, resolved_params(rule, None)) == []


def test_invalid_manifest_yaml_is_a_violation_not_a_crash() -> None:
    messages = run(
        "k8s-no-privileged", [R("kubernetes:yaml/v2:ConfigGroup", "g", {"yaml": "a: [b"})]
    )
    assert messages and "cannot evaluate" in messages[0]


def test_a_custom_resource_that_runs_pods_is_checked_like_a_deployment() -> None:
    # Argo Rollouts, OpenKruise CloneSets, ...: a pod template at spec.template.spec.
    rollout = R(
        "kubernetes:argoproj.io/v1alpha1:Rollout",
        "rollout",
        with_pod_spec("Deployment", {"containers": [container(ctx={"privileged": True})]}),
    )
    assert run("k8s-no-privileged", [rollout])
    safe = R(
        "kubernetes:argoproj.io/v1alpha1:Rollout",
        "rollout",
        with_pod_spec("Deployment", {"containers": [container()]}),
    )
    for rule_id in POD_RULES:
        assert run(rule_id, [safe]) == [], rule_id
    # Built-in objects without a pod template have nothing to check.
    assert run("k8s-no-privileged", [R("kubernetes:core/v1:ConfigMap", "cm", {"data": {}})]) == []


def test_a_kustomize_directory_is_deferred_offline_and_left_to_its_objects_in_the_engine() -> None:
    # Rendering needs kustomize; the engine registers the rendered objects, which the rules check.
    rule = BY_ID["k8s-no-privileged"]
    kustomize = "kubernetes:kustomize/v2:Directory"
    offline = Subject(type=kustomize, name="k", urn="urn:k", props={"directory": "k8s/"})
    (finding,) = evaluate_resource(rule, offline, resolved_params(rule, None))
    assert finding.unverifiable == ("directory",)
    assert run("k8s-no-privileged", [R(kustomize, "k", {"directory": "k8s/"})]) == []
