"""`groundwork:aws/dr:FailoverRecords`: Route 53 health checks, and failover records that move a
hostname to the DR region's entry when its primary entry fails them.

Per hostname (a map keyed by the hostname, never by position): an HTTPS health check of the
primary entry (`checked_fqdn` + `path`, every 30 s from Route 53's checkers, unhealthy after 3
failures), and, when a `secondary` is given, a failover pair of CNAME records: PRIMARY to the
primary target with the health check, SECONDARY to the DR region's entry (no check: Route 53
answers with it whenever the primary is unhealthy). A 60-second TTL bounds how long resolvers
keep the failed answer. The health checks are exposed for alarms (`health_check_ids`): the
monitoring capability's `EntryHealth` alarms them in us-east-1 rather than checking twice.
"""

from __future__ import annotations

import pulumi
from pulumi_aws import route53

from components._base import child_opts, type_token
from components.dr.aws_failover_spec import FailoverRecordsArgs, validate
from components.monitoring.aws_health import https_health_check


class FailoverRecords(pulumi.ComponentResource):
    health_check_ids: dict[str, pulumi.Output[str]]
    """By hostname: for alarms on `HealthCheckStatus` (namespace AWS/Route53)."""

    def __init__(
        self, name: str, args: FailoverRecordsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("dr", "FailoverRecords", cloud="aws"), name, None, opts)
        validate(args)
        self.health_check_ids = {}
        for host, ep in sorted(args.endpoints.items()):
            check = https_health_check(
                self,
                f"{name}-{host}-health",
                fqdn=ep.checked_fqdn,
                path=ep.path,
                failure_threshold=args.failure_threshold,
                request_interval_seconds=args.request_interval_seconds,
                tags=args.tags,
            )
            self.health_check_ids[host] = check.id
            if ep.primary is None or ep.secondary is None:
                continue
            for role, target, health in (("primary", ep.primary, check.id),
                                         ("secondary", ep.secondary, None)):  # fmt: skip
                route53.Record(
                    f"{name}-{host}-{role}",
                    zone_id=args.zone_id,
                    name=host,
                    type="CNAME",
                    ttl=args.ttl_seconds,
                    records=[target],
                    set_identifier=role,
                    failover_routing_policies=[{"type": role.upper()}],
                    health_check_id=health,
                    opts=child_opts(self),
                )
        self.register_outputs({"healthCheckIds": self.health_check_ids})
