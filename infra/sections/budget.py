"""`groundwork:budget`: the stack's monthly budget (components/budget/aws.py, docs/cost.md)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from infra.sections.base import Email, Problem, Section, listed_twice


class Budget(Section):
    monthly_limit: float | None = Field(None, gt=0)
    """Monthly limit in the cloud's billing currency (USD on AWS). It becomes a cloud budget with
    alerts, and the `cost-stack-budget` policy holds the estimate to it (required in prod)."""
    forecast_alert_percent: float = Field(80.0, gt=0, le=1000)
    """Alert when the month's forecast passes this share of the limit."""
    actual_alert_percent: float = Field(100.0, gt=0, le=1000)
    """Alert when the month's actual spend passes this share of the limit."""
    alert_emails: list[Email] = Field(default_factory=list)
    """Addresses the budget alerts go to (besides the alert topic, once monitoring exists)."""

    def problems(self) -> Iterator[Problem]:
        yield from listed_twice("alertEmails", self.alert_emails)


class AwsBudget(Budget):
    anomaly_threshold_usd: float | None = Field(100.0, gt=0)
    """Cost Anomaly Detection: tell the P2 alert topic at once about a cost anomaly of the stack's
    `service` tag whose total impact reaches this many USD; null: no anomaly monitor. Built with
    the budget (`monthlyLimit`) when `alerting` is configured."""
