"""The stack's monthly budget: declared once in the stack file, an AWS Budget with alerts."""

from __future__ import annotations

import pytest

from infra import ConfigError, parse_config
from tests.conftest import built, of_type, one, raw_stack_config


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
    from infra.build import build
    from tests.conftest import run_mocked, stack_config

    cfg = stack_config("dev", budget={"monthlyLimit": None})
    monitor = run_mocked(lambda: build(cfg), stack="dev")
    assert of_type(monitor, "aws:budgets/budget:Budget") == []


def test_budget_alerts_also_reach_the_p2_topic() -> None:
    budget = one(built("prod"), "aws:budgets/budget:Budget").inputs
    for notification in budget["notifications"]:
        (topic,) = notification["subscriberSnsTopicArns"]
        assert ":acme-prod-alerts-p2-" in topic  # the fake cloud's ARN of the P2 topic


def test_cost_anomalies_of_the_stack_notify_p2_at_once_above_the_threshold() -> None:
    import json

    for stack, threshold in (("prod", "100"), ("dev", "20")):  # dev's preset: a smaller bill
        monitor = one(built(stack), "aws:costexplorer/anomalyMonitor:AnomalyMonitor").inputs
        assert monitor["monitorType"] == "CUSTOM"  # one AWS-services monitor per account only
        spec = json.loads(monitor["monitorSpecification"])
        assert spec == {"Tags": {"Key": "service", "Values": ["acme"], "MatchOptions": ["EQUALS"]}}
        sub = one(built(stack), "aws:costexplorer/anomalySubscription:AnomalySubscription").inputs
        assert sub["frequency"] == "IMMEDIATE"  # what SNS subscribers require
        (subscriber,) = sub["subscribers"]
        assert subscriber["type"] == "SNS"
        assert f":acme-{stack}-alerts-p2-" in subscriber["address"]
        dimension = sub["thresholdExpression"]["dimension"]
        assert dimension["key"] == "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
        assert dimension["values"] == [threshold]


def test_cost_anomaly_service_may_publish_to_the_alert_topics() -> None:
    import json

    for policy in of_type(built("prod"), "aws:sns/topicPolicy:TopicPolicy"):
        if "-alerts-" not in policy.name:
            continue
        (statement,) = json.loads(policy.inputs["policy"])["Statement"]
        assert "costalerts.amazonaws.com" in statement["Principal"]["Service"]


def test_no_anomaly_monitor_when_the_threshold_is_null() -> None:
    from infra.build import build
    from tests.conftest import raw_stack_config, run_mocked, stack_config

    cfg = stack_config("dev", budget={**raw_stack_config("dev")["budget"],
                                      "anomalyThresholdUsd": None})  # fmt: skip
    monitor = run_mocked(lambda: build(cfg), stack="dev")
    assert of_type(monitor, "aws:costexplorer/anomalyMonitor:AnomalyMonitor") == []
    assert of_type(monitor, "aws:budgets/budget:Budget")


@pytest.mark.parametrize(
    ("emails", "problem"),
    [
        (["finance"], "groundwork:budget.alertEmails.0: String should match pattern"),
        (["a@acme.example", "a@acme.example"],
         "groundwork:budget.alertEmails: listed twice: a@acme.example"),
    ],
)  # fmt: skip
def test_bad_budget_alert_emails_are_refused_naming_the_key(
    emails: list[str], problem: str
) -> None:
    # AWS Budgets refuses an address that is not one only at deploy time.
    raw = raw_stack_config("prod")
    with pytest.raises(ConfigError) as err:
        parse_config({**raw, "budget": {**raw["budget"], "alertEmails": emails}})
    assert any(p.startswith(problem) for p in err.value.problems), err.value.problems
