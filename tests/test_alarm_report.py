"""The plan report's alerting section: every alarm per component with its severity and region,
and the routing table (severity -> channels, pages) from `groundwork:alerting`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.alarm_report import routing_rows
from planner.cli import EXIT_OK, main
from tests.conftest import PROJECT_DIR, any_stack_config, raw_stack_config, stack_config


@pytest.fixture(scope="module")
def prod_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:  # type: ignore[type-arg]
    out: Path = tmp_path_factory.mktemp("plan")
    code = main(["prod", "--project-dir", str(PROJECT_DIR), "--quiet", "--json",
                 str(out / "p.json"), "--markdown", str(out / "p.md")])  # fmt: skip
    assert code == EXIT_OK
    return json.loads((out / "p.json").read_text()), (out / "p.md").read_text()


def test_every_alarm_of_the_plan_is_listed_under_its_component(prod_report) -> None:  # type: ignore[no-untyped-def]
    report, _ = prod_report
    section = report["sections"]["alarms"]
    assert (
        len(section["alarms"]) == report["countsByType"]["aws:cloudwatch/metricAlarm:MetricAlarm"]
    )
    by_component: dict[str, int] = {}
    for alarm in section["alarms"]:
        by_component[alarm["component"]] = by_component.get(alarm["component"], 0) + 1
        assert alarm["severity"] in ("P0", "P1", "P2", "P3"), alarm
    assert by_component["acme-prod-postgres (PostgresHa)"] == 6
    assert by_component["acme-prod-health (EntryHealth)"] == 2
    health = [a for a in section["alarms"] if a["component"].startswith("acme-prod-health")]
    assert {a["region"] for a in health} == {"us-east-1"}  # where Route 53's metrics are
    free = next(a for a in section["alarms"] if a["name"] == "acme-prod-postgres-free-storage")
    assert (free["severity"], free["region"]) == ("P0", "eu-west-1")
    assert free["condition"].startswith("< ")


def test_the_routing_table_is_the_alerting_section(prod_report) -> None:  # type: ignore[no-untyped-def]
    report, markdown = prod_report
    routes = {r["severity"]: r for r in report["sections"]["alarms"]["routing"]}
    assert routes["P0"]["channels"] == ["email:oncall@acme.example", "sms:+4915112345678"]
    assert routes["P0"]["pages"] is False
    assert "| P0 | no | email:oncall@acme.example, sms:+4915112345678 |" in markdown
    assert "| `acme-prod-health (EntryHealth)` | 2 |" in markdown


def test_paging_and_webhooks_show_without_their_secrets() -> None:
    raw = raw_stack_config("prod")
    alerting = {
        **raw["alerting"],
        "severities": {**raw["alerting"]["severities"],
                       "P0": {"pages": True, "webhooks": ["oncall"]}},
        "webhooks": {"oncall": {"kind": "slack", "url": "https://hooks.slack.com/services/T/B/x"}},
        "pagerdutyKey": "pd-integration-key",
    }  # fmt: skip
    rows = {r["severity"]: r for r in routing_rows(stack_config("prod", alerting=alerting))}
    assert rows["P0"] == {
        "severity": "P0",
        "pages": True,
        "channels": ["slack:oncall", "pagerduty"],
        "inCluster": ["slack:oncall", "pagerduty"],
    }
    assert "hooks.slack.com" not in json.dumps(rows) and "pd-integration-key" not in json.dumps(
        rows
    )


def test_a_stack_without_alerting_says_so() -> None:
    assert routing_rows(stack_config("test")) == []


def test_the_routing_table_says_whom_the_in_cluster_alerts_miss() -> None:
    """On Alibaba Cloud the Alertmanager mails (DirectMail) but sends no SMS; on AWS the topics
    carry both, and a DingTalk chatbot is reached through the topic and the alert relay (on
    Alibaba Cloud config refuses a severity with only one: tests/test_alerts_alicloud_mail.py)."""
    cn = {r["severity"]: r for r in routing_rows(any_stack_config("prod-cn"))}
    assert cn["P0"]["channels"] == ["email:oncall@acme.example", "sms:+8613800000000"]
    assert cn["P0"]["inCluster"] == ["email:oncall@acme.example"]
    aws = {r["severity"]: r for r in routing_rows(stack_config("prod"))}
    assert aws["P0"]["inCluster"] == aws["P0"]["channels"]
    raw = raw_stack_config("prod")
    alerting = {
        **raw["alerting"],
        "severities": {**raw["alerting"]["severities"], "P3": {"webhooks": ["ding"]}},
        "webhooks": {"ding": {"kind": "dingtalk",
                              "url": "https://oapi.dingtalk.com/robot/send?access_token=t"}},
    }  # fmt: skip
    p3 = routing_rows(stack_config("prod", alerting=alerting))[-1]
    assert (p3["channels"], p3["inCluster"]) == (["dingtalk:ding"], ["dingtalk:ding"])
