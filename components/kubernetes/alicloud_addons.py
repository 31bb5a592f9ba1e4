"""`groundwork:alicloud/kubernetes:PlatformAddons`: the add-ons ACK does not manage itself.

Creates, each as one `helm.v3.Release` with a pinned chart version and repository:
- ingress-nginx behind a CLB the cloud controller manager provisions (internet-facing or
  intranet, deletion and modification protection on), the cluster's IngressClass;
- cert-manager (CRDs included) and a Let's Encrypt `ClusterIssuer` solving HTTP-01 through it.
Metrics-server, the CSI plugins and the cluster autoscaler are ACK managed components (set on the
cluster, components/kubernetes/alicloud_ack.py); RRSA replaces IRSA, so no add-on needs an
identity of its own here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_kubernetes import helm

from components._base import child_opts, require, type_token
from components.kubernetes.platform.charts import (
    ACME_SERVERS,
    AcmeServer,
    ChartArgs,
    cluster_issuer,
    ingress_nginx_values,
    merge_values,
    validate_charts,
)

REQUIRED_CHARTS = ("ingress_nginx", "cert_manager")
LB_ANNOTATION = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-"


@dataclass(frozen=True, kw_only=True)
class PlatformAddonsArgs:
    part_of: str
    """Product name (label `app.kubernetes.io/part-of`)."""
    charts: Mapping[str, ChartArgs]
    """Pinned charts by add-on: ingress_nginx, cert_manager."""
    ingress_namespace: str = "ingress-nginx"
    ingress_class: str = "nginx"
    internet_facing: bool = True
    """CLB address type: internet or intranet (reachable in the VPC only)."""
    load_balancer_spec: str = "slb.s1.small"
    """CLB specification (pay-by-specification)."""
    acme_email: str
    acme_server: AcmeServer = "production"
    replicas: int = 2
    """Replicas of each controller (2+: one can be drained or lost)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the CLB (applied by the cloud controller manager)."""


class PlatformAddons(pulumi.ComponentResource):
    releases: dict[str, helm.v3.Release]
    cluster_issuer_name: str
    ingress_class: str

    def __init__(
        self, name: str, args: PlatformAddonsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(
            type_token("kubernetes", "PlatformAddons", cloud="alicloud"), name, None, opts
        )
        _validate(args)
        self._name, self._args = name, args
        self.releases = {}
        self._ingress_nginx()
        cert_manager = self._release(
            "cert_manager",
            "cert-manager",
            {
                "crds": {"enabled": True, "keep": True},
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
            ingress_class=args.ingress_class,
            depends_on=[cert_manager, self.releases["ingress_nginx"]],
        )
        self.ingress_class = args.ingress_class
        self.register_outputs(
            {
                "releases": sorted(self.releases),
                "clusterIssuer": self.cluster_issuer_name,
                "ingressClass": self.ingress_class,
            }
        )

    def _release(
        self, key: str, namespace: str, values: Mapping[str, Any],
        depends_on: Sequence[pulumi.Resource] = (),
    ) -> helm.v3.Release:  # fmt: skip
        chart = self._args.charts[key]
        release = helm.v3.Release(
            f"{self._name}-{chart.chart}",
            name=chart.chart,
            chart=chart.chart,
            version=chart.version,
            repository_opts=helm.v3.RepositoryOptsArgs(repo=chart.repository),
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

    def _ingress_nginx(self) -> None:
        args = self._args
        tags = ",".join(f"{k}={v}" for k, v in sorted(args.tags.items()))
        service = {
            "type": "LoadBalancer",
            "externalTrafficPolicy": "Local",
            "annotations": {
                f"{LB_ANNOTATION}address-type": "internet" if args.internet_facing else "intranet",
                f"{LB_ANNOTATION}spec": args.load_balancer_spec,
                f"{LB_ANNOTATION}instance-charge-type": "PayBySpec",
                f"{LB_ANNOTATION}delete-protection": "on",
                f"{LB_ANNOTATION}modification-protection": "ConsoleProtection",
                f"{LB_ANNOTATION}additional-resource-tags": tags,
            },
        }
        self._release(
            "ingress_nginx",
            args.ingress_namespace,
            ingress_nginx_values(args.ingress_class, args.replicas, service),
        )


def _validate(args: PlatformAddonsArgs) -> None:
    validate_charts(args.charts, REQUIRED_CHARTS)
    require(args.acme_server in ACME_SERVERS, "acme_server", "staging or production")
    require("@" in args.acme_email, "acme_email", "must be an e-mail address")
    require(args.replicas >= 1, "replicas", "at least 1")
    require(args.load_balancer_spec.startswith("slb."), "load_balancer_spec", "a CLB spec (slb.*)")
