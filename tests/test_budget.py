"""The stack's monthly budget: declared once in the stack file, an AWS Budget with alerts."""

from __future__ import annotations

from tests.conftest import built, of_type, one


def test_prod_budget_comes_from_the_stack_file_scoped_to_the_stack() -> None:
    budget = one(built("prod"), "aws:budgets/budget:Budget").inputs
    assert (budget["budgetType"], budget["timeUnit"]) == ("COST", "MONTHLY")
    assert (budget["limitAmount"], budget["limitUnit"]) == ("1050.00", "USD")
    tags = {t["tags"]["key"]: t["tags"]["values"] for t in budget["filterExpression"]["ands"]}
    assert tags == {"service": ["acme"], "environment": ["prod"]}
    alerts = {(n["notificationType"], n["threshold"]) for n in budget["notifications"]}
    assert alerts == {("FORECASTED", 80.0), ("ACTUAL", 100.0)}
    assert all(n["subscriberEmailAddresses"] for n in budget["notifications"])


def test_no_budget_resource_without_a_limit() -> None:
    from infra import build
    from tests.conftest import run_mocked, stack_config

    cfg = stack_config("dev", budget={"monthlyLimit": None})
    monitor = run_mocked(lambda: build(cfg), stack="dev")
    assert of_type(monitor, "aws:budgets/budget:Budget") == []
