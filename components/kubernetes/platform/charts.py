"""What the add-ons of every cloud share: the source of a pinned chart (an HTTPS repository or an
OCI registry) and the Let's Encrypt ClusterIssuer solving HTTP-01 through the public Gateway (the
chart args and their check: charts_spec.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_kubernetes import apiextensions, helm

from components._base import child_opts
from components.kubernetes.gateway_api import HTTP_LISTENER
from components.kubernetes.gateway_api_spec import PUBLIC_GATEWAY
from components.kubernetes.platform.baseline import k8s_labels
from components.kubernetes.platform.charts_spec import ACME_SERVERS, AcmeServer, ChartArgs


def chart_source(chart: ChartArgs) -> tuple[str, helm.v3.RepositoryOptsArgs | None]:
    """The Release's `chart` and `repository_opts`: an OCI chart is named by its full reference
    (`oci://registry/path/chart`) and has no repository."""
    if chart.repository.startswith("oci://"):
        return f"{chart.repository.rstrip('/')}/{chart.chart}", None
    return chart.chart, helm.v3.RepositoryOptsArgs(repo=chart.repository)


def cluster_issuer(
    parent: pulumi.Resource,
    name: str,
    *,
    part_of: str,
    acme_server: AcmeServer,
    acme_email: str,
    gateway_namespace: str,
    depends_on: Sequence[pulumi.Resource],
) -> str:
    """A Let's Encrypt ClusterIssuer solving HTTP-01 through the public Gateway's HTTP listener
    (cert-manager creates the challenge's HTTPRoute in the Certificate's namespace); its name."""
    issuer = f"letsencrypt-{acme_server}"
    apiextensions.CustomResource(
        name,
        api_version="cert-manager.io/v1",
        kind="ClusterIssuer",
        metadata={"name": issuer, "labels": k8s_labels(issuer, part_of)},
        spec={
            "acme": {
                "server": ACME_SERVERS[acme_server],
                "email": acme_email,
                "privateKeySecretRef": {"name": f"{issuer}-account-key"},
                "solvers": [
                    {
                        "http01": {
                            "gatewayHTTPRoute": {
                                "parentRefs": [
                                    {
                                        "name": PUBLIC_GATEWAY,
                                        "namespace": gateway_namespace,
                                        "sectionName": HTTP_LISTENER,
                                    }
                                ]
                            }
                        }
                    }
                ],
            }
        },
        opts=child_opts(parent, depends_on=list(depends_on)),
    )
    return issuer
