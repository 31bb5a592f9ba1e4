"""The CloudWatch alarm of an ACM certificate (overridable as `certificate.<key>`): the days left
before it expires. ACM renews DNS-validated certificates by itself from 60 days before expiry;
this fires when that renewal has not happened (validation record gone, CAA record, domain moved).
The metric is in the certificate's region: us-east-1 for CloudFront's, the cluster's for the
load balancer's."""

from __future__ import annotations

from typing import Any

from components.monitoring import AlarmSpec

KEYS = ("days-to-expiry",)
DAY_SECONDS = 86_400


def certificate_alarms(certificate_arn: Any, *, instance: str = "") -> list[AlarmSpec]:
    """`instance`: tells apart the certificates of one component (one per host)."""
    return [
        AlarmSpec(key="days-to-expiry", instance=instance, namespace="AWS/CertificateManager",
                  metric="DaysToExpiry", dimensions={"CertificateArn": certificate_arn},
                  description="ACM certificate expires in fewer days than the threshold",
                  statistic="Minimum", comparison="<", threshold=30, severity="P2",
                  period_seconds=DAY_SECONDS, evaluation_periods=1,
                  missing_data="ignore")  # published once a day: keep the state in between
    ]  # fmt: skip
