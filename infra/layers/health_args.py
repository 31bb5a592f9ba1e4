"""What the health layer asks of its components, built from config; imported by the
preflight without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from components.monitoring.aws_health_spec import EntryHealthArgs, HealthTarget
from infra.config import AwsStackConfig

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring


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
