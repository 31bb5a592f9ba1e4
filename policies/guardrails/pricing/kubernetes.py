"""What Kubernetes objects make the cloud bill: the load balancer behind a `LoadBalancer` Service,
an ALB Ingress or a Gateway, and the volumes behind claims, StatefulSets and chart values.

Every other Kubernetes object is free (`freePrefixes`), so these return None when the object
provisions nothing (a ClusterIP Service, a chart without persistence).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..core import Subject, get, is_unknown
from ..k8s_helm import chart_name
from . import alicloud
from ._catalogue import Priced, Pricer, Unpriced, catalogue
from .aws import load_balancer

K8sPricer = Callable[[Pricer, Subject], Priced | None]

_SUFFIX = {"Ki": 2**-20, "Mi": 2**-10, "Gi": 1, "Ti": 2**10, "K": 1e3 / 2**30, "M": 1e6 / 2**30,
           "G": 1e9 / 2**30, "T": 1e12 / 2**30, "": 1 / 2**30}  # fmt: skip
"""Kubernetes quantity suffix -> GiB (EBS bills per GiB-month, written GB-month)."""


def quantity_gib(value: object) -> float:
    if isinstance(value, int | float):
        return float(value) / 2**30
    match = re.fullmatch(r"\s*([0-9.]+)\s*(Ki|Mi|Gi|Ti|K|M|G|T|)\s*", str(value))
    if match is None:
        raise Unpriced(f"storage size {value!r} is not a Kubernetes quantity")
    return float(match.group(1)) * _SUFFIX[match.group(2)]


def _public_zones(p: Pricer) -> int:
    """Zones a public load balancer spans: the subnets of its region (not a DR region's) tagged
    for internet-facing ELBs."""
    tagged = [
        s
        for s in p.of_type("aws:ec2/subnet:Subnet")
        if (get(s.props, "tags") or {}).get("kubernetes.io/role/elb") == "1"
        and (s.region or p.region) == p.region
    ]
    return len(tagged) or 2


def _service_lb(p: Pricer, annotations: Mapping[str, Any], lb_class: object) -> Priced:
    if p.cloud == "alicloud":
        return alicloud.service_load_balancer(p, annotations)
    kind = annotations.get("service.beta.kubernetes.io/aws-load-balancer-type")
    if kind in ("external", "nlb", "nlb-ip") or lb_class == "service.k8s.aws/nlb":
        public = (
            annotations.get("service.beta.kubernetes.io/aws-load-balancer-scheme")
            == "internet-facing"
        )
        return load_balancer(p, "nlb", _public_zones(p), public)
    internal = str(annotations.get("service.beta.kubernetes.io/aws-load-balancer-internal"))
    return load_balancer(p, "clb", _public_zones(p), internal.lower() != "true")


def _service(p: Pricer, s: Subject) -> Priced | None:
    if get(s.props, "spec.type") != "LoadBalancer":
        return None
    annotations = get(s.props, "metadata.annotations") or {}
    return _service_lb(p, annotations, get(s.props, "spec.loadBalancerClass"))


def _ingress(p: Pricer, s: Subject) -> Priced | None:
    if get(s.props, "spec.ingressClassName") != "alb":
        return None  # served by an in-cluster controller behind its own Service
    if p.cloud != "aws":
        raise Unpriced(f"an ALB Ingress on {p.cloud} is not in the catalogue")
    annotations = get(s.props, "metadata.annotations") or {}
    group = annotations.get("alb.ingress.kubernetes.io/group.name")
    if group is not None:  # one ALB per group: price it on the group's first Ingress only
        first = next(
            o
            for o in p.of_type(s.type)
            if (get(o.props, "metadata.annotations") or {}).get(
                "alb.ingress.kubernetes.io/group.name"
            )
            == group
        )
        if first.urn != s.urn:
            return None
    public = annotations.get("alb.ingress.kubernetes.io/scheme") == "internet-facing"
    return load_balancer(p, "alb", _public_zones(p), public)


def _gateway(p: Pricer, s: Subject) -> Priced:
    class_name = get(s.props, "spec.gatewayClassName")
    controllers: dict[str, str] = p.cat.get("gatewayControllers", {})
    for gc in p.of_type("kubernetes:gateway.networking.k8s.io/v1:GatewayClass"):
        if get(gc.props, "metadata.name") == class_name:
            kind = controllers.get(str(get(gc.props, "spec.controllerName")))
            if kind is None:
                raise Unpriced(
                    f"gateway controller {get(gc.props, 'spec.controllerName')!r} not in the catalogue"
                )
            if kind == "envoyService":
                return _envoy_service(p, get(gc.props, "spec.parametersRef") or {})
            # Priced internet-facing: the dearer case, until the class says otherwise.
            return load_balancer(p, kind, _public_zones(p), True)
    raise Unpriced(f"GatewayClass {class_name!r} is not part of this stack")


def _envoy_service(p: Pricer, ref: Mapping[str, Any]) -> Priced:
    """Envoy Gateway's proxies sit behind a `LoadBalancer` Service it creates at deploy time from
    the class's EnvoyProxy (`spec.provider.kubernetes.envoyService`): priced like that Service."""
    for proxy in p.of_type("kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy"):
        meta = get(proxy.props, "metadata") or {}
        if (meta.get("name"), meta.get("namespace")) == (ref.get("name"), ref.get("namespace")):
            service = get(proxy.props, "spec.provider.kubernetes.envoyService") or {}
            if (service.get("type") or "LoadBalancer") != "LoadBalancer":
                raise Unpriced(
                    "EnvoyProxy Service is not a LoadBalancer: no load balancer to price"
                )
            return _service_lb(p, service.get("annotations") or {}, None)
    raise Unpriced(f"EnvoyProxy {ref.get('namespace')}/{ref.get('name')} is not part of this stack")


def _gp3(p: Pricer, gib: float, copies: float, what: str) -> Priced:
    if p.cloud == "alicloud":
        return alicloud.volume(p, gib, copies, what)
    return Priced(copies * gib * p.price("ebsGp3"), f"{copies:g} x {gib:g} GB gp3 ({what})")


def _claim(p: Pricer, s: Subject) -> Priced:
    size = get(s.props, "spec.resources.requests.storage")
    if size is None or is_unknown(size):
        raise Unpriced("claim size unknown")
    return _gp3(p, quantity_gib(size), 1, "PersistentVolumeClaim")


def _stateful_set(p: Pricer, s: Subject) -> Priced | None:
    templates = get(s.props, "spec.volumeClaimTemplates") or []
    if not templates:
        return None
    replicas = p.number(get(s.props, "spec.replicas"), 1)
    gib = sum(quantity_gib(get(t, "spec.resources.requests.storage") or 0) for t in templates)
    return _gp3(p, gib, replicas, "volumeClaimTemplates x replicas")


def _release(p: Pricer, s: Subject) -> Priced | None:
    """Known charts' values that provision volumes or load balancers (`helmCharts`)."""
    spec = catalogue()["helmCharts"].get(chart_name(s))  # chart values: the same on any cloud
    if spec is None:
        return None
    values = get(s.props, "values") or {}
    if is_unknown(values):
        raise Unpriced("chart values unknown")
    total, details = 0.0, list[str]()
    for lb in spec.get("loadBalancers", []):
        if get(values, lb["enabledPath"]) is False:
            continue
        if (get(values, lb["typePath"]) or lb["typeDefault"]) != "LoadBalancer":
            continue
        priced = _service_lb(p, get(values, lb["annotationsPath"]) or {}, None)
        total, details = total + priced.monthly, [*details, priced.detail]
    for vol in spec.get("volumes", []):
        size = get(values, vol["sizePath"])
        if size is None or ("enabledPath" in vol and get(values, vol["enabledPath"]) is not True):
            continue
        replicas = p.number(get(values, vol.get("replicasPath", "")), vol.get("replicasDefault", 1))
        priced = _gp3(p, quantity_gib(size), replicas, vol["what"])
        total, details = total + priced.monthly, [*details, priced.detail]
    if not details:
        return None
    return Priced(total, "; ".join(details))


KUBERNETES_PRICERS: dict[str, K8sPricer] = {
    "kubernetes:core/v1:Service": _service,
    "kubernetes:networking.k8s.io/v1:Ingress": _ingress,
    "kubernetes:gateway.networking.k8s.io/v1:Gateway": _gateway,
    "kubernetes:core/v1:PersistentVolumeClaim": _claim,
    "kubernetes:apps/v1:StatefulSet": _stateful_set,
    "kubernetes:helm.sh/v3:Release": _release,
}
