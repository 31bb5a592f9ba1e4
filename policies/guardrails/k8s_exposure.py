"""What a Kubernetes object exposes: Services (NodePort, externalIPs, public load balancers) and
Secrets whose values are written into the program."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .core import Finding, Rule, Subject, as_list, get, known, need
from .k8s_objects import CONFIG_GROUP, MANIFESTS, each_object, manifest_objects, tokens

SERVICES = tokens("Service", ("core/v1",))
SECRETS = tokens("Secret", ("core/v1",))
CONTAINERS = (CONFIG_GROUP, "kubernetes:core/v1:SecretList")
"""Objects whose Secrets are written inside them (a ConfigGroup's manifests, a SecretList's items)."""
INGRESSES = tokens("Ingress", ("networking.k8s.io/v1", "extensions/v1beta1"))
GATEWAYS = tokens("Gateway", ("gateway.networking.k8s.io/v1",))
INTERNAL_LB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": "intranet",
}


def open_to_internet(props: Mapping[str, Any]) -> bool:
    """A LoadBalancer Service whose load balancer accepts any source address: no internal-scheme
    annotation and no loadBalancerSourceRanges narrower than the whole internet."""
    annotations = need(props, "metadata.annotations") or {}
    if any(str(annotations.get(k, "")).lower() == v for k, v in INTERNAL_LB_ANNOTATIONS.items()):
        return False
    path = "spec.loadBalancerSourceRanges"
    ranges = [str(known(r, f"{path}[]")) for r in as_list(need(props, path), path)]
    return not ranges or any(_broad(r) for r in ranges)


MIN_SOURCE_PREFIX = 8
"""A source range wider than a /8 is "the internet" (0.0.0.0/1 + 128.0.0.0/1 is all of it)."""


def _broad(cidr: str) -> bool:
    try:
        return ipaddress.ip_network(cidr, strict=False).prefixlen < MIN_SOURCE_PREFIX
    except ValueError:
        return True  # not a range we can vouch for


def _no_public_lb(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    if need(subject.props, "spec.type") == "LoadBalancer" and open_to_internet(subject.props):
        yield "the LoadBalancer Service is open to the internet (no internal-scheme annotation, no loadBalancerSourceRanges narrower than /8)"


def _ports(props: Mapping[str, Any]) -> list[tuple[Any, Any]]:
    """(port, targetPort) of each Service port."""
    ports = as_list(get(props, "spec.ports"), "spec.ports")
    return [(known(get(p, "port"), "spec.ports.port"), get(p, "targetPort")) for p in ports]


def _service_exposure(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    p = subject.props
    kind = need(p, "spec.type")
    admin = set(params["adminPorts"])
    exposed = [
        port for port, target in _ports(p) if port in admin or (isinstance(target, int) and target in admin)
    ]  # fmt: skip
    if kind == "NodePort" and not params["allowNodePort"]:
        detail = f" (admin port(s) {exposed})" if exposed else ""
        yield f"type NodePort opens the Service on every node's address{detail}"
    for ip in as_list(need(p, "spec.externalIPs"), "spec.externalIPs"):
        yield f"externalIPs {ip}: any Service author can intercept traffic to that address (CVE-2020-8554)"
    if kind == "LoadBalancer" and exposed and open_to_internet(p):
        yield f"a public load balancer exposes admin port(s) {exposed} to the internet"


def _ingress(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    yield (
        "an Ingress: the platform routes HTTP through the Gateway API (its ingress controller, "
        "ingress-nginx, was retired in March 2026 and gets no fixes)"
    )


def _plaintext_routes(subject: Subject, params: Mapping[str, Any]) -> Iterator[str]:
    """A plain-HTTP listener serves only its own namespace's routes (the redirect to HTTPS and
    the ACME challenges): one that admits other namespaces lets a workload's route serve
    plaintext. `Same` is the Gateway API's default when `allowedRoutes` is unset."""
    for i, listener in enumerate(as_list(need(subject.props, "spec.listeners"), "spec.listeners")):
        where = f"spec.listeners[{i}]"
        if known(get(listener, "protocol"), f"{where}.protocol") != "HTTP":
            continue
        source = known(get(listener, "allowedRoutes.namespaces.from"), f"{where}.allowedRoutes")
        if (source or "Same") != "Same":
            name = get(listener, "name")
            yield f"HTTP listener '{name}' admits routes from other namespaces ({source}): plaintext"


def _literal(subject: Subject, prop: str) -> bool:
    """The value was written into the program or config (no dependency on another resource such
    as a random.RandomPassword or a secret store)."""
    return not subject.property_dependencies.get(prop)


def _plaintext_secrets(subjects: Sequence[Subject], params: Mapping[str, Any]) -> Iterator[Finding]:
    for s in subjects:
        if s.type in SECRETS:
            for prop in ("stringData", "data"):
                values = get(s.props, prop)
                if isinstance(values, Mapping) and values and _literal(s, prop):
                    yield Finding(
                        f"Secret '{s.name}': {prop} keys {sorted(values)} are literals in the program",
                        s.urn,
                    )
        elif s.type in CONTAINERS and all(_literal(s, p) for p in ("objs", "yaml", "items")):
            for obj in manifest_objects(s):
                if obj.type in SECRETS and (get(obj.props, "data") or get(obj.props, "stringData")):
                    yield Finding(f"'{obj.name}' carries its values in the manifest", s.urn)


RULES = [
    Rule(
        id="k8s-service-exposure",
        group="security",
        severity="high",
        description="Services use no NodePort or externalIPs, and no public load balancer exposes an admin port.",
        remediation="Use ClusterIP behind the public Gateway (an HTTPRoute); reach admin ports through kubectl port-forward or a VPN; drop externalIPs.",
        types=(*SERVICES, *MANIFESTS),
        resource_check=each_object(_service_exposure, SERVICES),
        params={
            "allowNodePort": False,
            "adminPorts": [22, 3389, 2379, 2380, 10250, 5432, 3306, 6379],
        },
        anchors="KYV restrict-nodeport, KYV restrict-service-external-ips, CVE-2020-8554",
    ),
    Rule(
        id="k8s-no-public-lb-service",
        group="availability",
        severity="high",
        description="LoadBalancer Services are internal, or limited to loadBalancerSourceRanges, unless exempted by name.",
        remediation="Annotate service.beta.kubernetes.io/aws-load-balancer-scheme: internal, set loadBalancerSourceRanges, or expose through the CDN/the public Gateway (an HTTPRoute).",
        types=(SERVICES[0], *MANIFESTS),
        resource_check=each_object(_no_public_lb, SERVICES[:1]),
        anchors="pulumi/examples no-public-services",
    ),
    Rule(
        id="k8s-http-via-gateway",
        group="security",
        severity="high",
        description="HTTP reaches services through the Gateway API (an HTTPRoute on the platform's Gateway), never an Ingress.",
        remediation="Publish an HTTPRoute to the public Gateway (a Workload with a host does); drop the Ingress.",
        types=(*INGRESSES, *MANIFESTS),
        resource_check=each_object(_ingress, INGRESSES),
        anchors="kubernetes/ingress-nginx retirement (March 2026)",
    ),
    Rule(
        id="k8s-gateway-http-redirect-only",
        group="security",
        severity="high",
        description="A Gateway's plain-HTTP listeners admit routes of their own namespace only (the redirect to HTTPS, ACME challenges): workload routes attach to HTTPS.",
        remediation="Set allowedRoutes.namespaces.from: Same on HTTP listeners; attach workload HTTPRoutes to the HTTPS listener.",
        types=(*GATEWAYS, *MANIFESTS),
        resource_check=each_object(_plaintext_routes, GATEWAYS),
        anchors="OWASP ASVS 9.1.1 (TLS for all client connectivity)",
    ),
    Rule(
        id="k8s-no-plaintext-secret",
        group="security",
        severity="high",
        description="Kubernetes Secrets get their values from other resources (generated or read from a secret store), never literals in the program.",
        remediation="Build stringData from a random.RandomPassword or a secret-store Output; or sync it with External Secrets.",
        types=(*SECRETS, *CONTAINERS),
        stack_check=_plaintext_secrets,
        anchors="CIS 5.4.2 (external secret storage)",
    ),
]
