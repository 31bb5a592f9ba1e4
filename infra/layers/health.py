"""Health layer (last: after the API edge and the DR records): Route 53 health checks of the
public entry points and their alarms, in us-east-1 where Route 53's metrics are
(components/monitoring/aws_health.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.monitoring.aws_health import EntryHealth
from components.monitoring.aws_spec import AlarmWiring
from infra.config import AwsStackConfig
from infra.layers.health_args import health_args
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
