"""Every Kubernetes object the stacks create validates against the official Kubernetes JSON schemas.

Recorded inputs of `kubernetes:*` resources are the manifests (apiVersion, kind, metadata, spec and
top-level fields such as a StorageClass's provisioner). They are validated with the pinned
`kubernetes-validate` package in *strict* mode (unknown fields are errors) against the schemas of
the cluster's Kubernetes version; the package ships schemas up to 1.37, so 1.35 is used exactly.
Helm releases are not manifests: their chart, version and repository pins are checked instead.
Custom resources (cert-manager's ClusterIssuer, the load balancer controller's configuration) have
no upstream schema there; they are checked against the fields our code relies on. The Gateway API
objects are validated against the pinned release's CRD schemas by `./tasks gateway-schemas`
(.ci/run; tests/test_gateway_schemas.py tests the check itself).
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
CUSTOM_GROUPS = ("cert-manager.io/", "gateway.networking.k8s.io/", "gateway.k8s.aws/",
                 "gateway.envoyproxy.io/", "monitoring.coreos.com/")  # fmt: skip
"""Custom resources: the Gateway API's by ./tasks gateway-schemas, the Prometheus operator's
kinds by promtool (./tasks monitoring-validate) and their fields here."""
MANIFEST_FILES = "kubernetes:yaml/v2:ConfigFile"  # the Gateway API CRDs, by release URL
MONITORING_RESOURCES = {
    "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
}


def manifests(monitor: RecordingMonitor) -> list[RecordedResource]:
    return [
        r
        for r in monitor.recorded
        if r.type.startswith("kubernetes:")
        and r.type not in (HELM, MANIFEST_FILES)
        and not r.type.removeprefix("kubernetes:").startswith(CUSTOM_GROUPS)
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
            "ServiceAccount"} <= kinds  # fmt: skip
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
    # The telemetry charts (logs.shipping.chart, tracing.chart), when on.
    expected |= {c.chart: c for on, c in ((cfg.logs.shipping.enabled, cfg.logs.shipping.chart),
                                          (cfg.tracing.enabled, cfg.tracing.chart)) if on}  # fmt: skip
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
    # HTTP-01 through the public Gateway's HTTP listener (no ingress controller any more).
    [parent] = spec["solvers"][0]["http01"]["gatewayHTTPRoute"]["parentRefs"]
    assert parent == {"name": "public", "namespace": "gateway", "sectionName": "http"}


@pytest.mark.parametrize("stack", STACKS)
def test_monitoring_resources_carry_the_fields_the_operator_reads(stack: str) -> None:
    found = [r for r in built(stack).recorded if r.type in MONITORING_RESOURCES]
    # ServiceMonitors come with a service exporting metrics (`source: app`); the shipped web
    # image exports none, so its alerts (a PrometheusRule) are there, a monitor is not.
    assert {r.inputs["kind"] for r in found} >= {"PrometheusRule"}
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
