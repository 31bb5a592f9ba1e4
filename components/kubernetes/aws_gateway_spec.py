"""EKS public Gateway args and their check: the preflight validates them without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import parse_cidr, require
from components.aws.patterns import ROUTE53_ZONE_ID

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring


_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")
"""EKS cluster names (also safe inside the alarms' quoted query)."""


@dataclass(frozen=True, kw_only=True)
class PublicGatewayArgs:
    part_of: str
    namespace: str
    """Namespace of the Gateway (a platform namespace)."""
    class_name: str = "alb"
    route_namespaces: Sequence[str]
    """Workload namespaces whose HTTPRoutes may attach to the HTTPS listener."""
    hosts: Sequence[str]
    """Public host names (one ACM certificate each)."""
    route53_zone_id: str | None = None
    """Zone for the certificates' DNS validation records; None: add them by hand."""
    internet_facing: bool = True
    web_acl_arn: pulumi.Input[str] | None = None
    """A regional WAFv2 web ACL for the ALB."""
    source_cidrs: Sequence[str] = ()
    """The ALB's subnets: it sends to the pods' IPs from its addresses there, so workloads behind
    the Gateway admit these (and nothing else from outside the cluster)."""
    cluster_name: str = ""
    """The EKS cluster whose load balancer controller makes the ALB (its alarms select it by the
    controller's cluster tag); required with `alarms`."""
    alarms: AlarmWiring | None = None
    """The cluster region's alert topics; None: no alarms."""
    tags: Mapping[str, str] = field(default_factory=dict)


def validate(args: PublicGatewayArgs) -> None:
    require(
        args.alarms is None or bool(_CLUSTER_NAME.match(args.cluster_name)),
        "cluster_name",
        f"'{args.cluster_name}' is not an EKS cluster name; required with alarms (they select "
        "the ALB by the controller's cluster tag)",
    )
    for cidr in args.source_cidrs:
        net = parse_cidr("source_cidrs", cidr)
        require(not net.is_global, "source_cidrs", f"'{cidr}' is not a VPC's subnet")
    require(bool(args.route_namespaces), "route_namespaces", "at least one workload namespace")
    require(len(set(args.hosts)) == len(args.hosts), "hosts", "a host listed twice")
    require(
        args.route53_zone_id is None or ROUTE53_ZONE_ID.match(args.route53_zone_id) is not None,
        "route53_zone_id",
        "not a Route 53 hosted zone id",
    )
