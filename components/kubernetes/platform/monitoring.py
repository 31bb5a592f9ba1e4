"""`groundwork:kubernetes:MonitoringStack`: the in-cluster metrics stack, shared by every cloud.

Creates, in the monitoring namespace (the baseline creates it, with its PSA labels):
- kube-prometheus-stack as one pinned `helm.v3.Release`: the Prometheus operator, Prometheus,
  Alertmanager, kube-state-metrics and Grafana. Prometheus and Alertmanager keep their data on
  the cluster's encrypted default StorageClass; with more than one replica they get a
  PodDisruptionBudget and hard anti-affinity across zones. Prometheus keeps `retention_days` and
  at most 80 % of its volume. Its selectors are open, so every ServiceMonitor and PrometheusRule
  of the cluster (the Workloads') is picked up.
- Control-plane scrape targets a managed cloud hides (etcd, scheduler, controller manager, and
  kube-proxy, whose metrics listen on the node's loopback) and their rules are off: on EKS and
  ACK they would fire `...Down` alerts forever.
- node-exporter is off: it needs the node's network and PID namespaces and host paths, which the
  namespace's Pod Security level (`baseline`) refuses and our policy
  `k8s-helm-values-pod-security` flags. Container metrics come from the kubelet (cAdvisor).
- The Alertmanager configuration given (`alertmanager_config()` of the one alerting section) as
  a Pulumi secret: inside the release's values (the chart renders it into the Alertmanager
  Secret), or, when it holds other resources' outputs (the cloud's topic ARNs), in a Secret of
  its own that the Alertmanager reads; and Alertmanager's service account with the cloud
  identity it publishes to the topics with.
- Grafana with a generated admin password (a `random.RandomPassword` in a Secret the chart
  references) and its dashboard sidecar; a platform dashboard as a ConfigMap with the sidecar's
  label (Workloads add one each).
- Where the public Gateway's proxies export request metrics (Envoy Gateway on ACK:
  gateway_metrics.py), a PodMonitor `gateway-proxies` in the Gateway's namespace scraping their
  stats port, keeping only the series the Workloads' request alerts read.
- NetworkPolicies: default deny for the namespace, then exactly what the stack needs: DNS, the
  API server, the kubelets and scrapes of pods in other namespaces (Prometheus), the namespace's
  own pods among themselves, the API server calling the operator's admission webhook, and
  HTTPS out from Alertmanager (webhooks, PagerDuty, the notification topics), plus the SMTP
  relay's port when it sends email itself.

Needs a Kubernetes provider and a `random` provider from the caller.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_random as random
import yaml
from pulumi_kubernetes import apiextensions, core, helm, networking

from components._base import child_opts, type_token
from components.kubernetes.platform.baseline import k8s_labels
from components.kubernetes.platform.charts_spec import merge_values
from components.kubernetes.platform.dashboards import DASHBOARD_LABEL, platform_dashboard
from components.kubernetes.platform.gateway_metrics import GatewayProxies, pod_monitor_spec
from components.kubernetes.platform.monitoring_spec import (
    ALERTMANAGER_CONFIG_SECRET,
    ALERTMANAGER_SERVICE_ACCOUNT,
    RELEASE,
    MonitoringStackArgs,
    grafana_admin_secret_name,
    stack_values,
    validate_monitoring,
)

GATEWAY_POD_MONITOR = "gateway-proxies"
"""PodMonitor of the public Gateway's proxies (in the Gateway's namespace)."""
PROMETHEUS_POD_LABELS = {"app.kubernetes.io/name": "prometheus"}
"""Labels the operator puts on Prometheus pods (workloads admit scrapes from them)."""
ALERTMANAGER_POD_LABELS = {"app.kubernetes.io/name": "alertmanager"}
OPERATOR_WEBHOOK_PORT = 10250
"""The operator's admission webhook port (chart value prometheusOperator.tls.internalPort)."""
API_PORTS = (443, 6443)
KUBELET_PORT = 10250
GRAFANA_ADMIN_USER = "admin"
ALERTMANAGER_CONFIG_KEY = "alertmanager.yaml"
"""The key the operator reads the configuration from."""


class MonitoringStack(pulumi.ComponentResource):
    release: helm.v3.Release
    namespace: str
    grafana_admin_password: pulumi.Output[str]

    def __init__(
        self, name: str, args: MonitoringStackArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("kubernetes", "MonitoringStack"), name, None, opts)
        validate_monitoring(args)
        self._name, self._args = name, args
        self.namespace = args.namespace
        self._network_policies()
        admin = self._grafana_admin()
        before = [admin, self._alertmanager_account(), *self._alertmanager_secret()]
        self.release = helm.v3.Release(
            f"{name}-{args.chart.chart}",
            name=RELEASE,
            chart=args.chart.chart,
            version=args.chart.version,
            repository_opts=helm.v3.RepositoryOptsArgs(repo=args.chart.repository),
            namespace=args.namespace,
            create_namespace=False,  # the baseline's, with its PSA labels
            values=merge_values(stack_values(args, admin), args.chart.values),
            atomic=True,
            cleanup_on_fail=True,
            max_history=10,
            timeout=900,
            opts=child_opts(self, protect=args.protect_stateful, depends_on=before),
        )
        after = [self.release]
        self._dashboard("platform", platform_dashboard(args.gateway_proxies), after)
        if args.gateway_proxies is not None:
            self._gateway_monitor(args.gateway_proxies, after)
        self.register_outputs(
            {"namespace": args.namespace, "release": RELEASE, "chartVersion": args.chart.version}
        )

    def _meta(self, name: str, **extra: Any) -> dict[str, Any]:
        labels = {**k8s_labels(name, self._args.part_of), **extra.pop("labels", {})}
        return {"name": name, "namespace": self._args.namespace, "labels": labels, **extra}

    def _grafana_admin(self) -> core.v1.Secret:
        password = random.RandomPassword(
            f"{self._name}-grafana-admin",
            length=32,
            special=False,  # typed into a login form; 32 alphanumerics are ~190 bits
            min_upper=2,
            min_lower=2,
            min_numeric=2,
            opts=child_opts(self, protect=self._args.protect_stateful),
        )
        self.grafana_admin_password = pulumi.Output.secret(password.result)
        return core.v1.Secret(
            f"{self._name}-grafana-admin",
            metadata=self._meta(grafana_admin_secret_name()),
            type="Opaque",
            string_data={
                "admin-user": GRAFANA_ADMIN_USER,
                "admin-password": self.grafana_admin_password,
            },
            opts=child_opts(self),
        )

    def _alertmanager_account(self) -> core.v1.ServiceAccount:
        return core.v1.ServiceAccount(
            f"{self._name}-alertmanager",
            metadata=self._meta(
                ALERTMANAGER_SERVICE_ACCOUNT,
                annotations=dict(self._args.alertmanager_service_account_annotations),
            ),
            automount_service_account_token=True,  # the config reloader reads the API
            opts=child_opts(self),
        )

    def _alertmanager_secret(self) -> list[core.v1.Secret]:
        if not self._args.alertmanager_config_secret:
            return []
        rendered = pulumi.Output.secret(self._args.alertmanager_config).apply(
            lambda config: yaml.safe_dump(config, sort_keys=False)
        )
        return [
            core.v1.Secret(
                f"{self._name}-alertmanager-config",
                metadata=self._meta(ALERTMANAGER_CONFIG_SECRET),
                type="Opaque",
                string_data={ALERTMANAGER_CONFIG_KEY: rendered},
                opts=child_opts(self),
            )
        ]

    def _dashboard(self, key: str, dashboard: Mapping[str, Any], after: list[Any]) -> None:
        core.v1.ConfigMap(
            f"{self._name}-dashboard-{key}",
            metadata=self._meta(f"dashboard-{key}", labels={DASHBOARD_LABEL: "1"}),
            data={f"{key}.json": json.dumps(dashboard, sort_keys=True)},
            opts=child_opts(self, depends_on=after),
        )

    def _gateway_monitor(self, proxies: GatewayProxies, after: list[Any]) -> None:
        """Prometheus reaches the proxies through `allow-prometheus-scrapes` (pods of any
        namespace); the Gateway's namespace has no default deny (its proxies take public traffic)."""
        apiextensions.CustomResource(
            f"{self._name}-gateway-proxies",
            api_version="monitoring.coreos.com/v1",
            kind="PodMonitor",
            metadata={**self._meta(GATEWAY_POD_MONITOR), "namespace": proxies.namespace},
            spec=pod_monitor_spec(proxies),
            opts=child_opts(self, depends_on=after),
        )

    def _policy(self, policy: str, spec: dict[str, Any]) -> None:
        networking.v1.NetworkPolicy(
            f"{self._name}-netpol-{policy}",
            metadata=self._meta(policy),
            spec=spec,
            opts=child_opts(self),
        )

    def _network_policies(self) -> None:
        for policy, spec in network_policy_specs(self._args).items():
            self._policy(policy, spec)


def network_policy_specs(args: MonitoringStackArgs) -> dict[str, dict[str, Any]]:
    """The namespace's NetworkPolicies by name: default deny, then each path the stack needs."""
    vpc = [{"ipBlock": {"cidr": args.cluster_network_cidr}}]
    own_namespace: list[dict[str, Any]] = [{"podSelector": {}}]
    return {
        "default-deny": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
        "allow-dns": {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                            },
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }
            ],
        },
        # Grafana -> Prometheus -> Alertmanager, Alertmanager gossip, self-scrapes.
        "allow-same-namespace": {
            "podSelector": {},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": own_namespace}],
            "egress": [{"to": own_namespace}],
        },
        # The operator, kube-state-metrics, Grafana's sidecar and Prometheus' discovery.
        "allow-apiserver": {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [
                {"to": vpc, "ports": [{"protocol": "TCP", "port": port} for port in API_PORTS]}
            ],
        },
        # The API server calls the operator's admission webhook (rule and config validation).
        "allow-operator-webhook": {
            "podSelector": {"matchLabels": {"app": "kube-prometheus-stack-operator"}},
            "policyTypes": ["Ingress"],
            "ingress": [
                {"from": vpc, "ports": [{"protocol": "TCP", "port": OPERATOR_WEBHOOK_PORT}]}
            ],
        },
        # Prometheus scrapes the kubelets (cAdvisor) and pods in other namespaces; each workload
        # admits it on its metrics port only (the Workload's scrape policy).
        "allow-prometheus-scrapes": {
            "podSelector": {"matchLabels": dict(PROMETHEUS_POD_LABELS)},
            "policyTypes": ["Egress"],
            "egress": [
                {"to": vpc, "ports": [{"protocol": "TCP", "port": KUBELET_PORT}]},
                {"to": [{"namespaceSelector": {}}]},
            ],
        },
        # Notifications: chat webhooks, PagerDuty and the cloud's notification topics are
        # HTTPS endpoints outside the cluster whose addresses are not known in advance (as is an
        # SMTP relay's).
        "allow-alertmanager-notify": {
            "podSelector": {"matchLabels": dict(ALERTMANAGER_POD_LABELS)},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}],
                    "ports": [
                        {"protocol": "TCP", "port": port} for port in args.alertmanager_notify_ports
                    ],
                }
            ],
        },
    }
