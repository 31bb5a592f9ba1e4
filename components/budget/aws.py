"""`groundwork:aws/budget:MonthlyBudget`: the stack's monthly budget as an AWS Budget.

One cost budget per stack, scoped to the stack's own resources by their `service` and
`environment` tags (activate both as cost allocation tags in the billing console, or the budget
sees nothing), alerting when the month's forecast passes `forecast_alert_percent` and when actual
spend passes `actual_alert_percent`. The same limit is what the `cost-stack-budget` policy holds
the estimate to: the policy reads it from this resource, so the stack file states it once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_aws import budgets

from components._base import child_opts, merged_tags, require, type_token


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
    tags: Mapping[str, str] = field(default_factory=dict)


class MonthlyBudget(pulumi.ComponentResource):
    budget_name: pulumi.Output[str]
    monthly_limit_usd: float

    def __init__(
        self, name: str, args: MonthlyBudgetArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("budget", "MonthlyBudget", cloud="aws"), name, None, opts)
        _validate(args)
        self.monthly_limit_usd = args.monthly_limit_usd
        notify = bool(args.alert_emails or args.alert_topic_arns)
        budget = budgets.Budget(
            f"{name}-budget",
            name=name,
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{args.monthly_limit_usd:.2f}",
            limit_unit="USD",
            filter_expression=budgets.BudgetFilterExpressionArgs(
                ands=[
                    budgets.BudgetFilterExpressionAndArgs(
                        tags=budgets.BudgetFilterExpressionAndTagsArgs(
                            key=key, values=[value], match_options=["EQUALS"]
                        )
                    )
                    for key, value in (("service", args.service), ("environment", args.environment))
                ]
            ),
            notifications=[
                budgets.BudgetNotificationArgs(
                    notification_type=kind,
                    comparison_operator="GREATER_THAN",
                    threshold=percent,
                    threshold_type="PERCENTAGE",
                    subscriber_email_addresses=list(args.alert_emails) or None,
                    subscriber_sns_topic_arns=list(args.alert_topic_arns) or None,
                )
                for kind, percent in (
                    ("FORECASTED", args.forecast_alert_percent),
                    ("ACTUAL", args.actual_alert_percent),
                )
            ]
            if notify
            else None,
            tags=merged_tags(args.tags, f"{name}-budget"),
            opts=child_opts(self),
        )
        self.budget_name = budget.name
        self.register_outputs({"budgetName": self.budget_name})


def _validate(args: MonthlyBudgetArgs) -> None:
    require(args.monthly_limit_usd > 0, "monthly_limit_usd", "must be positive")
    for key in ("forecast_alert_percent", "actual_alert_percent"):
        require(0 < getattr(args, key) <= 1000, key, "must be in (0, 1000]")
