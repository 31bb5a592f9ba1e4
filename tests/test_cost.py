"""Cost efficiency: the lean presets meet the plans' budgets at the same SLOs, the estimate never
shrinks silently, commitments and the DR add-on are shown apart, and a change shows its delta."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.build import build
from planner.cli import EXIT_OK, main
from planner.cost_report import cost_section, deltas
from planner.policy_report import policy_section
from planner.recorder import RecordingMonitor
from planner.report import PlanContext
from tests.conftest import (
    PROJECT_DIR,
    alicloud_stack_config,
    built,
    of_type,
    primary_region,
    run_mocked,
    stack_config,
)

PLAN_BUDGETS = {"dev": 150.0, "prod": 1050.0}
"""The plans' targets (on demand, DR add-on and usage excluded)."""


def _ctx(stack: str, monitor: RecordingMonitor | None = None, **overrides: Any) -> PlanContext:
    cfg = stack_config(stack, **overrides)
    monitor = monitor or run_mocked(lambda: build(cfg), stack=stack)
    return PlanContext("groundwork", stack, PROJECT_DIR, monitor, cfg)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_real_stacks_meet_the_plans_budgets_with_nothing_unpriced(stack: str) -> None:
    data = cost_section(_ctx(stack, built(stack))).data
    assert data["total"] <= PLAN_BUDGETS[stack]
    assert data["unpriced"] == []
    # The stack file declares the plans' own budget, and the policy holds the stack to it.
    assert data["budget"] == {"dev": 180.0, "prod": 1050.0}[stack]
    assert 0 < data["committedTotal"] < data["total"]


def test_dev_cn_has_nothing_unpriced_and_a_pay_by_usage_gateway() -> None:
    cfg = alicloud_stack_config("dev-cn")
    data = cost_section(PlanContext("groundwork", "dev-cn", PROJECT_DIR, built("dev-cn"), cfg)).data
    assert data["currency"] == "CNY" and data["unpriced"] == []
    # Over its advisory CNY 1,300 since the API server's CLB is counted: the lead's call.
    assert data["budget"] == 1300.0
    # The gateway's CLB is pay-by-usage: instance fee + public IP in the total, LCUs as usage.
    (gateway,) = [x for x in data["lines"] if x["type"].endswith("/v1:Gateway")]
    assert "spec fee" not in gateway["detail"] and "LCUs and traffic are usage" in gateway["detail"]


def test_prod_slo_properties_hold_under_the_lean_preset() -> None:
    monitor = primary_region(built("prod"))
    # Database: writer + reader in distinct zones on shared storage (automatic failover, RPO 0
    # in-region), protected.
    instances = of_type(monitor, "aws:rds/clusterInstance:ClusterInstance")
    zones = {i.inputs["availabilityZone"] for i in instances}
    assert len(instances) >= 2 and len(zones) == len(instances)
    assert sorted(i.inputs["promotionTier"] for i in instances)[:2] == [0, 1]
    [cluster] = of_type(monitor, "aws:rds/cluster:Cluster")
    assert cluster.inputs["serverlessv2ScalingConfiguration"]["minCapacity"] >= 0.5
    # Cache: a replica in another zone, automatic failover, Multi-AZ.
    [group] = of_type(monitor, "aws:elasticache/replicationGroup:ReplicationGroup")
    assert group.inputs["numCacheClusters"] >= 2
    assert group.inputs["automaticFailoverEnabled"] is True and group.inputs["multiAzEnabled"]
    assert len(set(group.inputs["preferredCacheClusterAzs"])) >= 2
    # Nodes: on demand, spread over the private subnets of all three zones, at least 3.
    [nodes] = of_type(monitor, "aws:eks/nodeGroup:NodeGroup")
    assert nodes.inputs["capacityType"] == "ON_DEMAND"
    assert len(nodes.inputs["subnetIds"]) == 3 and nodes.inputs["scalingConfig"]["minSize"] >= 3
    assert nodes.inputs["amiType"] == "AL2023_ARM_64_STANDARD"  # Graviton: the AMI follows
    # Egress: one NAT gateway per zone.
    nats = of_type(monitor, "aws:ec2/natGateway:NatGateway")
    assert len({n.inputs["subnetId"] for n in nats}) == 3


def test_an_unpriced_instance_type_blocks_prod_naming_the_resource_and_type() -> None:
    groups = {"general": {"instanceTypes": ["m8g.large", "m8g.xlarge"]}}
    ctx = _ctx("prod", cluster={**stack_config("prod").model_dump(by_alias=True)["cluster"],
                                "nodeGroups": groups})  # fmt: skip
    blocking = policy_section(ctx).blocking
    [reason] = [b for b in blocking if "cost-estimate-complete" in b]
    assert "acme-prod-eks-general" in reason and "ec2:m8g.large" in reason
    assert "acme-prod-eks-general (aws:eks/nodeGroup:NodeGroup)" in "\n".join(
        cost_section(ctx).text
    )


def test_an_unpriced_resource_is_only_advisory_in_dev_but_still_listed() -> None:
    groups = {"general": {"instanceTypes": ["m8g.large", "m8g.xlarge"], "capacityType": "SPOT"}}
    ctx = _ctx("dev", cluster={**stack_config("dev").model_dump(by_alias=True)["cluster"],
                               "nodeGroups": groups})  # fmt: skip
    section = policy_section(ctx)
    assert not [b for b in section.blocking if "cost-estimate-complete" in b]
    assert any(v["rule"] == "cost-estimate-complete" for v in section.data["violations"])
    assert [u["type"] for u in cost_section(ctx).data["unpriced"]] == [
        "aws:eks/nodeGroup:NodeGroup"
    ]


def test_the_dr_add_on_is_estimated_apart_and_capped_in_prod() -> None:
    from policies.guardrails import Subject
    from policies.guardrails.cost import RULES
    from policies.guardrails.pricing import estimate

    def key(name: str, provider: str) -> Subject:
        return Subject("aws:kms/key:Key", name, f"urn:x::{name}", {}, provider=provider)

    primary = "urn:pulumi:prod::groundwork::pulumi:providers:aws::aws-eu-west-1"
    dr = "urn:pulumi:prod::groundwork::pulumi:providers:aws::aws-dr-eu-central-1"
    subjects = [key("a", primary), key("b", primary), key("c", dr)]
    est = estimate(subjects)
    assert (est.total, est.dr_total) == (2.0, 1.0)  # the DR key is not in the budgeted total
    rule = next(r for r in RULES if r.id == "cost-stack-budget")
    assert rule.stack_check is not None
    params = {"maxMonthlyCost": 100.0, "maxDrShare": 0.3, "defaultRegion": "eu-west-1"}
    [finding] = list(rule.stack_check(subjects, params))
    assert "disaster-recovery add-on costs $1.00/month" in finding.message
    assert list(rule.stack_check(subjects, {**params, "maxDrShare": 0.5})) == []


def test_on_alibaba_too_the_budget_holds_the_primary_total_and_the_dr_add_on_is_capped() -> None:
    from policies.guardrails import Subject
    from policies.guardrails.cost import RULES
    from policies.guardrails.pricing import estimate

    def nat(name: str, provider: str, region: str) -> Subject:
        return Subject("alicloud:vpc/natGateway:NatGateway", name, f"urn:x::{name}",
                       {"natType": "Enhanced"}, provider=provider, region=region)  # fmt: skip

    providers = "urn:pulumi:prod-cn::groundwork::pulumi:providers:alicloud::"
    subjects = [
        Subject("pulumi:providers:alicloud", "alicloud-cn-shanghai", f"{providers}alicloud-cn-shanghai",
                {"region": "cn-shanghai"}),
        nat("primary", f"{providers}alicloud-cn-shanghai", "cn-shanghai"),
        nat("standby", f"{providers}alicloud-dr-cn-beijing", "cn-shanghai"),
    ]  # fmt: skip
    est = estimate(subjects)
    assert est.currency == "CNY" and est.total == est.dr_total > 0
    rule = next(r for r in RULES if r.id == "cost-stack-budget")
    assert rule.stack_check is not None
    # A budget above the primary total but below primary + DR: the budget is not exceeded.
    limit = est.total * 1.5
    params = {"maxMonthlyCost": 1.0, "maxMonthlyCostByCurrency": {"CNY": limit},
              "maxDrShare": 1.0, "defaultRegion": "cn-shanghai"}  # fmt: skip
    assert list(rule.stack_check(subjects, params)) == []
    [finding] = list(rule.stack_check(subjects, {**params, "maxDrShare": 0.3}))
    assert "disaster-recovery add-on costs CNY" in finding.message


@pytest.mark.parametrize("stack", ["prod", "prod-cn"])
def test_the_cost_output_says_what_the_budget_covers_on_both_clouds(stack: str) -> None:
    from planner.cost_report import BUDGET_SCOPE

    cfg = alicloud_stack_config(stack) if stack.endswith("-cn") else stack_config(stack)
    section = cost_section(PlanContext("groundwork", stack, PROJECT_DIR, built(stack), cfg))
    data, text = section.data, "\n".join(section.text)
    assert data["budgetCovers"] == "primary" and data["drTotal"] > 0
    assert BUDGET_SCOPE in text and BUDGET_SCOPE in "\n".join(section.markdown)
    with_dr = next(row for row in section.text if "TOTAL with DR add-on" in row)
    assert f"{data['total'] + data['drTotal']:,.2f}" in with_dr


def test_deltas_per_component_count_added_and_removed_components() -> None:
    assert deltas({"db": 10.0, "new": 5.0}, {"db": 12.5, "gone": 3.0}) == {
        "db": -2.5,
        "gone": -3.0,
        "new": 5.0,
    }
    assert deltas({"same": 1.0}, {"same": 1.0}) == {}


def test_compare_with_a_base_report_shows_the_change_per_component(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "base.json"
    args = [
        "prod",
        "--project-dir",
        str(PROJECT_DIR),
        "--quiet",
        "--markdown",
        str(tmp_path / "m.md"),
    ]
    assert main([*args, "--json", str(base)]) == EXIT_OK
    report = json.loads(base.read_text())
    report["sections"]["cost"]["byComponent"]["acme-prod-postgres (PostgresHa)"] -= 100.0
    report["sections"]["cost"]["total"] -= 100.0
    base.write_text(json.dumps(report))
    capsys.readouterr()
    assert main([*args, "--json", str(tmp_path / "head.json"), "--compare-with", str(base)]) == 0
    out = capsys.readouterr().out
    head = json.loads((tmp_path / "head.json").read_text())["sections"]["cost"]
    assert head["against"]["byComponentDelta"] == {"acme-prod-postgres (PostgresHa)": 100.0}
    assert "+100.00" in out and "vs base" in out
    assert "| vs base |" in (tmp_path / "m.md").read_text()


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_monitoring_is_its_own_line_and_dev_keeps_it_cheap(stack: str) -> None:
    section = cost_section(_ctx(stack, built(stack)))
    lines = section.data["lines"]
    monitoring_components = {"alerts (AlertTopics)", "telemetry (ClusterTelemetry)",
                             "health (EntryHealth)", "monitoring (MonitoringStack)",
                             "health-alerts (AlertTopics)"}  # fmt: skip
    expected = sum(
        line["monthly"] or 0.0
        for line in lines
        if line["scope"] == "primary"
        and (line["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm"
             or line["component"].removeprefix(f"acme-{stack}-") in monitoring_components)
    )  # fmt: skip
    assert section.data["monitoring"] == round(expected, 2) > 0
    assert any(row.strip().startswith("of which monitoring") for row in section.text)
    if stack == "dev":  # the cap: no HA, short retention, no search, no health checks
        assert section.data["monitoring"] <= 15.0
