"""`groundwork:alicloud/kubernetes:PlatformAddons`: the add-ons ACK does not manage itself.

Creates, each as one `helm.v3.Release` with a pinned chart version and repository:
- the Gateway API CRDs of the pinned release (`GATEWAY_API_VERSION`, the same as on EKS);
- Envoy Gateway: its own CRDs (`gateway-crds-helm`, the Gateway API ones left to the pin above)
  and the controller (`gateway-helm`, CRDs skipped), in the public Gateway's namespace; the
  Gateway itself and its CLB are `alicloud_gateway.py`'s (ingress-nginx, retired in March 2026,
  is gone);
- cert-manager (CRDs included, Gateway API support on) and a Let's Encrypt `ClusterIssuer` solving
  HTTP-01 through the public Gateway.
Metrics-server, the CSI plugins and the cluster autoscaler are ACK managed components (set on the
cluster, components/kubernetes/alicloud_ack.py); RRSA replaces IRSA, so no add-on needs an
identity of its own here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pulumi_kubernetes import helm

from components._base import child_opts, type_token
from components.kubernetes.alicloud_addons_spec import PlatformAddonsArgs, validate
from components.kubernetes.gateway_api import gateway_api_crds
from components.kubernetes.platform.charts import chart_source, cluster_issuer
from components.kubernetes.platform.charts_spec import (
    merge_values,
)


class PlatformAddons(pulumi.ComponentResource):
    releases: dict[str, helm.v3.Release]
    gateway_api_crds: pulumi.Resource
    cluster_issuer_name: str

    def __init__(
        self, name: str, args: PlatformAddonsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            type_token("kubernetes", "PlatformAddons", cloud="alicloud"), name, None, opts
        )
        validate(args)
        self._name, self._args = name, args
        self.releases = {}
        self.gateway_api_crds = gateway_api_crds(self, f"{name}-gateway-api-crds")
        self._envoy_gateway()
        cert_manager = self._release(
            "cert_manager",
            "cert-manager",
            {
                "crds": {"enabled": True, "keep": True},
                "config": {"enableGatewayAPI": True},
                "replicaCount": args.replicas,
                "podDisruptionBudget": {"enabled": True, "minAvailable": 1},
                "webhook": {"replicaCount": args.replicas},
            },
        )
        self.cluster_issuer_name = cluster_issuer(
            self,
            f"{name}-cluster-issuer",
            part_of=args.part_of,
            acme_server=args.acme_server,
            acme_email=args.acme_email,
            gateway_namespace=args.ingress_namespace,
            depends_on=[cert_manager, self.gateway_api_crds],
        )
        self.register_outputs(
            {"releases": sorted(self.releases), "clusterIssuer": self.cluster_issuer_name}
        )

    def _release(
        self, key: str, namespace: str, values: Mapping[str, Any],
        depends_on: Sequence[pulumi.Resource] = (), skip_crds: bool = False,
    ) -> helm.v3.Release:  # fmt: skip
        chart = self._args.charts[key]
        ref, repository = chart_source(chart)
        release = helm.v3.Release(
            f"{self._name}-{chart.chart}",
            name=chart.chart,
            chart=ref,
            version=chart.version,
            repository_opts=repository,
            skip_crds=skip_crds,
            namespace=namespace,
            create_namespace=False,  # namespaces come from the baseline, with PSA labels
            values=merge_values(values, chart.values),
            atomic=True,
            cleanup_on_fail=True,
            max_history=10,
            timeout=600,
            opts=child_opts(self, depends_on=list(depends_on)),
        )
        self.releases[key] = release
        return release

    def _envoy_gateway(self) -> None:
        """Envoy Gateway's CRDs (not the Gateway API's: those are the pinned release's), then the
        controller without the CRDs its chart bundles."""
        args = self._args
        crds = self._release(
            "envoy_gateway_crds",
            args.ingress_namespace,
            {"crds": {"gatewayAPI": {"enabled": False}, "envoyGateway": {"enabled": True}}},
        )
        self._release(
            "envoy_gateway",
            args.ingress_namespace,
            {
                "deployment": {"replicas": args.replicas},
                "podDisruptionBudget": {"minAvailable": 1},
            },
            depends_on=[crds, self.gateway_api_crds],
            skip_crds=True,
        )
