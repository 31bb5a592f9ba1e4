"""What a stack may ask of the Alibaba Cloud VPC (alicloud.py), apart: config checks it SDK-free."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from components._base import require
from components.network.cidr_plan import MAX_ZONE_SLOTS

NatStrategy = Literal["none", "single", "per_az"]
NAT_STRATEGIES: tuple[NatStrategy, ...] = ("none", "single", "per_az")
FlowTrafficType = Literal["All", "Allow", "Drop"]


@dataclass(frozen=True, kw_only=True)
class FlowLogArgs:
    retention_days: int = 365
    """Retention of the flow-log logstore (SLS accepts 1 to 3650 days)."""
    traffic_type: FlowTrafficType = "All"
    """Which traffic to record."""


@dataclass(frozen=True, kw_only=True)
class VpcArgs:
    cidr: str
    """VPC CIDR block."""
    zones: Sequence[str]
    """Full zone names (`cn-shanghai-e`)."""
    zone_slots: Mapping[str, int]
    """Subnet slot per zone (see cidr_plan); keeps addresses stable when zones change."""
    private_subnet_prefix: int = 20
    public_subnet_prefix: int = 24
    data_subnet_prefix: int = 24
    nat: NatStrategy = "per_az"
    """`per_az`: an enhanced NAT gateway per zone (zone-redundant egress); `single`: one, in the
    first zone in sorted order (one zone's outage cuts all egress); `none`."""
    eip_bandwidth_mbps: int = 200
    """Bandwidth cap of each NAT EIP (pay-by-traffic: the cap bills nothing by itself)."""
    flow_logs: FlowLogArgs | None = field(default_factory=FlowLogArgs)
    """Flow logs; None disables them (not recommended)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Protect the flow-log project and the egress EIPs (third parties allowlist them) and turn
    on their deletion protection."""


SLS_NAME_MAX = 63
"""SLS project names: 3-63 lowercase letters, digits and hyphens, unique in the region."""


def validate(name: str, args: VpcArgs) -> None:
    require(len(args.zones) > 0, "zones", "at least one zone is required")
    require(len(set(args.zones)) == len(args.zones), "zones", f"duplicates in {list(args.zones)}")
    require(
        set(args.zones) == set(args.zone_slots),
        "zone_slots",
        f"must give a slot for exactly the zones {list(args.zones)}",
    )
    require(
        len(args.zones) <= MAX_ZONE_SLOTS, "zones", f"at most {MAX_ZONE_SLOTS} zones are supported"
    )
    require(
        args.nat in NAT_STRATEGIES, "nat", f"'{args.nat}' is not one of {', '.join(NAT_STRATEGIES)}"
    )
    require(1 <= args.eip_bandwidth_mbps <= 500, "eip_bandwidth_mbps", "must be 1 to 500 Mbps")
    if args.flow_logs is not None:
        require(
            1 <= args.flow_logs.retention_days <= 3650,
            "flow_logs.retention_days",
            "SLS keeps logs 1 to 3650 days",
        )
        project = f"{name}-flow-logs"
        require(
            len(project) <= SLS_NAME_MAX,
            "name",
            f"the SLS project name '{project}' is longer than {SLS_NAME_MAX} characters",
        )
