"""Route 53 health checks of the public entry points: alarmed where Route 53's metrics are
(us-east-1), on topics of that region, reusing the DR layer's check instead of a second one."""

from __future__ import annotations

from infra.build import build
from tests.conftest import built, of_type, raw_stack_config, run_mocked, stack_config

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
CHECK = "aws:route53/healthCheck:HealthCheck"
EDGE_PROVIDER = "pulumi:providers:aws::aws-edge-us-east-1"


def _health_alarms(monitor):  # type: ignore[no-untyped-def]
    return [a for a in of_type(monitor, ALARM) if a.inputs.get("namespace") == "AWS/Route53"]


def test_prod_alarms_every_entry_point_in_us_east_1() -> None:
    monitor = built("prod")
    alarms = {a.name: a for a in _health_alarms(monitor)}
    assert set(alarms) == {"acme-prod-health-status-api-acme-example",
                           "acme-prod-health-status-web-acme-example"}  # fmt: skip
    for alarm in alarms.values():
        assert EDGE_PROVIDER in (alarm.provider or ""), alarm.name
        assert alarm.inputs["metricName"] == "HealthCheckStatus"
        assert alarm.inputs["comparisonOperator"] == "LessThanThreshold"
        assert alarm.inputs["treatMissingData"] == "breaching"
        for arn in alarm.inputs["alarmActions"] + alarm.inputs["okActions"]:
            assert arn.startswith("arn:aws:sns:us-east-1:"), arn  # a same-region topic
            assert ":acme-prod-health-alerts-p1-" in arn  # the default severity
    # Every alarm notifies a topic of its own region: us-east-1 ones (health, CDN) the edge
    # topics, every other one the primary (or DR) region's.
    others = [a for a in of_type(monitor, ALARM) if EDGE_PROVIDER not in (a.provider or "")]
    assert others and all(
        ":eu-west-1:" in arn or ":eu-central-1:" in arn
        for a in others for arn in a.inputs["alarmActions"]
    )  # fmt: skip
    at_edge = [a for a in of_type(monitor, ALARM) if EDGE_PROVIDER in (a.provider or "")]
    assert all(arn.startswith("arn:aws:sns:us-east-1:")
               for a in at_edge for arn in a.inputs["alarmActions"])  # fmt: skip


def test_the_dr_failover_check_of_the_api_is_reused_not_duplicated() -> None:
    monitor = built("prod")
    checks = {c.name: c for c in of_type(monitor, CHECK)}
    assert set(checks) == {"acme-prod-failover-api.acme.example-health",
                           "acme-prod-health-web.acme.example"}  # fmt: skip
    web = checks["acme-prod-health-web.acme.example"].inputs
    assert (web["type"], web["fqdn"], web["resourcePath"]) == ("HTTPS", "web.acme.example", "/")
    (api_alarm,) = [a for a in _health_alarms(monitor) if "api" in a.name]
    failover_id = checks["acme-prod-failover-api.acme.example-health"].id
    assert failover_id and api_alarm.inputs["dimensions"] == {"HealthCheckId": failover_id}


def test_without_failover_records_the_api_gets_its_own_check() -> None:
    raw = raw_stack_config("prod")
    cfg = stack_config("prod", dr={**raw["dr"], "failover": {}})
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    names = {c.name for c in of_type(monitor, CHECK)}
    assert names == {"acme-prod-health-api.acme.example", "acme-prod-health-web.acme.example"}


def test_severity_override_moves_the_alarm_to_that_topic() -> None:
    raw = raw_stack_config("prod")
    alerting = {**raw["alerting"], "alarms": {"health.status": {"severity": "P0"}}}
    cfg = stack_config("prod", alerting=alerting)
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    for alarm in _health_alarms(monitor):
        assert all(":acme-prod-health-alerts-p0-" in arn for arn in alarm.inputs["alarmActions"])


def test_no_checks_in_dev_without_alerting_or_on_an_internal_ingress() -> None:
    assert of_type(built("dev"), CHECK) == []  # the dev preset: each check is ~$2.75/month
    raw = raw_stack_config("prod")
    quiet = stack_config("test", healthChecks={"enabled": True})  # the test stack: no alerting
    assert not quiet.alerting.configured
    assert of_type(run_mocked(lambda: build(quiet), stack="test"), CHECK) == []
    internal = stack_config("prod", platform={**raw["platform"], "internetFacing": False})
    monitor = run_mocked(lambda: build(internal), stack="prod")
    assert {c.name for c in of_type(monitor, CHECK)} == {
        "acme-prod-failover-api.acme.example-health"
    }
