"""`groundwork:alicloud/kubernetes:PublicGateway`: the platform's public HTTP entry on ACK, through
the Gateway API and Envoy Gateway (the open-source project ACK's own Gateway API component is built
on), behind a CLB the cloud controller manager provisions for Envoy's `LoadBalancer` Service.

Creates an `EnvoyProxy` (the Envoy Deployment's replicas and disruption budget; its Service's CLB:
internet-facing or intranet, pay-by-usage (PayByCLCU: pay-by-specification is no longer sold for
new CLBs), deletion and modification protection on, the stack's tags), the GatewayClass that
points at it, a cert-manager `Certificate` for the public hosts (HTTP-01 through the Gateway's own
HTTP listener), and the Gateway `public` with the same listeners as on every cloud
(`gateway_api.public_listeners`): HTTP for the redirect and the challenges, HTTPS terminating TLS
with that certificate for routes of the workload namespaces. Envoy runs in the Gateway's namespace (the controller's), so workloads admit its pods by label.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_kubernetes import apiextensions

from components._base import child_opts, type_token
from components.kubernetes.alicloud_gateway_spec import (
    PublicGatewayArgs,
    proxies,
    proxy_labels,
    source_peers,
    validate,
)
from components.kubernetes.gateway_api import (
    GATEWAY_API,
    https_redirect,
    public_listeners,
)
from components.kubernetes.gateway_api_spec import PUBLIC_GATEWAY
from components.kubernetes.platform.baseline import k8s_labels
from components.kubernetes.platform.gateway_metrics import GatewayProxies
from components.kubernetes.platform.workload_spec import PeerArgs

ENVOY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller"
ENVOY_API = "gateway.envoyproxy.io/v1alpha1"
LB_ANNOTATION = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"
TLS_SECRET = f"{PUBLIC_GATEWAY}-tls"
"""Secret cert-manager writes the public hosts' certificate to (the HTTPS listener's)."""


class PublicGateway(pulumi.ComponentResource):
    name: str
    namespace: str
    hosts: list[str]
    source_cidrs: list[str]
    """Where the Gateway's traffic reaches a workload from: no CIDR (Envoy runs in the cluster)."""
    source_peers: list[PeerArgs]
    """Pods the Gateway's traffic reaches a workload from: this Gateway's Envoy proxies."""
    proxies: GatewayProxies
    """Envoy's stats port serves request metrics per route (the Workloads' `source: gateway`)."""

    def __init__(
        self, name: str, args: PublicGatewayArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            type_token("kubernetes", "PublicGateway", cloud="alicloud"), name, None, opts
        )
        validate(args)
        self.name, self.namespace, self.hosts = PUBLIC_GATEWAY, args.namespace, list(args.hosts)
        self.source_cidrs = []
        self.source_peers = source_peers(args.namespace)
        self.proxies = proxies(args.namespace)
        labels = k8s_labels(PUBLIC_GATEWAY, args.part_of)
        proxy = apiextensions.CustomResource(
            f"{name}-proxy",
            api_version=ENVOY_API,
            kind="EnvoyProxy",
            metadata={"name": PUBLIC_GATEWAY, "namespace": args.namespace, "labels": labels},
            spec=envoy_proxy_spec(args),
            opts=child_opts(self),
        )
        gateway_class = apiextensions.CustomResource(
            f"{name}-class",
            api_version=GATEWAY_API,
            kind="GatewayClass",
            metadata={"name": args.class_name, "labels": labels},
            spec={
                "controllerName": ENVOY_CONTROLLER,
                "parametersRef": {
                    "group": "gateway.envoyproxy.io",
                    "kind": "EnvoyProxy",
                    "name": PUBLIC_GATEWAY,
                    "namespace": args.namespace,
                },
            },
            opts=child_opts(self, depends_on=[proxy]),
        )
        tls: dict[str, Any] | None = None
        if args.hosts:
            apiextensions.CustomResource(
                f"{name}-certificate",
                api_version="cert-manager.io/v1",
                kind="Certificate",
                metadata={"name": TLS_SECRET, "namespace": args.namespace, "labels": labels},
                spec={
                    "secretName": TLS_SECRET,
                    "dnsNames": sorted(args.hosts),
                    "issuerRef": {
                        "group": "cert-manager.io",
                        "kind": "ClusterIssuer",
                        "name": args.cluster_issuer,
                    },
                    "privateKey": {"algorithm": "ECDSA", "size": 256, "rotationPolicy": "Always"},
                },
                opts=child_opts(self),
            )
            tls = {"mode": "Terminate",
                   "certificateRefs": [{"group": "", "kind": "Secret", "name": TLS_SECRET}]}  # fmt: skip
        self.gateway = apiextensions.CustomResource(
            f"{name}-gateway",
            api_version=GATEWAY_API,
            kind="Gateway",
            metadata={"name": PUBLIC_GATEWAY, "namespace": args.namespace, "labels": labels},
            spec={
                "gatewayClassName": args.class_name,
                # Without hosts there is no certificate: no HTTPS listener (and no routes).
                "listeners": public_listeners(args.route_namespaces, tls)[: 2 if tls else 1],
            },
            opts=child_opts(self, depends_on=[gateway_class]),
        )
        https_redirect(
            self,
            f"{name}-https-redirect",
            namespace=args.namespace,
            labels=labels,
            gateway=self.gateway,
        )
        self.register_outputs(
            {"gateway": f"{args.namespace}/{PUBLIC_GATEWAY}", "hosts": self.hosts}
        )


def envoy_proxy_spec(args: PublicGatewayArgs) -> dict[str, Any]:
    """The Envoy Deployment (replicas spread over zones, a disruption budget) and its Service: a
    CLB with its client addresses preserved (`Local`), protected against deletion and changes."""
    tags = ",".join(f"{k}={v}" for k, v in sorted(args.tags.items()))
    annotations = {
        f"{LB_ANNOTATION}address-type": "internet" if args.internet_facing else "intranet",
        # Pay-by-usage: no spec to pick, capacity scales with LCUs (billed as usage). New CLBs
        # cannot be pay-by-specification since 2025-06-01 (the CCM's default when unset).
        f"{LB_ANNOTATION}instance-charge-type": "PayByCLCU",
        f"{LB_ANNOTATION}delete-protection": "on",
        f"{LB_ANNOTATION}modification-protection": "ConsoleProtection",
        f"{LB_ANNOTATION}additional-resource-tags": tags,
    }
    spread = {
        "maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": proxy_labels(args.namespace)},
    }
    return {
        "provider": {
            "type": "Kubernetes",
            "kubernetes": {
                "envoyDeployment": {
                    "replicas": args.replicas,
                    "pod": {"topologySpreadConstraints": [spread]},
                },
                "envoyPDB": {"minAvailable": 1},
                "envoyService": {
                    "type": "LoadBalancer",
                    "externalTrafficPolicy": "Local",
                    "annotations": annotations,
                },
            },
        }
    }
