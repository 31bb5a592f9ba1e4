"""What a stack may ask of the AWS VPC (aws.py), apart: config checks it without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from components._base import require
from components.network.cidr_plan import MAX_ZONE_SLOTS

if TYPE_CHECKING:
    from components.monitoring.aws_spec import AlarmWiring

NatStrategy = Literal["none", "single", "per_az", "regional", "instance"]
NAT_STRATEGIES: tuple[NatStrategy, ...] = ("none", "single", "per_az", "regional", "instance")
FlowTrafficType = Literal["ALL", "ACCEPT", "REJECT"]
InterfaceEndpoint = Literal[
    "ecr.api", "ecr.dkr", "sts", "logs", "secretsmanager", "kms", "ssm", "ec2",
    "elasticloadbalancing", "autoscaling",
]  # fmt: skip
"""Services offered as interface (PrivateLink) endpoints."""


@dataclass(frozen=True, kw_only=True)
class FlowLogArgs:
    retention_days: int = 365
    """Retention of the flow-log group."""
    traffic_type: FlowTrafficType = "ALL"
    """Which traffic to record."""


@dataclass(frozen=True, kw_only=True)
class VpcArgs:
    cidr: str
    """VPC CIDR block."""
    zones: Sequence[str]
    """Full availability-zone names."""
    zone_slots: Mapping[str, int]
    """Subnet slot per zone (see cidr_plan); keeps addresses stable when zones change."""
    private_subnet_prefix: int = 20
    public_subnet_prefix: int = 24
    data_subnet_prefix: int = 24
    nat: NatStrategy = "per_az"
    """`per_az` is zone-redundant; `single` saves cost but one zone's outage cuts all egress;
    `instance` (dev) is one small NAT instance instead of a gateway: cheapest, least available."""
    nat_instance_type: str = "t4g.nano"
    """Instance type of the NAT instance (`nat: instance`); Graviton (arm64) only."""
    flow_logs: FlowLogArgs | None = field(default_factory=FlowLogArgs)
    """Flow logs; None disables them (not recommended)."""
    s3_gateway_endpoint: bool = True
    interface_endpoints: Sequence[InterfaceEndpoint] = ()
    """Service suffixes (`ecr.api`, `sts`, ...) for PrivateLink endpoints in the private subnets."""
    cluster_names: Sequence[str] = ()
    """Kubernetes clusters that share these subnets (tag `kubernetes.io/cluster/<name>=shared`)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Protect the flow-log key and log group from deletion."""
    alarms: AlarmWiring | None = None
    """Alert topics and policy: emit this component's alarms (aws_alarms.py) on them."""


def validate(args: VpcArgs) -> None:
    require(len(args.zones) > 0, "zones", "at least one availability zone is required")
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
        args.nat in NAT_STRATEGIES,
        "nat",
        f"'{args.nat}' is not one of {', '.join(NAT_STRATEGIES)}",
    )
    require(
        args.nat_instance_type.split(".")[0].endswith("g"),
        "nat_instance_type",
        f"'{args.nat_instance_type}' is not a Graviton (arm64) type such as t4g.nano",
    )
    if args.flow_logs is not None:
        require(args.flow_logs.retention_days > 0, "flow_logs.retention_days", "must be positive")
