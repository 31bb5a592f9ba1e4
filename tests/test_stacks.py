"""Whole stacks under mocks: invariants of dev and prod, and golden URN lists.

A changed URN means Pulumi deletes and re-creates that resource. The golden lists make every such
change visible in review: if it is intended, regenerate with
`GROUNDWORK_UPDATE_GOLDEN=1 ./tasks test tests/test_stacks.py` and commit the diff.
"""

from __future__ import annotations

import json
import os

import pytest

from infra.build import build
from planner.recorder import RecordingMonitor
from tests.conftest import (
    PROJECT_DIR,
    STACKS,
    built,
    in_dr_region,
    of_type,
    run_mocked,
    stack_config,
)

GOLDEN = PROJECT_DIR / "tests" / "golden"
STATEFUL_TYPES = {
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:s3/bucket:Bucket",
    "aws:backup/vault:Vault",
    "aws:secretsmanager/secret:Secret",
    "aws:rds/clusterInstance:ClusterInstance",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    "random:index/randomPassword:RandomPassword",
    "aws:eks/cluster:Cluster",
    "kubernetes:core/v1:Namespace",
}


def test_urns_match_the_golden_list(built_stack: tuple[str, RecordingMonitor]) -> None:
    stack, monitor = built_stack
    urns = sorted(r.urn for r in monitor.recorded)
    assert len(urns) == len(set(urns)), "duplicate URNs"
    path = GOLDEN / f"{stack}.urns"
    if os.environ.get("GROUNDWORK_UPDATE_GOLDEN") == "1":
        path.write_text("\n".join(urns) + "\n")
    expected = path.read_text().splitlines()
    added, removed = sorted(set(urns) - set(expected)), sorted(set(expected) - set(urns))
    assert not added and not removed, (
        f"URNs changed for {stack}.\nadded: {added}\nremoved: {removed}"
    )


def test_every_custom_resource_uses_an_explicit_provider(
    built_stack: tuple[str, RecordingMonitor],
) -> None:
    _, monitor = built_stack
    providers = {r.urn for r in monitor.recorded if r.type.startswith("pulumi:providers:")}
    for r in monitor.recorded:
        if r.custom and not r.type.startswith("pulumi:providers:"):
            assert r.provider in providers, f"{r.name} ({r.type}) uses a default provider"


def test_every_resource_sits_under_a_component(built_stack: tuple[str, RecordingMonitor]) -> None:
    _, monitor = built_stack
    components = {r.urn for r in monitor.recorded if not r.custom}
    for r in monitor.recorded:
        if r.custom and not r.type.startswith("pulumi:providers:"):
            assert r.parent in components, f"{r.name} is not inside a component"


def test_no_output_object_leaked_into_strings(built_stack: tuple[str, RecordingMonitor]) -> None:
    _, monitor = built_stack
    for r in monitor.recorded:
        assert "pulumi.output.Output object at" not in repr(r.inputs), r.name  # pulumi/pulumi#4650


def test_prod_protects_every_stateful_resource() -> None:
    stateful = [r for r in built("prod").recorded if r.type in STATEFUL_TYPES]
    assert stateful, "prod has stateful resources"
    assert [r.name for r in stateful if not r.protect] == []


def test_dev_protects_nothing_so_it_can_be_torn_down() -> None:
    assert [r.name for r in built("dev").recorded if r.protect] == []


@pytest.mark.parametrize(
    ("stack", "zones", "nats", "nat_instances"), [("dev", 2, 0, 1), ("prod", 3, 3, 0)]
)
def test_network_shape_per_environment(
    stack: str, zones: int, nats: int, nat_instances: int
) -> None:
    monitor = built(stack)
    primary = [r for r in monitor.recorded if "aws-dr-" not in (r.provider or "")]
    count = lambda typ: len([r for r in primary if r.type == typ])  # noqa: E731
    assert count("aws:ec2/subnet:Subnet") == 3 * zones
    assert count("aws:ec2/natGateway:NatGateway") == nats
    assert count("aws:ec2/instance:Instance") == nat_instances
    assert count("aws:ec2/flowLog:FlowLog") == 1
    # The DR network (prod only): its own subnet plan, no NAT until a cluster runs there.
    dr = [r for r in monitor.recorded if "aws-dr-" in (r.provider or "")]
    assert not [r for r in dr if r.type == "aws:ec2/natGateway:NatGateway"]


def test_account_id_pins_every_provider() -> None:
    cfg = stack_config("prod", accountId="210987654321")
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    providers = of_type(monitor, "pulumi:providers:aws")
    assert providers
    assert all(json.loads(p.inputs["allowedAccountIds"]) == ["210987654321"] for p in providers)


def test_providers_are_in_configured_regions() -> None:
    cfg = stack_config("prod")
    regions = {r.inputs["region"] for r in of_type(built("prod"), "pulumi:providers:aws")}
    assert regions == {cfg.region, cfg.dr.region, "us-east-1"}  # us-east-1: the edge provider


def test_vpc_uses_the_configured_cidr() -> None:
    assert of_type(built("dev"), "aws:ec2/vpc:Vpc")[0].inputs["cidrBlock"] == "10.10.0.0/16"
    prod = built("prod")
    cidrs = {in_dr_region(v): v.inputs["cidrBlock"] for v in of_type(prod, "aws:ec2/vpc:Vpc")}
    assert cidrs == {False: "10.20.0.0/16", True: "10.21.0.0/16"}  # primary, DR region


def test_stack_outputs_are_exported() -> None:
    # build() returns the outputs __main__ exports; the language-host test checks the export.
    monitor = built("dev")
    vpc = of_type(monitor, "aws:ec2/vpc:Vpc")[0]
    assert vpc.inputs["cidrBlock"] == "10.10.0.0/16"


def test_prod_plan_contains_the_hardened_cluster() -> None:
    monitor = built("prod")
    (cluster,) = of_type(monitor, "aws:eks/cluster:Cluster")
    vpc_config = cluster.inputs["vpcConfig"]
    assert vpc_config["endpointPrivateAccess"] is True
    assert vpc_config["endpointPublicAccess"] is False
    assert cluster.inputs["encryptionConfig"]["resources"] == ["secrets"]
    assert {"api", "audit", "authenticator"} <= set(cluster.inputs["enabledClusterLogTypes"])
    assert cluster.inputs["upgradePolicy"] == {"supportType": "STANDARD"}
    assert cluster.protect


@pytest.mark.parametrize(("stack", "capacity"), [("dev", "SPOT"), ("prod", "ON_DEMAND")])
def test_node_groups_span_every_configured_zone(stack: str, capacity: str) -> None:
    monitor = built(stack)
    cfg = stack_config(stack)
    private = {
        r.id: r.inputs["availabilityZone"]
        for r in of_type(monitor, "aws:ec2/subnet:Subnet")
        if r.inputs["tags"]["tier"] == "private"
    }
    for group in of_type(monitor, "aws:eks/nodeGroup:NodeGroup"):
        assert {private[s] for s in group.inputs["subnetIds"]} == set(cfg.zone_names)
        assert group.inputs["capacityType"] == capacity


def test_subnets_are_tagged_for_the_cluster() -> None:
    for r in of_type(built("prod"), "aws:ec2/subnet:Subnet"):
        if r.inputs["tags"].get("dr-role") == "replica":  # no cluster in the DR region
            continue
        if r.inputs["tags"]["tier"] in ("public", "private"):
            assert r.inputs["tags"]["kubernetes.io/cluster/acme-prod"] == "shared"


def test_prod_runs_the_example_service_pinned_by_digest() -> None:
    monitor = built("prod")
    kinds = {r.inputs["kind"] for r in monitor.recorded if r.parent and "Workload" in r.parent}
    assert {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
            "NetworkPolicy", "HTTPRoute"} <= kinds  # fmt: skip
    (deployment,) = of_type(monitor, "kubernetes:apps/v1:Deployment")
    image = deployment.inputs["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image.startswith("docker.io/nginxinc/nginx-unprivileged:1.29.3-alpine@sha256:")
    (dev_deployment,) = of_type(built("dev"), "kubernetes:apps/v1:Deployment")
    dev_image = dev_deployment.inputs["spec"]["template"]["spec"]["containers"][0]["image"]
    assert "@sha256:" not in dev_image


def test_the_example_service_runs_as_a_high_uid(
    built_stack: tuple[str, RecordingMonitor],
) -> None:
    """Above the node's own accounts (< 10000), so an escaped process maps to nobody on the host
    (Checkov CKV_K8S_40)."""
    (deployment,) = of_type(built_stack[1], "kubernetes:apps/v1:Deployment")
    pod = deployment.inputs["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsUser"] >= 10000
    assert all(c["securityContext"]["runAsUser"] >= 10000 for c in pod["containers"])


@pytest.mark.parametrize("stack", STACKS)  # EKS: token by `aws eks get-token`
def test_kubernetes_objects_use_the_kubernetes_provider(stack: str) -> None:
    monitor = built(stack)
    (provider,) = of_type(monitor, "pulumi:providers:kubernetes")
    for r in monitor.recorded:
        if r.custom and r.type.startswith("kubernetes:"):
            assert r.provider == provider.urn, r.name
    config = json.loads(provider.inputs["kubeconfig"])
    assert config["users"][0]["user"]["exec"]["args"][1] == "get-token"


def test_kubernetes_provider_is_identical_across_runs() -> None:
    # A changed kubeconfig replaces the provider and with it every object (pulumi-kubernetes#1148).
    from infra.build import build
    from tests.conftest import run_mocked

    cfg = stack_config("prod")
    again = run_mocked(lambda: build(cfg), stack="prod")
    (first,) = of_type(built("prod"), "pulumi:providers:kubernetes")
    (second,) = of_type(again, "pulumi:providers:kubernetes")
    assert first.inputs == second.inputs
    exec_args = json.loads(first.inputs["kubeconfig"])["users"][0]["user"]["exec"]["args"]
    assert exec_args[exec_args.index("--role-arn") + 1] == cfg.cluster.kubeconfig_role_arn
