"""The public API behind the edge: CloudFront + WAF with the per-client rate limit from config,
and in prod Route 53 failover records (health-checked through the edge) for the API hostname."""

from __future__ import annotations

from typing import Any

import pytest

from components.cdn.aws_api import ApiEdge
from components.cdn.aws_api_spec import ApiEdgeArgs, rate_limit_for
from components.cdn.aws_spec import CustomDomainArgs
from infra.build import build
from infra.config import ConfigError
from tests.conftest import built, one, raw_stack_config, run_mocked, stack_config

DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
ACL = "aws:wafv2/webAcl:WebAcl"
RECORD = "aws:route53/record:Record"


def _rate_rule(acl: Any) -> dict[str, Any]:
    (rule,) = [r for r in acl.inputs["rules"] if r["name"] == "rate-limit-per-ip"]
    return dict(rule["statement"]["rateBasedStatement"])


def test_the_api_hostname_is_behind_the_waf_with_the_rate_limit_from_config() -> None:
    prod = built("prod")
    api = one(prod, DISTRIBUTION, "acme-prod-api-distribution")
    assert api.inputs["aliases"] == ["api.acme.example"]
    (origin,) = api.inputs["origins"]
    assert origin["domainName"] == "web.acme.example"
    assert origin["customOriginConfig"]["originProtocolPolicy"] == "https-only"
    acl = one(prod, ACL, "acme-prod-api-waf-acl")
    assert api.inputs["webAclId"] == acl.outputs["arn"]
    # 100 requests/s per client (the default) over WAF's 5-minute window.
    assert _rate_rule(acl) == {"limit": 30000, "aggregateKeyType": "IP", "evaluationWindowSec": 300}


def test_a_configured_rate_limit_reaches_the_rule() -> None:
    cfg = stack_config("prod", api={**raw_stack_config("prod")["api"], "rateLimitPerSecond": 20,
                                    "rateLimitWindowSeconds": 60})  # fmt: skip
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    acl = one(monitor, ACL, "acme-prod-api-waf-acl")
    assert _rate_rule(acl)["limit"] == 1200 and _rate_rule(acl)["evaluationWindowSec"] == 60


def test_prod_publishes_the_api_with_health_checked_failover_records() -> None:
    prod = built("prod")
    records = [r for r in prod.by_type(RECORD) if r.inputs["name"] == "api.acme.example"]
    by_role = {r.inputs["failoverRoutingPolicies"][0]["type"]: r for r in records}
    assert set(by_role) == {"PRIMARY", "SECONDARY"} and len(records) == 2
    edge = one(prod, DISTRIBUTION, "acme-prod-api-distribution").outputs["domainName"]
    check = one(
        prod, "aws:route53/healthCheck:HealthCheck", "acme-prod-failover-api.acme.example-health"
    )
    assert by_role["PRIMARY"].inputs["records"] == [edge]
    assert by_role["PRIMARY"].inputs["healthCheckId"] == check.id
    assert by_role["SECONDARY"].inputs["records"] == ["web-dr.acme.example"]
    assert "healthCheckId" not in by_role["SECONDARY"].inputs
    assert (check.inputs["fqdn"], check.inputs["type"], check.inputs["resourcePath"]) == (
        edge, "HTTPS", "/healthz")  # fmt: skip
    # No plain alias for the hostname beside the failover pair.
    assert all(r.inputs.get("setIdentifier") for r in records)


def test_without_dr_the_api_is_published_by_alias_and_dev_has_no_api_edge() -> None:
    raw = raw_stack_config("prod")
    cfg = stack_config("prod", dr={**raw["dr"], "failover": {}})
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    aliases = [r for r in monitor.by_type(RECORD) if r.inputs["name"] == "api.acme.example"]
    assert sorted(r.inputs["type"] for r in aliases) == ["A", "AAAA"]
    # No failover check (the monitoring layer's own checks of the entry points remain).
    assert not [c for c in monitor.by_type("aws:route53/healthCheck:HealthCheck")
                if "-failover-" in c.name]  # fmt: skip
    assert not [r for r in built("dev").by_type(DISTRIBUTION) if "api" in r.name]


@pytest.mark.parametrize(
    ("api", "failover", "key", "message"),
    [
        ({"enabled": True, "origin": "web.acme.example"}, {}, "groundwork:api.host", "required"),
        ({"enabled": True, "host": "api.other.example", "origin": "web.acme.example"}, {},
         "groundwork:api.host", "not inside the zone's domain"),
        ({"enabled": True, "host": "api.acme.example", "origin": "api.acme.example"}, {},
         "groundwork:api.origin", "must differ"),
        ({"enabled": False}, {"apiStandbyHost": "web-dr.acme.example"},
         "groundwork:dr.failover.apiStandbyHost", "needs api.enabled"),
        ({"enabled": True, "host": "api.acme.example", "origin": "web.acme.example",
          "rateLimitPerSecond": 0}, {}, "groundwork:api.rateLimitPerSecond", ""),
    ],
)  # fmt: skip
def test_config_refuses_a_bad_api_edge(
    api: dict[str, Any], failover: dict[str, Any], key: str, message: str
) -> None:
    raw = raw_stack_config("prod")
    with pytest.raises(ConfigError) as caught:
        stack_config("prod", api=api, dr={**raw["dr"], "failover": failover})
    assert any(p.startswith(key) and message in p for p in caught.value.problems), caught.value


def test_the_per_second_limit_becomes_the_windowed_waf_limit() -> None:
    assert rate_limit_for(100, 300) == 30000
    assert rate_limit_for(100, 60) == 6000
    args = ApiEdgeArgs(domain=CustomDomainArgs(name="api.example.com"), log_bucket_arn="arn",
                       origin_host="web.example.com", rate_limit_per_second=10_000_000)  # fmt: skip
    with pytest.raises(ValueError, match=r"rate_limit_per_second: .* WAF accepts"):
        run_mocked(lambda: ApiEdge("api", args))
