"""Pricers for pulumi-alicloud resource types: `(Pricer, Subject) -> Priced`, in the currency of
the region's price list (alicloud.json: CNY for mainland China)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..core import Subject, get, is_unknown
from ._catalogue import Priced, Pricer, Unpriced
from .alicloud_compute import ALICLOUD_COMPUTE_PRICERS, SPOT_STRATEGIES, clb, disk_price, node_hours
from .alicloud_data import ALICLOUD_DATA_PRICERS
from .alicloud_edge import ALICLOUD_EDGE_PRICERS

AlicloudPricer = Callable[[Pricer, Subject], Priced | None]

LB_PREFIX = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"


def _nat(p: Pricer, s: Subject) -> Priced:
    if get(s.props, "natType") != "Enhanced":
        raise Unpriced(f"NAT type {get(s.props, 'natType')!r} not in the catalogue")
    return Priced(p.price("natGatewayEnhanced"), "1 enhanced NAT gateway x 730 h (CUs are usage)")


def _eip(p: Pricer, s: Subject) -> Priced:
    if get(s.props, "internetChargeType") != "PayByTraffic":
        raise Unpriced("only pay-by-traffic EIPs are in the catalogue")
    return Priced(p.price("eipHolding"), "1 EIP x 730 h holding fee (traffic is usage)")


def _kms(p: Pricer, s: Subject) -> Priced:
    # Outside an instance a new account (since 2022-03-31) has only the region's default key,
    # which is free; a second one cannot be created (rule alicloud-kms-one-default-key).
    if not get(s.props, "dkmsInstanceId"):
        return Priced(p.price("kmsDefaultKey"), "the region's default key (free, one per region)")
    return Priced(p.price("kmsKey"), "1 key version in a KMS instance (API calls are usage)")


def _kms_instance(p: Pricer, s: Subject) -> Priced:
    if str(get(s.props, "productVersion")) != "3" or get(s.props, "paymentType") != "PayAsYouGo":
        raise Unpriced("only the pay-as-you-go KMS 3.0 software instance is in the catalogue")
    return Priced(p.price("kmsInstanceSoftware"),
                  "1 pay-as-you-go software KMS instance x 730 h (QPS fee is usage)")  # fmt: skip


def _ack(p: Pricer, s: Subject) -> Priced:
    """The management fee, and the API server's CLB: ACK creates it with the cluster (it is no
    resource of the plan) as a pay-by-usage intranet CLB billed to the account, with an EIP when
    the API server is public (the provider's default)."""
    if get(s.props, "clusterSpec") != "ack.pro.small":
        raise Unpriced(f"cluster spec {get(s.props, 'clusterSpec')!r} not in the catalogue")
    api = clb(p, public=False, charge="PayByCLCU", spec=None)
    monthly, detail = p.price("ackProCluster") + api.monthly, "ACK Pro management fee"
    detail += " + the API server's intranet CLB (instance fee; LCUs are usage)"
    if get(s.props, "slbInternetEnabled") is not False:
        monthly += p.price("eipHolding")
        detail += " + its EIP holding fee (public endpoint)"
    return Priced(monthly, detail + " x 730 h")


def _node_pool(p: Pricer, s: Subject) -> Priced:
    props = s.props
    types = get(props, "instanceTypes") or []
    if not types or is_unknown(types):
        raise Unpriced("instanceTypes unknown")
    itype = types[0]
    count = p.number(get(props, "desiredSize"), p.number(get(props, "scalingConfig.minSize"), 1))
    spot = get(props, "spotStrategy") in SPOT_STRATEGIES
    disk_gb = p.number(get(props, "systemDiskSize"), p.cat["nodeDiskDefaultGb"])
    disk = disk_price(p, get(props, "systemDiskCategory"), get(props, "systemDiskPerformanceLevel"))
    node = node_hours(p, itype, spot)
    kind = "spot" if spot else "pay-as-you-go"
    return Priced(
        count * (node + disk * disk_gb),
        f"{count:g} x {itype} {kind} + {disk_gb:g} GB ESSD each",
        commitment=None if spot else "ecs",
        eligible=0.0 if spot else count * node,
    )


def service_load_balancer(p: Pricer, annotations: Mapping[str, Any]) -> Priced:
    """The CLB the cloud controller manager creates for a `LoadBalancer` Service on ACK (without
    annotations: internet-facing, pay-by-specification slb.s1.small)."""
    return clb(
        p,
        public=annotations.get(f"{LB_PREFIX}address-type", "internet") != "intranet",
        charge=annotations.get(f"{LB_PREFIX}instance-charge-type", "PayBySpec"),
        spec=annotations.get(f"{LB_PREFIX}spec", "slb.s1.small"),
    )


CSI_PROVISIONER = "diskplugin.csi.alibabacloud.com"


def volume(p: Pricer, gib: float, copies: float, what: str) -> Priced:
    """Cloud disks behind claims, at the ESSD level of the stack's CSI StorageClass (ACK's own
    default class without one: PL1; with several, the dearest level)."""
    levels = [
        str(get(sc.props, "parameters.performanceLevel") or "PL1")
        for sc in p.of_type("kubernetes:storage.k8s.io/v1:StorageClass")
        if get(sc.props, "provisioner") == CSI_PROVISIONER
    ]
    level = max(levels, default="PL1")  # PL0 < PL1 < PL2 < PL3
    price = disk_price(p, "cloud_essd", level)
    return Priced(copies * gib * price, f"{copies:g} x {gib:g} GB ESSD {level} ({what})")


ALICLOUD_PRICERS: dict[str, AlicloudPricer] = {
    **ALICLOUD_COMPUTE_PRICERS,
    **ALICLOUD_DATA_PRICERS,
    **ALICLOUD_EDGE_PRICERS,
    "alicloud:vpc/natGateway:NatGateway": _nat,
    "alicloud:ecs/eipAddress:EipAddress": _eip,
    "alicloud:kms/key:Key": _kms,
    "alicloud:kms/instance:Instance": _kms_instance,
    "alicloud:cs/managedKubernetes:ManagedKubernetes": _ack,
    "alicloud:cs/nodePool:NodePool": _node_pool,
}
