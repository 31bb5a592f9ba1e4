"""The ACK public Gateway's args, proxies and check: config and preflight need them without SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from components._base import require
from components.kubernetes.gateway_api_spec import PUBLIC_GATEWAY
from components.kubernetes.platform.gateway_metrics import GatewayProxies
from components.kubernetes.platform.workload_spec import PeerArgs


@dataclass(frozen=True, kw_only=True)
class PublicGatewayArgs:
    part_of: str
    namespace: str
    """Namespace of the Gateway, the Envoy Gateway controller and its proxies."""
    class_name: str = "envoy-gateway"
    route_namespaces: Sequence[str]
    """Workload namespaces whose HTTPRoutes may attach to the HTTPS listener."""
    hosts: Sequence[str]
    """Public host names (one certificate covers them all)."""
    cluster_issuer: str
    """cert-manager ClusterIssuer of the certificate."""
    internet_facing: bool = True
    """CLB address type: internet or intranet (reachable in the VPC only)."""
    replicas: int = 2
    """Envoy proxies (2+: one can be drained or lost)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the CLB (applied by the cloud controller manager)."""


def proxy_labels(namespace: str) -> dict[str, str]:
    """Labels Envoy Gateway puts on the proxy pods of the public Gateway in `namespace`."""
    return {
        "app.kubernetes.io/managed-by": "envoy-gateway",
        "gateway.envoyproxy.io/owning-gateway-name": PUBLIC_GATEWAY,
        "gateway.envoyproxy.io/owning-gateway-namespace": namespace,
    }


def proxies(namespace: str) -> GatewayProxies:
    """The public Gateway's Envoy proxies, as the monitoring stack scrapes them."""
    return GatewayProxies(namespace=namespace, pod_labels=proxy_labels(namespace))


def source_peers(namespace: str) -> list[PeerArgs]:
    """The pods the Gateway's traffic reaches workloads from: its Envoy proxies."""
    return [PeerArgs(namespace=namespace, pod_labels=proxy_labels(namespace))]


def validate(args: PublicGatewayArgs) -> None:
    require(bool(args.route_namespaces), "route_namespaces", "at least one workload namespace")
    require(len(set(args.hosts)) == len(args.hosts), "hosts", "a host listed twice")
    require(args.replicas >= 1, "replicas", "at least 1")
    require(bool(args.cluster_issuer), "cluster_issuer", "must not be empty")
