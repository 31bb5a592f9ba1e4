"""The offline plan command: output, report files and exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import EXIT_CONFIG, EXIT_OK, main
from tests.conftest import ALL_STACKS, PROJECT_DIR


def test_plan_dev_prints_the_tree_and_writes_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["dev", "--project-dir", str(PROJECT_DIR), "--json", str(tmp_path / "p.json"),
                 "--markdown", str(tmp_path / "p.md")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "groundwork:aws/network:Vpc  acme-dev" in out
    assert out.count("aws:ec2/subnet:Subnet  acme-dev-") == 6
    assert "aws:ec2/instance:Instance  acme-dev-nat-instance" in out  # dev's NAT instance
    assert "aws:ec2/flowLog:FlowLog  acme-dev-flow-log" in out
    report = json.loads((tmp_path / "p.json").read_text())
    assert report["stack"] == "dev"
    assert report["countsByType"]["aws:ec2/subnet:Subnet"] == 6
    assert report["resourceCount"] == len(report["resources"])
    assert set(report) >= {"sections", "blocking", "protected", "outputs"}
    assert "## Offline plan `groundwork/dev`" in (tmp_path / "p.md").read_text()


def test_plan_prod_lists_protected_resources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["prod", "--project-dir", str(PROJECT_DIR), "--quiet", "--json", str(tmp_path / "p.json"),
                 "--markdown", str(tmp_path / "p.md")])  # fmt: skip
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert (
        out.count("aws:ec2/natGateway:NatGateway") == 1
    )  # counts table only: --quiet drops the tree
    report = json.loads((tmp_path / "p.json").read_text())
    assert report["countsByType"]["aws:ec2/natGateway:NatGateway"] == 3
    assert report["countsByType"]["aws:ec2/subnet:Subnet"] == 18  # 3 tiers x 3 zones, 2 regions
    assert any(u.endswith("acme-prod-flow-logs-key") for u in report["protected"])


def _project_copy(tmp_path: Path, stack_text: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR, project, ignore=shutil.ignore_patterns(".venv*", ".git", "out", "__pycache__")
    )
    (project / "Pulumi.broken.yaml").write_text(stack_text)
    return project


def test_broken_stack_file_exits_non_zero_with_one_line_naming_the_field(tmp_path: Path) -> None:
    text = (PROJECT_DIR / "Pulumi.dev.yaml").read_text().replace("10.10.0.0/16", "10.0.0.0/33")
    project = _project_copy(tmp_path, text)
    # A real subprocess, as a user runs it: exit code and stderr are what they see.
    proc = subprocess.run(
        [sys.executable, "-m", "planner", "broken", "--project-dir", str(project)],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == EXIT_CONFIG
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: Pulumi.broken.yaml: groundwork:network.cidr: ")
    assert "10.0.0.0/33" in lines[0]
    assert "Traceback" not in proc.stderr


def test_unknown_stack_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["nope", "--project-dir", str(PROJECT_DIR)]) == EXIT_CONFIG
    stacks = ", ".join(ALL_STACKS)
    assert f"no stack file Pulumi.nope.yaml; stacks here: {stacks}" in capsys.readouterr().err


def test_invalid_yaml_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project_copy(tmp_path, "config: [unclosed\n")
    assert main(["broken", "--project-dir", str(project)]) == EXIT_CONFIG
    assert "Pulumi.broken.yaml: not valid YAML" in capsys.readouterr().err


def test_markdown_has_a_stable_architecture_diagram(tmp_path: Path) -> None:
    paths = []
    for i in range(2):
        md = tmp_path / f"p{i}.md"
        assert main(["prod", "--project-dir", str(PROJECT_DIR), "--quiet", "--json", str(tmp_path / "p.json"),
                     "--markdown", str(md)]) == EXIT_OK  # fmt: skip
        paths.append(md.read_text())
    assert paths[0] == paths[1]
    assert "```mermaid" in paths[0]
    assert '(["aws eu-west-1"])' in paths[0]
    assert '(["aws eu-central-1"])' in paths[0]
    assert "<b>groundwork:aws/network:Vpc</b><br/>acme-prod<br/>" in paths[0]
    assert "3 x NatGateway" in paths[0]


def test_stack_file_must_disable_default_providers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        (PROJECT_DIR / "Pulumi.dev.yaml")
        .read_text()
        .replace('pulumi:disable-default-providers: ["*"]', "")
    )
    project = _project_copy(tmp_path, text)
    assert main(["broken", "--project-dir", str(project)]) == EXIT_CONFIG
    assert "set `pulumi:disable-default-providers" in capsys.readouterr().err


def test_stack_file_that_is_not_a_mapping_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project_copy(tmp_path, "- just\n- a list\n")
    assert main(["broken", "--project-dir", str(project)]) == EXIT_CONFIG
    assert "must be a mapping" in capsys.readouterr().err


def test_missing_project_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dev", "--project-dir", str(tmp_path)]) == EXIT_CONFIG
    assert "no Pulumi.yaml" in capsys.readouterr().err


ALICLOUD_WITH_AWS_VALUES = """\
config:
  pulumi:disable-default-providers: ["*"]
  groundwork:cloud: alicloud
  groundwork:environment: prod
  groundwork:region: us-east-2
  groundwork:tags: {owner: platform-team, costCenter: cc-1042}
  groundwork:accountId: "123456789012"
  groundwork:network: {cidr: 10.20.0.0/16, nat: regional, interfaceEndpoints: [sts]}
  groundwork:postgres: {instanceClass: db.t4g.medium, engine: aurora-postgresql}
  groundwork:redis: {nodeType: cache.t4g.small}
  groundwork:cluster:
    adminRoleArns: [arn:aws:iam::123456789012:role/platform-admin]
    nodeGroups: {general: {instanceTypes: [m7i.large], capacityType: ON_DEMAND}}
  groundwork:cdn:
    priceClass: PriceClass_100
    minimumTlsVersion: TLSv1.2_2021
    domain: {name: assets.acme.example, hostedZoneId: Z0123456789ABCDEFGHIJ}
"""


def _plan_subprocess(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner", "broken", "--project-dir", str(project)],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_alicloud_stack_with_aws_values_lists_every_problem_and_exits_2(tmp_path: Path) -> None:
    proc = _plan_subprocess(_project_copy(tmp_path, ALICLOUD_WITH_AWS_VALUES))
    assert proc.returncode == EXIT_CONFIG, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert all(line.startswith("error: Pulumi.broken.yaml: groundwork:") for line in lines), lines
    keys = [line.split(": ")[2] for line in lines]
    # One line per AWS-only value, each naming its key; none stops the others from being listed.
    assert sorted(keys) == sorted([
        "groundwork:region", "groundwork:accountId", "groundwork:network.nat",
        "groundwork:network.interfaceEndpoints", "groundwork:postgres.instanceClass",
        "groundwork:postgres.engine", "groundwork:redis.nodeType",
        "groundwork:cluster.adminRoleArns", "groundwork:cluster.nodeGroups.general.instanceTypes",
        "groundwork:cluster.nodeGroups.general.capacityType", "groundwork:cdn.priceClass",
        "groundwork:cdn.minimumTlsVersion", "groundwork:cdn.domain.hostedZoneId",
    ]), lines  # fmt: skip
    by_key = dict(zip(keys, lines, strict=True))
    assert "not an Alibaba Cloud region" in by_key["groundwork:region"]
    assert "db.* classes are AWS RDS" in by_key["groundwork:postgres.instanceClass"]
    assert "only for cloud: aws" in by_key["groundwork:cdn.priceClass"]


def test_an_alicloud_stack_asking_for_what_is_not_built_there_names_each_key(
    tmp_path: Path,
) -> None:
    text = """\
config:
  pulumi:disable-default-providers: ["*"]
  groundwork:cloud: alicloud
  groundwork:environment: dev
  groundwork:region: cn-hangzhou
  groundwork:tags: {owner: platform-team, costCenter: cc-1042}
  groundwork:network: {cidr: 10.30.0.0/16, zones: [h, i], zoneSlots: {h: 0, i: 1}}
  groundwork:budget: {monthlyLimit: 900}
"""
    proc = _plan_subprocess(_project_copy(tmp_path, text))
    assert proc.returncode == EXIT_CONFIG, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    keys = [line.split(": ")[2] for line in lines]
    # The defaults turn every capability on: each one not built on Alibaba Cloud is named, none
    # is silently left out; the CDN needs a domain there; the budget has no Alibaba resource.
    assert keys == [
        f"groundwork:{key}" for key in (
            "backup.enabled", "cdn.domain", "budget.monthlyLimit",
        )
    ], lines  # fmt: skip
    assert "not built on Alibaba Cloud yet (issue #16)" in lines[0]
    assert "maxMonthlyCostByCurrency" in lines[-1]
