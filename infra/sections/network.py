"""`groundwork:network`: the VPC, its zones, subnet plan, egress and flow logs.

`Network` is what every cloud asks for (address plan, zones, flow-log retention); `AwsNetwork` and
`AlicloudNetwork` add what only makes sense on that cloud (NAT strategies, endpoints, traffic type).
"""

from __future__ import annotations

from ipaddress import IPv4Network

from pydantic import Field, field_validator

from components.network.alicloud_spec import FlowLogArgs as AlicloudFlowLogArgs
from components.network.alicloud_spec import FlowTrafficType as AlicloudFlowTrafficType
from components.network.alicloud_spec import NatStrategy as AlicloudNatStrategy
from components.network.alicloud_spec import VpcArgs as AlicloudVpcArgs
from components.network.aws_spec import (
    FlowLogArgs,
    FlowTrafficType,
    InterfaceEndpoint,
    NatStrategy,
    VpcArgs,
)
from components.network.cidr_plan import MAX_ZONE_SLOTS
from infra.sections.base import LogRetentionDays, Section, component_default

# RFC 1918 plus the RFC 6598 shared range, which AWS and Alibaba both accept for VPCs.
PRIVATE_BLOCKS = tuple(
    IPv4Network(b) for b in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)
VPC_PREFIX_MIN, VPC_PREFIX_MAX = 16, 28  # VPC block sizes both clouds accept (AWS: /16../28)


class FlowLogs(Section):
    enabled: bool = True
    """Capture VPC flow logs to an encrypted log group."""
    retention_days: LogRetentionDays = component_default(FlowLogArgs, "retention_days")
    """How long flow log records are kept."""


class AwsFlowLogs(FlowLogs):
    traffic_type: FlowTrafficType = component_default(FlowLogArgs, "traffic_type")
    """Which traffic is recorded."""


class Network(Section):
    cidr: IPv4Network = IPv4Network("10.0.0.0/16")
    """VPC CIDR block (host bits must be zero)."""
    zones: list[str] = Field(default_factory=lambda: ["a", "b", "c"], min_length=2, max_length=6)
    """Availability zones (2 to 6; DB and cache subnet groups need two): letters (`a`) expanded
    with the region, or full names (`eu-west-1a`, `cn-hangzhou-h`)."""
    zone_slots: dict[str, int] = Field(default_factory=dict)
    """Pins a zone's subnet slot (0..5). Needed only for zone letters after `f`."""
    private_subnet_prefix: int = Field(
        component_default(VpcArgs, "private_subnet_prefix"), ge=16, le=28
    )
    """Prefix length of each private (application / Kubernetes node) subnet."""
    public_subnet_prefix: int = Field(
        component_default(VpcArgs, "public_subnet_prefix"), ge=16, le=28
    )
    """Prefix length of each public (load balancer, NAT) subnet."""
    data_subnet_prefix: int = Field(component_default(VpcArgs, "data_subnet_prefix"), ge=16, le=28)
    """Prefix length of each isolated data (database, cache) subnet; no route to the internet."""
    flow_logs: FlowLogs = Field(default_factory=FlowLogs)
    """VPC flow logs."""

    @field_validator("cidr", mode="before")
    @classmethod
    def _cidr_is_private(cls, value: object) -> object:
        if isinstance(value, IPv4Network):
            value = str(value)
        if not isinstance(value, str) or "/" not in value:
            raise ValueError(f"must be a CIDR string such as 10.0.0.0/16, got {value!r}")
        try:
            net = IPv4Network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"not a valid IPv4 network such as 10.0.0.0/16 ({exc})") from None
        if not VPC_PREFIX_MIN <= net.prefixlen <= VPC_PREFIX_MAX:
            raise ValueError(
                f"a VPC block must be /{VPC_PREFIX_MIN} to /{VPC_PREFIX_MAX}, got /{net.prefixlen}"
            )
        if not any(net.subnet_of(block) for block in PRIVATE_BLOCKS):
            allowed = ", ".join(str(b) for b in PRIVATE_BLOCKS)
            raise ValueError(f"{net} is not inside a private range ({allowed})")
        return value

    @field_validator("zones")
    @classmethod
    def _zones_unique(cls, zones: list[str]) -> list[str]:
        if len(set(zones)) != len(zones):
            raise ValueError(f"zones must be unique, got {zones}")
        return zones

    @field_validator("zone_slots")
    @classmethod
    def _slots_in_range(cls, slots: dict[str, int]) -> dict[str, int]:
        for zone, slot in slots.items():
            if not 0 <= slot < MAX_ZONE_SLOTS:
                raise ValueError(
                    f"slot {slot} of '{zone}' must be between 0 and {MAX_ZONE_SLOTS - 1}"
                )
        return slots


class AwsNetwork(Network):
    nat: NatStrategy = component_default(VpcArgs, "nat")
    """Egress for private subnets: `per_az` (one NAT per zone), `regional` (one multi-AZ regional
    NAT gateway), `single` (one shared NAT, not zone-redundant), `instance` (one small NAT
    instance instead of a gateway: the cheapest, for dev) or `none`."""
    nat_instance_type: str = Field(
        component_default(VpcArgs, "nat_instance_type"), pattern=r"^[a-z][a-z0-9]*g\.[a-z0-9]+$"
    )
    """Instance type of the NAT instance (`nat: instance`): a Graviton (arm64) type."""
    flow_logs: AwsFlowLogs = Field(default_factory=AwsFlowLogs)
    """VPC flow logs."""
    s3_gateway_endpoint: bool = component_default(VpcArgs, "s3_gateway_endpoint")
    """Gateway endpoint so S3 traffic stays off the NAT (free)."""
    interface_endpoints: list[InterfaceEndpoint] = component_default(VpcArgs, "interface_endpoints")
    """Interface (PrivateLink) endpoints, reachable only from inside the VPC."""

    @field_validator("interface_endpoints")
    @classmethod
    def _endpoints_unique(cls, endpoints: list[str]) -> list[str]:
        if len(set(endpoints)) != len(endpoints):
            raise ValueError(f"endpoints must be unique, got {endpoints}")
        return endpoints


class AlicloudFlowLogs(FlowLogs):
    traffic_type: AlicloudFlowTrafficType = component_default(AlicloudFlowLogArgs, "traffic_type")
    """Which traffic is recorded: `All`, `Allow` or `Drop`."""


class AlicloudNetwork(Network):
    nat: AlicloudNatStrategy = component_default(AlicloudVpcArgs, "nat")
    """Egress for private vSwitches: `per_az` (an enhanced NAT gateway with its own EIP per zone),
    `single` (one, in the first zone in sorted order) or `none`."""
    flow_logs: AlicloudFlowLogs = Field(default_factory=AlicloudFlowLogs)
    """VPC flow logs into an encrypted SLS logstore."""
