"""The CloudWatch alarms of a CloudFront distribution and its CLOUDFRONT-scoped web ACL
(overridable as `cdn.<key>`). Both services publish these metrics in us-east-1 only, so the
component runs there and its alarms notify that region's alert topics."""

from __future__ import annotations

from typing import Any

from components.monitoring import AlarmSpec

KEYS = ("5xx-rate", "waf-blocked")


def distribution_alarms(distribution_id: Any) -> list[AlarmSpec]:
    """The share of viewer requests answered with a 5xx (CloudFront's default metric, percent)."""
    return [
        AlarmSpec(key="5xx-rate", namespace="AWS/CloudFront", metric="5xxErrorRate",
                  description="CloudFront answers more than the threshold (%) of requests with 5xx",
                  dimensions={"DistributionId": distribution_id, "Region": "Global"},
                  statistic="Average", comparison=">", threshold=5, severity="P2",
                  missing_data="notBreaching")  # no requests: no data, nothing failing
    ]  # fmt: skip


def firewall_alarms(web_acl_name: Any) -> list[AlarmSpec]:
    """A spike of requests the web ACL blocks (all its rules; `Rule=ALL`): an attack or a rule
    that started refusing real users."""
    return [
        AlarmSpec(key="waf-blocked", namespace="AWS/WAFV2", metric="BlockedRequests",
                  description="WAF blocked more requests per 5 minutes than the threshold",
                  dimensions={"WebACL": web_acl_name, "Rule": "ALL"},
                  statistic="Sum", comparison=">", threshold=1000, severity="P3",
                  evaluation_periods=1, missing_data="notBreaching")
    ]  # fmt: skip
