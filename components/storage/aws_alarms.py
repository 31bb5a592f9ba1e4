"""The CloudWatch alarms of S3 replication (config overrides them by `storage.<key>`). S3 publishes
replication metrics in the destination bucket's region: the alarms live there, on that region's
alert topics."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from components.monitoring import AlarmSpec

KEYS = ("replication-failed",)


def replication_alarms(pairs: Mapping[str, tuple[Any, Any]], *, rule_id: str) -> list[AlarmSpec]:
    """One alarm per replicated bucket (keyed by its role): objects that failed to replicate.
    `pairs`: role -> (source bucket name, destination bucket name)."""
    return [
        AlarmSpec(key="replication-failed", instance=role, namespace="AWS/S3",
                  description="Objects failed to replicate to the DR region",
                  metric="OperationsFailedReplication",
                  dimensions={"SourceBucket": source, "DestinationBucket": destination,
                              "RuleId": rule_id},
                  statistic="Sum", comparison=">", threshold=0, severity="P2",
                  evaluation_periods=1, missing_data="notBreaching")
        for role, (source, destination) in sorted(pairs.items())
    ]  # fmt: skip
