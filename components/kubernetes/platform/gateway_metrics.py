"""Request metrics of the public Gateway's proxies, where its implementation has them.

Envoy Gateway (the ACK Gateway) runs Envoy, which serves Prometheus metrics on its stats port
(container port `metrics`, 19001, path `/stats/prometheus`: Envoy Gateway v1.7's proxy
Deployment). Per HTTPRoute rule, Envoy Gateway builds one Envoy cluster named
`httproute/<namespace>/<route>/rule/<index>` (every weighted backend of the rule, a canary too, is
a locality of that one cluster), and Envoy's cluster stats carry that name in the
`envoy_cluster_name` label:

- `envoy_cluster_upstream_rq_xx{envoy_response_code_class="1".."5"}`: responses by status class,
  including the 503 Envoy answers when no pod of the route is ready and the 503/504 it answers for
  a failed, reset or timed-out upstream request (Envoy's router charges those to the cluster);
- `envoy_cluster_upstream_rq_time`: histogram of the upstream request time, in milliseconds.

What they cannot see: requests no route matched (404) and anything the proxy refuses before
routing (TLS failures, bad requests) are not charged to a route's cluster.

The ALB of the EKS Gateway has no Prometheus metrics (its are CloudWatch's): no proxies here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

STATS_PORT_NAME = "metrics"
"""Envoy Gateway's name of the proxy container's stats port (19001)."""
STATS_PATH = "/stats/prometheus"
REQUESTS = "envoy_cluster_upstream_rq_xx"
STATUS_CLASS = "envoy_response_code_class"
DURATION_MS = "envoy_cluster_upstream_rq_time"
CLUSTER_LABEL = "envoy_cluster_name"
KEPT_METRICS = (REQUESTS, *(f"{DURATION_MS}_{part}" for part in ("bucket", "count", "sum")))
"""What the scrape keeps of Envoy's several thousand series: what the Workload rules and
dashboards read, nothing else (Prometheus' volume is small in dev)."""


@dataclass(frozen=True, kw_only=True)
class GatewayProxies:
    """Where a Gateway's proxies run: what a PodMonitor selects and rules filter on."""

    namespace: str
    pod_labels: Mapping[str, str]


def route_cluster(namespace: str, route: str, rule: int = 0) -> str:
    """Envoy Gateway's cluster of an HTTPRoute's rule (`irRouteDestinationName`, v1.7)."""
    return f"httproute/{namespace}/{route}/rule/{rule}"


def pod_monitor_spec(proxies: GatewayProxies, interval_seconds: int = 30) -> dict[str, Any]:
    """Prometheus scrapes every proxy of the Gateway on its stats port, keeping `KEPT_METRICS`."""
    return {
        "namespaceSelector": {"matchNames": [proxies.namespace]},
        "selector": {"matchLabels": dict(proxies.pod_labels)},
        "podMetricsEndpoints": [
            {
                "port": STATS_PORT_NAME,
                "path": STATS_PATH,
                "interval": f"{interval_seconds}s",
                "metricRelabelings": [
                    {
                        "sourceLabels": ["__name__"],
                        "regex": "|".join(KEPT_METRICS),
                        "action": "keep",
                    }
                ],
            }
        ],
    }
