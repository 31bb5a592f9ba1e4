"""What the cost layer asks of its components, built from config; imported by the
preflight without the SDKs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from components.budget.aws_spec import MonthlyBudgetArgs
from components.monitoring import Severity
from infra.config import AwsStackConfig

if TYPE_CHECKING:
    import pulumi


BUDGET_SEVERITY: Severity = "P2"
"""Budget and cost-anomaly alerts go to this severity's topic (besides `budget.alertEmails`)."""


def budget_args(
    cfg: AwsStackConfig, topic_arn: pulumi.Input[str] | None = None
) -> MonthlyBudgetArgs | None:
    """The budget's args; None when the stack file sets no `budget.monthlyLimit`. `topic_arn`:
    the alert topic of budget and anomaly alerts (None without `alerting`)."""
    b = cfg.budget
    if b.monthly_limit is None:
        return None
    return MonthlyBudgetArgs(
        monthly_limit_usd=b.monthly_limit,
        service=cfg.name,
        environment=cfg.environment,
        forecast_alert_percent=b.forecast_alert_percent,
        actual_alert_percent=b.actual_alert_percent,
        alert_emails=b.alert_emails,
        alert_topic_arns=[topic_arn] if topic_arn is not None else [],
        anomaly_threshold_usd=b.anomaly_threshold_usd,
        anomaly_topic_arn=topic_arn,
        tags=cfg.base_tags,
    )
