"""Every Kubernetes object the stacks create validates against the official Kubernetes JSON schemas.

Recorded inputs of `kubernetes:*` resources are the manifests (apiVersion, kind, metadata, spec and
top-level fields such as a StorageClass's provisioner). They are validated with the pinned
`kubernetes-validate` package in *strict* mode (unknown fields are errors) against the schemas of
the cluster's Kubernetes version; the package ships schemas up to 1.37, so 1.35 is used exactly.
Helm releases are not manifests: their chart, version and repository pins are checked instead.
Custom resources (cert-manager's ClusterIssuer) have no upstream schema there; they are checked
against the fields our code relies on.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import kubernetes_validate
import pytest
from kubernetes_validate import utils

from planner.recorder import RecordedResource, RecordingMonitor
from tests.conftest import STACKS, built, of_type, stack_config

HELM = "kubernetes:helm.sh/v3:Release"
MONITORING_RESOURCES = {
    "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
}
"""The Prometheus operator's kinds: their rules are checked by promtool (./tasks
monitoring-validate), their fields here."""
CUSTOM_RESOURCES = {"kubernetes:cert-manager.io/v1:ClusterIssuer", *MONITORING_RESOURCES}


def manifests(monitor: RecordingMonitor) -> list[RecordedResource]:
    return [
        r
        for r in monitor.recorded
        if r.type.startswith("kubernetes:") and r.type != HELM and r.type not in CUSTOM_RESOURCES
    ]


def validate(manifest: dict[str, Any], version: str) -> str:
    return str(kubernetes_validate.validate(manifest, version, strict=True))


def test_the_package_ships_the_cluster_version() -> None:
    version = stack_config("prod").cluster.version
    shipped = {utils.major_minor(v) for v in utils.all_versions()}
    assert version in shipped, f"kubernetes-validate has no {version} schemas: {sorted(shipped)}"
    assert kubernetes_validate.__version__ == "1.37.0"  # the pin in pyproject.toml


@pytest.mark.parametrize("stack", STACKS)
def test_every_kubernetes_object_validates_against_the_cluster_version(stack: str) -> None:
    version = stack_config(stack).cluster.version
    objects = manifests(built(stack))
    kinds = {r.inputs["kind"] for r in objects}
    assert {"Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "StorageClass",
            "Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
            "Ingress", "ServiceAccount"} <= kinds  # fmt: skip
    for r in objects:
        manifest = dict(r.inputs)
        assert manifest["apiVersion"] and manifest["kind"], r.name
        assert validate(manifest, version) == version, r.name


def test_validation_can_fail_on_a_misspelt_field() -> None:
    deployment = next(r for r in manifests(built("dev")) if r.inputs["kind"] == "Deployment").inputs
    broken = copy.deepcopy(deployment)
    broken["spec"]["template"]["spec"]["containers"][0]["securityContext"]["runAsNonRot"] = True
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(broken, "1.35")
    wrong_type = copy.deepcopy(deployment)
    wrong_type["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "http"
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(wrong_type, "1.35")


@pytest.mark.parametrize("stack", STACKS)
def test_helm_releases_are_pinned_to_the_configured_charts(stack: str) -> None:
    cfg = stack_config(stack)
    releases = {r.inputs["chart"]: r.inputs for r in of_type(built(stack), HELM)}
    expected = {c.chart: c for _, c in cfg.platform.charts}
    expected[cfg.metrics.chart.chart] = cfg.metrics.chart
    if cfg.platform.route53_zone is None:
        expected.pop("external-dns")
    assert set(releases) == set(expected)
    for chart, inputs in releases.items():
        assert re.fullmatch(r"v?\d+\.\d+\.\d+", inputs["version"]), chart
        assert inputs["version"] == expected[chart].version
        assert inputs["repositoryOpts"]["repo"] == expected[chart].repository
        assert inputs["repositoryOpts"]["repo"].startswith("https://")
        assert inputs["namespace"]
        assert inputs.get("createNamespace") is not True  # namespaces come from the baseline


@pytest.mark.parametrize("stack", STACKS)
def test_custom_resources_carry_the_fields_cert_manager_needs(stack: str) -> None:
    (issuer,) = of_type(built(stack), "kubernetes:cert-manager.io/v1:ClusterIssuer")
    spec = issuer.inputs["spec"]["acme"]
    assert issuer.inputs["apiVersion"] == "cert-manager.io/v1"
    assert issuer.inputs["kind"] == "ClusterIssuer"
    assert set(spec) == {"server", "email", "privateKeySecretRef", "solvers"}
    assert spec["solvers"][0]["http01"]["ingress"]["ingressClassName"]


@pytest.mark.parametrize("stack", STACKS)
def test_monitoring_resources_carry_the_fields_the_operator_reads(stack: str) -> None:
    found = [r for r in built(stack).recorded if r.type in MONITORING_RESOURCES]
    assert {r.inputs["kind"] for r in found} >= {"PrometheusRule", "ServiceMonitor"}
    for r in found:
        assert r.inputs["apiVersion"] == "monitoring.coreos.com/v1", r.name
        assert r.inputs["metadata"]["namespace"] and r.inputs["metadata"]["name"], r.name
        spec = r.inputs["spec"]
        if r.inputs["kind"] == "ServiceMonitor":
            assert set(spec) == {"namespaceSelector", "selector", "endpoints"}, r.name
            assert all(set(e) <= {"port", "path", "interval"} for e in spec["endpoints"])
        else:
            rules = [rule for group in spec["groups"] for rule in group["rules"]]
            assert rules and all({"alert", "expr", "for", "labels"} <= set(x) for x in rules)
