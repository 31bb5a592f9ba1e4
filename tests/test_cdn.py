"""The Cdn and WebFirewall components under mocks: OAC, HTTPS only, TLS policy, security headers,
WAF rules and logging, certificate and DNS in us-east-1, and args validation naming the field."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pulumi
import pytest

from components.cdn.aws import CACHING_OPTIMIZED_POLICY_ID, CORS_S3_ORIGIN_REQUEST_POLICY_ID, Cdn
from components.cdn.aws_spec import CdnArgs, CustomDomainArgs, SecurityHeadersArgs
from components.cdn.aws_waf_spec import BASELINE_MANAGED_RULE_GROUPS, WebFirewallArgs
from components.storage.aws import Bucket
from components.storage.aws_spec import AccessLogArgs, BucketArgs
from planner.fake_cloud import CLOUDFRONT_HOSTED_ZONE_ID
from planner.recorder import RecordingMonitor
from tests.conftest import of_type, one, run_mocked

TAGS = {"environment": "test", "owner": "o", "cost-center": "c", "service": "s",
        "managed-by": "pulumi"}  # fmt: skip
DOMAIN = CustomDomainArgs(name="assets.example.com", aliases=["cdn.example.com"],
                          hosted_zone_id="Z0123456789ABC")  # fmt: skip
BUCKET_ARN = "arn:aws:s3:::origin-bucket"
LOG_BUCKET_ARN = "arn:aws:s3:::log-bucket"
DIST = "aws:cloudfront/distribution:Distribution"
ACL = "aws:wafv2/webAcl:WebAcl"


def build_cdn(**overrides: Any) -> RecordingMonitor:
    import pulumi_aws as aws

    fields: dict[str, Any] = {
        "origin_bucket_arn": BUCKET_ARN,
        "origin_domain_name": "origin-bucket.s3.eu-west-1.amazonaws.com",
        "log_bucket_arn": LOG_BUCKET_ARN,
        "domain": DOMAIN,
        "tags": TAGS,
    }
    args = CdnArgs(**{**fields, **overrides})

    def program() -> None:
        edge = aws.Provider("aws-edge", region="us-east-1")
        Cdn("web", args, pulumi.ResourceOptions(provider=edge))

    return run_mocked(program)


@pytest.fixture(scope="module")
def default_cdn() -> RecordingMonitor:
    return build_cdn()


def _dist(m: RecordingMonitor) -> dict[str, Any]:
    return one(m, DIST).inputs


def _headers(m: RecordingMonitor) -> dict[str, Any]:
    typ = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
    return one(m, typ).inputs["securityHeadersConfig"]


def _rules(m: RecordingMonitor) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in one(m, ACL).inputs["rules"]}


# Each protection of the defaults; removing one from the component fails exactly that case.
PROTECTIONS: list[tuple[str, Callable[[RecordingMonitor], bool]]] = [
    ("oac-on-origin", lambda m: _dist(m)["origins"][0]["originAccessControlId"]
        == one(m, "aws:cloudfront/originAccessControl:OriginAccessControl").id),
    ("oac-signs-sigv4", lambda m: one(m, "aws:cloudfront/originAccessControl:OriginAccessControl").inputs.items()
        >= {"originAccessControlOriginType": "s3", "signingBehavior": "always", "signingProtocol": "sigv4"}.items()),
    ("no-legacy-oai", lambda m: "s3OriginConfig" not in _dist(m)["origins"][0]
        and of_type(m, "aws:cloudfront/originAccessIdentity:OriginAccessIdentity") == []),
    ("https-redirect", lambda m: _dist(m)["defaultCacheBehavior"]["viewerProtocolPolicy"] == "redirect-to-https"),
    ("no-ordered-http-behaviours", lambda m: all(b["viewerProtocolPolicy"] != "allow-all"
        for b in _dist(m).get("orderedCacheBehaviors", []))),
    ("tls-policy", lambda m: _dist(m)["viewerCertificate"]["minimumProtocolVersion"] == "TLSv1.2_2021"),
    ("sni-only", lambda m: _dist(m)["viewerCertificate"]["sslSupportMethod"] == "sni-only"),
    ("acm-certificate", lambda m: _dist(m)["viewerCertificate"]["acmCertificateArn"]
        == one(m, "aws:acm/certificate:Certificate").outputs["arn"]),
    ("http2and3", lambda m: _dist(m)["httpVersion"] == "http2and3"),
    ("compress", lambda m: _dist(m)["defaultCacheBehavior"]["compress"] is True),
    ("managed-cache-policy", lambda m: _dist(m)["defaultCacheBehavior"]["cachePolicyId"] == CACHING_OPTIMIZED_POLICY_ID),
    ("managed-origin-request-policy", lambda m: _dist(m)["defaultCacheBehavior"]["originRequestPolicyId"]
        == CORS_S3_ORIGIN_REQUEST_POLICY_ID),
    ("read-only-methods", lambda m: _dist(m)["defaultCacheBehavior"]["allowedMethods"] == ["GET", "HEAD", "OPTIONS"]),
    ("headers-policy-attached", lambda m: _dist(m)["defaultCacheBehavior"]["responseHeadersPolicyId"]
        == one(m, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").id),
    ("hsts", lambda m: _headers(m)["strictTransportSecurity"] == {
        "accessControlMaxAgeSec": 63_072_000, "includeSubdomains": True, "preload": True, "override": True}),
    ("nosniff", lambda m: _headers(m)["contentTypeOptions"] == {"override": True}),
    ("frame-deny", lambda m: _headers(m)["frameOptions"] == {"frameOption": "DENY", "override": True}),
    ("referrer-policy", lambda m: _headers(m)["referrerPolicy"]["referrerPolicy"] == "strict-origin-when-cross-origin"),
    ("csp", lambda m: "frame-ancestors 'none'" in _headers(m)["contentSecurityPolicy"]["contentSecurityPolicy"]),
    ("waf-attached", lambda m: _dist(m)["webAclId"] == one(m, ACL).outputs["arn"]),
    ("waf-cloudfront-scope", lambda m: one(m, ACL).inputs["scope"] == "CLOUDFRONT"),
    ("waf-rate-limit", lambda m: _rules(m)["rate-limit-per-ip"]["statement"]["rateBasedStatement"]
        == {"limit": 2000, "aggregateKeyType": "IP", "evaluationWindowSec": 300}),
    ("waf-rate-blocks", lambda m: _rules(m)["rate-limit-per-ip"]["action"] == {"block": {}}),
    *[(f"waf-{g}", lambda m, g=g: _rules(m)[g]["statement"]["managedRuleGroupStatement"]
        == {"name": g, "vendorName": "AWS"}) for g in (
        "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesAmazonIpReputationList")],
    ("waf-metrics-everywhere", lambda m: all(r["visibilityConfig"]["cloudwatchMetricsEnabled"]
        and r["visibilityConfig"]["sampledRequestsEnabled"] for r in _rules(m).values())
        and one(m, ACL).inputs["visibilityConfig"]["cloudwatchMetricsEnabled"]),
    ("waf-logging", lambda m: one(m, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").inputs[
        "logDestinationConfigs"] == [one(m, "aws:cloudwatch/logGroup:LogGroup").outputs["arn"]]),
    ("waf-log-group-name", lambda m: one(m, "aws:cloudwatch/logGroup:LogGroup").inputs["name"].startswith("aws-waf-logs-")),
    ("waf-log-retention", lambda m: one(m, "aws:cloudwatch/logGroup:LogGroup").inputs["retentionInDays"] == 365),
    ("waf-log-encrypted", lambda m: one(m, "aws:cloudwatch/logGroup:LogGroup").inputs["kmsKeyId"]
        == one(m, "aws:kms/key:Key").outputs["arn"]),
    ("access-logs", lambda m: one(m, "aws:cloudwatch/logDeliverySource:LogDeliverySource").inputs.items()
        >= {"logType": "ACCESS_LOGS", "resourceArn": one(m, DIST).outputs["arn"]}.items()),
    ("access-logs-to-bucket", lambda m: one(m, "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination")
        .inputs["deliveryDestinationConfiguration"] == {"destinationResourceArn": LOG_BUCKET_ARN}),
    ("price-class", lambda m: _dist(m)["priceClass"] == "PriceClass_All"),
]  # fmt: skip


@pytest.mark.parametrize("check", [c[1] for c in PROTECTIONS], ids=[c[0] for c in PROTECTIONS])
def test_default_protection(
    default_cdn: RecordingMonitor, check: Callable[[RecordingMonitor], bool]
) -> None:
    assert check(default_cdn)


def test_baseline_rule_groups_are_the_four_required() -> None:
    assert set(BASELINE_MANAGED_RULE_GROUPS) == {
        "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesAmazonIpReputationList",
    }  # fmt: skip


def test_waf_rule_priorities_are_unique_and_groups_keep_their_actions(
    default_cdn: RecordingMonitor,
) -> None:
    rules = one(default_cdn, ACL).inputs["rules"]
    assert [r["priority"] for r in rules] == list(range(len(rules)))
    for r in rules:
        if "managedRuleGroupStatement" in r["statement"]:
            assert r["overrideAction"] == {"none": {}}, r["name"]


def test_edge_resources_are_in_us_east_1(default_cdn: RecordingMonitor) -> None:
    for typ in (ACL, "aws:acm/certificate:Certificate", "aws:cloudwatch/logGroup:LogGroup",
                "aws:kms/key:Key", "aws:cloudwatch/logDeliverySource:LogDeliverySource"):  # fmt: skip
        assert ":us-east-1:" in one(default_cdn, typ).outputs["arn"], typ
    key_policy = one(default_cdn, "aws:kms/key:Key").inputs["policy"]
    assert "logs.us-east-1.amazonaws.com" in key_policy


def test_certificate_covers_every_hostname_and_is_validated_in_the_zone(
    default_cdn: RecordingMonitor,
) -> None:
    cert = one(default_cdn, "aws:acm/certificate:Certificate")
    assert cert.inputs["domainName"] == "assets.example.com"
    assert cert.inputs["subjectAlternativeNames"] == ["cdn.example.com"]
    assert cert.inputs["validationMethod"] == "DNS"
    options = {o["domainName"]: o for o in cert.outputs["domainValidationOptions"]}
    records = [
        r for r in of_type(default_cdn, "aws:route53/record:Record") if "cert-validation" in r.name
    ]
    assert {r.inputs["name"] for r in records} == {
        o["resourceRecordName"] for o in options.values()
    }
    for r in records:
        assert r.inputs["zoneId"] == "Z0123456789ABC"
        assert r.inputs["type"] == "CNAME"
    validation = one(default_cdn, "aws:acm/certificateValidation:CertificateValidation")
    assert sorted(validation.inputs["validationRecordFqdns"]) == sorted(
        r.outputs["fqdn"] for r in records
    )
    assert _dist(default_cdn)["aliases"] == ["assets.example.com", "cdn.example.com"]


def test_alias_records_point_at_the_distribution(default_cdn: RecordingMonitor) -> None:
    dist = one(default_cdn, DIST).outputs
    aliases = [r for r in of_type(default_cdn, "aws:route53/record:Record") if "-alias-" in r.name]
    assert {(r.inputs["name"], r.inputs["type"]) for r in aliases} == {
        (h, t) for h in ("assets.example.com", "cdn.example.com") for t in ("A", "AAAA")
    }
    for r in aliases:
        assert r.inputs["aliases"] == [{"name": dist["domainName"], "zoneId": CLOUDFRONT_HOSTED_ZONE_ID,
                                        "evaluateTargetHealth": False}]  # fmt: skip


def test_without_zone_no_dns_records_but_still_waits_for_validation() -> None:
    monitor = build_cdn(domain=CustomDomainArgs(name="assets.example.com"))
    assert of_type(monitor, "aws:route53/record:Record") == []
    validation = one(monitor, "aws:acm/certificateValidation:CertificateValidation")
    assert "validationRecordFqdns" not in validation.inputs


def test_default_certificate_only_when_explicitly_allowed() -> None:
    with pytest.raises(ValueError, match=r"^domain: .*TLSv1"):
        build_cdn(domain=None)
    monitor = build_cdn(domain=None, allow_default_certificate=True)
    assert _dist(monitor)["viewerCertificate"] == {"cloudfrontDefaultCertificate": True}
    assert of_type(monitor, "aws:acm/certificate:Certificate") == []
    assert "aliases" not in _dist(monitor)


def test_tls_policy_enforced_is_reported_honestly() -> None:
    import pulumi_aws as aws

    seen: dict[str, bool] = {}

    def program() -> None:
        edge = aws.Provider("aws-edge", region="us-east-1")
        for name, domain in (("custom", DOMAIN), ("default", None)):
            cdn = Cdn(name, CdnArgs(origin_bucket_arn=BUCKET_ARN, origin_domain_name="o", log_bucket_arn=None,
                                    domain=domain, allow_default_certificate=domain is None),
                      pulumi.ResourceOptions(provider=edge))  # fmt: skip
            seen[name] = cdn.tls_policy_enforced

    run_mocked(program)
    assert seen == {"custom": True, "default": False}


def test_settings_flow_through() -> None:
    monitor = build_cdn(
        price_class="PriceClass_100",
        viewer_protocol_policy="https-only",
        minimum_tls_version="TLSv1.2_2025",
        security_headers=SecurityHeadersArgs(content_security_policy="default-src 'none'"),
        waf=WebFirewallArgs(rate_limit=300, rate_limit_window_seconds=60, log_retention_days=30),
        default_root_object="index.html",
    )
    dist = _dist(monitor)
    assert dist["priceClass"] == "PriceClass_100"
    assert dist["defaultCacheBehavior"]["viewerProtocolPolicy"] == "https-only"
    assert dist["viewerCertificate"]["minimumProtocolVersion"] == "TLSv1.2_2025"
    assert dist["defaultRootObject"] == "index.html"
    assert (
        _headers(monitor)["contentSecurityPolicy"]["contentSecurityPolicy"] == "default-src 'none'"
    )
    rate = _rules(monitor)["rate-limit-per-ip"]["statement"]["rateBasedStatement"]
    assert (rate["limit"], rate["evaluationWindowSec"]) == (300, 60)
    assert one(monitor, "aws:cloudwatch/logGroup:LogGroup").inputs["retentionInDays"] == 30


def test_ip_and_geo_block_lists() -> None:
    monitor = build_cdn(
        waf=WebFirewallArgs(
            blocked_ip_cidrs=["203.0.113.0/24", "2001:db8::/32"], blocked_countries=["KP"]
        )
    )
    sets = {r.inputs["ipAddressVersion"]: r for r in of_type(monitor, "aws:wafv2/ipSet:IpSet")}
    assert sets["IPV4"].inputs["addresses"] == ["203.0.113.0/24"]
    assert sets["IPV6"].inputs["addresses"] == ["2001:db8::/32"]
    assert {s.inputs["scope"] for s in sets.values()} == {"CLOUDFRONT"}
    rules = _rules(monitor)
    assert rules["blocked-ipv4"]["statement"] == {
        "ipSetReferenceStatement": {"arn": sets["IPV4"].outputs["arn"]}
    }
    assert rules["blocked-ipv4"]["action"] == {"block": {}}
    assert rules["blocked-countries"]["statement"] == {
        "geoMatchStatement": {"countryCodes": ["KP"]}
    }
    names = [r["name"] for r in one(monitor, ACL).inputs["rules"]]
    assert names.index("blocked-ipv4") < names.index("rate-limit-per-ip")  # cheap denies first


def test_allow_list_blocks_every_other_country() -> None:
    rules = _rules(build_cdn(waf=WebFirewallArgs(allowed_countries=["DE", "AT"])))
    assert rules["outside-allowed-countries"]["statement"] == {
        "notStatement": {"statement": {"geoMatchStatement": {"countryCodes": ["DE", "AT"]}}}
    }


def test_waf_can_be_disabled_and_logs_follow_protection() -> None:
    monitor = build_cdn(waf=None, log_bucket_arn=None, protect_stateful=False)
    assert of_type(monitor, ACL) == []
    assert "webAclId" not in _dist(monitor)
    assert of_type(monitor, "aws:cloudwatch/logDeliverySource:LogDeliverySource") == []
    assert not any(r.protect for r in monitor.recorded)
    protected = {r.type for r in build_cdn().recorded if r.protect}
    assert protected == {"aws:kms/key:Key", "aws:cloudwatch/logGroup:LogGroup"}


def test_children_are_parented_named_and_tagged(default_cdn: RecordingMonitor) -> None:
    components = {r.urn for r in default_cdn.recorded if r.type.startswith("groundwork:aws/cdn:")}
    for r in default_cdn.recorded:
        if r.custom and not r.type.startswith("pulumi:providers:"):
            assert r.parent in components, r.name
            assert r.name.startswith("web-"), r.name
            assert r.provider is not None and r.provider.endswith("::aws-edge"), r.name
            if "tags" in r.inputs:
                assert TAGS.items() <= r.inputs["tags"].items(), r.name
    for typ in (DIST, ACL, "aws:acm/certificate:Certificate", "aws:cloudwatch/logGroup:LogGroup"):
        assert "tags" in one(default_cdn, typ).inputs, typ


def test_grant_reaches_the_bucket_policy_scoped_to_the_distribution() -> None:
    import pulumi_aws as aws

    def program() -> None:
        primary = aws.Provider("aws-test", region="eu-west-1")
        edge = aws.Provider("aws-edge", region="us-east-1")
        grants: pulumi.Output[list[dict[str, Any]]]
        key_grants: pulumi.Output[list[dict[str, Any]]]
        grants, resolve = pulumi.deferred_output()
        key_grants, resolve_key = pulumi.deferred_output()
        assets = Bucket("assets", BucketArgs(access_logs=AccessLogArgs(target_bucket="l", prefix="s3/"),
                                             policy_statements=grants, key_policy_statements=key_grants),
                        pulumi.ResourceOptions(provider=primary))  # fmt: skip
        cdn = Cdn("web", CdnArgs(origin_bucket_arn=assets.arn, origin_domain_name=assets.regional_domain_name,
                                 log_bucket_arn=None, domain=DOMAIN),
                  pulumi.ResourceOptions(provider=edge))  # fmt: skip
        resolve(cdn.origin_bucket_statements)
        resolve_key(cdn.origin_key_statements)

    monitor = run_mocked(program)
    dist = one(monitor, DIST)
    bucket = one(monitor, "aws:s3/bucket:Bucket")
    assert dist.inputs["origins"][0]["domainName"] == bucket.outputs["bucketRegionalDomainName"]
    policies = of_type(monitor, "aws:s3/bucketPolicy:BucketPolicy")
    assert len(policies) == 1
    read = json.loads(policies[0].inputs["policy"])["Statement"][1]
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert read["Action"] == "s3:GetObject"
    assert read["Resource"] == bucket.outputs["arn"] + "/*"
    assert read["Condition"] == {"StringEquals": {"AWS:SourceArn": dist.outputs["arn"]}}
    key_statements = json.loads(one(monitor, "aws:kms/key:Key", "assets-key").inputs["policy"])[
        "Statement"
    ]
    assert key_statements[1]["Condition"] == {
        "StringEquals": {"AWS:SourceArn": dist.outputs["arn"]}
    }
    assert "kms:Decrypt" in key_statements[1]["Action"]


BAD_ARGS: list[tuple[str, dict[str, Any], str]] = [
    ("allow-all", {"viewer_protocol_policy": "allow-all"}, "viewer_protocol_policy"),
    ("tls-v1", {"minimum_tls_version": "TLSv1"}, "minimum_tls_version"),
    ("tls-2019", {"minimum_tls_version": "TLSv1.2_2019"}, "minimum_tls_version"),
    ("tls-1.1", {"minimum_tls_version": "TLSv1.1_2016"}, "minimum_tls_version"),
    ("price-class", {"price_class": "PriceClass_Cheap"}, "price_class"),
    ("no-domain", {"domain": None}, "domain"),
    ("bad-hostname", {"domain": CustomDomainArgs(name="Assets.Example.com")}, "domain"),
    ("bad-zone-id", {"domain": CustomDomainArgs(name="assets.example.com", hosted_zone_id="zone-1")},
     "domain.hosted_zone_id"),
    ("hsts-short", {"security_headers": SecurityHeadersArgs(hsts_max_age_seconds=86400)},
     "security_headers.hsts_max_age_seconds"),
    ("csp-empty", {"security_headers": SecurityHeadersArgs(content_security_policy=" ")},
     "security_headers.content_security_policy"),
    ("csp-not-ascii", {"security_headers": SecurityHeadersArgs(content_security_policy="img-src https://café.example")},
     "security_headers.content_security_policy"),
    ("log-prefix", {"log_prefix": "a/b"}, "log_prefix"),
    ("rate-too-low", {"waf": WebFirewallArgs(rate_limit=5)}, "rate_limit"),
    ("rate-window", {"waf": WebFirewallArgs(rate_limit_window_seconds=30)}, "rate_limit_window_seconds"),  # type: ignore[arg-type]
    ("bad-cidr", {"waf": WebFirewallArgs(blocked_ip_cidrs=["10.0.0.1/8"])}, "blocked_ip_cidrs"),
    ("bad-country", {"waf": WebFirewallArgs(blocked_countries=["Germany"])}, "blocked_countries"),
    ("unassigned-country", {"waf": WebFirewallArgs(blocked_countries=["XX"])}, "blocked_countries"),
    ("country-twice", {"waf": WebFirewallArgs(allowed_countries=["DE", "DE"])}, "allowed_countries"),
    ("cidr-twice", {"waf": WebFirewallArgs(blocked_ip_cidrs=["203.0.113.0/24"] * 2)}, "blocked_ip_cidrs"),
    ("both-geo-lists", {"waf": WebFirewallArgs(blocked_countries=["KP"], allowed_countries=["DE"])},
     "allowed_countries"),
    ("duplicate-group", {"waf": WebFirewallArgs(additional_managed_rule_groups=["AWSManagedRulesSQLiRuleSet"])},
     "additional_managed_rule_groups"),
    ("waf-retention", {"waf": WebFirewallArgs(log_retention_days=10)}, "log_retention_days"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field"), [c[1:] for c in BAD_ARGS], ids=[c[0] for c in BAD_ARGS]
)
def test_bad_args_fail_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_cdn(**overrides)


def test_extra_rule_groups_come_after_the_baseline() -> None:
    waf = replace(
        WebFirewallArgs(), additional_managed_rule_groups=["AWSManagedRulesAnonymousIpList"]
    )
    names = [r["name"] for r in one(build_cdn(waf=waf), ACL).inputs["rules"]]
    assert names[-1] == "AWSManagedRulesAnonymousIpList"
    assert set(BASELINE_MANAGED_RULE_GROUPS) <= set(names)
