"""Whole stacks under mocks: invariants of dev and prod, and golden URN lists.

A changed URN means Pulumi deletes and re-creates that resource. The golden lists make every such
change visible in review: if it is intended, regenerate with
`GROUNDWORK_UPDATE_GOLDEN=1 ./tasks test tests/test_stacks.py` and commit the diff.
"""

from __future__ import annotations

import os

import pytest

from planner.recorder import RecordingMonitor
from tests.conftest import PROJECT_DIR, built, of_type, stack_config

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
}


def test_urns_match_the_golden_list(built_stack: tuple[str, RecordingMonitor]) -> None:
    stack, monitor = built_stack
    urns = sorted(r.urn for r in monitor.recorded)
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


@pytest.mark.parametrize(("stack", "zones", "nats"), [("dev", 2, 1), ("prod", 3, 3)])
def test_network_shape_per_environment(stack: str, zones: int, nats: int) -> None:
    monitor = built(stack)
    assert len(of_type(monitor, "aws:ec2/subnet:Subnet")) == 3 * zones
    assert len(of_type(monitor, "aws:ec2/natGateway:NatGateway")) == nats
    assert len(of_type(monitor, "aws:ec2/flowLog:FlowLog")) == 1


def test_providers_are_in_configured_regions() -> None:
    cfg = stack_config("prod")
    regions = {r.inputs["region"] for r in of_type(built("prod"), "pulumi:providers:aws")}
    assert regions == {cfg.region, cfg.dr.region, "us-east-1"}  # us-east-1: the edge provider


def test_stack_outputs_are_exported() -> None:
    # build() returns the outputs __main__ exports; the language-host test checks the export.
    monitor = built("dev")
    vpc = of_type(monitor, "aws:ec2/vpc:Vpc")[0]
    assert vpc.inputs["cidrBlock"] == "10.10.0.0/16"
