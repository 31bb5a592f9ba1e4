"""The Gateway API schema check (planner/gateway_schemas.py), on a small CRD written here: what it
loads, and that it fails on an unknown field, a wrong value and an unknown kind. The check itself
runs over every stack against the pinned release's CRDs in `.ci/run` (`./tasks gateway-schemas`,
which fetches them with Go)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.kubernetes.gateway_api import GATEWAY_API, http_route_spec
from planner.gateway_schemas import gateway_objects, load_schemas, main, problems

CRD: dict[str, Any] = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "httproutes.gateway.networking.k8s.io"},
    "spec": {
        "group": "gateway.networking.k8s.io",
        "names": {"kind": "HTTPRoute", "plural": "httproutes"},
        "versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
            "type": "object",
            "properties": {"spec": {"type": "object", "properties": {
                "hostnames": {"type": "array", "items": {"type": "string", "pattern": "^[a-z.]+$"}},
                "parentRefs": {"type": "array", "items": {"type": "object",
                               "x-kubernetes-preserve-unknown-fields": True}},
                "rules": {"type": "array", "items": {"type": "object", "properties": {
                    "matches": {"type": "array"},
                    "backendRefs": {"type": "array", "items": {"type": "object", "properties": {
                        "group": {"type": "string"}, "kind": {"type": "string"},
                        "name": {"type": "string"}, "port": {"type": "integer"},
                        "weight": {"type": "integer", "minimum": 0, "maximum": 1000000}}}}}}},
            }}},
        }}}],
    },
}  # fmt: skip


def _route(**spec: Any) -> dict[str, Any]:
    base = http_route_spec(gateway_namespace="gateway", host="web.acme.example", path="/",
                           backends={"web": 90, "web-canary": 10})  # fmt: skip
    return {"apiVersion": GATEWAY_API, "kind": "HTTPRoute", "metadata": {"name": "web"},
            "spec": {**base, **spec}}  # fmt: skip


def test_a_valid_route_passes_and_every_defect_is_named(tmp_path: Path) -> None:
    (tmp_path / "httproutes.yaml").write_text(yaml.safe_dump(CRD))
    (tmp_path / "notes.yaml").write_text("kind: ConfigMap\n")  # not a CRD: ignored
    schemas = load_schemas(tmp_path)
    assert set(schemas) == {("gateway.networking.k8s.io/v1", "HTTPRoute")}
    assert problems(_route(), schemas) == []
    typo = _route()
    typo["spec"]["rules"][0]["backendRefs"][0]["wieght"] = 5
    assert problems(typo, schemas) == [
        "spec.rules.0.backendRefs.0: Additional properties are not allowed ('wieght' was unexpected)"
    ]
    negative = _route()
    negative["spec"]["rules"][0]["backendRefs"][1]["weight"] = -1
    assert problems(negative, schemas) == [
        "spec.rules.0.backendRefs.1.weight: -1 is less than the minimum of 0"
    ]
    assert problems(_route(hostnames=["Web_1"]), schemas)[0].startswith("spec.hostnames.0:")
    other = {**_route(), "kind": "TLSRoute"}
    assert problems(other, schemas) == [
        "TLSRoute gateway.networking.k8s.io/v1: not a kind of the pinned Gateway API release"
    ]


def test_only_gateway_api_objects_of_a_plan_are_checked() -> None:
    report = {"resources": [
        {"type": "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "name": "web-route",
         "inputs": _route()},
        {"type": "kubernetes:apps/v1:Deployment", "name": "web", "inputs": {}},
        {"type": "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration", "name": "lb",
         "inputs": {}},
        {"type": "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy", "name": "proxy",
         "inputs": {}},
    ]}  # fmt: skip
    # Envoy Gateway's EnvoyProxy (the ACK Gateway's) is checked too, against Envoy Gateway's CRDs.
    assert [name for name, _ in gateway_objects(report)] == ["web-route", "proxy"]


def test_every_stack_is_checked_against_the_crds_of_every_directory_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway_api, envoy = tmp_path / "gateway-api", tmp_path / "envoy"
    gateway_api.mkdir(), envoy.mkdir()
    (gateway_api / "httproutes.yaml").write_text(yaml.safe_dump(CRD))
    proxy_crd = copy.deepcopy(CRD)
    proxy_crd["spec"] |= {"group": "gateway.envoyproxy.io",
                          "names": {"kind": "EnvoyProxy", "plural": "envoyproxies"}}  # fmt: skip
    proxy_crd["spec"]["versions"][0] |= {"name": "v1alpha1", "schema": {"openAPIV3Schema": {
        "type": "object", "properties": {"spec": {"type": "object", "properties": {
            "provider": {"type": "object", "properties": {"type": {"type": "string"}}}}}}}}}  # fmt: skip
    (envoy / "envoyproxies.yaml").write_text(yaml.safe_dump(proxy_crd))
    proxy = {"apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "EnvoyProxy",
             "spec": {"provider": {"type": "Kubernetes", "kubernets": {}}}}  # fmt: skip
    report = {"resources": [
        {"type": "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "name": "web-route",
         "inputs": _route()},
        {"type": "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy", "name": "proxy",
         "inputs": proxy},
    ]}  # fmt: skip
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "plan-x.json").write_text(json.dumps(report))
    monkeypatch.chdir(tmp_path)
    assert main([f"{gateway_api}:{envoy}", "x"]) == 1
    out = capsys.readouterr().out
    assert "x: 2 Gateway API objects (EnvoyProxy, HTTPRoute), 1 problem(s)" in out
    assert "proxy: spec.provider: Additional properties are not allowed ('kubernets'" in out
    assert "canary route sample (web 90 / web-canary 10): 0 problem(s)" in out
