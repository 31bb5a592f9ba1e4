"""The CloudWatch alarms an EKS cluster emits from the control-plane metrics EKS publishes to the
`AWS/EKS` namespace (Kubernetes 1.28+), overridable as `cluster.<key>`. Pod restarts and node
counts need in-cluster metrics (kube-state-metrics), not CloudWatch."""

from __future__ import annotations

from typing import Any

from components.monitoring import AlarmSpec

KEYS = ("pending-pods", "apiserver-5xx")


def cluster_alarms(cluster_name: Any) -> list[AlarmSpec]:
    dims = {"ClusterName": cluster_name}
    return [
        AlarmSpec(key="pending-pods", namespace="AWS/EKS", metric="scheduler_pending_pods",
                  description="Pods pending scheduling (no node capacity) above threshold",
                  dimensions=dims, statistic="Maximum", comparison=">", threshold=0,
                  severity="P1", evaluation_periods=3),
        AlarmSpec(key="apiserver-5xx", namespace="AWS/EKS", metric="apiserver_request_total_5XX",
                  description="API server 5xx responses per 5 minutes above threshold",
                  dimensions=dims, statistic="Sum", comparison=">", threshold=50, severity="P2"),
    ]  # fmt: skip
