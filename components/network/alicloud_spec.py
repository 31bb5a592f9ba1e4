"""What a stack may ask of the Alibaba Cloud VPC (alicloud.py), apart: config checks it SDK-free."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

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
