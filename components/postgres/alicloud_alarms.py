"""The CloudMonitor alarms an ApsaraDB RDS for PostgreSQL database emits (namespace
`acs_rds_dashboard`), with their default thresholds and severities (config overrides them by
`postgres.<key>`, the same keys as on AWS where the metric is the same)."""

from __future__ import annotations

from typing import Any

from components.monitoring import AlarmSpec

NAMESPACE = "acs_rds_dashboard"


def postgres_alarms(instance_id: Any) -> list[AlarmSpec]:
    """`instance_id` is the instance's id output, so each alarm depends on what it watches."""

    def alarm(key: str, description: str, metric: str, target: Any, **kw: Any) -> AlarmSpec:
        return AlarmSpec(key=key, description=description, namespace=NAMESPACE, metric=metric,
                         dimensions={"instanceId": target}, statistic="Average",
                         comparison=">", **kw)  # fmt: skip

    return [
        alarm("cpu", "PostgreSQL CPU above threshold (%)", "CpuUsage", instance_id,
              threshold=80, severity="P2"),
        alarm("memory", "PostgreSQL memory use above threshold (%)", "MemoryUsage", instance_id,
              threshold=90, severity="P2"),
        alarm("free-storage", "PostgreSQL disk use above threshold (%)", "DiskUsage", instance_id,
              threshold=85, severity="P0", evaluation_periods=1),
        alarm("connections", "PostgreSQL connections above threshold (% of the maximum)",
              "ConnectionUsage", instance_id, threshold=80, severity="P2"),
    ]  # fmt: skip


KEYS = tuple(spec.key for spec in postgres_alarms("instance-id"))
"""Every alarm's key; each is a CloudMonitor usage percentage (config holds overrides to 0-100)."""
PERCENT_KEYS = KEYS
