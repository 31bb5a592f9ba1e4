"""`groundwork:apps` and `groundwork:appDefaults`: validation, presets, and identity by name."""

from __future__ import annotations

from typing import Any

import pytest

from components.kubernetes.platform.workload_spec import WorkloadArgs, validate_workload
from infra import parse_config
from infra.config import ConfigError
from infra.layers.apps_args import GatewaySources, data_egress, workload_args
from tests.conftest import raw_stack_config

DIGEST = "sha256:" + "ab" * 32
API: dict[str, Any] = {
    "image": "ghcr.io/acme/api",
    "tag": "3.1.0",
    "runAsUser": 1000,
    "architectures": ["amd64", "arm64"],
}


def dev(**apps: Any) -> dict[str, Any]:
    return {**raw_stack_config("dev"), "apps": apps}


def problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config(raw)
    return err.value.problems


# (id, stack values, key the error must name, fragment of the message)
BAD_APPS: list[tuple[str, dict[str, Any], str, str]] = [
    ("namespace", dev(api={**API, "namespace": "other"}), "apps.api.namespace", "not one of platform.namespaces"),
    ("latest", dev(api={**API, "tag": "latest"}), "apps.api.tag", "not a pin"),
    ("tag-in-image", dev(api={**API, "image": "ghcr.io/acme/api:3"}), "apps.api.image", "repository only"),
    ("upper-case-image", dev(api={**API, "image": "docker.io/NginxInc/nginx"}), "apps.api.image", "lower-case path"),
    ("image-double-slash", dev(api={**API, "image": "ghcr.io//acme/api"}), "apps.api.image", "lower-case path"),
    ("digest-required", dev(api={**API, "requireDigest": True}), "apps.api.digest", "required when requireDigest"),
    ("bad-digest", dev(api={**API, "digest": "sha256:xyz"}), "apps.api.digest", "pattern"),
    ("privileged-port", dev(api={**API, "ports": {"http": 80}}), "apps.api.ports", "privileged"),
    ("port-out-of-range", dev(api={**API, "ports": {"http": 70000}}), "apps.api.ports", "70000 is not a port; use 1024-65535"),
    ("port-name", dev(api={**API, "ports": {"Web_Port": 8080}}), "apps.api.ports", "port name"),
    ("port-twice", dev(api={**API, "ports": {"http": 8080, "admin": 8080}}), "apps.api.ports", "twice"),
    ("secret-in-config", dev(api={**API, "config": {"DB_PASSWORD": "x"}}), "apps.api.config", "looks like a secret"),
    ("config-key", dev(api={**API, "config": {"A B": "x"}}), "apps.api.config", "ConfigMap key"),
    ("secret-name", dev(api={**API, "secrets": ["Api_DB"]}), "apps.api.secrets", "not a Secret name"),
    ("host-without-http", dev(api={**API, "ports": {"grpc": 9090}, "host": "api.dev.acme.example"}), "apps.api.host", "'http' port"),
    ("unknown-data", dev(api={**API, "uses": ["mysql"]}), "apps.api.uses.0", "'postgres' or 'redis'"),
    ("data-twice", dev(api={**API, "uses": ["redis", "redis"]}), "apps.api.uses", "twice"),
    ("data-disabled", {**dev(api={**API, "uses": ["postgres"]}), "postgres": {"enabled": False}}, "apps.api.uses", "'postgres' is not enabled"),
    ("no-cluster", {**dev(api=API), "cluster": {"enabled": False}}, "apps", "need a cluster"),
    ("replicas", dev(api={**API, "replicas": {"min": 4, "max": 2}}), "apps.api.replicas.min", "exceeds replicas.max"),
    ("quantity", dev(api={**API, "resources": {"limitsMemory": "lots"}}), "apps.api.resources.limitsMemory", "pattern"),
    ("service-name", dev(API=API), "apps.API.[key]", "pattern"),
    ("same-host", dev(a={**API, "host": "x.dev.acme.example"}, b={**API, "host": "x.dev.acme.example"}), "apps.b.host", "already the host of apps.a"),
    ("missing-image", {**dev(api={**API, "image": None}), "registry": {"enabled": False}}, "apps.api.image", "registry.enabled is false"),
    ("unknown-key", dev(api={**API, "replica": 3}), "apps.api.replica", "unknown key"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "key", "fragment"), [c[1:] for c in BAD_APPS], ids=[c[0] for c in BAD_APPS]
)
def test_bad_services_are_refused_naming_the_key(
    raw: dict[str, Any], key: str, fragment: str
) -> None:
    found = problems(raw)
    lines = [p for p in found if p.startswith(f"groundwork:{key}:")]
    assert lines, f"no problem names groundwork:{key}: {found}"
    assert any(fragment in line for line in lines), lines


def test_a_host_outside_the_dns_zone_is_refused() -> None:
    raw = {**raw_stack_config("prod")}
    raw["apps"] = {"web": {**raw["apps"]["web"], "host": "web.other.example"}}
    assert any(
        p.startswith("groundwork:apps.web.host:") and "DNS zone 'acme.example'" in p
        for p in problems(raw)
    )


def test_bad_app_defaults_are_reported_once_at_app_defaults() -> None:
    found = problems({**dev(a=API, b=API), "appDefaults": {"replicas": {"min": 0}}})
    assert [p for p in found if "replicas.min" in p] == [
        next(p for p in found if p.startswith("groundwork:appDefaults.replicas.min:"))
    ]


def test_presets_size_every_service_and_a_service_overrides_them() -> None:
    raw = dev(api=API, big={**API, "replicas": {"min": 2}})
    cfg = parse_config(raw)
    api, big = cfg.apps["api"], cfg.apps["big"]
    assert (api.replicas.min, api.replicas.max, api.require_digest) == (1, 3, False)
    assert (big.replicas.min, big.replicas.max) == (2, 3)  # min its own, max from the preset
    prod = raw_stack_config("prod")
    pinned = {**API, "digest": DIGEST}
    prod_cfg = parse_config({**prod, "apps": {"api": pinned}})
    prod_api = prod_cfg.apps["api"]
    assert (prod_api.replicas.min, prod_api.replicas.max, prod_api.require_digest) == (3, 9, True)


def test_stack_app_defaults_override_the_preset_for_every_service() -> None:
    cfg = parse_config({**dev(a=API, b=API), "appDefaults": {"replicas": {"max": 5},
                                                             "resources": {"limitsCpu": "2"}}})  # fmt: skip
    for app in cfg.apps.values():
        assert (app.replicas.min, app.replicas.max) == (1, 5)
        assert app.resources.limits_cpu == "2"


def test_unset_values_are_the_components_own_defaults() -> None:
    cfg = parse_config(dev(api=API))
    app, component = cfg.apps["api"], WorkloadArgs(namespace="n", part_of="p", image="i", tag="t")
    assert app.ports == dict(component.ports)
    assert app.replicas.target_cpu_percent == component.target_cpu_utilization
    assert app.resources.limits_memory == component.resources.limits_memory
    assert app.writable_paths == list(component.writable_paths)


def three_services() -> dict[str, Any]:
    return {
        "web": {**API, "image": "ghcr.io/acme/web", "host": "www.dev.acme.example"},
        "api": {**API, "ports": {"http": 8080, "metrics": 9090}, "uses": ["postgres", "redis"],
                "config": {"LOG_LEVEL": "info"}, "secrets": ["api-db"]},
        "worker": {**API, "image": "ghcr.io/acme/worker", "ports": {}, "uses": ["redis"],
                   "metrics": {"source": "none"}},
    }  # fmt: skip


def test_every_valid_service_is_accepted_by_the_component() -> None:
    # Config refuses first what the component would refuse: what config accepts, the component
    # accepts too (its validator raises on the first problem).
    cfg = parse_config(dev(**three_services()))
    egress = data_egress(cfg.subnet_plan(), {"postgres": (5432, 5432), "redis": (6379, 6379)})
    built: dict[str, WorkloadArgs] = {}
    for name, app in cfg.apps.items():
        built[name] = workload_args(cfg, app, egress, GatewaySources("gateway"))
        validate_workload(name, built[name])
        assert [d.name for d in built[name].data_egress] == app.uses
    assert built["worker"].ports == {} and built["api"].secret_env_from == ["api-db"]


def test_services_are_keyed_by_name_not_position() -> None:
    services = three_services()
    forward = parse_config(dev(**services)).apps
    backward = parse_config(dev(**dict(reversed(list(services.items()))))).apps
    assert list(forward) != list(backward)
    assert forward == backward


def prod_web(**change: Any) -> dict[str, Any]:
    raw = raw_stack_config("prod")
    web = {k: v for k, v in {**raw["apps"]["web"], **change}.items() if v is not None}
    return {**raw, "apps": {"web": web}}


def test_what_a_mandatory_prod_rule_would_block_is_refused_naming_the_service() -> None:
    # policies/config/prod.json: k8s-replicas-and-pdb (minReplicas 2), k8s-image-pinned (digest)
    found = problems(prod_web(replicas={"min": 1}, requireDigest=False, digest=None))
    assert any(p.startswith("groundwork:apps.web.replicas.min:") and "k8s-replicas-and-pdb" in p
               for p in found), found  # fmt: skip
    assert any(p.startswith("groundwork:apps.web.digest:") and "k8s-image-pinned" in p
               for p in found), found  # fmt: skip


def test_dev_rules_allow_one_replica_and_a_tag() -> None:
    cfg = parse_config(dev(api={**API, "replicas": {"min": 1}}))
    assert cfg.apps["api"].replicas.min == 1 and cfg.apps["api"].digest is None
