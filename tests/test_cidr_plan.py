"""The subnet plan is deterministic and never re-addresses a zone when the zone list changes."""

from __future__ import annotations

import ipaddress

import pytest

from components.network.cidr_plan import CidrPlanError, plan_subnets

PREFIXES = {"private": 20, "public": 24, "data": 24}
SLOTS = {"eu-west-1a": 0, "eu-west-1b": 1, "eu-west-1c": 2}


def cidrs(plan) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    return {(s.tier, s.zone): s.cidr for s in plan.subnets}


def test_layout_of_a_16() -> None:
    plan = plan_subnets("10.0.0.0/16", SLOTS, PREFIXES)
    got = cidrs(plan)
    assert got[("private", "eu-west-1a")] == "10.0.0.0/20"
    assert got[("private", "eu-west-1c")] == "10.0.32.0/20"
    assert got[("public", "eu-west-1a")] == "10.0.96.0/24"
    assert got[("data", "eu-west-1b")] == "10.0.103.0/24"
    assert len(plan.subnets) == 9


def test_subnets_never_overlap_and_stay_inside_the_vpc() -> None:
    plan = plan_subnets("10.20.0.0/16", SLOTS, PREFIXES)
    nets = [ipaddress.ip_network(s.cidr) for s in plan.subnets]
    vpc = ipaddress.ip_network("10.20.0.0/16")
    assert all(n.subnet_of(vpc) for n in nets)
    for i, a in enumerate(nets):
        for b in nets[i + 1 :]:
            assert not a.overlaps(b), (a, b)


def test_reordering_removing_and_adding_zones_keeps_existing_addresses() -> None:
    before = cidrs(plan_subnets("10.0.0.0/16", SLOTS, PREFIXES))
    reordered = cidrs(plan_subnets("10.0.0.0/16", dict(reversed(SLOTS.items())), PREFIXES))
    dropped = cidrs(plan_subnets("10.0.0.0/16", {"eu-west-1a": 0, "eu-west-1c": 2}, PREFIXES))
    added = cidrs(plan_subnets("10.0.0.0/16", {**SLOTS, "eu-west-1d": 3}, PREFIXES))
    assert reordered == before
    assert all(before[k] == v for k, v in dropped.items())
    assert all(added[k] == v for k, v in before.items())
    assert ("private", "eu-west-1d") in added


def test_too_small_vpc_names_the_field_and_the_size_needed() -> None:
    with pytest.raises(CidrPlanError) as err:
        plan_subnets("10.0.0.0/18", SLOTS, PREFIXES)
    assert err.value.field == "network.cidr"
    assert "use a /17 or larger" in str(err.value)


def test_duplicate_slots_are_rejected() -> None:
    with pytest.raises(CidrPlanError, match="share a slot"):
        plan_subnets("10.0.0.0/16", {"a": 0, "b": 0}, PREFIXES)


def test_prefix_not_longer_than_vpc_is_rejected() -> None:
    with pytest.raises(CidrPlanError) as err:
        plan_subnets("10.0.0.0/24", SLOTS, {**PREFIXES, "private": 20})
    assert err.value.field == "network.privateSubnetPrefix"
