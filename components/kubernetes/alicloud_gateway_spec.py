"""The ACK public Gateway's args: config validates against them without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


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
