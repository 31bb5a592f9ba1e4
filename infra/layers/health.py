"""Health layer (last: after the API edge and the DR records): Route 53 health checks of the
public entry points and their alarms, in us-east-1 where Route 53's metrics are
(components/monitoring/aws_health.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.monitoring.aws_health import EntryHealth
from components.monitoring.aws_health_spec import EntryHealthArgs, HealthTarget
from components.monitoring.aws_spec import AlarmWiring
from infra.config import AwsStackConfig
from infra.providers import Providers


@dataclass(frozen=True)
class HealthHandles:
    health: EntryHealth | None
    """None without `healthChecks.enabled`, `alerting`, or a public entry point."""

    @property
    def exports(self) -> dict[str, Any]:
        return {"healthCheckIds": self.health.health_check_ids} if self.health else {}


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    existing: Mapping[str, pulumi.Input[str]] | None = None,
    alarms: AlarmWiring | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> HealthHandles:
    """`existing`: health checks other layers made, by hostname (the DR failover records');
    `alarms`: the us-east-1 topics (the monitoring layer's `edge_alarms`)."""
    args = health_args(cfg, existing or {}, alarms)
    if args is None:
        return HealthHandles(None)
    return HealthHandles(EntryHealth(f"{cfg.prefix}-health", args, opts=providers.at_edge(opts)))


def entry_points(cfg: AwsStackConfig) -> dict[str, str]:
    """The public entry points, hostname -> path checked: the API host, and each service's host
    when the ingress is internet-facing (Route 53's checkers are on the internet)."""
    found: dict[str, str] = {}
    if cfg.api.enabled and cfg.api.host:
        found[cfg.api.host] = cfg.api.health_check_path
    if cfg.cluster.enabled and cfg.platform.internet_facing:
        found |= {app.host: app.readiness_path for app in cfg.apps.values() if app.host}
    return found


def health_wanted(cfg: AwsStackConfig) -> bool:
    """Health checks are on, there is someone to tell, and an entry point to check."""
    return cfg.health_checks.enabled and cfg.alerting.configured and bool(entry_points(cfg))


def health_args(
    cfg: AwsStackConfig,
    existing: Mapping[str, pulumi.Input[str]],
    alarms: AlarmWiring | None,
) -> EntryHealthArgs | None:
    h = cfg.health_checks
    points = entry_points(cfg)
    if not health_wanted(cfg) or alarms is None:
        return None
    return EntryHealthArgs(
        targets={
            host: HealthTarget(fqdn=host, path=path, health_check_id=existing.get(host))
            for host, path in points.items()
        },
        alarms=alarms,
        severity=h.severity,
        failure_threshold=h.failure_threshold,
        request_interval_seconds=h.request_interval_seconds,
        tags=cfg.base_tags,
    )
