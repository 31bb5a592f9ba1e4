"""`groundwork:healthChecks`: Route 53 health checks of the public entry points, alarmed in
us-east-1 (AWS; components/monitoring/aws_health.py, docs/monitoring.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from components.monitoring import Severity
from components.monitoring.aws_health_spec import EntryHealthArgs
from infra.sections.base import Section, component_default


class HealthChecks(Section):
    enabled: bool = True
    """An HTTPS health check of each public entry point (the API host at its health-check path,
    each service's `host` at its readiness path), each with an alarm on its severity's topic.
    Needs `alerting`; a check the DR failover records already make is reused. Staging and prod
    keep it on (policy obs-entry-health-checks)."""
    severity: Severity = component_default(EntryHealthArgs, "severity")
    """Severity of an entry point failing its checks."""
    failure_threshold: int = Field(
        component_default(EntryHealthArgs, "failure_threshold"), ge=1, le=10
    )
    """Consecutive failed checks before Route 53 counts the entry unhealthy."""
    request_interval_seconds: Literal[10, 30] = component_default(
        EntryHealthArgs, "request_interval_seconds"
    )
    """Seconds between checks from each checker (10 is an extra-cost feature)."""
