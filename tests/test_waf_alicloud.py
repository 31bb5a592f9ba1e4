"""WAF 3.0 in front of the Alibaba CDN (components/cdn/alicloud_waf.py): the component under
mocks (CNAME-mode domain forwarding to the CDN over HTTPS, managed protection, the per-client rate
limit from the same keys as AWS, the IP blacklist, refusals by field), its wiring in prod-cn (WAF
3.0's own region, priced, within the budget) and the config's refusals by key."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from components.cdn.alicloud_waf import WebFirewall
from components.cdn.alicloud_waf_spec import WebFirewallArgs
from infra import ConfigError, parse_config
from infra.regions import waf_region
from planner.recorder import RecordingMonitor
from tests.conftest import alicloud_stack_config, built, of_type, one, raw_stack_config, run_mocked

DOMAIN = "alicloud:wafv3/domain:Domain"
TEMPLATE = "alicloud:wafv3/defenseTemplate:DefenseTemplate"
RULE = "alicloud:wafv3/defenseRule:DefenseRule"
INSTANCE = "alicloud:wafv3/instance:Instance"


def build(**overrides: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_alicloud as alicloud

    fields: dict[str, Any] = {"domain_name": "static.example.cn", "certificate_id": "12345",
                              "cdn_cname": "static.example.cn.w.kunlunsl.com"}  # fmt: skip
    args = WebFirewallArgs(**{**fields, **overrides})

    def program() -> None:
        provider = alicloud.Provider("ali-waf", region="cn-hangzhou")
        WebFirewall("edge", args, pulumi.ResourceOptions(provider=provider))

    return run_mocked(program)


@pytest.fixture(scope="module")
def waf() -> RecordingMonitor:
    return build()


def _rule(m: RecordingMonitor, scene: str) -> dict[str, Any]:
    (found,) = [r for r in of_type(m, RULE) if r.inputs["defenseScene"] == scene]
    return found.inputs


def test_the_domain_is_in_front_of_the_cdn_over_https_only(waf: RecordingMonitor) -> None:
    domain = one(waf, DOMAIN).inputs
    assert domain["accessType"] == "share" and domain["domain"] == "static.example.cn"
    listen = domain["listen"]
    assert listen["httpsPorts"] == [443] and "httpPorts" not in listen and listen["focusHttps"]
    assert (listen["tlsVersion"], listen["cipherSuite"]) == ("tlsv1.2", 2)
    assert listen["certId"] == "12345-cn-hangzhou"
    assert listen["xffHeaderMode"] == 0  # first hop: X-Forwarded-For is not trusted
    redirect = domain["redirect"]
    assert redirect["backends"] == ["static.example.cn.w.kunlunsl.com"]
    assert redirect["focusHttpBackend"] is False and redirect["sniHost"] == "static.example.cn"


def test_every_template_protects_the_domain_and_is_enabled(waf: RecordingMonitor) -> None:
    templates = {t.inputs["defenseScene"]: t.inputs for t in of_type(waf, TEMPLATE)}
    assert set(templates) == {"waf_base", "custom_acl"}
    for t in templates.values():
        assert t["resources"] == ["static.example.cn-waf"] and t["status"] == 1
    ids = {t.outputs["defenseTemplateId"] for t in of_type(waf, TEMPLATE)}
    assert {r.inputs["templateId"] for r in of_type(waf, RULE)} == ids


def test_managed_protection_blocks_and_updates_itself(waf: RecordingMonitor) -> None:
    assert _rule(waf, "waf_base")["config"] == {"ruleAction": "block", "autoUpdate": True}


def test_the_rate_limit_blocks_a_client_ip_over_the_limit_for_one_window() -> None:
    config = _rule(build(rate_limit=600, rate_limit_window_seconds=60), "custom_acl")["config"]
    assert config["ccStatus"] == 1 and config["ruleAction"] == "block"
    assert config["rateLimit"] == {"target": "remote_addr", "interval": 60, "threshold": 600,
                                   "ttl": 60}  # fmt: skip
    assert config["conditions"] == [{"key": "URL", "opValue": "prefix-match", "values": "/"}]


def test_blocked_ranges_get_an_ip_blacklist_only_when_set(waf: RecordingMonitor) -> None:
    assert not [r for r in of_type(waf, RULE) if r.inputs["defenseScene"] == "ip_blacklist"]
    config = _rule(build(blocked_ip_cidrs=("203.0.113.0/24",)), "ip_blacklist")["config"]
    assert config == {"remoteAddrs": ["203.0.113.0/24"], "ruleAction": "block"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"certificate_id": "cas-1"}, r"^certificate_id: "),
        ({"waf_region": "cn-shanghai"}, r"^waf_region: "),
        ({"rate_limit": 5}, r"^rate_limit: must be between 10"),
        ({"rate_limit_window_seconds": 30}, r"^rate_limit_window_seconds: "),
        ({"blocked_ip_cidrs": ("10.0.0.1/8",)}, r"^blocked_ip_cidrs: '10.0.0.1/8' is not a CIDR"),
        ({"blocked_ip_cidrs": ("2001:db8::/32",)}, r"^blocked_ip_cidrs: .*IPv4 only"),
    ],
)
def test_bad_args_are_refused_naming_the_field(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build(**overrides)


def test_waf_3_runs_in_its_own_region() -> None:
    assert (waf_region("cn-shanghai"), waf_region("cn-beijing")) == ("cn-hangzhou", "cn-hangzhou")
    assert (waf_region("cn-hongkong"), waf_region("eu-central-1")) == (
        "ap-southeast-1", "ap-southeast-1")  # fmt: skip


def test_prod_cn_puts_the_waf_in_front_of_its_cdn_with_the_shared_keys() -> None:
    m, cfg = built("prod-cn"), alicloud_stack_config("prod-cn")
    domain = one(m, DOMAIN)
    assert domain.provider and domain.provider.endswith("::alicloud-edge-cn-hangzhou")
    cdn = one(m, "alicloud:cdn/domainNew:DomainNew")
    assert domain.inputs["redirect"]["backends"] == [cdn.outputs["cname"]]
    assert cdn.inputs["certificateConfig"]["certId"] == cfg.cdn.domain.certificate_id  # type: ignore[union-attr]
    limit = _rule(m, "custom_acl")["config"]["rateLimit"]
    assert (limit["threshold"], limit["interval"]) == (
        cfg.cdn.waf.rate_limit, cfg.cdn.waf.rate_limit_window_seconds)  # fmt: skip
    assert of_type(built("dev-cn"), INSTANCE) == []  # dev-cn turns it off (budget)


def _refusals(stack: str, cdn: dict[str, Any]) -> list[str]:
    raw = copy.deepcopy(raw_stack_config(stack))
    raw["cdn"] = {**raw.get("cdn", {}), **cdn}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    return caught.value.problems


@pytest.mark.parametrize(
    ("cdn", "key", "says"),
    [
        ({"domain": {"name": "static.cn.acme.example"}}, "cdn.domain.certificateId",
         "required with cdn.waf.enabled"),
        ({"domain": {"name": "static.cn.acme.example", "certificateId": "cas-1"}},
         "cdn.domain.certificateId", "pattern"),
        ({"waf": {"blockedCountries": ["KP"]}}, "cdn.waf.blockedCountries", "not built"),
        ({"waf": {"allowedCountries": ["CN"]}}, "cdn.waf.allowedCountries", "not built"),
        ({"waf": {"logRetentionDays": 30}}, "cdn.waf.logRetentionDays", "not built"),
        ({"waf": {"rateLimitWindowSeconds": 30}}, "cdn.waf.rateLimitWindowSeconds", "60"),
    ],
)  # fmt: skip
def test_config_refuses_what_the_waf_cannot_do_naming_the_key(
    cdn: dict[str, Any], key: str, says: str
) -> None:
    problems = _refusals("prod-cn", cdn)
    assert any(p.startswith(f"groundwork:{key}:") and says in p for p in problems), problems


def test_the_rule_names_what_is_missing() -> None:
    from tests.policy_cases_alicloud import CASES, SECURE_CDN
    from tests.policy_kit import run

    (none,) = run("alicloud-cdn-waf", SECURE_CDN)
    assert "CDN domain 'cdn' has no WAF 3.0 in front" in none
    bad = CASES["alicloud-cdn-waf"].bad
    (managed,) = run("alicloud-cdn-waf", bad[2])
    assert "no enabled core web protection template (waf_base)" in managed
    (rate,) = run("alicloud-cdn-waf", bad[5])
    assert "no enabled template with a per-client rate-limit rule" in rate
    (tls,) = run("alicloud-cdn-https", CASES["alicloud-cdn-https"].bad[-4])
    assert "listen.tlsVersion=tlsv1" in tls


def test_waf_is_priced_per_instance_domain_and_billed_feature() -> None:
    from policies.guardrails.pricing import estimate
    from tests.test_pricing_alicloud import s

    hz = "cn-hangzhou"
    subjects = [
        s("pulumi:providers:alicloud", "alicloud-cn-shanghai", region="cn-shanghai"),
        s(INSTANCE, "i", hz),
        s(DOMAIN, "d", hz, accessType="share"),
        s(TEMPLATE, "base", hz, defenseScene="waf_base"),
        s(TEMPLATE, "acl", hz, defenseScene="custom_acl"),
        s(RULE, "base-rule", hz, defenseScene="waf_base"),
        s(RULE, "acl-rule", hz, defenseScene="custom_acl"),
        s(RULE, "dlp-rule", hz, defenseScene="dlp"),
    ]
    lines = {x.name: x for x in estimate(subjects, "cn-shanghai").lines}
    assert lines["i"].monthly == pytest.approx(0.025 * 730)  # 0.5 SeCU/h x CNY 0.05
    assert lines["d"].status == lines["base"].status == lines["acl-rule"].status == "priced"
    assert "acl" not in lines and "base-rule" not in lines  # billed once: template or rule
    assert lines["dlp-rule"].status == "unpriced"  # never silently zero
    assert {x.currency for x in lines.values() if x.status == "priced"} == {"CNY"}


def test_the_api_edge_is_refused_on_alibaba_not_silently_left_out() -> None:
    raw = copy.deepcopy(raw_stack_config("prod-cn"))
    raw["api"] = {"enabled": True, "host": "api.cn.acme.example", "origin": "web.cn.acme.example"}
    with pytest.raises(ConfigError) as caught:
        parse_config(raw)
    assert any(p.startswith("groundwork:api.enabled: not built on Alibaba Cloud")
               for p in caught.value.problems), caught.value.problems  # fmt: skip
