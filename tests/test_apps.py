"""A stack with three services, built and planned: what each can reach, what rolls its pods, and
that services are identified by name.

Reachability is evaluated over the rendered NetworkPolicies (tests/netpol.py), the baseline's
default-deny and DNS policies included, not string-matched.
"""

from __future__ import annotations

import json
from functools import cache
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.scratch import scratch_project, stack_file
from infra import StackConfig, parse_config
from infra.build import build
from planner.cli import EXIT_OK, main
from planner.recorder import RecordingMonitor
from tests.conftest import of_type, one, raw_stack_config, run_mocked
from tests.netpol import Pod, egress_allowed
from tests.test_kubernetes_schemas import manifests, validate

NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
APP: dict[str, Any] = {"tag": "3.1.0", "runAsUser": 1000, "architectures": ["amd64", "arm64"]}
SERVICES: dict[str, Any] = {
    "web": {**APP, "image": "ghcr.io/acme/web", "host": "www.dev.acme.example",
            "config": {"API_URL": "http://api"}},
    "api": {**APP, "image": "ghcr.io/acme/api", "ports": {"http": 8080, "metrics": 9090},
            "uses": ["postgres"], "config": {"LOG_LEVEL": "info"}, "secrets": ["api-db"]},
    "worker": {**APP, "image": "ghcr.io/acme/worker", "ports": {}, "uses": ["redis"],
               "secrets": ["worker-queue"], "metrics": {"source": "none"}},
}  # fmt: skip
PORTS = {"postgres": 5432, "redis": 6379}


def config(services: dict[str, Any] = SERVICES) -> StackConfig:
    return parse_config({**raw_stack_config("dev"), "apps": services})


@cache
def _built(services_json: str) -> RecordingMonitor:
    cfg = config(json.loads(services_json))
    return run_mocked(lambda: build(cfg), stack="dev")


def built(services: dict[str, Any] = SERVICES) -> RecordingMonitor:
    return _built(json.dumps(services, sort_keys=False))


def policies(monitor: RecordingMonitor) -> list[dict[str, Any]]:
    return [r.inputs for r in of_type(monitor, NETPOL)]


def pod(monitor: RecordingMonitor, name: str) -> Pod:
    deployment = one(monitor, DEPLOYMENT, f"{name}-deployment").inputs
    return Pod(
        deployment["metadata"]["namespace"], deployment["spec"]["template"]["metadata"]["labels"]
    )


DATA_CIDRS = [IPv4Network(s.cidr) for s in config().subnet_plan().tier("data")]
VPC = IPv4Network(str(config().network.cidr))


@cache
def _policies_and_pod(name: str) -> tuple[list[dict[str, Any]], Pod]:
    monitor = built()
    return policies(monitor), pod(monitor, name)


def may_reach(name: str, address: str, port: int) -> bool:
    rendered, source = _policies_and_pod(name)
    return egress_allowed(rendered, source, address, port)


# Anywhere, biased towards the data tier, its edges and the ports next to the data ports, where
# an off-by-one would hide from uniformly random samples.
ADDRESSES = st.one_of(
    st.ip_addresses(v=4),
    st.sampled_from(DATA_CIDRS).flatmap(lambda net: st.ip_addresses(network=str(net))),
    st.sampled_from([n[0] - 1 for n in DATA_CIDRS] + [n[-1] + 1 for n in DATA_CIDRS]),
).map(str)
PORT_NUMBERS = st.one_of(
    st.integers(1, 65535), st.sampled_from([5431, 5432, 5433, 6378, 6379, 6380])
)


def in_data_tier(address: str) -> bool:
    return any(IPv4Address(address) in net for net in DATA_CIDRS)


@pytest.mark.parametrize("net", DATA_CIDRS, ids=str)
def test_an_app_using_postgres_reaches_5432_and_no_other_port_on_every_data_subnet(
    net: IPv4Network,
) -> None:
    for address in (net[0], net[1], net[-1]):
        assert [p for p in range(1, 65536) if may_reach("api", str(address), p)] == [5432]


def test_the_addresses_next_to_the_data_tier_are_not_reachable() -> None:
    edges = {str(a) for net in DATA_CIDRS for a in (net[0] - 1, net[-1] + 1)}
    outside = [a for a in edges if not in_data_tier(a)]
    assert outside  # the data subnets are contiguous: at least the two ends of the block
    for address in outside:
        assert not may_reach("api", address, 5432)


@given(address=ADDRESSES, port=PORT_NUMBERS)
@settings(max_examples=400, deadline=None)
def test_an_app_using_postgres_reaches_nothing_else_outside_the_cluster(
    address: str, port: int
) -> None:
    assert may_reach("api", address, port) == (in_data_tier(address) and port == 5432)


# Addresses a compromised or misconfigured pod would try: the node subnets (where pods also get
# their addresses), the VPC's DNS and endpoints, instance metadata, the internet.
PROBES = ["10.10.0.10", "10.10.255.254", "169.254.169.254", "8.8.8.8", "52.95.110.1", "0.0.0.0"]


@pytest.mark.parametrize("address", PROBES)
@pytest.mark.parametrize("port", [22, 443, 5432, 6379])
def test_nothing_outside_the_data_tier_is_reachable(address: str, port: int) -> None:
    assert not in_data_tier(address)
    for name in SERVICES:
        assert not may_reach(name, address, port), (name, address, port)


@given(address=ADDRESSES, port=PORT_NUMBERS)
@settings(max_examples=200, deadline=None)
def test_each_service_reaches_exactly_the_data_it_declares(address: str, port: int) -> None:
    for name, service in SERVICES.items():
        declared = {PORTS[use] for use in service.get("uses", [])}
        expected = in_data_tier(address) and port in declared
        assert may_reach(name, address, port) == expected, (name, address, port)


def test_an_app_declaring_nothing_gets_no_data_egress() -> None:
    spec = one(built(), NETPOL, "web-netpol").inputs["spec"]
    # Only the trace collector's OTLP port in the cluster (tests/test_telemetry.py): no IP block.
    assert [rule["ports"] for rule in spec["egress"]] == [[{"protocol": "TCP", "port": 4317}]]
    assert not [peer for rule in spec["egress"] for peer in rule["to"] if "ipBlock" in peer]
    for net in DATA_CIDRS:
        for port in PORTS.values():
            assert not may_reach("web", str(net[4]), port)


def test_the_data_tier_admits_the_nodes_whose_security_groups_the_pods_use() -> None:
    """With the VPC CNI (no security groups for pods, no custom networking), pod addresses are
    secondary addresses on the node's ENIs, which carry the node's security groups: a data tier
    that admits the node security group admits the pods, and the NetworkPolicy narrows it."""
    monitor = built()
    node_sg = one(monitor, "aws:ec2/securityGroup:SecurityGroup", "acme-dev-eks-node-sg")
    template = one(
        monitor, "aws:ec2/launchTemplate:LaunchTemplate", "acme-dev-eks-general-lt"
    ).inputs
    assert node_sg.id in template["vpcSecurityGroupIds"]
    cni = one(monitor, "aws:eks/addon:Addon", "acme-dev-eks-vpc-cni").inputs
    settings_ = json.loads(cni.get("configurationValues", "{}"))
    env = settings_.get("env", {})
    assert env.get("ENABLE_POD_ENI", "false") == "false"  # security groups for pods: off
    assert env.get("AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG", "false") == "false"  # ENIConfig: off
    rules = of_type(monitor, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    for port in PORTS.values():
        sources = [r.inputs.get("referencedSecurityGroupId") for r in rules
                   if r.inputs.get("fromPort") == port]  # fmt: skip
        assert sources == [node_sg.id]


def pod_template(monitor: RecordingMonitor, name: str) -> Any:
    return one(monitor, DEPLOYMENT, f"{name}-deployment").inputs["spec"]["template"]


def with_change(name: str, **change: Any) -> dict[str, Any]:
    return {**SERVICES, name: {**SERVICES[name], **change}}


def test_a_config_change_rolls_only_that_services_pods() -> None:
    before, after = built(), built(with_change("api", config={"LOG_LEVEL": "debug"}))
    assert pod_template(after, "api") != pod_template(before, "api")
    for name in ("web", "worker"):
        assert pod_template(after, name) == pod_template(before, name)


def test_a_secret_reference_change_rolls_the_pods() -> None:
    after = built(with_change("worker", secrets=["worker-queue-v2"]))
    assert pod_template(after, "worker") != pod_template(built(), "worker")


def test_an_unrelated_change_does_not_roll_the_pods() -> None:
    after = built(with_change("api", replicas={"max": 3, "min": 1, "targetCpuPercent": 50},
                              uses=["postgres", "redis"]))  # fmt: skip
    assert pod_template(after, "api") == pod_template(built(), "api")


def test_services_are_identified_by_name_not_position() -> None:
    forward = built()
    backward = built(dict(reversed(list(SERVICES.items()))))
    assert [r.urn for r in forward.recorded] != [r.urn for r in backward.recorded]
    assert {r.urn: r.inputs for r in forward.recorded} == {
        r.urn: r.inputs for r in backward.recorded
    }


def test_every_object_of_the_three_services_validates_against_the_kubernetes_schemas() -> None:
    version = config().cluster.version
    workloads = [r for r in manifests(built()) if r.inputs["metadata"].get("namespace") == "apps"]
    assert {r.inputs["kind"] for r in workloads} >= {"Deployment", "Service", "NetworkPolicy",
                                                      "ConfigMap"}  # fmt: skip
    for r in workloads:
        assert validate(dict(r.inputs), version) == version, r.name


def test_a_stack_with_three_services_plans_clean(tmp_path: Path) -> None:
    data = stack_file("dev")
    data["config"]["groundwork:apps"] = SERVICES
    project = scratch_project(tmp_path / "project", {"three": data})
    report = tmp_path / "plan.json"
    code = main(["three", "--quiet", "--project-dir", str(project), "--json", str(report),
                 "--markdown", str(tmp_path / "plan.md")])  # fmt: skip
    assert code == EXIT_OK
    plan = json.loads(report.read_text())
    names = {r["name"] for r in plan["resources"]}
    assert {"web-deployment", "api-deployment", "worker-deployment"} <= names
    assert plan["outputs"]["appImages"] == {
        "web": "ghcr.io/acme/web:3.1.0",
        "api": "ghcr.io/acme/api:3.1.0",
        "worker": "ghcr.io/acme/worker:3.1.0",
    }
