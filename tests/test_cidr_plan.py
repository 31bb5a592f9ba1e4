"""The subnet plan is deterministic and never re-addresses a zone when the zone list changes."""

from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.network.cidr_plan import MAX_ZONE_SLOTS, CidrPlanError, SubnetPlan, plan_subnets

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


# -- properties over arbitrary VPCs, prefixes and zone sets ------------------------------------


def _try_plan(
    vpc_cidr: str, slots: dict[str, int], prefixes: dict[str, int]
) -> tuple[SubnetPlan | None, str | None]:
    try:
        return plan_subnets(vpc_cidr, slots, prefixes), None  # type: ignore[arg-type]
    except CidrPlanError as err:
        return None, err.field


@st.composite
def layouts(draw: st.DrawFn) -> tuple[str, dict[str, int], dict[str, int]]:
    vpc_prefix = draw(st.integers(min_value=16, max_value=22))
    base = draw(st.sampled_from(["10.0.0.0", "172.16.0.0", "192.168.0.0"]))
    prefixes = {
        tier: draw(st.integers(min_value=vpc_prefix + 1, max_value=28))
        for tier in ("private", "public", "data")
    }
    letters = draw(st.sets(st.sampled_from("abcdef"), min_size=1, max_size=MAX_ZONE_SLOTS))
    slots = {f"zone-{c}": ord(c) - ord("a") for c in letters}
    return f"{base}/{vpc_prefix}", slots, prefixes


@settings(max_examples=200, deadline=None)
@given(layouts())
def test_any_plan_that_fits_has_disjoint_subnets_inside_the_vpc(
    layout: tuple[str, dict[str, int], dict[str, int]],
) -> None:
    vpc_cidr, slots, prefixes = layout
    plan, error = _try_plan(vpc_cidr, slots, prefixes)
    if plan is None:
        assert error == "network.cidr"  # the only way a valid layout can fail: VPC too small
        return
    vpc = ipaddress.ip_network(vpc_cidr)
    nets = sorted(
        (ipaddress.ip_network(s.cidr) for s in plan.subnets), key=lambda n: int(n.network_address)
    )
    assert all(n.subnet_of(vpc) for n in nets)
    assert all(a.broadcast_address < b.network_address for a, b in itertools.pairwise(nets))
    assert len(nets) == 3 * len(slots)


@settings(max_examples=200, deadline=None)
@given(layouts(), st.data())
def test_any_subset_of_zones_keeps_its_addresses(
    layout: tuple[str, dict[str, int], dict[str, int]], data: st.DataObject
) -> None:
    vpc_cidr, slots, prefixes = layout
    try:
        full = cidrs(plan_subnets(vpc_cidr, slots, prefixes))  # type: ignore[arg-type]
    except CidrPlanError:
        return
    keep = data.draw(st.sets(st.sampled_from(sorted(slots)), min_size=1))
    subset = cidrs(plan_subnets(vpc_cidr, {z: slots[z] for z in keep}, prefixes))  # type: ignore[arg-type]
    assert all(full[key] == cidr for key, cidr in subset.items())
