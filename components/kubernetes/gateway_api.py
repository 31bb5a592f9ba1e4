"""The Gateway API as the platform uses it, on every cloud: the pinned CRD release, the name of the
platform's public Gateway and its listeners, and the `HTTPRoute` a Workload publishes.

`GATEWAY_API_VERSION` is the one pin: the CRDs the cluster gets (the release's standard-channel
install manifest) and the schemas the routes are validated against (`./tasks gateway-schemas`,
from the Go module `sigs.k8s.io/gateway-api` at that version)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi_kubernetes import yaml

from components._base import child_opts

GATEWAY_API_VERSION = "v1.4.1"
GATEWAY_API_CRDS = (
    "https://github.com/kubernetes-sigs/gateway-api/releases/download/"
    f"{GATEWAY_API_VERSION}/standard-install.yaml"
)
GATEWAY_API = "gateway.networking.k8s.io/v1"
PUBLIC_GATEWAY = "public"
"""The platform's internet-facing Gateway (in the ingress namespace)."""
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
