"""Identity-stable collections: what forces the cloud to replace a resource is pinned per stack
(golden `*.replace` files beside the `*.urns` lists), and reordering a list of the stack file
(zones, admin roles, CDN aliases) replaces nothing.

A changed URN is a delete-and-create; so is a changed replacement-forcing input under the same URN
(an Aurora instance moved to another zone). The URN list cannot see the second kind; these can.
Regenerate deliberately with `GROUNDWORK_UPDATE_GOLDEN=1` and review the diff.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

import components.postgres.aws as postgres_aws
from infra import parse_config
from infra.build import build
from planner import replacement
from planner.recorder import RecordingMonitor
from tests.conftest import PROJECT_DIR, STACKS, raw_stack_config, run_mocked

GOLDEN = PROJECT_DIR / "tests" / "golden"


def test_replacement_forcing_inputs_match_the_golden_file(
    built_stack: tuple[str, RecordingMonitor],
) -> None:
    stack, monitor = built_stack
    lines = replacement.golden_lines(monitor.recorded)
    path = GOLDEN / f"{stack}.replace"
    if os.environ.get("GROUNDWORK_UPDATE_GOLDEN") == "1":
        path.write_text("\n".join(lines) + "\n")
    expected = path.read_text().splitlines()
    added, removed = sorted(set(lines) - set(expected)), sorted(set(expected) - set(lines))
    assert not added and not removed, (
        f"replacement-forcing inputs changed for {stack} (each is a delete and re-create):\n"
        f"now: {added}\nwas: {removed}"
    )


@pytest.mark.parametrize("stack", STACKS)
def test_the_golden_file_pins_what_the_issue_names(stack: str) -> None:
    text = (GOLDEN / f"{stack}.replace").read_text()
    for fragment in (
        "aws:rds/clusterInstance:ClusterInstance::acme-" + stack + "-postgres-instance-0 "
        "availabilityZone=",
        "aws:ec2/subnet:Subnet::acme-" + stack + "-private-eu-west-1a cidrBlock=",
        # The bucket is auto-named (no `bucket` input): its name is pinned through the resources
        # that name it, and its URN through the URN list.
        "aws:s3/bucketPolicy:BucketPolicy::acme-" + stack + "-assets-policy bucket=",
        "aws:eks/cluster:Cluster::acme-" + stack + "-eks-cluster name=",
        "aws:rds/cluster:Cluster::acme-" + stack + "-postgres-cluster clusterIdentifier=",
        "aws:rds/cluster:Cluster::acme-" + stack + "-postgres-cluster engine=",
        "aws:rds/cluster:Cluster::acme-" + stack + "-postgres-cluster kmsKeyId=",
    ):
        assert fragment in text, fragment


def _build(raw: dict[str, Any]) -> RecordingMonitor:
    cfg = parse_config(raw)
    return run_mocked(lambda: build(cfg), stack=str(raw["environment"]))


def _reordered_prod() -> tuple[RecordingMonitor, RecordingMonitor]:
    raw = raw_stack_config("prod")
    assert raw["network"]["zones"] == ["a", "b", "c"]
    shuffled = {
        **raw,
        "network": {**raw["network"], "zones": ["b", "a", "c"]},
        "cluster": {**raw["cluster"], "adminRoleArns": raw["cluster"]["adminRoleArns"][::-1]},
    }
    return _build(raw), _build(shuffled)


def test_reordering_zones_and_admin_roles_in_prod_replaces_nothing() -> None:
    before, after = _reordered_prod()
    assert sorted(r.urn for r in before.recorded) == sorted(r.urn for r in after.recorded)
    assert replacement.replaced(before.recorded, after.recorded) == {}
    # The writer stays where it was (zones are assigned in sorted order, not as listed).
    writer = "acme-prod-postgres-instance-0"
    zone = {r.name: r.inputs["availabilityZone"] for r in after.recorded
            if r.type == "aws:rds/clusterInstance:ClusterInstance"}  # fmt: skip
    assert zone[writer] == "eu-west-1a"


def test_a_position_keyed_zone_assignment_fails_the_reorder_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check above can fail: with instances following the list's order (the old behaviour),
    the same reorder moves the writer and two readers, each a replacement."""

    def as_listed(zones: list[str], count: int) -> list[str]:
        return [zones[i % len(zones)] for i in range(count)]

    monkeypatch.setattr(postgres_aws, "spread_over_zones", as_listed)
    before, after = _reordered_prod()
    changes = replacement.replaced(before.recorded, after.recorded)
    moved = {urn.rsplit("::", 1)[1]: paths for urn, paths in changes.items()}
    assert moved == {
        "acme-prod-postgres-instance-0": ["availabilityZone"],
        "acme-prod-postgres-instance-1": ["availabilityZone"],
    }
