"""The CloudMonitor alarms a PostgreSQL database on Alibaba Cloud emits, with their default
thresholds and severities (config overrides them by `postgres.<key>`, the same keys as on AWS
where the metric is the same): ApsaraDB RDS (namespace `acs_rds_dashboard`, by instance) and the
PolarDB option (namespace `acs_polardb`, by cluster)."""

from __future__ import annotations

from typing import Any

from components.monitoring import AlarmSpec

NAMESPACE = "acs_rds_dashboard"
POLARDB_NAMESPACE = "acs_polardb"
KEYS = ("cpu", "memory", "free-storage", "connections")
"""The alarm keys `groundwork:alerting.alarms` may tune on Alibaba Cloud (both engines)."""


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


def polardb_alarms(cluster_id: Any) -> list[AlarmSpec]:
    """The PolarDB for PostgreSQL metrics with RDS's meaning, by cluster (`cluster_id` is the
    cluster's id output, so each alarm depends on it). No storage alarm: PolarDB's storage grows
    with the data (billed per use), there is no disk to fill."""

    def alarm(key: str, description: str, metric: str, **kw: Any) -> AlarmSpec:
        return AlarmSpec(key=key, description=description, namespace=POLARDB_NAMESPACE,
                         metric=metric, dimensions={"clusterId": cluster_id},
                         statistic="Average", comparison=">", **kw)  # fmt: skip

    return [
        alarm("cpu", "PolarDB CPU above threshold (%)", "pg_cpu_total", threshold=80,
              severity="P2"),
        alarm("memory", "PolarDB memory use above threshold (%)", "pg_mem_usage", threshold=90,
              severity="P2"),
        alarm("connections", "PolarDB connections above threshold (% of the maximum)",
              "pg_conn_usage", threshold=80, severity="P2"),
    ]  # fmt: skip


PERCENT_KEYS = KEYS
"""Each is a CloudMonitor usage percentage: config holds overrides to 0-100."""
