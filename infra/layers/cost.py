"""Cost layer: the stack's monthly budget as a cloud budget (when the stack file sets one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.budget.aws import MonthlyBudget
from components.budget.aws_spec import MonthlyBudgetArgs
from components.monitoring import Severity
from infra.config import AwsStackConfig
from infra.layers.monitoring import MonitoringHandles
from infra.providers import Providers


@dataclass(frozen=True)
class CostHandles:
    budget: MonthlyBudget | None
    """The AWS Budget of `budget.monthlyLimit` (None when the stack sets none); the monitoring
    layer routes its alerts to the P2 topic."""

    @property
    def exports(self) -> dict[str, Any]:
        return {"budgetName": self.budget.budget_name} if self.budget else {}


def layer(
    cfg: AwsStackConfig,
    providers: Providers,
    alerts: MonitoringHandles | None = None,
    opts: pulumi.ResourceOptions | None = None,
) -> CostHandles:
    topic = alerts.topics.topic_arns.get(BUDGET_SEVERITY) if alerts and alerts.topics else None
    args = budget_args(cfg, topic)
    if args is None:
        return CostHandles(budget=None)
    return CostHandles(budget=MonthlyBudget(cfg.prefix, args, providers.in_primary(opts)))


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
