"""The metrics stack's args, chart values and check: config and preflight need them without SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from components._base import parse_cidr, require
from components.kubernetes.platform.charts_spec import ChartArgs, validate_charts
from components.kubernetes.platform.dashboards import DASHBOARD_LABEL
from components.kubernetes.platform.gateway_metrics import GatewayProxies

if TYPE_CHECKING:
    import pulumi
    from pulumi_kubernetes import core

RELEASE = "kps"
"""Release name: short, so the chart's object names stay short (`kps-operator`, ...)."""
HIDDEN_CONTROL_PLANE = ("kubeEtcd", "kubeScheduler", "kubeControllerManager", "kubeProxy")
"""Scrape targets a managed control plane does not expose to the cluster (values keys)."""
HIDDEN_CONTROL_PLANE_RULES = (
    "etcd",
    "kubeControllerManager",
    "kubeSchedulerAlerting",
    "kubeSchedulerRecording",
    "kubeProxy",
    "nodeExporterAlerting",
    "nodeExporterRecording",
    "node",
    "windows",
)
"""Default rule groups over targets that are off (control plane, node-exporter, Windows)."""
RETENTION_SHARE = 0.8
"""Share of the Prometheus volume its size-based retention may fill (the rest: WAL, compaction)."""
ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager"
"""Alertmanager's service account (named, so a cloud identity can trust exactly it)."""
ALERTMANAGER_CONFIG_SECRET = "alertmanager-config"  # noqa: S105 (a Secret's name)


@dataclass(frozen=True, kw_only=True)
class PrometheusArgs:
    replicas: int = 2
    """Prometheus servers (each scrapes everything: one can be drained or lost)."""
    retention_days: int = 15
    """Days of metrics kept (and at most 80 % of the volume)."""
    volume_gib: int = 50
    """Persistent volume per replica, on the cluster's default (encrypted) StorageClass."""
    requests_cpu: str = "500m"
    requests_memory: str = "2Gi"
    limits_memory: str = "4Gi"


@dataclass(frozen=True, kw_only=True)
class AlertmanagerArgs:
    replicas: int = 3
    """Alertmanagers (a gossip cluster: notifications survive the loss of members)."""
    volume_gib: int = 1
    """Persistent volume per replica for silences and the notification log; 0: an emptyDir
    (both are lost when the pod restarts)."""


@dataclass(frozen=True, kw_only=True)
class MonitoringStackArgs:
    part_of: str
    """Product name (label `app.kubernetes.io/part-of`)."""
    chart: ChartArgs
    """kube-prometheus-stack, pinned."""
    namespace: str = "monitoring"
    """Namespace of the stack (a platform namespace of the baseline)."""
    storage_class: str
    """StorageClass of the volumes (the baseline's encrypted default)."""
    min_volume_gib: int = 1
    """Smallest volume the StorageClass provisions (ESSD: 20 GiB)."""
    zones: int
    """Availability zones the nodes span (hard anti-affinity needs a zone per replica)."""
    cluster_network_cidr: str
    """The VPC's CIDR: nodes (kubelets) and the API server's endpoints live in it."""
    gateway_proxies: GatewayProxies | None = None
    """The public Gateway's proxies, when they export request metrics (Envoy Gateway): scraped by
    a PodMonitor in their namespace. None: the Gateway has none (the ALB)."""
    prometheus: PrometheusArgs = field(default_factory=PrometheusArgs)
    alertmanager: AlertmanagerArgs = field(default_factory=AlertmanagerArgs)
    alertmanager_config: pulumi.Input[Mapping[str, Any]]
    """The Alertmanager configuration (`components.monitoring.alertmanager_config`); it is
    wrapped as a Pulumi secret (webhook URLs and keys)."""
    alertmanager_config_secret: bool = False
    """Put the configuration in a Secret of its own, which the chart's Alertmanager reads,
    instead of the chart values: for a configuration holding other resources' outputs (the
    cloud's topic ARNs), so the chart values stay free of them (known at preview, priced)."""
    alertmanager_service_account_annotations: Mapping[str, pulumi.Input[str]] = field(
        default_factory=dict
    )
    """Annotations of Alertmanager's service account (a cloud identity allowed to publish to the
    notification topics, e.g. an IRSA role); the service account is this component's, not the
    chart's, for the same reason."""
    alertmanager_notify_ports: tuple[int, ...] = (443,)
    """TCP ports Alertmanager may reach outside the cluster: HTTPS, and an SMTP relay's port when
    email goes through one."""
    protect_stateful: bool = True
    """Protect the release: removing it deletes the metrics and silences with its volumes."""


def grafana_admin_secret_name() -> str:
    return "grafana-admin"


def _volume_claim(storage_class: str, gib: int) -> dict[str, Any]:
    return {
        "volumeClaimTemplate": {
            "spec": {
                "storageClassName": storage_class,
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": f"{gib}Gi"}},
            }
        }
    }


def _spread(replicas: int) -> dict[str, Any]:
    """More than one replica: hard anti-affinity across zones (losing a zone loses one)."""
    if replicas > 1:
        return {
            "podAntiAffinity": "hard",
            "podAntiAffinityTopologyKey": "topology.kubernetes.io/zone",
        }
    return {"podAntiAffinity": "soft"}


def _pdb(replicas: int) -> dict[str, Any]:
    return {"enabled": replicas > 1, "minAvailable": max(replicas - 1, 1)}


def _secret(value: pulumi.Input[Mapping[str, Any]]) -> pulumi.Output[Mapping[str, Any]]:
    """`pulumi.Output.secret`, the SDK imported only when the configuration goes into the values
    (config validation builds them with a Secret of its own, so without it)."""
    import pulumi  # noqa: PLC0415

    return pulumi.Output.secret(value)


def stack_values(args: MonitoringStackArgs, admin: core.v1.Secret | None = None) -> dict[str, Any]:
    """The chart values from the args (the caller's `chart.values` are merged over them)."""
    prom, am = args.prometheus, args.alertmanager
    retention_size = int(prom.volume_gib * RETENTION_SHARE * 1024)
    alertmanager_spec: dict[str, Any] = {
        "replicas": am.replicas,
        **(
            {"useExistingSecret": True, "configSecret": ALERTMANAGER_CONFIG_SECRET}
            if args.alertmanager_config_secret
            else {}
        ),
        **_spread(am.replicas),
        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}},
    }
    if am.volume_gib:
        alertmanager_spec["storage"] = _volume_claim(args.storage_class, am.volume_gib)
    values: dict[str, Any] = {
        "fullnameOverride": RELEASE,
        "crds": {"enabled": True},
        "defaultRules": {"rules": dict.fromkeys(HIDDEN_CONTROL_PLANE_RULES, False)},
        **{target: {"enabled": False} for target in HIDDEN_CONTROL_PLANE},
        "nodeExporter": {"enabled": False},
        "windowsMonitoring": {"enabled": False},
        "alertmanager": {
            **(
                {}
                if args.alertmanager_config_secret
                else {"config": _secret(args.alertmanager_config)}
            ),
            "podDisruptionBudget": _pdb(am.replicas),
            "serviceAccount": {"create": False, "name": ALERTMANAGER_SERVICE_ACCOUNT},
            "alertmanagerSpec": alertmanager_spec,
        },
        "prometheus": {
            "podDisruptionBudget": _pdb(prom.replicas),
            "prometheusSpec": {
                "replicas": prom.replicas,
                **_spread(prom.replicas),
                "retention": f"{prom.retention_days}d",
                "retentionSize": f"{retention_size}MB",
                "storageSpec": _volume_claim(args.storage_class, prom.volume_gib),
                "resources": {
                    "requests": {"cpu": prom.requests_cpu, "memory": prom.requests_memory},
                    "limits": {"memory": prom.limits_memory},
                },
                # Every ServiceMonitor / PrometheusRule of the cluster, not only the chart's.
                "ruleSelectorNilUsesHelmValues": False,
                "serviceMonitorSelectorNilUsesHelmValues": False,
                "podMonitorSelectorNilUsesHelmValues": False,
                "probeSelectorNilUsesHelmValues": False,
            },
        },
        "grafana": {
            "admin": {
                "existingSecret": grafana_admin_secret_name(),
                "userKey": "admin-user",
                "passwordKey": "admin-password",
            },
            "persistence": {"enabled": False},  # dashboards are ConfigMaps, the login a Secret
            "sidecar": {
                "dashboards": {
                    "enabled": True,
                    "label": DASHBOARD_LABEL,
                    "labelValue": "1",
                    "searchNamespace": "ALL",
                }
            },
        },
    }
    return values


def validate_monitoring(args: MonitoringStackArgs) -> None:
    """Reject args that would leave the stack unschedulable, unpinned or without data."""
    validate_charts({"kube_prometheus_stack": args.chart}, ["kube_prometheus_stack"])
    require(bool(args.storage_class), "storage_class", "must not be empty")
    parse_cidr("cluster_network_cidr", args.cluster_network_cidr)
    for key, replicas in (
        ("prometheus.replicas", args.prometheus.replicas),
        ("alertmanager.replicas", args.alertmanager.replicas),
    ):
        require(replicas >= 1, key, "at least 1")
        require(
            replicas == 1 or replicas <= args.zones,
            key,
            f"{replicas} replicas need as many zones (hard anti-affinity across zones); the "
            f"cluster spans {args.zones}",
        )
    require(args.prometheus.retention_days >= 1, "prometheus.retention_days", "at least 1")
    require(
        args.prometheus.volume_gib >= args.min_volume_gib,
        "prometheus.volume_gib",
        f"at least {args.min_volume_gib} (the smallest volume of StorageClass "
        f"'{args.storage_class}')",
    )
    require(
        args.alertmanager.volume_gib == 0 or args.alertmanager.volume_gib >= args.min_volume_gib,
        "alertmanager.volume_gib",
        f"0 (no volume) or at least {args.min_volume_gib} (the smallest volume of StorageClass "
        f"'{args.storage_class}')",
    )
