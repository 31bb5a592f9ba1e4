"""Deterministic subnet CIDR plan for a VPC.

Each tier (private, public, data) owns a fixed block of the VPC with room for `MAX_ZONE_SLOTS`
zones, and a zone always takes the subnet at its own *slot* inside each block. A zone's slot comes
from its letter (`a` -> 0, `b` -> 1, ...) unless pinned, never from its position in a list. So
adding a zone, dropping one or reordering the list never re-addresses an existing subnet, the trap
behind pulumi/pulumi-awsx#1204, #520 and #910 (every subnet replaced after a layout change).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Tier = Literal["private", "public", "data"]
TIERS: tuple[Tier, ...] = ("private", "public", "data")
MAX_ZONE_SLOTS = 6
"""Zone slots reserved per tier: letters `a`..`f` map to slots 0..5 without any pinning."""


class CidrPlanError(ValueError):
    """The plan cannot be built; `field` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SubnetSpec:
    tier: Tier
    zone: str
    slot: int
    cidr: str


@dataclass(frozen=True)
class SubnetPlan:
    vpc_cidr: str
    subnets: tuple[SubnetSpec, ...]

    def tier(self, tier: Tier) -> list[SubnetSpec]:
        return [s for s in self.subnets if s.tier == tier]


def default_slot(suffix: str) -> int | None:
    """Slot implied by a zone letter, or None when the letter is outside `a`..`f`."""
    if len(suffix) == 1 and "a" <= suffix <= chr(ord("a") + MAX_ZONE_SLOTS - 1):
        return ord(suffix) - ord("a")
    return None


def plan_subnets(
    vpc_cidr: str,
    zone_slots: Mapping[str, int],
    prefixes: Mapping[Tier, int],
    zones: Sequence[str] | None = None,
) -> SubnetPlan:
    """Lay out one subnet per tier and zone.

    `zone_slots` maps each zone to its slot (0..MAX_ZONE_SLOTS-1); `prefixes` gives each tier's
    subnet prefix length. `zones` only sets the output order (defaults to slot order).
    """
    try:
        vpc = ipaddress.IPv4Network(vpc_cidr, strict=True)
    except ValueError as exc:
        raise CidrPlanError(
            "network.cidr", f"'{vpc_cidr}' is not a valid IPv4 network ({exc})"
        ) from exc
    slots = list(zone_slots.values())
    if len(set(slots)) != len(slots):
        raise CidrPlanError("network.zoneSlots", f"two zones share a slot: {dict(zone_slots)}")
    for zone, slot in zone_slots.items():
        if not 0 <= slot < MAX_ZONE_SLOTS:
            raise CidrPlanError(
                "network.zoneSlots",
                f"slot {slot} of zone '{zone}' is outside 0..{MAX_ZONE_SLOTS - 1}",
            )

    cursor = int(vpc.network_address)
    blocks: dict[Tier, int] = {}
    for tier in TIERS:
        prefix = prefixes[tier]
        if not vpc.prefixlen < prefix <= 28:
            raise CidrPlanError(
                f"network.{tier}SubnetPrefix",
                f"/{prefix} must be longer than the VPC's /{vpc.prefixlen} and at most /28",
            )
        size = 2 ** (32 - prefix)
        cursor = -(-cursor // size) * size  # align the tier block to its subnet size
        blocks[tier] = cursor
        cursor += size * MAX_ZONE_SLOTS
    if cursor > int(vpc.broadcast_address) + 1:
        need = 32 - (cursor - int(vpc.network_address) - 1).bit_length()
        raise CidrPlanError(
            "network.cidr",
            f"{vpc} is too small for {MAX_ZONE_SLOTS} zone slots of private "
            f"/{prefixes['private']}, public /{prefixes['public']} and data /{prefixes['data']} "
            f"subnets: use a /{need} or larger, or longer subnet prefixes",
        )

    ordered = list(zones) if zones is not None else sorted(zone_slots, key=zone_slots.__getitem__)
    subnets = []
    for tier in TIERS:
        size = 2 ** (32 - prefixes[tier])
        for zone in ordered:
            start = ipaddress.IPv4Address(blocks[tier] + zone_slots[zone] * size)
            cidr = f"{start}/{prefixes[tier]}"
            subnets.append(SubnetSpec(tier=tier, zone=zone, slot=zone_slots[zone], cidr=cidr))
    return SubnetPlan(vpc_cidr=str(vpc), subnets=tuple(subnets))
