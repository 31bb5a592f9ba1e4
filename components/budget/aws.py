"""`groundwork:aws/budget:MonthlyBudget`: the stack's monthly budget as an AWS Budget.

One cost budget per stack, scoped to the stack's own resources by their `service` and
`environment` tags (activate both as cost allocation tags in the billing console, or the budget
sees nothing), alerting when the month's forecast passes `forecast_alert_percent` and when actual
spend passes `actual_alert_percent`. The same limit is what the `cost-stack-budget` policy holds
the estimate to: the policy reads it from this resource, so the stack file states it once.

With an anomaly threshold and a topic, also a Cost Anomaly Detection monitor of the same `service`
tag (a customer-managed monitor: AWS allows one AWS-services monitor per account, which a stack
must not claim) and a subscription that tells the topic at once about any anomaly whose total
impact reaches the threshold.
"""

from __future__ import annotations

import json

import pulumi
from pulumi_aws import budgets, costexplorer

from components._base import child_opts, merged_tags, type_token
from components.budget.aws_spec import MonthlyBudgetArgs, validate


class MonthlyBudget(pulumi.ComponentResource):
    budget_name: pulumi.Output[str]
    monthly_limit_usd: float

    def __init__(
        self, name: str, args: MonthlyBudgetArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("budget", "MonthlyBudget", cloud="aws"), name, None, opts)
        validate(args)
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
        self.anomaly_monitor_arn: pulumi.Output[str] | None = None
        if args.anomaly_threshold_usd is not None and args.anomaly_topic_arn is not None:
            self.anomaly_monitor_arn = self._anomaly_alerts(name, args)
        self.register_outputs({"budgetName": self.budget_name})

    def _anomaly_alerts(self, name: str, args: MonthlyBudgetArgs) -> pulumi.Output[str]:
        monitor = costexplorer.AnomalyMonitor(
            f"{name}-anomaly-monitor",
            name=f"{name}-anomalies",
            monitor_type="CUSTOM",
            monitor_specification=json.dumps(
                {"Tags": {"Key": "service", "Values": [args.service], "MatchOptions": ["EQUALS"]}}
            ),
            tags=merged_tags(args.tags, f"{name}-anomaly-monitor"),
            opts=child_opts(self),
        )
        costexplorer.AnomalySubscription(
            f"{name}-anomaly-alerts",
            name=f"{name}-anomaly-alerts",
            frequency="IMMEDIATE",
            monitor_arn_lists=[monitor.arn],
            subscribers=[
                costexplorer.AnomalySubscriptionSubscriberArgs(
                    type="SNS", address=args.anomaly_topic_arn
                )
            ],
            threshold_expression=costexplorer.AnomalySubscriptionThresholdExpressionArgs(
                dimension=costexplorer.AnomalySubscriptionThresholdExpressionDimensionArgs(
                    key="ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                    match_options=["GREATER_THAN_OR_EQUAL"],
                    values=[f"{args.anomaly_threshold_usd:g}"],
                )
            ),
            tags=merged_tags(args.tags, f"{name}-anomaly-alerts"),
            opts=child_opts(self),
        )
        return monitor.arn
