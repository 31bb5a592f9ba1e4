"""The policy pack and the cost estimate inside the offline plan, on the real stacks."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from planner import cli
from planner.cli import EXIT_BLOCKED, EXIT_OK, main
from planner.cost_report import cost_section
from planner.policy_report import policy_resources, policy_section
from planner.recorder import RecordedResource, RecordingMonitor
from planner.report import PlanContext
from policies.guardrails import config as guardrails_config
from policies.guardrails.pricing import catalogue
from tests.conftest import PROJECT_DIR, STACKS, built, one, raw_stack_config, stack_config

PROVIDER = "urn:pulumi:{stack}::groundwork::pulumi:providers:aws::aws-eu-west-1"


def _plan_cli(stack: str, tmp_path: Path) -> int:
    """The plan command as a user runs it, reports written under tmp_path."""
    return main([stack, "--project-dir", str(PROJECT_DIR), "--quiet",
                 "--json", str(tmp_path / "p.json"), "--markdown", str(tmp_path / "p.md")])  # fmt: skip


def plan_cli_with(
    stack: str, extra: list[RecordedResource], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> int:
    """The plan command as a user runs it, with `extra` resources recorded after the program's."""
    real_run = cli.run_program

    def run_with_extra(*args: Any, **kwargs: Any) -> RecordingMonitor:
        monitor = real_run(*args, **kwargs)
        monitor.recorded.extend(extra)
        return monitor

    monkeypatch.setattr(cli, "run_program", run_with_extra)
    return _plan_cli(stack, tmp_path)


def context(stack: str, extra: list[RecordedResource] | None = None) -> PlanContext:
    monitor = copy.copy(built(stack))  # the cached build stays untouched
    monitor.recorded = [*built(stack).recorded, *(extra or [])]
    return PlanContext("groundwork", stack, PROJECT_DIR, monitor, stack_config(stack))


def synthetic(
    stack: str, type_: str, name: str, inputs: dict[str, Any], **kw: Any
) -> RecordedResource:
    provider = next(r.urn for r in built(stack).recorded if r.type == "pulumi:providers:aws")
    return RecordedResource(
        urn=f"urn:pulumi:{stack}::groundwork::{type_}::{name}",
        type=type_,
        name=name,
        custom=True,
        parent=None,
        provider=provider,
        inputs=inputs,
        **kw,
    )


def tags(stack: str) -> dict[str, str]:
    return stack_config(stack).base_tags


@pytest.mark.parametrize("stack", STACKS)
def test_real_stacks_have_no_mandatory_violations(stack: str) -> None:
    section = policy_section(context(stack))
    assert section.blocking == []
    assert all(v["level"] != "mandatory" for v in section.data["violations"])
    assert section.data["config"] == f"{stack}.json"


def test_advisory_violations_are_listed_without_blocking() -> None:
    # A dev log group kept 14 days is fine; a prod-style alarm rule is advisory in dev: an
    # unalarmed Aurora cluster shows up as advisory, and is not a reason to block. (It uses the
    # stack's TLS-forcing parameter group: db-tls-enforced is a security rule, mandatory.)
    tls_group = one(built("dev"), "aws:rds/clusterParameterGroup:ClusterParameterGroup")
    db = synthetic(
        "dev",
        "aws:rds/cluster:Cluster",
        "acme-dev-db",
        {
            "engine": "aurora-postgresql",
            "storageEncrypted": True,
            "backupRetentionPeriod": 1,
            "kmsKeyId": "arn:aws:kms:eu-west-1:1:key/x",
            "tags": tags("dev"),
            "manageMasterUserPassword": True,
            "dbClusterParameterGroupName": tls_group.outputs["name"],
        },
    )
    section = policy_section(context("dev", [db]))
    advisory = {v["rule"] for v in section.data["violations"] if v["level"] == "advisory"}
    assert {"obs-alarms-for-stateful", "db-deletion-protection"} <= advisory
    assert section.blocking == []
    assert any("[advisory] medium:" in line for line in section.text)
    assert any("obs-alarms-for-stateful  acme-dev-db" in line for line in section.text)


@pytest.mark.parametrize(
    "case",
    [
        (
            "dev",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "acme-dev-assets-pab",
            {
                "bucket": "b",
                "blockPublicAcls": False,
                "blockPublicPolicy": True,
                "ignorePublicAcls": True,
                "restrictPublicBuckets": True,
            },
            "bucket-no-public-access",
        ),
        (
            "prod",
            "aws:rds/cluster:Cluster",
            "acme-prod-db",
            {"engine": "aurora-postgresql", "storageEncrypted": False},
            "db-encrypted-at-rest",
        ),
        (
            "dev",
            "aws:rds/clusterInstance:ClusterInstance",
            "acme-dev-db-1",
            {"instanceClass": "db.r7g.4xlarge", "tags": {}},
            "cost-instance-class-allowlist",
        ),
        (
            "prod",
            "aws:ec2/securityGroupRule:SecurityGroupRule",
            "acme-prod-ssh",
            {
                "type": "ingress",
                "protocol": "tcp",
                "fromPort": 22,
                "toPort": 22,
                "cidrBlocks": ["0.0.0.0/0"],
            },
            "net-sg-no-public-admin-ports",
        ),
    ],
)
def test_non_compliant_resource_blocks_the_plan_naming_rule_and_resource(
    case: tuple[str, str, str, dict[str, Any], str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stack, type_, name, inputs, rule = case
    code = plan_cli_with(stack, [synthetic(stack, type_, name, inputs)], monkeypatch, tmp_path)
    out = capsys.readouterr().out
    assert code == EXIT_BLOCKED
    blocked = out.split("PLAN BLOCKED:", 1)[1]
    assert f"policy {rule} (mandatory) on {name}" in blocked
    report = json.loads((tmp_path / "p.json").read_text())
    assert any(rule in reason and name in reason for reason in report["blocking"])


def test_a_stack_file_budget_below_the_estimate_blocks_the_plan() -> None:
    ctx = _plan_of("prod", budget={"monthlyLimit": 10})
    [reason] = policy_section(ctx).blocking
    assert reason.startswith("policy cost-stack-budget (mandatory) on (stack)")
    assert "exceeds the stack's budget 'acme-prod-budget' $10.00" in reason
    assert cost_section(ctx).data["budget"] == 10.0  # the report shows the same limit


def test_without_a_stack_budget_the_policy_config_limit_applies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = json.loads((PROJECT_DIR / "policies" / "config" / "dev.json").read_text())
    config["cost-stack-budget"] = {"enforcementLevel": "mandatory", "maxMonthlyCost": 10}
    (tmp_path / "dev.json").write_text(json.dumps(config))
    monkeypatch.setattr(guardrails_config, "CONFIG_DIR", tmp_path)
    ctx = _plan_of("dev", budget={"monthlyLimit": None})
    assert [r for r in ctx.resources if r.type == "aws:budgets/budget:Budget"] == []
    assert any("exceeds maxMonthlyCost $10.00" in b for b in policy_section(ctx).blocking)
    assert cost_section(ctx).data["budget"] == 10.0


def _network_estimate(stack: str) -> float:
    """The network layer priced by hand from the catalogue: dev's NAT instance (8 GB root, an
    Elastic IP, two recovery alarms), prod's NAT gateway with its Elastic IP per zone; each with
    the flow-log key."""
    items, hours = catalogue()["items"], catalogue()["hoursPerMonth"]

    def hourly(key: str) -> float:
        return float(items[key]["prices"]["eu-west-1"]) * hours

    def monthly(key: str) -> float:
        return float(items[key]["prices"]["eu-west-1"])

    if stack == "dev":
        nat = hourly("ec2:t4g.nano") + 8 * monthly("ebsGp3") + hourly("publicIpv4")
        return round(nat + 2 * monthly("cloudwatchAlarm") + monthly("kmsKey"), 2)
    # Each NAT gateway also emits two alarms (issue #12).
    nat = hourly("natGateway") + hourly("publicIpv4") + 2 * monthly("cloudwatchAlarm")
    return round(3 * nat + monthly("kmsKey"), 2)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_cost_estimate_of_the_network_layer(stack: str) -> None:
    section = cost_section(context(stack))
    by_component = section.data["byComponent"]
    assert by_component[f"acme-{stack} (Vpc)"] == pytest.approx(_network_estimate(stack), abs=0.02)
    assert section.data["total"] == pytest.approx(sum(by_component.values()), abs=0.01)
    statuses = {line["type"]: line["status"] for line in section.data["lines"]}
    assert statuses["aws:cloudwatch/logGroup:LogGroup"] == "usage"
    nat = "aws:ec2/instance:Instance" if stack == "dev" else "aws:ec2/natGateway:NatGateway"
    assert statuses[nat] == "priced"
    assert not [line for line in section.data["lines"] if line["status"] == "unpriced"]


def test_plan_prints_policy_and_cost_sections(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = _plan_cli("prod", tmp_path)
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "Policy pack:\n  config: policies/config/prod.json  (0 mandatory" in out
    assert "TOTAL" in out and "budget 1,050.00 (within)" in out
    assert "### Cost estimate" in (tmp_path / "p.md").read_text()


def test_stack_policies_see_linked_resources() -> None:
    _, outputs = policy_resources(context("dev").resources)
    flow_log = next(p for p in outputs if p.resource_type == "aws:ec2/flowLog:FlowLog")
    assert [d.resource_type for d in flow_log.property_dependencies["vpcId"]] == ["aws:ec2/vpc:Vpc"]
    assert (
        flow_log.parent is not None
        and flow_log.parent.resource_type == "groundwork:aws/network:Vpc"
    )
    assert flow_log.provider is not None and flow_log.provider.props["region"] == "eu-west-1"


def test_an_environment_without_policy_config_blocks_with_a_clear_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(guardrails_config, "CONFIG_DIR", tmp_path)
    section = policy_section(context("dev"))
    assert section.blocking == [
        "no policy config dev.json for environment 'dev' in policies/config/"
    ]
    # The stack file's own budget still applies; only the policy config's fallback is missing.
    assert cost_section(context("dev")).data["budget"] == 180.0


def first_preview(recorded: list[RecordedResource]) -> list[RecordedResource]:
    """The resources as a first `pulumi preview` shows them: every input computed from another
    resource (it has property dependencies) is unknown, and outputs are not known yet."""
    from planner.recorder import UNKNOWN

    unknown = []
    for r in recorded:
        inputs = {
            k: (UNKNOWN if r.property_dependencies.get(k) else v) for k, v in r.inputs.items()
        }
        unknown.append(dataclasses.replace(r, inputs=inputs, outputs={}))
    return unknown


@pytest.mark.parametrize("stack", STACKS)
def test_first_preview_with_unknown_inputs_has_no_mandatory_violations(stack: str) -> None:
    ctx = context(stack)
    ctx.monitor.recorded = first_preview(built(stack).recorded)
    assert (
        sum(
            1
            for r in ctx.resources
            for v in r.inputs.values()
            if v == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
        )
        > 10
    )  # the simulation really hides values
    section = policy_section(ctx)
    assert section.blocking == [], section.text


def test_first_preview_of_an_unverifiable_security_group_is_deferred_to_the_update() -> None:
    ctx = context("prod")
    rule = synthetic("prod", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "acme-prod-db-in",
                     {"ipProtocol": "tcp", "fromPort": 5432, "toPort": 5432, "cidrIpv4": "10.20.0.0/16",
                      "tags": tags("prod")},
                     property_dependencies={"cidrIpv4": ["urn:of:the:vpc"]})  # fmt: skip
    ctx.monitor.recorded = first_preview([*built("prod").recorded, rule])
    section = policy_section(ctx)
    # As the engine does: "can't run policy ... during preview", then the rule runs during the
    # update with the CIDR known. Visible in the report, not a silent pass; not blocking.
    deferred = [
        v for v in section.data["violations"]
        if v["rule"] == "net-sg-no-public-admin-ports" and v["urn"].endswith("::acme-prod-db-in")
    ]  # fmt: skip
    assert len(deferred) == 1
    assert deferred[0]["level"] == "advisory"
    assert (
        "can't run policy 'net-sg-no-public-admin-ports' during preview" in deferred[0]["message"]
    )
    assert "cidrIpv4" in deferred[0]["message"]
    assert not any("acme-prod-db-in" in b for b in section.blocking)


def test_a_manifest_only_the_engine_reads_is_one_line_naming_the_rules_that_check_it_there() -> (
    None
):
    section = policy_section(context("prod"))
    crds = [v for v in section.data["violations"] if v["urn"].endswith("-gateway-api-crds")]
    assert crds == []  # not a violation, nor a "can't run" per rule
    (item,) = section.data["readByEngine"]
    assert item["urn"].endswith("::acme-prod-addons-gateway-api-crds")
    assert item["source"].startswith("https://") and item["source"].endswith(".yaml")
    # Every rule that reads manifest objects is named: they check the CRDs' objects in the engine.
    assert {"k8s-no-privileged", "k8s-rbac-no-wildcards", "k8s-storageclass-retain"} <= set(
        item["rules"]
    )
    lines = [line for line in section.text if "gateway-api-crds" in line]
    assert len(lines) == 1
    assert "read by the engine only" in lines[0] and "k8s-no-privileged" in lines[0]
    assert "can't be known" not in lines[0]


def test_a_real_unknown_inside_a_manifest_is_still_a_can_t_run_finding() -> None:
    # An object of a ConfigGroup that is unknown at preview is not the engine's to read: it stays
    # an advisory "can't run" of each rule (and runs again at the update).
    group = synthetic("prod", "kubernetes:yaml/v2:ConfigGroup", "acme-prod-extra",
                      {"objs": ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"]})  # fmt: skip
    section = policy_section(context("prod", [group]))
    deferred = [
        v for v in section.data["violations"] if (v["urn"] or "").endswith("::acme-prod-extra")
    ]
    assert deferred and all(v["message"].startswith("can't run policy") for v in deferred)
    assert not any(i["urn"].endswith("::acme-prod-extra") for i in section.data["readByEngine"])


def _plan_of(stack: str, **overrides: Any) -> PlanContext:
    """A real stack built from its stack file with top-level config keys replaced."""
    from infra.build import build
    from tests.conftest import run_mocked

    cfg = stack_config(stack, **overrides)
    monitor = run_mocked(lambda: build(cfg), stack=stack)
    return PlanContext("groundwork", stack, PROJECT_DIR, monitor, cfg)


def test_an_oversized_dev_database_from_config_blocks_the_plan() -> None:
    ctx = _plan_of("dev", postgres={"instanceClass": "db.r7g.4xlarge", "serverless": None})
    section = policy_section(ctx)
    assert any(
        b.startswith("policy cost-instance-class-allowlist (mandatory) on acme-dev-postgres-")
        and "db.r7g.4xlarge" in b
        for b in section.blocking
    ), section.blocking


def test_a_public_kubernetes_endpoint_from_config_blocks_the_prod_plan() -> None:
    cluster = {
        **raw_stack_config("prod")["cluster"],
        "endpoint": {"public": True, "publicCidrs": ["203.0.113.0/24"]},
    }
    section = policy_section(_plan_of("prod", cluster=cluster))
    assert any(
        b.startswith("policy k8s-cluster-endpoint-not-open (mandatory) on acme-prod-eks-cluster")
        for b in section.blocking
    ), section.blocking
