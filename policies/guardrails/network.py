"""Network rules: security groups in every shape, flow logs, default VPC/SG hygiene."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .core import Finding, Rule, Subject, as_list, get, known, need, truthy
from .joins import linked

SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
ALI_SG_RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule"
SG_TYPES = (SG, SG_RULE, SG_INGRESS, DEFAULT_SG, ALI_SG_RULE)
ALL_PORTS = (0, 65535)
# fmt: off
EXTRA_ADMIN_PORTS = [20, 21, 23, 135, 139, 445, 1433, 1521, 2049, 2375, 2376, 3306, 5432, 5601,
                     5900, 6379, 6443, 9092, 9200, 10250, 11211, 27017]
# fmt: on
"""FTP, telnet, Windows RPC/SMB, databases, NFS, Docker and Kubernetes APIs, kubelet, VNC, Kibana,
Kafka, caches: never open to the internet, beside SSH and RDP."""


@dataclass(frozen=True)
class Ingress:
    """One ingress permission, normalised across the five SG shapes."""

    where: str
    cidrs: tuple[str, ...]
    all_protocols: bool
    ports: tuple[int, int]


def ingress_entries(subject: Subject) -> Iterator[Ingress]:
    p = subject.props
    if subject.type in (SG, DEFAULT_SG):
        for i, rule in enumerate(as_list(get(p, "ingress"), "ingress")):
            yield _aws_entry(rule, f"ingress[{i}]", "protocol", ("cidrBlocks", "ipv6CidrBlocks"))
    elif subject.type == SG_RULE:
        if need(p, "type") == "ingress":
            yield _aws_entry(p, "rule", "protocol", ("cidrBlocks", "ipv6CidrBlocks"))
    elif subject.type == SG_INGRESS:
        yield _aws_entry(p, "rule", "ipProtocol", ("cidrIpv4", "cidrIpv6"))
    elif subject.type == ALI_SG_RULE and need(p, "type") == "ingress":
        if (get(p, "policy") or "accept") != "accept":
            return
        protocol = str(need(p, "ipProtocol") or "all").lower()
        low, high = _ali_ports(str(need(p, "portRange") or "-1/-1"))
        cidrs = tuple(c for c in (need(p, "cidrIp"), need(p, "ipv6CidrIp")) if c)
        yield Ingress("rule", cidrs, protocol == "all", (low, high))


def _aws_entry(
    rule: Mapping[str, Any], where: str, proto_key: str, cidr_keys: Iterable[str]
) -> Ingress:
    protocol = str(known(get(rule, proto_key), f"{where}.{proto_key}") or "-1").lower()
    cidrs: list[str] = []
    for key in cidr_keys:
        cidrs += [
            str(known(c, f"{where}.{key}")) for c in as_list(get(rule, key), f"{where}.{key}")
        ]
    everything = protocol in ("-1", "all")
    low = known(get(rule, "fromPort"), f"{where}.fromPort")
    high = known(get(rule, "toPort"), f"{where}.toPort")
    ports = (
        ALL_PORTS
        if everything or low is None
        else (int(low), int(high if high is not None else low))
    )
    if ports[0] == -1:
        ports = ALL_PORTS
    return Ingress(where, tuple(cidrs), everything, ports)


def _ali_ports(port_range: str) -> tuple[int, int]:
    low, _, high = port_range.partition("/")
    if low in ("-1", "") or (int(low) <= 1 and int(high or low) >= 65535):
        return ALL_PORTS
    return int(low), int(high or low)


WORLD_PREFIX = {4: 8, 6: 16}
"""A public range this wide (0.0.0.0/1 + 128.0.0.0/1, 2000::/3) is the internet for every
purpose of a rule: splitting 0.0.0.0/0 in halves must not get past it."""


def is_world(cidr: str) -> bool:
    """The whole internet, or a public range at least as wide as WORLD_PREFIX."""
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    return net.prefixlen == 0 or (net.prefixlen <= WORLD_PREFIX[net.version] and not net.is_private)


def _public_admin_ports(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    ports = sorted(set(params["ports"]) | set(params["extraPorts"]))
    for entry in ingress_entries(subject):
        world = [c for c in entry.cidrs if is_world(c)]
        if not world:
            continue
        hit = [port for port in ports if entry.ports[0] <= port <= entry.ports[1]]
        if hit:
            yield f"{entry.where} opens port(s) {hit} to {', '.join(world)}"


def _public_all_ports(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    for entry in ingress_entries(subject):
        world = [c for c in entry.cidrs if is_world(c)]
        if world and (entry.all_protocols or entry.ports == ALL_PORTS):
            yield f"{entry.where} opens all ports/protocols to {', '.join(world)}"


def _cidr_allowlist(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    allowed = [ipaddress.ip_network(c) for c in params["allowedCidrs"]]
    for entry in ingress_entries(subject):
        for cidr in entry.cidrs:
            net = ipaddress.ip_network(cidr, strict=False)
            if not any(net.version == a.version and net.subnet_of(a) for a in allowed):  # type: ignore[arg-type]
                yield f"{entry.where} accepts {cidr}, outside {params['allowedCidrs']}"


def _default_sg_and_vpc(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    if subject.type == DEFAULT_SG:
        for key in ("ingress", "egress"):
            if as_list(get(p, key), key):
                yield f"the default security group has {key} rules; keep it empty and unused"
    elif subject.type == "aws:ec2/defaultVpc:DefaultVpc":
        yield "manages the account's default VPC; build workloads in a dedicated VPC"
    elif (
        subject.type == "aws:ec2/subnet:Subnet"
        and truthy(need(p, "mapPublicIpOnLaunch"))
        and not re.search(params["publicSubnetPattern"], subject.name)
    ):
        yield "mapPublicIpOnLaunch=true outside the public tier gives instances public IPs"


FLOW_LOG_TARGETS = {
    "aws:ec2/vpc:Vpc": ("aws:ec2/flowLog:FlowLog", "vpcId"),
    "alicloud:vpc/network:Network": ("alicloud:vpc/flowLog:FlowLog", "resourceId"),
}


def _vpc_flow_logs(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for vpc in subjects:
        target = FLOW_LOG_TARGETS.get(vpc.type)
        if target is None:
            continue
        log_type, prop = target
        logs = [s for s in subjects if s.type == log_type and linked(s, prop, vpc)]
        if not logs:
            yield Finding(f"VPC '{vpc.name}' has no flow log", vpc.urn)


RULES = [
    Rule(
        id="net-sg-no-public-admin-ports",
        group="security",
        severity="critical",
        description="No security group rule opens admin or database ports to the internet.",
        remediation="Restrict the source to VPC CIDRs or security-group references; reach hosts through SSM Session Manager or a VPN.",
        types=SG_TYPES,
        resource_check=_public_admin_ports,
        params={"ports": [22, 3389], "extraPorts": EXTRA_ADMIN_PORTS},
        anchors="CKV_AWS_24/25, AVD-AWS-0107, CKV_ALI_2/3",
    ),
    Rule(
        id="net-sg-no-public-all-ports",
        group="security",
        severity="critical",
        description="No security group rule opens all ports or protocols to the internet.",
        remediation="Open only the ports the service needs, from known sources.",
        types=SG_TYPES,
        resource_check=_public_all_ports,
        anchors="CKV_AWS_277",
    ),
    Rule(
        id="net-sg-ingress-cidr-allowlist",
        group="availability",
        severity="high",
        description="Security groups accept traffic only from private (RFC 1918) CIDRs or security-group references.",
        remediation="Reference the source security group, or exempt internet-facing load balancer groups by name in the policy config.",
        types=SG_TYPES,
        resource_check=_cidr_allowlist,
        params={
            "allowedCidrs": [
                "10.0.0.0/8",
                "172.16.0.0/12",
                "192.168.0.0/16",
                "100.64.0.0/10",
                "fc00::/7",
            ]
        },
        anchors="IG ecs-security-group-not-internet-cidr-access",
    ),
    Rule(
        id="net-default-sg-and-vpc",
        group="availability",
        severity="medium",
        description="The default security group stays empty, no default VPC is used, subnets do not auto-assign public IPs.",
        remediation="Adopt the default SG with no rules; keep mapPublicIpOnLaunch=false outside public subnets.",
        types=(DEFAULT_SG, "aws:ec2/defaultVpc:DefaultVpc", "aws:ec2/subnet:Subnet"),
        resource_check=_default_sg_and_vpc,
        params={"publicSubnetPattern": "-public-"},
        anchors="CKV2_AWS_12, CKV_AWS_130",
    ),
    Rule(
        id="net-vpc-flow-logs",
        group="availability",
        severity="medium",
        description="Every VPC has a flow log.",
        remediation="Enable network.flowLogs in the stack config (the Vpc component creates the FlowLog).",
        types=tuple(FLOW_LOG_TARGETS),
        stack_check=_vpc_flow_logs,
        anchors="CKV2_AWS_11, IG vpc-flow-logs-enabled",
    ),
]
