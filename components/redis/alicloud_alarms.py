"""The CloudMonitor alarms an ApsaraDB for Redis / Tair instance emits (namespace `acs_kvstore`),
with their default thresholds and severities (config overrides them by `redis.<key>`)."""

from __future__ import annotations

from typing import Any

from components.monitoring import AlarmSpec

NAMESPACE = "acs_kvstore"
KEYS = ("cpu", "memory", "connections")
"""The alarm keys `groundwork:alerting.alarms` may tune on Alibaba Cloud."""


def redis_alarms(instance_id: Any) -> list[AlarmSpec]:
    """`instance_id` is the instance's id output, so each alarm depends on what it watches."""

    def alarm(key: str, description: str, metric: str, **kw: Any) -> AlarmSpec:
        return AlarmSpec(key=key, description=description, namespace=NAMESPACE, metric=metric,
                         dimensions={"instanceId": instance_id}, statistic="Average",
                         comparison=">", **kw)  # fmt: skip

    return [
        alarm("cpu", "Redis CPU above threshold (%)", "CpuUsage", threshold=80, severity="P2"),
        alarm("memory", "Redis memory use above threshold (%)", "MemoryUsage", threshold=85,
              severity="P1"),
        alarm("connections", "Redis connections above threshold (% of the maximum)",
              "ConnectionUsage", threshold=80, severity="P2"),
    ]  # fmt: skip


PERCENT_KEYS = KEYS
"""Each is a CloudMonitor usage percentage: config holds overrides to 0-100."""
