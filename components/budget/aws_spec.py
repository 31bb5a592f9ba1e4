"""The monthly budget's args and check (aws.py), apart: config runs them without the SDKs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class MonthlyBudgetArgs:
    monthly_limit_usd: float
    """The month's limit in USD."""
    service: str
    """Value of the `service` tag the stack's resources carry."""
    environment: str
    """Value of the `environment` tag the stack's resources carry."""
    forecast_alert_percent: float = 80.0
    """Alert when the forecast for the month passes this share of the limit."""
    actual_alert_percent: float = 100.0
    """Alert when the month's actual spend passes this share of the limit."""
    alert_emails: Sequence[str] = ()
    alert_topic_arns: Sequence[pulumi.Input[str]] = ()
    """SNS topics to alert (the monitoring layer's P2 topic)."""
    anomaly_threshold_usd: float | None = None
    """Notify `anomaly_topic_arn` of cost anomalies whose total impact reaches this (USD)."""
    anomaly_topic_arn: pulumi.Input[str] | None = None
    """The topic told about anomalies at once (SNS subscribers are notified IMMEDIATE only)."""
    tags: Mapping[str, str] = field(default_factory=dict)


def validate(args: MonthlyBudgetArgs) -> None:
    require(args.monthly_limit_usd > 0, "monthly_limit_usd", "must be positive")
    for key in ("forecast_alert_percent", "actual_alert_percent"):
        require(0 < getattr(args, key) <= 1000, key, "must be in (0, 1000]")
    if args.anomaly_threshold_usd is not None:
        require(args.anomaly_threshold_usd > 0, "anomaly_threshold_usd", "must be positive")
