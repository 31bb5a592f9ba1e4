"""`logs.search`: an OpenSearch domain for the logs, secure by default, priced, and passing the
pack's OpenSearch rules (encryption at rest and in transit, no public endpoint, customer key)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra import ConfigError, parse_config
from infra.build import build
from planner.cost_report import cost_section
from planner.policy_report import policy_section
from planner.recorder import RecordingMonitor
from planner.report import PlanContext
from tests.conftest import PROJECT_DIR, of_type, one, raw_stack_config, run_mocked, stack_config

DOMAIN = "aws:opensearch/domain:Domain"
MASTER = "arn:aws:iam::123456789012:role/platform-admin"
SEARCH = {"enabled": True, "masterRoleArn": MASTER}
OPENSEARCH_RULES = {
    "data-services-encrypted-at-rest", "data-services-encrypted-in-transit",
    "data-services-cmk", "search-domain-not-public", "resource-policy-not-public",
}  # fmt: skip


def _prod_with_search(**search: Any) -> tuple[RecordingMonitor, PlanContext]:
    cfg = stack_config("prod", logs={"search": {**SEARCH, **search}})
    monitor = run_mocked(lambda: build(cfg), stack="prod")
    return monitor, PlanContext("groundwork", "prod", PROJECT_DIR, monitor, cfg)


@pytest.fixture(scope="module")
def prod_search() -> tuple[RecordingMonitor, PlanContext]:
    return _prod_with_search()


def test_the_domain_is_private_encrypted_and_zone_aware(prod_search) -> None:  # type: ignore[no-untyped-def]
    monitor, _ = prod_search
    d = one(monitor, DOMAIN).inputs
    assert d["encryptAtRest"]["enabled"] is True and d["encryptAtRest"]["kmsKeyId"]
    assert d["nodeToNodeEncryption"] == {"enabled": True}
    assert d["domainEndpointOptions"]["enforceHttps"] is True
    assert d["domainEndpointOptions"]["tlsSecurityPolicy"] == "Policy-Min-TLS-1-2-PFS-2023-10"
    assert len(d["vpcOptions"]["subnetIds"]) == 3  # one data subnet per zone, no public endpoint
    assert d["clusterConfig"]["zoneAwarenessEnabled"] is True
    assert d["clusterConfig"]["zoneAwarenessConfig"] == {"availabilityZoneCount": 3}
    security = d["advancedSecurityOptions"]
    assert security["enabled"] is True and security["anonymousAuthEnabled"] is False
    assert security["internalUserDatabaseEnabled"] is False
    assert security["masterUserOptions"] == {"masterUserArn": MASTER}
    assert {o["logType"] for o in d["logPublishingOptions"]} == {
        "AUDIT_LOGS",
        "ES_APPLICATION_LOGS",
    }
    (statement,) = json.loads(d["accessPolicies"])["Statement"]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    sg = one(monitor, "aws:ec2/securityGroup:SecurityGroup", "acme-prod-log-search-sg").inputs
    assert {(r["fromPort"], r["toPort"]) for r in sg["ingress"]} == {(443, 443)}
    assert all(c.startswith("10.20.") for r in sg["ingress"] for c in r["cidrBlocks"])
    assert sg["egress"] == []
    group = one(monitor, "aws:cloudwatch/logGroup:LogGroup", "acme-prod-log-search-logs").inputs
    assert (group["tags"]["log-class"], group["retentionInDays"]) == ("audit", 365)


def test_the_pack_s_opensearch_rules_pass_on_it(prod_search) -> None:  # type: ignore[no-untyped-def]
    _, ctx = prod_search
    violations = policy_section(ctx).data["violations"]
    on_search = [v for v in violations if "log-search" in (v["urn"] or "")]
    assert on_search == [], on_search
    # What it costs is the stack's business: prod's budget does not fit a ~$350 domain as is.
    # (The Gateway API CRDs, a URL the offline plan does not fetch, are listed apart.)
    found = {v["rule"] for v in violations}
    assert found <= {"cost-stack-budget"}


def test_a_public_or_plaintext_domain_would_fail_those_rules(prod_search) -> None:  # type: ignore[no-untyped-def]
    monitor, ctx = prod_search
    domain = one(monitor, DOMAIN)
    original = domain.inputs
    try:
        domain.inputs = {**original, "vpcOptions": None,
                         "nodeToNodeEncryption": {"enabled": False}}  # fmt: skip
        rules = {v["rule"] for v in policy_section(ctx).data["violations"]
                 if "log-search-domain" in (v["urn"] or "")}  # fmt: skip
    finally:
        domain.inputs = original
    assert rules & OPENSEARCH_RULES, rules


def test_it_is_priced_and_fluent_bit_ships_to_it(prod_search) -> None:  # type: ignore[no-untyped-def]
    monitor, ctx = prod_search
    lines = [line for line in cost_section(ctx).data["lines"] if line["type"] == DOMAIN]
    (line,) = lines
    assert line["status"] == "priced"
    assert line["monthly"] == round(3 * (0.151 * 730 + 50 * 0.134), 2)
    (release,) = [r for r in of_type(monitor, "kubernetes:helm.sh/v3:Release")
                  if r.inputs["chart"] == "aws-for-fluent-bit"]  # fmt: skip
    out = release.inputs["values"]["opensearch"]
    assert out["enabled"] is True and out["awsAuth"] == "On" and out["tls"] == "On"
    policy = one(
        monitor, "aws:iam/rolePolicy:RolePolicy", "acme-prod-telemetry-fluent-bit-irsa-policy"
    )
    statements = json.loads(policy.inputs["policy"])["Statement"]
    (index,) = [s for s in statements if s["Sid"] == "IndexIntoTheSearchDomain"]
    assert index["Action"] == ["es:ESHttpPost", "es:ESHttpPut"]


@pytest.mark.parametrize(
    ("search", "key", "fragment"),
    [
        ({"enabled": True}, "groundwork:logs.search.masterRoleArn", "required"),
        (
            {**SEARCH, "instanceCount": 4},
            "groundwork:logs.search.instanceCount",
            "multiple of zones",
        ),
        ({**SEARCH, "zones": 4}, "groundwork:logs.search.zones", "less than or equal to 3"),
        ({**SEARCH, "instanceType": "m7g.large"}, "groundwork:logs.search.instanceType", "pattern"),
    ],
)
def test_bad_search_config_is_refused_naming_the_key(
    search: dict[str, Any], key: str, fragment: str
) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config({**raw_stack_config("prod"), "logs": {"search": search}})
    lines = [p for p in err.value.problems if p.startswith(f"{key}:")]
    assert lines and fragment in lines[0], err.value.problems


def test_dev_has_no_search_domain() -> None:
    from tests.conftest import built

    assert of_type(built("dev"), DOMAIN) == []
    assert of_type(built("prod"), DOMAIN) == []  # an option: off in the shipped prod stack


def test_three_dedicated_masters_are_an_option_priced_on_top() -> None:
    monitor, ctx = _prod_with_search(dedicatedMasters=3)
    config = one(monitor, DOMAIN).inputs["clusterConfig"]
    assert (config["dedicatedMasterEnabled"], config["dedicatedMasterCount"]) == (True, 3)
    (line,) = [x for x in cost_section(ctx).data["lines"] if x["type"] == DOMAIN]
    assert line["monthly"] == round(3 * (0.151 * 730 + 50 * 0.134) + 3 * 0.151 * 730, 2)
