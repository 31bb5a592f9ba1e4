"""The CloudWatch alarms a Valkey / Redis replication group emits, per node (ElastiCache reports
host and engine metrics per cache node), with default thresholds and severities (config overrides
them by `redis.<key>`)."""

from __future__ import annotations

from typing import Any

import pulumi

from components.monitoring import AlarmSpec

KEYS = ("cpu", "engine-cpu", "memory", "evictions", "replication-lag", "connections")


def node_ids(group_id: pulumi.Output[str], *, shards: int, nodes_per_shard: int, cluster_mode: bool
             ) -> dict[str, pulumi.Output[str]]:  # fmt: skip
    """The member node ids ElastiCache derives from the group id, by a stable suffix."""
    if not cluster_mode:
        suffixes = [f"{n:03d}" for n in range(1, nodes_per_shard + 1)]
    else:
        suffixes = [f"{s:04d}-{n:03d}" for s in range(1, shards + 1)
                    for n in range(1, nodes_per_shard + 1)]  # fmt: skip
    return {s: pulumi.Output.concat(group_id, f"-{s}") for s in suffixes}


def redis_alarms(nodes: dict[str, Any], *, replicas: int) -> list[AlarmSpec]:
    specs: list[AlarmSpec] = []
    for suffix, node in nodes.items():

        def alarm(key: str, description: str, metric: str, node: Any = node, suffix: str = suffix,
                  **kw: Any) -> AlarmSpec:  # fmt: skip
            return AlarmSpec(key=key, instance=suffix, description=description,
                             namespace="AWS/ElastiCache", metric=metric,
                             dimensions={"CacheClusterId": node}, **kw)  # fmt: skip

        specs += [
            alarm("cpu", "Cache host CPU above threshold (%)", "CPUUtilization",
                  statistic="Average", comparison=">", threshold=90, severity="P3"),
            alarm("engine-cpu", "Cache engine CPU above threshold (%)", "EngineCPUUtilization",
                  statistic="Average", comparison=">", threshold=80, severity="P2"),
            alarm("memory", "Cache memory use above threshold (%)",
                  "DatabaseMemoryUsagePercentage", statistic="Maximum", comparison=">",
                  threshold=90, severity="P1", evaluation_periods=2),
            alarm("evictions", "Cache evictions above threshold (keys per 5 minutes)",
                  "Evictions", statistic="Sum", comparison=">", threshold=1000, severity="P2"),
            alarm("connections", "Cache connections above threshold", "CurrConnections",
                  statistic="Maximum", comparison=">", threshold=5000, severity="P3"),
        ]  # fmt: skip
        if replicas > 0:
            # Only replicas report it, and which node is a replica changes on failover.
            specs.append(
                alarm("replication-lag", "Cache replication lag above threshold (s)",
                      "ReplicationLag", statistic="Maximum", comparison=">", threshold=5,
                      severity="P2", missing_data="notBreaching")
            )  # fmt: skip
    return specs
