"""The CloudWatch alarms a PostgreSQL database emits, with their default thresholds and severities
(config overrides them by `postgres.<key>`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from components.monitoring import AlarmSpec

KEYS = ("cpu", "freeable-memory", "free-storage", "connections", "replica-lag", "deadlocks",
        "global-lag", "global-rpo-lag", "dr-replica-lag")  # fmt: skip
PERCENT_KEYS = ("cpu",)
"""Keys whose threshold is a percentage (config holds an override to 0-100)."""
GIB = 1024**3


def postgres_alarms(
    *, aurora: bool, identifier: Any, readers: int, replica_identifiers: Sequence[Any] = ()
) -> list[AlarmSpec]:
    """`identifier`: the cluster (Aurora) or primary instance identifier, `replica_identifiers`
    the RDS read replicas', as outputs of those resources, so each alarm depends on what it
    watches."""
    dims = {"DBClusterIdentifier" if aurora else "DBInstanceIdentifier": identifier}

    def alarm(key: str, description: str, metric: str, **kw: Any) -> AlarmSpec:
        return AlarmSpec(key=key, description=description, namespace="AWS/RDS", metric=metric,
                         dimensions=dims, **kw)  # fmt: skip

    specs = [
        alarm("cpu", "PostgreSQL CPU above threshold (%)", "CPUUtilization",
              statistic="Average", comparison=">", threshold=80, severity="P2"),
        alarm("freeable-memory", "PostgreSQL freeable memory below threshold (bytes)",
              "FreeableMemory", statistic="Minimum", comparison="<", threshold=256 * 1024**2,
              severity="P2"),
        # Aurora's volume grows by itself; what runs out is the instances' local (temp) storage.
        alarm("free-storage", "PostgreSQL free storage below threshold (bytes)",
              "FreeLocalStorage" if aurora else "FreeStorageSpace", statistic="Minimum",
              comparison="<", threshold=(2 if aurora else 10) * GIB, severity="P0",
              evaluation_periods=1),
        alarm("connections", "PostgreSQL connections above threshold", "DatabaseConnections",
              statistic="Maximum", comparison=">", threshold=400, severity="P2"),
    ]  # fmt: skip
    if aurora and readers > 0:
        specs.append(
            alarm("replica-lag", "PostgreSQL replica lag above threshold (ms)",
                  "AuroraReplicaLagMaximum", statistic="Maximum", comparison=">", threshold=2000,
                  severity="P2")
        )  # fmt: skip
    for i, replica in enumerate(replica_identifiers, start=1):
        specs.append(
            AlarmSpec(key="replica-lag", instance=str(i), namespace="AWS/RDS",
                      description="PostgreSQL read replica lag above threshold (s)",
                      metric="ReplicaLag", dimensions={"DBInstanceIdentifier": replica},
                      statistic="Maximum", comparison=">", threshold=60, severity="P2")
        )  # fmt: skip
    if aurora:
        specs.append(
            alarm("deadlocks", "PostgreSQL deadlocks per second above threshold", "Deadlocks",
                  statistic="Average", comparison=">", threshold=0.1, severity="P3")
        )  # fmt: skip
    return specs


def global_secondary_alarms(cluster_identifier: Any) -> list[AlarmSpec]:
    """Alarms of an Aurora Global Database secondary (emitted in its region): how far its storage
    is behind the primary, and the RPO lag Aurora PostgreSQL reports."""

    def alarm(key: str, description: str, metric: str, threshold: float) -> AlarmSpec:
        return AlarmSpec(key=key, description=description, namespace="AWS/RDS", metric=metric,
                         dimensions={"DBClusterIdentifier": cluster_identifier},
                         statistic="Maximum", comparison=">", threshold=threshold, severity="P1")  # fmt: skip

    return [
        alarm("global-lag", "Global database replication lag to the DR region above threshold (ms)",
              "AuroraGlobalDBReplicationLag", 30_000),
        alarm("global-rpo-lag", "Global database RPO lag in the DR region above threshold (ms)",
              "AuroraGlobalDBRPOLag", 60_000),
    ]  # fmt: skip


def cross_region_replica_alarms(instance_identifier: Any) -> list[AlarmSpec]:
    """The lag of a cross-region read replica (emitted in its region): the database's RPO."""
    return [
        AlarmSpec(key="dr-replica-lag", namespace="AWS/RDS",
                  description="Cross-region read replica lag above threshold (s)",
                  metric="ReplicaLag", dimensions={"DBInstanceIdentifier": instance_identifier},
                  statistic="Maximum", comparison=">", threshold=300, severity="P1")
    ]  # fmt: skip
