"""Alarms of the public edge (issue 12 item 2): CloudFront 5xx rate and WAF blocked-request spike
(us-east-1), the Gateway load balancer's target 5xx and unhealthy hosts (a Metrics Insights query
on the controller's tag), and days to expiry of every ACM certificate the stack creates; each
emitted by the component that owns the resource, on its severity's topic of its own region."""

from __future__ import annotations

from typing import Any

import pytest

from components.kubernetes.aws_gateway_alarms import CLUSTER_TAG
from components.monitoring.aws import QUERY_SERIES_TAG
from infra import ConfigError, parse_config
from infra.build import build
from planner.alarm_report import alarm_section
from planner.policy_report import policy_section
from planner.recorder import RecordedResource, RecordingMonitor
from planner.report import PlanContext
from policies.guardrails import Subject
from policies.guardrails.pricing import aws as aws_pricing
from policies.guardrails.pricing import estimate
from tests.conftest import (
    PROJECT_DIR,
    built,
    of_type,
    one,
    raw_stack_config,
    run_mocked,
    stack_config,
)

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
CERTIFICATE = "aws:acm/certificate:Certificate"
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
EDGE_PROVIDER = "pulumi:providers:aws::aws-edge-us-east-1"
PRIMARY_PROVIDER = "pulumi:providers:aws::aws-eu-west-1"


def alarms(monitor: RecordingMonitor) -> dict[str, RecordedResource]:
    return {a.name: a for a in of_type(monitor, ALARM)}


def with_alarms(overrides: dict[str, Any]) -> RecordingMonitor:
    raw = raw_stack_config("prod")
    cfg = stack_config("prod", alerting={**raw["alerting"], "alarms": overrides})
    return run_mocked(lambda: build(cfg), stack="prod")


def notifies(alarm: RecordedResource, region: str, severity: str) -> bool:
    actions, ok = alarm.inputs["alarmActions"], alarm.inputs["okActions"]
    return (
        actions == ok
        and len(actions) == 1
        and actions[0].startswith(f"arn:aws:sns:{region}:")
        and f"-{severity.lower()}-" in actions[0]
        and alarm.inputs["tags"]["severity"] == severity
    )


@pytest.mark.parametrize("edge", ["acme-prod-cdn", "acme-prod-api"])
def test_cloudfront_and_waf_alarms_live_in_us_east_1_on_its_topics(edge: str) -> None:
    monitor = built("prod")
    found = alarms(monitor)
    rate, blocked = found[f"{edge}-5xx-rate"], found[f"{edge}-waf-blocked"]
    distribution = one(monitor, "aws:cloudfront/distribution:Distribution", f"{edge}-distribution")
    acl = one(monitor, "aws:wafv2/webAcl:WebAcl", f"{edge}-waf-acl")
    assert (rate.inputs["namespace"], rate.inputs["metricName"]) == ("AWS/CloudFront",
                                                                     "5xxErrorRate")  # fmt: skip
    assert rate.inputs["dimensions"] == {"DistributionId": distribution.id, "Region": "Global"}
    assert rate.property_dependencies["dimensions"] == [distribution.urn]
    assert (blocked.inputs["namespace"], blocked.inputs["metricName"]) == ("AWS/WAFV2",
                                                                           "BlockedRequests")  # fmt: skip
    assert blocked.inputs["dimensions"] == {"WebACL": acl.outputs["name"], "Rule": "ALL"}
    for alarm, severity in ((rate, "P2"), (blocked, "P3")):
        assert EDGE_PROVIDER in (alarm.provider or ""), alarm.name
        assert notifies(alarm, "us-east-1", severity), alarm.name


def test_every_certificate_the_stack_creates_has_an_expiry_alarm_in_its_region() -> None:
    monitor = built("prod")
    expiry = [a for a in of_type(monitor, ALARM)
              if a.inputs.get("metricName") == "DaysToExpiry"]  # fmt: skip
    validations = {v.urn: v for v in of_type(monitor, VALIDATION)}
    watched = {}
    for alarm in expiry:
        assert alarm.inputs["namespace"] == "AWS/CertificateManager"
        assert alarm.inputs["comparisonOperator"] == "LessThanThreshold"
        assert alarm.inputs["threshold"] == 30 and alarm.inputs["period"] == 86_400
        (validation_urn,) = alarm.property_dependencies["dimensions"]
        validation = validations[validation_urn]
        assert alarm.inputs["dimensions"] == {
            "CertificateArn": validation.outputs["certificateArn"]
        }
        (certificate_urn,) = validation.property_dependencies["certificateArn"]
        region = "us-east-1" if EDGE_PROVIDER in (alarm.provider or "") else "eu-west-1"
        assert (region == "us-east-1") == (EDGE_PROVIDER in (validation.provider or ""))
        assert notifies(alarm, region, "P2"), alarm.name
        watched[certificate_urn] = alarm.name
    # Every certificate: the CDN's and the API edge's (us-east-1), the Gateway's per host.
    assert set(watched) == {c.urn for c in of_type(monitor, CERTIFICATE)}
    assert len(watched) == 3


def test_the_gateway_alarms_select_the_controllers_load_balancer_by_its_tag() -> None:
    monitor = built("prod")
    found = alarms(monitor)
    five, unhealthy = (
        found["acme-prod-gateway-target-5xx"],
        found["acme-prod-gateway-unhealthy-hosts"],
    )
    cluster = one(monitor, "aws:eks/cluster:Cluster").inputs["name"]
    release = next(r for r in of_type(monitor, "kubernetes:helm.sh/v3:Release")
                   if r.inputs.get("chart") == "aws-load-balancer-controller")  # fmt: skip
    # The tag the queries select by is the one the controller puts on everything it makes.
    assert release.inputs["values"]["defaultTags"] == {CLUSTER_TAG: cluster}
    where = f"WHERE tag.{CLUSTER_TAG} = '{cluster}'"
    for alarm, function, metric, schema in (
        (five, "SUM", "HTTPCode_Target_5XX_Count", "LoadBalancer"),
        (unhealthy, "MAX", "UnHealthyHostCount", "LoadBalancer, TargetGroup"),
    ):
        assert "metricName" not in alarm.inputs and "dimensions" not in alarm.inputs
        (query,) = alarm.inputs["metricQueries"]
        assert query["expression"] == (
            f'SELECT {function}({metric}) FROM SCHEMA("AWS/ApplicationELB", {schema}) {where}'
        )
        assert query["returnData"] is True and query["period"] == 300
        assert PRIMARY_PROVIDER in (alarm.provider or ""), alarm.name
        assert notifies(alarm, "eu-west-1", "P2"), alarm.name
    assert unhealthy.inputs["threshold"] == 0 and five.inputs["threshold"] == 50
    # One target group per routed host (prod routes `web`): priced as that many metrics.
    assert unhealthy.inputs["tags"][QUERY_SERIES_TAG] == "1"


def test_thresholds_and_severities_come_from_config_and_an_alarm_can_be_dropped() -> None:
    monitor = with_alarms({
        "cdn.5xx-rate": {"threshold": 2, "severity": "P1"},
        "gateway.target-5xx": {"threshold": 10},
        "gateway.unhealthy-hosts": {"enabled": False},
        "certificate.days-to-expiry": {"threshold": 21, "severity": "P0"},
    })  # fmt: skip
    found = alarms(monitor)
    for edge in ("acme-prod-cdn", "acme-prod-api"):
        rate = found[f"{edge}-5xx-rate"]
        assert rate.inputs["threshold"] == 2 and notifies(rate, "us-east-1", "P1")
        expiry = found[f"{edge}-days-to-expiry"]
        assert expiry.inputs["threshold"] == 21 and notifies(expiry, "us-east-1", "P0")
    assert found["acme-prod-gateway-target-5xx"].inputs["threshold"] == 10
    assert "acme-prod-gateway-unhealthy-hosts" not in found
    gateway_expiry = found["acme-prod-gateway-days-to-expiry-web-acme-example"]
    assert notifies(gateway_expiry, "eu-west-1", "P0")


@pytest.mark.parametrize("key", ["cdn.nope", "gateway.target-500", "certificate.expiry"])
def test_an_unknown_edge_alarm_key_is_refused_naming_it(key: str) -> None:
    raw = raw_stack_config("prod")
    with pytest.raises(ConfigError) as err:
        parse_config({**raw, "alerting": {**raw["alerting"], "alarms": {key: {"threshold": 1}}}})
    (problem,) = [p for p in err.value.problems if key in p]
    assert problem.startswith(f"groundwork:alerting.alarms.{key}: no such alarm")
    assert "cdn.5xx-rate" in problem and "gateway.unhealthy-hosts" in problem


def test_a_dropped_edge_alarm_blocks_the_prod_plan() -> None:
    cfg = stack_config("prod")
    section = policy_section(PlanContext("groundwork", "prod", PROJECT_DIR, built("prod"), cfg))
    assert not [b for b in section.blocking if "obs-alarms-for-edge" in b]
    raw = raw_stack_config("prod")
    dropped = stack_config("prod", alerting={**raw["alerting"], "alarms": {
        "certificate.days-to-expiry": {"enabled": False}, "cdn.waf-blocked": {"enabled": False}}})  # fmt: skip
    monitor = run_mocked(lambda: build(dropped), stack="prod")
    section = policy_section(PlanContext("groundwork", "prod", PROJECT_DIR, monitor, dropped))
    blocked = [b for b in section.blocking if "obs-alarms-for-edge" in b]
    assert any("acme-prod-cdn-certificate" in b for b in blocked)
    assert any("acme-prod-gateway-web.acme.example-certificate" in b for b in blocked)
    assert any("acme-prod-api-waf-acl" in b for b in blocked)
    assert not any("distribution" in b for b in blocked)  # their 5xx alarms are still there


def test_dev_makes_no_edge_topics_for_alarms_it_would_not_keep() -> None:
    monitor = built("dev")
    topics = {t.name for t in of_type(monitor, "groundwork:aws/monitoring:AlertTopics")}
    assert topics == {"acme-dev-alerts"}  # P0 only: no us-east-1 key ($1/month) for nothing
    assert not [a for a in of_type(monitor, ALARM) if EDGE_PROVIDER in (a.provider or "")]
    # Asking for the edge alarms in dev brings the us-east-1 topics with them.
    raw = raw_stack_config("dev")
    cfg = stack_config("dev", alerting={**raw["alerting"], "alarmSeverities": ["P0", "P2"]})
    monitor = run_mocked(lambda: build(cfg), stack="dev")
    topics = {t.name for t in of_type(monitor, "groundwork:aws/monitoring:AlertTopics")}
    assert topics == {"acme-dev-alerts", "acme-dev-health-alerts"}
    assert notifies(alarms(monitor)["acme-dev-cdn-5xx-rate"], "us-east-1", "P2")


def test_the_us_east_1_topics_kept_their_name_and_alias_their_former_parent() -> None:
    topics = one(built("prod"), "groundwork:aws/monitoring:AlertTopics", "acme-prod-health-alerts")
    assert [a["spec"]["parentUrn"] for a in topics.aliases] == [
        "urn:pulumi:prod::groundwork::groundwork:aws/monitoring:EntryHealth::acme-prod-health"
    ]


def test_a_query_alarm_is_priced_per_metric_it_analyses_and_shown_as_such() -> None:
    assert aws_pricing.QUERY_SERIES_TAG == QUERY_SERIES_TAG  # one fact, two packages
    query = {
        "metricQueries": [
            {
                "id": "q1",
                "expression": "SELECT MAX(UnHealthyHostCount) "
                'FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup)',
            }
        ]
    }
    subjects = [
        Subject(ALARM, "plain", "urn:x::plain", {"metricName": "CPUUtilization"}),
        Subject(ALARM, "query", "urn:x::query", {**query, "tags": {QUERY_SERIES_TAG: "4"}}),
    ]
    lines = {line.name: line for line in estimate(subjects).lines}
    assert lines["plain"].monthly == pytest.approx(0.10)
    assert lines["query"].monthly == pytest.approx(0.40) and "4 metric(s)" in lines["query"].detail
    monitor = built("prod")
    section = alarm_section(PlanContext("groundwork", "prod", PROJECT_DIR, monitor,
                                        stack_config("prod")))  # fmt: skip
    rows = {a["name"]: a for a in section.data["alarms"]}
    assert rows["acme-prod-gateway-unhealthy-hosts"]["metric"] == (
        "AWS/ApplicationELB UnHealthyHostCount (Metrics Insights)"
    )
    assert rows["acme-prod-gateway-unhealthy-hosts"]["region"] == "eu-west-1"
    assert rows["acme-prod-cdn-5xx-rate"]["region"] == "us-east-1"
