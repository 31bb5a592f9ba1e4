"""`groundwork:aws/monitoring:EntryHealth`: Route 53 health checks of the stack's public entry
points, each with an alarm on its severity's alert topic.

Route 53 publishes `HealthCheckStatus` (namespace AWS/Route53) in us-east-1 only, and an alarm can
only notify a topic of its own region: so this component runs under the us-east-1 provider and its
alarms notify the stack's us-east-1 `AlertTopics` (the monitoring layer's, shared with the CDN).
A health check another component already made (the DR failover records' check of the API host) is
passed by id and only alarmed, never duplicated. `https_health_check` is the one definition of a
health check both use.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_aws import cloudwatch, route53

from components._base import child_opts, merged_tags, type_token
from components.monitoring import AlarmSpec
from components.monitoring.aws import emit_alarms
from components.monitoring.aws_health_spec import EntryHealthArgs, validate

METRIC_REGION = "us-east-1"
"""The only region with Route 53's health-check metrics."""


def https_health_check(
    parent: pulumi.Resource,
    name: str,
    *,
    fqdn: pulumi.Input[str],
    path: str,
    failure_threshold: int,
    request_interval_seconds: int,
    tags: Mapping[str, str],
) -> route53.HealthCheck:
    """An HTTPS check of `https://<fqdn><path>` with SNI from Route 53's checkers (2xx/3xx is
    healthy)."""
    return route53.HealthCheck(
        name,
        type="HTTPS",
        fqdn=fqdn,
        port=443,
        resource_path=path,
        enable_sni=True,
        failure_threshold=failure_threshold,
        request_interval=request_interval_seconds,
        tags=merged_tags(tags, name),
        opts=child_opts(parent),
    )


class EntryHealth(pulumi.ComponentResource):
    health_check_ids: dict[str, pulumi.Output[str]]
    alarms: dict[str, cloudwatch.MetricAlarm]

    def __init__(
        self, name: str, args: EntryHealthArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("monitoring", "EntryHealth", cloud="aws"), name, None, opts)
        validate(args)
        self.health_check_ids = {}
        specs: list[AlarmSpec] = []
        for host, target in sorted(args.targets.items()):
            check_id = target.health_check_id
            if check_id is None:
                check_id = https_health_check(
                    self,
                    f"{name}-{host}",
                    fqdn=target.fqdn,
                    path=target.path,
                    failure_threshold=args.failure_threshold,
                    request_interval_seconds=args.request_interval_seconds,
                    tags=args.tags,
                ).id
            self.health_check_ids[host] = pulumi.Output.from_input(check_id)
            specs.append(
                AlarmSpec(
                    key="status",
                    description=f"https://{host}{target.path} fails Route 53's health checks",
                    namespace="AWS/Route53",
                    metric="HealthCheckStatus",
                    statistic="Minimum",
                    comparison="<",
                    threshold=1,
                    severity=args.severity,
                    dimensions={"HealthCheckId": check_id},
                    period_seconds=60,
                    evaluation_periods=2,
                    missing_data="breaching",  # no data from the checkers is not health
                    instance=host.replace(".", "-"),
                )
            )
        self.alarms = emit_alarms(self, name, "health", specs, args.alarms, args.tags)
        self.register_outputs({"healthCheckIds": self.health_check_ids})
