"""Monthly cost estimate of a stack from the checked-in price catalogue (catalogue.json).

Prices each resource from its inputs (instance class x count, storage GB, NAT gateways, KMS keys,
WAF rules, node group desired size x instance type, ...). Resources the catalogue cannot price are
reported as `unpriced`, usage-priced ones as `usage`: never as zero. Shared by the cost rules and
the offline plan.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ..core import Subject, get, is_unknown
from ..joins import linked

CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")
Status = Literal["priced", "usage", "free", "unpriced"]


@cache
def catalogue() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOGUE_PATH.read_text())
    return data


@dataclass(frozen=True)
class Line:
    urn: str
    name: str
    type: str
    region: str | None
    status: Status
    monthly: float | None
    """USD per month; None unless status is `priced`."""
    detail: str
    component: str = "(stack)"


@dataclass
class Estimate:
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> float:
        return round(sum(line.monthly or 0.0 for line in self.lines), 2)

    def by_status(self, status: Status) -> list[Line]:
        return [line for line in self.lines if line.status == status]

    def by_component(self) -> dict[str, float]:
        totals: dict[str, float] = defaultdict(float)
        for line in self.lines:
            totals[line.component] += line.monthly or 0.0
        # Most expensive first; ties by name, so reports are stable from run to run.
        return {k: round(v, 2) for k, v in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))}


class _Unpriced(Exception):  # noqa: N818
    pass


class Pricer:
    def __init__(self, region: str, subjects: Sequence[Subject]) -> None:
        self.cat = catalogue()
        self.region = region
        self.subjects = subjects

    def price(self, key: str) -> float:
        item = self.cat["items"].get(key)
        if item is None or self.region not in item["prices"]:
            raise _Unpriced(f"no catalogue price for {key} in {self.region}")
        value = float(item["prices"][self.region])
        unit = item["unit"]
        return value * self.cat["hoursPerMonth"] if unit == "hour" else value

    def number(self, value: Any, default: float) -> float:
        if value is None or is_unknown(value):
            return default
        return float(value)


def _nat(p: Pricer, s: Subject) -> tuple[float, str]:
    return p.price("natGateway"), "1 NAT gateway x 730 h (data processing is usage)"


def _eip(p: Pricer, s: Subject) -> tuple[float, str]:
    return p.price("publicIpv4"), "1 public IPv4 x 730 h"


def _kms(p: Pricer, s: Subject) -> tuple[float, str]:
    return p.price("kmsKey"), "1 customer-managed key"


def _endpoint(p: Pricer, s: Subject) -> tuple[float, str]:
    if get(s.props, "vpcEndpointType") != "Interface":
        return 0.0, "gateway endpoint (free)"
    subnets = get(s.props, "subnetIds")
    azs = len(subnets) if isinstance(subnets, list) else 1
    return p.price("interfaceEndpoint") * azs, f"interface endpoint x {azs} AZ"


def _eks(p: Pricer, s: Subject) -> tuple[float, str]:
    return p.price("eksCluster"), "control plane x 730 h"


def _node_disk_gb(p: Pricer, s: Subject) -> float:
    for lt in p.subjects:
        if lt.type == "aws:ec2/launchTemplate:LaunchTemplate" and linked(s, "launchTemplate", lt):
            sizes = [get(b, "ebs.volumeSize") for b in get(lt.props, "blockDeviceMappings") or []]
            return sum(p.number(x, 0) for x in sizes) or p.cat["nodeDiskDefaultGb"]
    return p.number(get(s.props, "diskSize"), p.cat["nodeDiskDefaultGb"])


def _node_group(p: Pricer, s: Subject) -> tuple[float, str]:
    types = get(s.props, "instanceTypes") or []
    if not types or is_unknown(types) or is_unknown(types[0]):
        raise _Unpriced("instanceTypes unknown")
    desired = p.number(get(s.props, "scalingConfig.desiredSize"), 1)
    spot = get(s.props, "capacityType") == "SPOT"
    factor = 1 - p.cat["spotDiscount"] if spot else 1.0
    node = p.price(f"ec2:{types[0]}") * factor
    disk_gb = _node_disk_gb(p, s)
    disk = p.price("ebsGp3") * disk_gb
    kind = "spot" if spot else "on-demand"
    return desired * (node + disk), f"{desired:g} x {types[0]} {kind} + {disk_gb:g} GB gp3 each"


def _instance(p: Pricer, s: Subject) -> tuple[float, str]:
    itype = get(s.props, "instanceType")
    return p.price(f"ec2:{itype}"), f"1 x {itype}"


def _volume(p: Pricer, s: Subject) -> tuple[float, str]:
    if (get(s.props, "type") or "gp3") != "gp3":
        raise _Unpriced(f"volume type {get(s.props, 'type')} not in the catalogue")
    size = p.number(get(s.props, "size"), 0)
    return p.price("ebsGp3") * size, f"{size:g} GB gp3"


def _cluster_instance(p: Pricer, s: Subject) -> tuple[float, str]:
    klass = get(s.props, "instanceClass")
    return p.price(f"rds:{klass}"), f"1 x {klass}"


def _aurora_cluster(p: Pricer, s: Subject) -> tuple[float, str]:
    gb = p.cat["auroraStorageBaselineGb"]
    return p.price("auroraStorage") * gb, f"{gb} GB storage baseline (I/O and growth are usage)"


def _rds_instance(p: Pricer, s: Subject) -> tuple[float, str]:
    klass = get(s.props, "instanceClass")
    copies = 2 if get(s.props, "multiAz") is True else 1
    gb = p.number(get(s.props, "allocatedStorage"), 20)
    return copies * (
        p.price(f"rds:{klass}") + p.price("rdsGp3Storage") * gb
    ), f"{copies} x {klass} + {gb:g} GB"


def _cache(p: Pricer, s: Subject) -> tuple[float, str]:
    node_type = get(s.props, "nodeType")
    groups = p.number(get(s.props, "numNodeGroups"), 0)
    if groups:
        nodes = groups * (p.number(get(s.props, "replicasPerNodeGroup"), 0) + 1)
    else:
        nodes = p.number(get(s.props, "numCacheClusters"), 1)
    factor = 1 - p.cat["valkeyDiscount"] if get(s.props, "engine") == "valkey" else 1.0
    return nodes * p.price(
        f"elasticache:{node_type}"
    ) * factor, f"{nodes:g} x {node_type} ({get(s.props, 'engine') or 'redis'})"


def _secret(p: Pricer, s: Subject) -> tuple[float, str]:
    return p.price("secret"), "1 secret"


def _waf(p: Pricer, s: Subject) -> tuple[float, str]:
    rules = get(s.props, "rules")
    count = len(rules) if isinstance(rules, list) else 0
    return p.price("wafWebAcl") + count * p.price(
        "wafRule"
    ), f"1 web ACL + {count} rule(s) (requests are usage)"


def _alarm(p: Pricer, s: Subject) -> tuple[float, str]:
    return p.price("cloudwatchAlarm"), "1 alarm"


PRICERS = {
    "aws:ec2/natGateway:NatGateway": _nat,
    "aws:ec2/eip:Eip": _eip,
    "aws:kms/key:Key": _kms,
    "aws:kms/replicaKey:ReplicaKey": _kms,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _endpoint,
    "aws:eks/cluster:Cluster": _eks,
    "aws:eks/nodeGroup:NodeGroup": _node_group,
    "aws:ec2/instance:Instance": _instance,
    "aws:ebs/volume:Volume": _volume,
    "aws:rds/clusterInstance:ClusterInstance": _cluster_instance,
    "aws:rds/cluster:Cluster": _aurora_cluster,
    "aws:rds/instance:Instance": _rds_instance,
    "aws:elasticache/replicationGroup:ReplicationGroup": _cache,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:wafv2/webAcl:WebAcl": _waf,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
}
"""Resource types with a catalogue price; the docs list them."""


def top_component(subject: Subject, by_urn: Mapping[str, Subject]) -> str:
    """Name of the top-level component the resource belongs to ('(stack)' for none)."""
    current, seen = subject, 0
    while current.parent in by_urn and seen < 100:
        current, seen = by_urn[current.parent], seen + 1  # type: ignore[index]
    return (
        "(stack)" if current is subject else f"{current.name} ({current.type.rsplit(':', 1)[-1]})"
    )


def estimate(subjects: Sequence[Subject], default_region: str = "eu-west-1") -> Estimate:
    cat = catalogue()
    by_urn = {s.urn: s for s in subjects}
    result = Estimate()
    for s in subjects:
        region = s.region or default_region
        component = top_component(s, by_urn)
        if s.type in PRICERS:
            try:
                monthly, detail = PRICERS[s.type](Pricer(region, subjects), s)
                line = Line(
                    s.urn, s.name, s.type, region, "priced", round(monthly, 2), detail, component
                )
            except _Unpriced as exc:
                line = Line(s.urn, s.name, s.type, region, "unpriced", None, str(exc), component)
        elif s.type in cat["usageBased"]:
            line = Line(
                s.urn, s.name, s.type, region, "usage", None, cat["usageBased"][s.type], component
            )
        elif (
            s.type in cat["free"]
            or s.type.startswith(tuple(cat["freePrefixes"]))
            or not _is_cloud(s.type)
        ):
            continue
        else:
            line = Line(
                s.urn,
                s.name,
                s.type,
                region,
                "unpriced",
                None,
                "type not in the price catalogue",
                component,
            )
        result.lines.append(line)
    return result


def _is_cloud(resource_type: str) -> bool:
    return resource_type.split(":", 1)[0] in ("aws", "alicloud")
