"""Where a stack's Alibaba Cloud keys live (placement, args) and its check; SDK-free: config's
preflight validates against it without pulumi."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from components._base import require

if TYPE_CHECKING:
    import pulumi

INSTANCE_ZONES = 2
"""A KMS instance is deployed across two zones (single-zone only where a region has one)."""

Placement = Literal["instance", "default"]


@dataclass(frozen=True)
class KeyStoreArgs:
    placement: Placement = "instance"
    vpc_id: pulumi.Input[str] | None = None
    """The VPC the instance serves (`instance` only)."""
    switch_ids: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """vSwitch id by zone id; the instance uses the first two zones in sorted order."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Deletion protection and Pulumi `protect` on the instance or the default key."""


def validate(args: KeyStoreArgs) -> None:
    if args.placement != "instance":
        return
    require(args.vpc_id is not None, "vpc_id", "a KMS instance is deployed in a VPC")
    require(
        len(args.switch_ids) >= INSTANCE_ZONES,
        "switch_ids",
        f"a KMS instance spans {INSTANCE_ZONES} zones; got {sorted(args.switch_ids)}",
    )
