"""The CloudWatch alarms a Valkey / Redis replication group emits, per node (ElastiCache reports
host and engine metrics per cache node), with default thresholds and severities (config overrides
them by `redis.<key>`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components.monitoring import AlarmSpec

if (
    TYPE_CHECKING
):  # the SDK is imported where node ids are built: config validation needs none of it
    import pulumi

NODE_KEYS = ("cpu", "engine-cpu", "memory", "evictions", "replication-lag", "connections")
SERVERLESS_KEYS = ("data-storage", "ecpu", "throttled", "evictions", "connections")
GLOBAL_KEYS = ("global-lag",)
KEYS = tuple(dict.fromkeys(NODE_KEYS + SERVERLESS_KEYS + GLOBAL_KEYS))
PERCENT_KEYS = ("cpu", "engine-cpu", "memory")
"""Keys whose threshold is a percentage (config holds an override to 0-100)."""
GB = 10**9
"""ElastiCache Serverless limits count decimal gigabytes; alarming against 10^9 errs early."""


def node_ids(group_id: pulumi.Output[str], *, shards: int, nodes_per_shard: int, cluster_mode: bool
             ) -> dict[str, pulumi.Output[str]]:  # fmt: skip
    """The member node ids ElastiCache derives from the group id, by a stable suffix."""
    import pulumi  # noqa: PLC0415

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


def serverless_alarms(
    cache_name: Any, *, max_data_storage_gb: int, max_ecpu_per_second: int
) -> list[AlarmSpec]:
    """Alarms of an ElastiCache Serverless cache (one `clusterId`): its usage limits are hard
    ceilings (it evicts or throttles there), so the defaults fire at 80 % of each, before."""

    def alarm(key: str, description: str, metric: str, **kw: Any) -> AlarmSpec:
        return AlarmSpec(key=key, description=description, namespace="AWS/ElastiCache",
                         metric=metric, dimensions={"clusterId": cache_name}, **kw)  # fmt: skip

    return [
        alarm("data-storage", "Cache data above 80 % of its storage limit (bytes)",
              "BytesUsedForCache", statistic="Maximum", comparison=">",
              threshold=0.8 * max_data_storage_gb * GB, severity="P1", evaluation_periods=2),
        alarm("ecpu", "Cache ECPUs above 80 % of its limit (ECPUs per minute)",
              "ElastiCacheProcessingUnits", statistic="Sum", comparison=">",
              threshold=0.8 * max_ecpu_per_second * 60, severity="P2", period_seconds=60,
              evaluation_periods=5),
        alarm("throttled", "Cache commands throttled at the ECPU limit", "ThrottledCmds",
              statistic="Sum", comparison=">", threshold=0, severity="P2",
              missing_data="notBreaching"),
        alarm("evictions", "Cache evictions above threshold (keys per 5 minutes)",
              "Evictions", statistic="Sum", comparison=">", threshold=1000, severity="P2"),
        alarm("connections", "Cache connections above threshold", "CurrConnections",
              statistic="Maximum", comparison=">", threshold=5000, severity="P3"),
    ]  # fmt: skip


def global_datastore_alarms(primary_nodes: dict[str, Any]) -> list[AlarmSpec]:
    """Alarms of a Global Datastore secondary (emitted in its region), on the node of each shard
    that replicates from the primary region."""
    return [
        AlarmSpec(key="global-lag", instance=suffix, namespace="AWS/ElastiCache",
                  description="Global datastore replication lag to the DR region above threshold (s)",
                  metric="GlobalDatastoreReplicationLag", dimensions={"CacheClusterId": node},
                  statistic="Maximum", comparison=">", threshold=5, severity="P2")
        for suffix, node in primary_nodes.items()
    ]  # fmt: skip
