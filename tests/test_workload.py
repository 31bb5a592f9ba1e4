"""The Workload component under mocks: the hardened pod, its companions, and what it refuses."""

from __future__ import annotations

import dataclasses
from typing import Any

import pulumi
import pytest

from components.kubernetes.platform.workload import CONFIG_HASH_ANNOTATION, Workload
from components.kubernetes.platform.workload_spec import (
    DataEgressArgs,
    PeerArgs,
    ResourcesArgs,
    RouteArgs,
    SecurityArgs,
    WorkloadArgs,
)
from planner.recorder import RecordingMonitor
from tests.conftest import one, run_mocked

DIGEST = "sha256:" + "ab" * 32
BASE: dict[str, Any] = {
    "namespace": "apps",
    "part_of": "acme",
    "image": "docker.io/nginxinc/nginx-unprivileged",
    "tag": "1.29.3-alpine",
    "digest": DIGEST,
    "load_balancer_cidrs": ["10.0.0.0/24", "10.0.1.0/24"],  # the public subnets
}


def args(**overrides: Any) -> WorkloadArgs:
    return WorkloadArgs(**{**BASE, **overrides})


def build(workload_args: WorkloadArgs, name: str = "web") -> RecordingMonitor:
    def program() -> None:
        import pulumi_kubernetes as kubernetes

        provider = kubernetes.Provider("k8s-test", kubeconfig="{}")
        Workload(name, workload_args, pulumi.ResourceOptions(provider=provider))

    return run_mocked(program)


@pytest.fixture(scope="module")
def default_workload() -> RecordingMonitor:
    return build(args(route=RouteArgs(host="web.acme.example")))


def pod_spec(monitor: RecordingMonitor) -> dict[str, Any]:
    deployment = one(monitor, "kubernetes:apps/v1:Deployment", "web-deployment")
    return deployment.inputs["spec"]["template"]["spec"]


def container(monitor: RecordingMonitor) -> dict[str, Any]:
    containers = pod_spec(monitor)["containers"]
    assert len(containers) == 1
    return containers[0]


# (field in the container securityContext, secure value). Built with defaults, each must be there.
SECURE_CONTAINER_FIELDS: list[tuple[str, Any]] = [
    ("runAsNonRoot", True),
    ("readOnlyRootFilesystem", True),
    ("allowPrivilegeEscalation", False),
    ("privileged", False),
    ("capabilities", {"drop": ["ALL"]}),
    ("seccompProfile", {"type": "RuntimeDefault"}),
]


@pytest.mark.parametrize(("field", "secure"), SECURE_CONTAINER_FIELDS)
def test_container_security_context_has_each_secure_setting(
    default_workload: RecordingMonitor, field: str, secure: Any
) -> None:
    context = container(default_workload)["securityContext"]
    assert field in context, f"securityContext.{field} was dropped"
    assert context[field] == secure


@pytest.mark.parametrize(
    ("field", "secure"), [("runAsNonRoot", True), ("seccompProfile", {"type": "RuntimeDefault"})]
)
def test_pod_security_context_has_each_secure_setting(
    default_workload: RecordingMonitor, field: str, secure: Any
) -> None:
    assert pod_spec(default_workload)["securityContext"][field] == secure


def test_service_account_token_is_not_mounted_by_default(
    default_workload: RecordingMonitor,
) -> None:
    assert pod_spec(default_workload)["automountServiceAccountToken"] is False
    sa = one(default_workload, "kubernetes:core/v1:ServiceAccount")
    assert sa.inputs["automountServiceAccountToken"] is False
    assert pod_spec(default_workload)["serviceAccountName"] == "web"


def test_token_is_mounted_only_when_asked() -> None:
    monitor = build(args(automount_service_account_token=True))
    assert pod_spec(monitor)["automountServiceAccountToken"] is True


def test_resources_probes_and_writable_tmp(default_workload: RecordingMonitor) -> None:
    c = container(default_workload)
    assert set(c["resources"]["requests"]) == {"cpu", "memory"}
    assert set(c["resources"]["limits"]) == {"cpu", "memory"}
    assert c["livenessProbe"]["httpGet"]["port"] == "http"
    assert c["readinessProbe"]["httpGet"]["path"] == "/"
    assert c["volumeMounts"] == [{"name": "writable-tmp", "mountPath": "/tmp"}]
    assert pod_spec(default_workload)["volumes"][0]["emptyDir"]


def test_image_is_pinned_by_tag_and_digest(default_workload: RecordingMonitor) -> None:
    assert container(default_workload)["image"] == (
        f"docker.io/nginxinc/nginx-unprivileged:1.29.3-alpine@{DIGEST}"
    )
    assert container(default_workload)["imagePullPolicy"] == "IfNotPresent"


def test_tag_only_image_when_digest_not_required() -> None:
    monitor = build(args(digest=None, require_digest=False))
    assert container(monitor)["image"] == "docker.io/nginxinc/nginx-unprivileged:1.29.3-alpine"
    # The tag may move: pull on every start, or a node keeps running what it cached first.
    assert container(monitor)["imagePullPolicy"] == "Always"


def test_pods_spread_across_zones(default_workload: RecordingMonitor) -> None:
    spread = pod_spec(default_workload)["topologySpreadConstraints"]
    assert "topology.kubernetes.io/zone" in {s["topologyKey"] for s in spread}


def test_deployment_leaves_replicas_to_the_hpa(default_workload: RecordingMonitor) -> None:
    deployment = one(default_workload, "kubernetes:apps/v1:Deployment").inputs
    assert "replicas" not in deployment["spec"]
    hpa = one(default_workload, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").inputs
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": "web"}  # fmt: skip
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)


ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"


def test_service_pdb_and_route(default_workload: RecordingMonitor) -> None:
    service = one(default_workload, "kubernetes:core/v1:Service").inputs
    assert service["spec"]["type"] == "ClusterIP"
    pdb = one(default_workload, "kubernetes:policy/v1:PodDisruptionBudget").inputs
    assert pdb["spec"]["maxUnavailable"] == 1
    route = one(default_workload, ROUTE).inputs
    assert route["metadata"]["namespace"] == "apps"
    assert route["spec"]["parentRefs"] == [{
        "group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "public",
        "namespace": "gateway", "sectionName": "https"}]  # fmt: skip
    assert route["spec"]["hostnames"] == ["web.acme.example"]
    [rule] = route["spec"]["rules"]
    assert rule["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    assert rule["backendRefs"] == [
        {"group": "", "kind": "Service", "name": "web", "port": 80, "weight": 100}
    ]
    assert default_workload.by_type("kubernetes:networking.k8s.io/v1:Ingress") == []


def test_no_route_without_a_host() -> None:
    monitor = build(args())
    assert monitor.by_type(ROUTE) == []


def test_network_policy_admits_only_the_load_balancer_subnets_and_peers() -> None:
    monitor = build(args(allowed_peers=[PeerArgs(namespace="jobs", pod_labels={"app": "cron"})]))
    spec = one(monitor, "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs["spec"]
    sources = spec["ingress"][0]["from"]
    assert sources == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "jobs"}},
         "podSelector": {"matchLabels": {"app": "cron"}}},
        {"ipBlock": {"cidr": "10.0.0.0/24"}},
        {"ipBlock": {"cidr": "10.0.1.0/24"}},
    ]  # fmt: skip
    assert spec["ingress"][0]["ports"] == [{"protocol": "TCP", "port": 8080}]
    assert spec["policyTypes"] == ["Ingress", "Egress"]
    assert spec["egress"] == []


def test_config_and_secrets_come_from_declared_sources() -> None:
    monitor = build(args(config={"LOG_LEVEL": "info"}, secret_env_from=["web-db"]))
    cm = one(monitor, "kubernetes:core/v1:ConfigMap").inputs
    assert cm["data"] == {"LOG_LEVEL": "info"}
    assert container(monitor)["envFrom"] == [
        {"configMapRef": {"name": "web-config"}},
        {"secretRef": {"name": "web-db"}},
    ]
    assert monitor.by_type("kubernetes:core/v1:Secret") == []


def test_labels_on_every_object(default_workload: RecordingMonitor) -> None:
    for r in default_workload.recorded:
        if r.type.startswith("kubernetes:") and r.custom:
            labels = r.inputs["metadata"]["labels"]
            assert labels["app.kubernetes.io/name"] == "web"
            assert labels["app.kubernetes.io/part-of"] == "acme"
            assert labels["app.kubernetes.io/managed-by"] == "pulumi"


# (args overrides that weaken the workload, field the error must name)
WEAKENING: list[tuple[str, dict[str, Any], str]] = [
    ("root", {"security": SecurityArgs(run_as_non_root=False)}, "security.run_as_non_root"),
    ("uid-0", {"security": SecurityArgs(run_as_user=0)}, "security.run_as_user"),
    ("writable-root", {"security": SecurityArgs(read_only_root_filesystem=False)},
     "security.read_only_root_filesystem"),
    ("escalation", {"security": SecurityArgs(allow_privilege_escalation=True)},
     "security.allow_privilege_escalation"),
    ("keep-caps", {"security": SecurityArgs(drop_capabilities=["NET_RAW"])},
     "security.drop_capabilities"),
    ("add-sys-admin", {"security": SecurityArgs(add_capabilities=["SYS_ADMIN"])},
     "security.add_capabilities"),
    ("unconfined", {"security": SecurityArgs(seccomp_profile="Unconfined")},  # type: ignore[arg-type]
     "security.seccomp_profile"),
    ("no-digest", {"digest": None}, "digest"),
    ("bad-digest", {"digest": "sha256:abc"}, "digest"),
    ("latest", {"tag": "latest"}, "tag"),
    ("tag-in-image", {"image": "nginx:1.29"}, "image"),
    ("privileged-port", {"ports": {"http": 80}}, "ports.http"),
    ("bad-port-name", {"ports": {"HTTP_2": 8080}}, "ports.HTTP_2"),
    ("same-port-twice", {"ports": {"http": 8080, "admin": 8080}}, "ports"),
    ("route-without-http", {"ports": {"grpc": 9090}, "route": RouteArgs(host="a.example")},
     "route"),
    ("public-load-balancer-range", {"load_balancer_cidrs": ["0.0.0.0/0"]}, "load_balancer_cidrs"),
    ("data-to-the-internet", {"data_egress": [DataEgressArgs(name="db", cidrs=["0.0.0.0/0"],
                                                             port=5432)]}, "data_egress.db.cidrs"),
    ("data-public-range", {"data_egress": [DataEgressArgs(name="db", cidrs=["52.0.0.0/24"],
                                                          port=5432)]}, "data_egress.db.cidrs"),
    ("data-wide-range", {"data_egress": [DataEgressArgs(name="db", cidrs=["10.0.0.0/8"],
                                                        port=5432)]}, "data_egress.db.cidrs"),
    ("data-no-cidrs", {"data_egress": [DataEgressArgs(name="db", cidrs=[], port=5432)]},
     "data_egress.db.cidrs"),
    ("data-bad-port", {"data_egress": [DataEgressArgs(name="db", cidrs=["10.0.1.0/24"], port=0)]},
     "data_egress.db.port"),
    ("data-port-range-wide", {"data_egress": [DataEgressArgs(name="cache", cidrs=["10.0.1.0/24"],
                                                             port=6379, end_port=6400)]},
     "data_egress.cache.end_port"),
    ("data-port-range-down", {"data_egress": [DataEgressArgs(name="cache", cidrs=["10.0.1.0/24"],
                                                             port=6379, end_port=6379)]},
     "data_egress.cache.end_port"),
    ("literal-secret", {"config": {"DB_PASSWORD": "hunter2"}}, "config"),
    ("no-memory-limit", {"resources": ResourcesArgs(limits_memory="")}, "resources.limits_memory"),
    ("replicas", {"min_replicas": 5, "max_replicas": 2}, "min_replicas"),
    ("pdb-blocks-drains", {"pdb_max_unavailable": 0}, "pdb_max_unavailable"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field"), [c[1:] for c in WEAKENING], ids=[c[0] for c in WEAKENING]
)
def test_weakening_args_are_rejected_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build(args(**overrides))


def test_every_security_field_is_covered_by_a_rejection_case() -> None:
    weakened = {f.split(".", 1)[1] for _, _, f in WEAKENING if f.startswith("security.")}
    fields = {f.name for f in dataclasses.fields(SecurityArgs)} - {"run_as_group"}
    assert fields == weakened


def test_named_ports_reach_the_container_service_and_network_policy() -> None:
    monitor = build(args(ports={"http": 8080, "metrics": 9090}))
    assert container(monitor)["ports"] == [
        {"name": "http", "containerPort": 8080, "protocol": "TCP"},
        {"name": "metrics", "containerPort": 9090, "protocol": "TCP"},
    ]
    service = one(monitor, "kubernetes:core/v1:Service").inputs["spec"]["ports"]
    assert [(p["name"], p["port"], p["targetPort"]) for p in service] == [
        ("http", 80, "http"),
        ("metrics", 9090, "metrics"),
    ]
    spec = one(monitor, "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs["spec"]
    assert spec["ingress"][0]["ports"] == [
        {"protocol": "TCP", "port": 8080},
        {"protocol": "TCP", "port": 9090},
    ]


def test_a_port_without_http_is_probed_over_tcp() -> None:
    c = container(build(args(ports={"grpc": 9090})))
    assert c["livenessProbe"]["tcpSocket"] == {"port": "grpc"}
    assert c["readinessProbe"]["tcpSocket"] == {"port": "grpc"}


def test_a_worker_without_ports_has_no_service_and_admits_nothing() -> None:
    monitor = build(args(ports={}))
    assert monitor.by_type("kubernetes:core/v1:Service") == []
    c = container(monitor)
    assert c["ports"] == []
    assert "livenessProbe" not in c and "readinessProbe" not in c
    spec = one(monitor, "kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs["spec"]
    assert spec["ingress"] == [] and "Ingress" in spec["policyTypes"]


def test_data_egress_opens_only_the_port_on_the_data_cidrs() -> None:
    data = DataEgressArgs(name="postgres", cidrs=["10.0.64.0/22", "10.0.68.0/22"], port=5432)
    spec = one(build(args(data_egress=[data])), "kubernetes:networking.k8s.io/v1:NetworkPolicy")
    assert spec.inputs["spec"]["egress"] == [
        {
            "to": [{"ipBlock": {"cidr": "10.0.64.0/22"}}, {"ipBlock": {"cidr": "10.0.68.0/22"}}],
            "ports": [{"protocol": "TCP", "port": 5432}],
        }
    ]


def pod_template(monitor: RecordingMonitor) -> dict[str, Any]:
    deployment = one(monitor, "kubernetes:apps/v1:Deployment", "web-deployment")
    template: dict[str, Any] = deployment.inputs["spec"]["template"]
    return template


def without_hash(template: dict[str, Any]) -> dict[str, Any]:
    annotations = dict(template["metadata"]["annotations"])
    del annotations[CONFIG_HASH_ANNOTATION]
    return {**template, "metadata": {**template["metadata"], "annotations": annotations}}


CONFIGURED: dict[str, Any] = {"config": {"LOG_LEVEL": "info"}, "secret_env_from": ["web-db"]}


@pytest.mark.parametrize(
    "change",
    [
        {"config": {"LOG_LEVEL": "debug"}},
        {"config": {"LOG_LEVEL": "info", "FEATURE_X": "on"}},
        {"secret_env_from": ["web-db-v2"]},
        {"secret_env_from": ["web-db", "web-cache"]},
    ],
    ids=["config-value", "config-key-added", "secret-renamed", "secret-added"],
)
def test_a_config_or_secret_reference_change_rolls_the_pods(change: dict[str, Any]) -> None:
    before = pod_template(build(args(**CONFIGURED)))
    after = pod_template(build(args(**{**CONFIGURED, **change})))
    # A Deployment rolls when its pod template changes: here the hash changes it, and only it
    # (the ConfigMap keeps its name, so without the hash the template would stay the same).
    assert after != before
    assert (
        after["metadata"]["annotations"][CONFIG_HASH_ANNOTATION]
        != before["metadata"]["annotations"][CONFIG_HASH_ANNOTATION]
    )
    if "config" in change:
        assert without_hash(after) == without_hash(before)


@pytest.mark.parametrize(
    "change",
    [
        {"max_replicas": 9},
        {"route": RouteArgs(host="www.acme.example")},
        {"pdb_max_unavailable": 2},
        {"data_egress": [DataEgressArgs(name="postgres", cidrs=["10.0.64.0/22"], port=5432)]},
    ],
    ids=["hpa-bound", "route-host", "pdb", "data-egress"],
)
def test_an_unrelated_change_leaves_the_pod_template_alone(change: dict[str, Any]) -> None:
    before = pod_template(build(args(**CONFIGURED)))
    assert pod_template(build(args(**{**CONFIGURED, **change}))) == before


def test_the_config_hash_ignores_key_order_but_not_secret_order() -> None:
    a = pod_template(build(args(config={"A": "1", "B": "2"}, secret_env_from=["x", "y"])))
    b = pod_template(build(args(config={"B": "2", "A": "1"}, secret_env_from=["x", "y"])))
    c = pod_template(build(args(config={"A": "1", "B": "2"}, secret_env_from=["y", "x"])))
    assert a == b  # the same environment
    assert a != c  # envFrom order decides which Secret wins a duplicate key
