"""Alibaba Cloud prices: in the currency of the region's price list, never added to USD."""

from __future__ import annotations

import re

import pytest

from policies.guardrails import Subject
from policies.guardrails.cost import RULES as COST_RULES
from policies.guardrails.cost import stack_budget
from policies.guardrails.pricing import MixedCurrencyError, catalogue, estimate


def s(type_: str, name: str, region: str = "cn-shanghai", **props: object) -> Subject:
    return Subject(type=type_, name=name, urn=f"urn:pulumi:x::groundwork::{type_}::{name}",
                   props=props, region=region)  # fmt: skip


ALI_PROVIDER = s("pulumi:providers:alicloud", "alicloud-cn-shanghai")
NAT = s("alicloud:vpc/natGateway:NatGateway", "nat", natType="Enhanced")


def _price(key: str) -> float:
    item = catalogue("alicloud")["items"][key]
    hours = catalogue("alicloud")["hoursPerMonth"] if item["unit"] == "hour" else 1
    return float(item["prices"]["cn-shanghai"]) * hours


def test_every_alicloud_price_has_a_source_a_date_and_its_regions_currency() -> None:
    cat = catalogue("alicloud")
    # prod-cn's DR region, and WAF 3.0's mainland region
    assert cat["currencies"] == {"cn-shanghai": "CNY", "cn-beijing": "CNY", "cn-hangzhou": "CNY"}
    for key, item in cat["items"].items():
        assert set(item["prices"]) <= set(cat["currencies"]), key
        assert item["source"].startswith("https://www.aliyun.com/price/"), key
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["asOf"]), key


def test_an_alibaba_stack_is_priced_in_cny() -> None:
    eip = s("alicloud:ecs/eipAddress:EipAddress", "eip", internetChargeType="PayByTraffic")
    pool = s("alicloud:cs/nodePool:NodePool", "pool", instanceTypes=["ecs.g7.large"],
             desiredSize=3, systemDiskCategory="cloud_essd", systemDiskPerformanceLevel="PL0",
             systemDiskSize=40)  # fmt: skip
    est = estimate([ALI_PROVIDER, NAT, eip, pool], "cn-shanghai")
    assert est.currency == "CNY" and est.cloud == "alicloud"
    lines = {line.name: line for line in est.lines}
    assert lines["nat"].monthly == pytest.approx(_price("natGatewayEnhanced"), abs=0.01)
    assert lines["pool"].monthly == pytest.approx(
        3 * (_price("ecs:ecs.g7.large") + 40 * _price("essdPl0")), abs=0.01
    )
    assert est.total == pytest.approx(sum(line.monthly or 0 for line in est.lines), abs=0.02)


def test_spot_node_pools_get_the_spot_discount_and_no_commitment() -> None:
    spot = s("alicloud:cs/nodePool:NodePool", "spot", instanceTypes=["ecs.g7.large"],
             desiredSize=1, spotStrategy="SpotAsPriceGo", systemDiskCategory="cloud_essd",
             systemDiskPerformanceLevel="PL0", systemDiskSize=40)  # fmt: skip
    (line,) = [x for x in estimate([ALI_PROVIDER, spot], "cn-shanghai").lines if x.name == "spot"]
    node = _price("ecs:ecs.g7.large") * (1 - catalogue("alicloud")["spotDiscount"])
    assert line.monthly == pytest.approx(node + 40 * _price("essdPl0"), abs=0.01)
    assert line.committed == line.monthly


def test_a_region_without_a_price_list_is_unpriced_not_zero() -> None:
    far = s("alicloud:vpc/natGateway:NatGateway", "far", region="eu-central-1", natType="Enhanced")
    (line,) = estimate([ALI_PROVIDER, far], "cn-shanghai").by_status("unpriced")
    assert line.name == "far"


def test_cny_and_usd_are_never_added_up() -> None:
    aws_nat = s("aws:ec2/natGateway:NatGateway", "aws-nat", region="eu-west-1")
    est = estimate([NAT, aws_nat])
    assert est.currencies == ["CNY", "USD"]
    with pytest.raises(MixedCurrencyError):
        _ = est.total
    (budget_rule,) = [r for r in COST_RULES if r.id == "cost-stack-budget"]
    assert budget_rule.stack_check is not None
    findings = list(budget_rule.stack_check([NAT, aws_nat], budget_rule.params))
    assert "mixes price lists in CNY, USD" in findings[0].message


def test_the_budget_is_taken_in_the_estimates_currency() -> None:
    params = {"maxMonthlyCost": 100.0, "maxMonthlyCostByCurrency": {"CNY": 700.0}}
    assert stack_budget([], params, "CNY") == (700.0, "maxMonthlyCostByCurrency.CNY")
    assert stack_budget([], params, "USD") == (100.0, "maxMonthlyCost")
    assert stack_budget([], {"maxMonthlyCost": 100.0}, "CNY") is None
    (rule,) = [r for r in COST_RULES if r.id == "cost-stack-budget"]
    assert rule.stack_check is not None
    over = list(
        rule.stack_check(
            [ALI_PROVIDER, NAT], {**rule.params, **params, "maxMonthlyCostByCurrency": {"CNY": 1}}
        )
    )
    assert "exceeds maxMonthlyCostByCurrency.CNY CNY 1.00" in over[0].message
