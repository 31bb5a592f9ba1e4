"""Cost layer: the stack's monthly budget as a cloud budget (when the stack file sets one)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.budget.aws import MonthlyBudget
from infra.config import AwsStackConfig
from infra.layers.cost_args import BUDGET_SEVERITY, budget_args
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
