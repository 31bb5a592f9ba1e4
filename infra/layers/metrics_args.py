"""What the metrics layer asks of the monitoring stack (its args and the cloud's Alertmanager
wiring), built from config; imported by the preflight without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from components.kubernetes.platform.charts_spec import ChartArgs
from components.kubernetes.platform.gateway_metrics import GatewayProxies
from components.kubernetes.platform.monitoring_spec import MonitoringStackArgs
from infra.config import StackBase

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True)
class AlertmanagerWiring:
    """What the cloud adds to the Alertmanager: its configuration and service-account identity."""

    config: pulumi.Input[Mapping[str, Any]]
    service_account_annotations: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    own_secret: bool = False
    """The config gets a Secret of its own, so the chart values stay readable (priced, checked by
    policy): when it holds other resources' outputs (topic ARNs, the generated SMTP password)."""
    notify_ports: tuple[int, ...] = (443,)
    """TCP ports Alertmanager sends notifications to (HTTPS; an SMTP relay's port)."""


def stack_args(
    cfg: StackBase,
    storage_class: str,
    min_volume_gib: int,
    alertmanager: AlertmanagerWiring,
    gateway_proxies: GatewayProxies | None = None,
) -> MonitoringStackArgs:
    m, chart = cfg.metrics, cfg.metrics.chart
    return MonitoringStackArgs(
        part_of=cfg.name,
        chart=ChartArgs(
            chart=chart.chart,
            version=chart.version,
            repository=chart.repository,
            values=chart.values,
        ),
        namespace=cfg.platform.monitoring_namespace,
        storage_class=storage_class,
        min_volume_gib=min_volume_gib,
        zones=len(cfg.zone_names),
        cluster_network_cidr=str(cfg.network.cidr),
        gateway_proxies=gateway_proxies,
        prometheus=m.prometheus_args(),
        alertmanager=m.alertmanager_args(),
        alertmanager_config=alertmanager.config,
        alertmanager_config_secret=alertmanager.own_secret,
        alertmanager_service_account_annotations=alertmanager.service_account_annotations,
        alertmanager_notify_ports=alertmanager.notify_ports,
        protect_stateful=cfg.protect_stateful_resources,
    )
