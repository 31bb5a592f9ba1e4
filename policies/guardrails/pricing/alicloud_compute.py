"""Pricers for Alibaba Cloud compute, disks and Classic Load Balancers, from the same per-type
tables that price the platform's node pools and gateway (alicloud.json), so an ECS instance or a
disk a team adds is priced like a node of its type. Whatever those tables do not hold (a
subscription, an uncatalogued instance type or disk category, a bandwidth-billed public IP, an
ALB or NLB) is unpriced with the reason, never zero. Merged into ALICLOUD_PRICERS."""

from __future__ import annotations

from collections.abc import Callable

from ..core import Subject, get, is_unknown
from ._catalogue import Priced, Pricer, Unpriced

ComputePricer = Callable[[Pricer, Subject], Priced | None]

SPOT_STRATEGIES = ("SpotWithPriceLimit", "SpotAsPriceGo")
SYSTEM_DISK_DEFAULT_GB = 40
"""An ECS instance's system disk without a size: the API's minimum (max(40 GiB, image size))."""


def disk_price(p: Pricer, category: object, performance: object) -> float:
    """Price per GB-month of a cloud disk of a category and performance level (ESSD only)."""
    if category is None or is_unknown(category):
        raise Unpriced("disk category not set (the API picks one per instance family)")
    if category != "cloud_essd":
        raise Unpriced(f"disk category {category!r} not in the catalogue")
    return p.price(f"essd{str(performance or 'PL1').capitalize()}")


def node_hours(p: Pricer, itype: object, spot: bool) -> float:
    """Monthly price of one ECS instance of a type, pay-as-you-go or spot (no disks)."""
    if not isinstance(itype, str) or is_unknown(itype):
        raise Unpriced("instance type unknown")
    return p.price(f"ecs:{itype}") * (1 - p.cat["spotDiscount"] if spot else 1.0)


def _pay_as_you_go(s: Subject, prop: str, allowed: str) -> None:
    value = get(s.props, prop)
    if value is not None and value != allowed:
        raise Unpriced(
            f"{prop} {value!r}: only pay-as-you-go ({allowed}) prices are in the catalogue"
        )


def _instance(p: Pricer, s: Subject) -> Priced:
    """An ECS instance: its type's hours plus its system and data disks; public traffic is
    usage, a bandwidth-billed public IP is not in the catalogue."""
    _pay_as_you_go(s, "instanceChargeType", "PostPaid")
    itype = get(s.props, "instanceType")
    spot = get(s.props, "spotStrategy") in SPOT_STRATEGIES
    hours = node_hours(p, itype, spot)
    gb = p.number(get(s.props, "systemDiskSize"), SYSTEM_DISK_DEFAULT_GB)
    system = get(s.props, "systemDiskCategory"), get(s.props, "systemDiskPerformanceLevel")
    storage = gb * disk_price(p, *system)
    data = get(s.props, "dataDisks") or []
    if is_unknown(data) or not isinstance(data, list):
        raise Unpriced("dataDisks unknown")
    data_gb = 0.0
    for disk in data:
        size = p.number(get(disk, "size"), 0)
        storage += size * disk_price(p, get(disk, "category"), get(disk, "performanceLevel"))
        data_gb += size
    if p.number(get(s.props, "internetMaxBandwidthOut"), 0) > 0 and (
        get(s.props, "internetChargeType") == "PayByBandwidth"
    ):
        raise Unpriced("a public IP billed by fixed bandwidth is not in the catalogue")
    kind = "spot" if spot else "pay-as-you-go"
    detail = f"1 x {itype} {kind} + {gb:g} GB system disk"
    if data:
        detail += f" + {len(data)} data disk(s), {data_gb:g} GB"
    return Priced(hours + storage, detail + " (public traffic is usage)",
                  commitment=None if spot else "ecs", eligible=0.0 if spot else hours)  # fmt: skip


def _disk(p: Pricer, s: Subject) -> Priced:
    """A cloud disk created apart from an instance (alicloud.ecs.EcsDisk or the older Disk)."""
    _pay_as_you_go(s, "paymentType", "PayAsYouGo")
    size = get(s.props, "size")
    if size is None or is_unknown(size):
        raise Unpriced("disk size unknown (a disk from a snapshot takes the snapshot's size)")
    gb = float(size)
    level = get(s.props, "performanceLevel")
    price = disk_price(p, get(s.props, "category"), level)
    return Priced(gb * price, f"{gb:g} GB ESSD {str(level or 'PL1').upper()}")


def clb(p: Pricer, *, public: bool, charge: object, spec: object) -> Priced:
    """A pay-as-you-go Classic Load Balancer: the instance fee every one pays, the spec fee of a
    pay-by-specification one, the public IP holding fee of an internet-facing one; LCUs and
    traffic are usage."""
    monthly, parts = p.price("clbInstance"), ["instance fee"]
    if charge in (None, "PayBySpec"):
        if not isinstance(spec, str) or is_unknown(spec):
            raise Unpriced("CLB specification unknown")
        monthly += p.price(f"clbSpec:{spec}")
        parts.append(f"{spec} spec fee")
    elif charge != "PayByCLCU":
        raise Unpriced(f"CLB charge type {charge!r} not in the catalogue")
    if public:
        monthly += p.price("clbPublicIp")
        parts.append("public IP holding fee")
    return Priced(monthly, f"1 CLB x 730 h: {' + '.join(parts)} (LCUs and traffic are usage)")


def _classic_lb(p: Pricer, s: Subject) -> Priced:
    _pay_as_you_go(s, "paymentType", "PayAsYouGo")
    # An unset address type is priced as internet-facing: the dearer of the two.
    spec = get(s.props, "loadBalancerSpec") or get(s.props, "specification")
    return clb(p, public=get(s.props, "addressType") != "intranet",
               charge=get(s.props, "instanceChargeType"), spec=spec)  # fmt: skip


def _not_catalogued(what: str) -> ComputePricer:
    def price(p: Pricer, s: Subject) -> Priced:
        raise Unpriced(f"{what} prices are not in the catalogue (no China-site figure verified)")

    return price


ALICLOUD_COMPUTE_PRICERS: dict[str, ComputePricer] = {
    "alicloud:ecs/instance:Instance": _instance,
    "alicloud:ecs/ecsDisk:EcsDisk": _disk,
    "alicloud:ecs/disk:Disk": _disk,
    "alicloud:slb/loadBalancer:LoadBalancer": _classic_lb,
    "alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer": _classic_lb,
    "alicloud:alb/loadBalancer:LoadBalancer": _not_catalogued("ALB"),
    "alicloud:nlb/loadBalancer:LoadBalancer": _not_catalogued("NLB"),
}
