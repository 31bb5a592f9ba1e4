"""Cost layer: the stack's monthly budget as a cloud budget (when the stack file sets one)."""

from __future__ import annotations

import pulumi

from components.budget.aws import MonthlyBudget, MonthlyBudgetArgs
from infra.config import AwsStackConfig


def budget(cfg: AwsStackConfig, opts: pulumi.ResourceOptions) -> MonthlyBudget | None:
    b = cfg.budget
    if b.monthly_limit is None:
        return None
    return MonthlyBudget(
        f"{cfg.name}-{cfg.environment}",
        MonthlyBudgetArgs(
            monthly_limit_usd=b.monthly_limit,
            service=cfg.name,
            environment=cfg.environment,
            forecast_alert_percent=b.forecast_alert_percent,
            actual_alert_percent=b.actual_alert_percent,
            alert_emails=b.alert_emails,
            tags=cfg.base_tags,
        ),
        opts,
    )
