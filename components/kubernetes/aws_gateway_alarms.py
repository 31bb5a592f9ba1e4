"""The CloudWatch alarms of the public Gateway's load balancer (overridable as `gateway.<key>`).

The AWS Load Balancer Controller creates the ALB and its target groups from the Gateway API
objects at deploy time, so the program cannot name them: the `LoadBalancer` dimension is
`app/<name>/<id>`, and ELB assigns the id even when the name is pinned. The alarms therefore
select the series with a Metrics Insights query on a tag the controller puts on every resource it
makes (`defaultTags` of its release: `CLUSTER_TAG` = the cluster's name). Tags are queryable once
the account has resource tags for telemetry turned on (the bootstrap's `TelemetryEnrichment`);
without it the query selects nothing and the alarms stay without data.
"""

from __future__ import annotations

from components.monitoring import AlarmSpec

KEYS = ("target-5xx", "unhealthy-hosts")
CLUSTER_TAG = "GroundworkCluster"
"""A plain key (letters only), so the query needs no quoting of a tag name."""
NAMESPACE = "AWS/ApplicationELB"


def query(function: str, metric: str, dimensions: str, cluster: str) -> str:
    """The Metrics Insights query over the controller's series of this cluster (`cluster` is an
    EKS name: letters, digits, - and _, so it needs no escaping inside the quotes)."""
    return (
        f'SELECT {function}({metric}) FROM SCHEMA("{NAMESPACE}", {dimensions}) '  # noqa: S608  (CloudWatch, not a database)
        f"WHERE tag.{CLUSTER_TAG} = '{cluster}'"
    )


def load_balancer_alarms(cluster: str, *, target_groups: int) -> list[AlarmSpec]:
    """`target_groups`: how many the controller will make (one per routed backend Service): the
    unhealthy-hosts query analyses one series per target group, and is billed per series."""
    return [
        AlarmSpec(key="target-5xx", namespace=NAMESPACE, metric="HTTPCode_Target_5XX_Count",
                  description="Targets behind the public Gateway answered more 5xx per 5 minutes "
                              "than the threshold",
                  query=query("SUM", "HTTPCode_Target_5XX_Count", "LoadBalancer", cluster),
                  statistic="Sum", comparison=">", threshold=50, severity="P2",
                  missing_data="notBreaching"),  # no traffic: no data, nothing failing
        AlarmSpec(key="unhealthy-hosts", namespace=NAMESPACE, metric="UnHealthyHostCount",
                  description="A target group behind the public Gateway has unhealthy targets",
                  query=query("MAX", "UnHealthyHostCount", "LoadBalancer, TargetGroup",
                              cluster),
                  statistic="Maximum", comparison=">", threshold=0, severity="P2",
                  series=max(target_groups, 1), missing_data="notBreaching"),
    ]  # fmt: skip
