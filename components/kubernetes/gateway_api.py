"""The Gateway API as the platform uses it, on every cloud: the pinned CRD release, the listeners
of the platform's public Gateway (its name: gateway_api_spec.py), and the `HTTPRoute` a Workload
publishes.

`GATEWAY_API_VERSION` is the one pin: the CRDs the cluster gets (the release's standard-channel
install manifest) and the schemas the routes are validated against (`./tasks gateway-schemas`,
from the Go module `sigs.k8s.io/gateway-api` at that version)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_kubernetes import apiextensions, yaml

from components._base import child_opts
from components.kubernetes.gateway_api_spec import PUBLIC_GATEWAY

GATEWAY_API_VERSION = "v1.4.1"
GATEWAY_API_CRDS = (
    "https://github.com/kubernetes-sigs/gateway-api/releases/download/"
    f"{GATEWAY_API_VERSION}/standard-install.yaml"
)
GATEWAY_API = "gateway.networking.k8s.io/v1"
HTTPS_LISTENER = "https"
HTTP_LISTENER = "http"
"""Port 80: only redirects to HTTPS (and cert-manager's HTTP-01 challenges)."""


def gateway_api_crds(parent: pulumi.Resource, name: str) -> pulumi.Resource:
    """The standard-channel CRDs of the pinned release (GatewayClass, Gateway, HTTPRoute, ...)."""
    return yaml.v2.ConfigFile(name, file=GATEWAY_API_CRDS, opts=child_opts(parent))


def http_route_spec(
    *,
    gateway_namespace: str,
    host: str,
    path: str,
    backends: Mapping[str, int],
    port: int = 80,
) -> dict[str, Any]:
    """A route from `host` + `path` on the public Gateway's HTTPS listener to Services, each with
    its weight (one Service: 100; a canary splits between two)."""
    return {
        "parentRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway",
                        "name": PUBLIC_GATEWAY, "namespace": gateway_namespace,
                        "sectionName": HTTPS_LISTENER}],
        "hostnames": [host],
        "rules": [{
            "matches": [{"path": {"type": "PathPrefix", "value": path}}],
            "backendRefs": [{"group": "", "kind": "Service", "name": service, "port": port,
                             "weight": weight} for service, weight in backends.items()],
        }],
    }  # fmt: skip


def public_listeners(
    route_namespaces: Sequence[str], https_tls: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The public Gateway's listeners on every cloud: HTTP on 80 (same-namespace routes only: the
    redirect and cert-manager's HTTP-01 challenges) and HTTPS on 443, which admits routes from
    the workload namespaces only. `https_tls`: the listener's `tls` where the Gateway terminates
    TLS itself (the load balancer's certificates otherwise)."""
    https: dict[str, Any] = {
        "name": HTTPS_LISTENER,
        "protocol": "HTTPS",
        "port": 443,
        "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchExpressions": [
            {"key": "kubernetes.io/metadata.name", "operator": "In",
             "values": sorted(route_namespaces)}]}}},
    }  # fmt: skip
    if https_tls is not None:
        https["tls"] = dict(https_tls)
    http = {
        "name": HTTP_LISTENER,
        "protocol": "HTTP",
        "port": 80,
        "allowedRoutes": {"namespaces": {"from": "Same"}},
    }
    return [http, https]


def https_redirect(
    parent: pulumi.Resource,
    name: str,
    *,
    namespace: str,
    labels: Mapping[str, str],
    gateway: pulumi.Resource,
) -> apiextensions.CustomResource:
    """The HTTP listener's catch-all route: 301 to HTTPS (an ACME challenge's exact-path route is
    more specific, so it still wins)."""
    return apiextensions.CustomResource(
        name,
        api_version=GATEWAY_API,
        kind="HTTPRoute",
        metadata={"name": "https-redirect", "namespace": namespace, "labels": dict(labels)},
        spec={
            "parentRefs": [
                {
                    "group": "gateway.networking.k8s.io",
                    "kind": "Gateway",
                    "name": PUBLIC_GATEWAY,
                    "namespace": namespace,
                    "sectionName": HTTP_LISTENER,
                }
            ],
            "rules": [
                {
                    "filters": [
                        {
                            "type": "RequestRedirect",
                            "requestRedirect": {"scheme": "https", "statusCode": 301},
                        }
                    ]
                }
            ],
        },
        opts=child_opts(parent, depends_on=[gateway]),
    )
