"""Checkov on the export: the waiver file's rules, and Checkov's own reading of the prod plan
(zero parsing errors; graph checks pass where the resources are linked and fail when a link is
removed). The Checkov tests run the pinned Checkov from its own virtualenv (`./tasks scan-setup`
builds it from tools/checkov/requirements.txt the first time)."""

from __future__ import annotations

import copy
import json
import subprocess
from functools import cache
from pathlib import Path

import pytest

from planner.export import write_export
from planner.recorder import RecordedResource
from planner.scan.__main__ import WAIVERS, _report, run_checkov
from planner.scan.findings import Finding, FrameworkResult, parse_report
from planner.scan.waivers import WaiverFileError, judge, load_waivers, parse_waivers
from planner.stackfile import stack_names
from tests.conftest import PROJECT_DIR, built

GRAPH_CHECKS = {
    "CKV2_AWS_6": "aws_s3_bucket",  # S3 bucket has a public access block
    "CKV2_AWS_32": "aws_cloudfront_distribution",  # CloudFront has a response headers policy
    "CKV2_AWS_8": "aws_rds_cluster",  # RDS cluster has an AWS Backup plan
    "CKV2_AWS_5": "aws_security_group",  # security group is attached to a resource
    "CKV2_AWS_31": "aws_wafv2_web_acl",  # WAF has a logging configuration
}


def _finding(check: str, resource: str) -> Finding:
    return Finding("terraform_plan", check, "a check", resource)


def test_waiver_file_is_valid_and_every_entry_says_why() -> None:
    waivers = load_waivers(PROJECT_DIR / WAIVERS, stack_names(PROJECT_DIR))
    assert waivers
    assert all(len(w.reason.split()) >= 15 for w in waivers), "give each waiver a real reason"
    assert len({(w.check, w.resources, w.stacks) for w in waivers}) == len(waivers)


def test_bad_waiver_entries_are_reported_by_index_and_key() -> None:
    data = {"waivers": [
        {"check": "CKV_AWS_1", "reason": "because it is fine here, really"},
        {"check": "AWS_1", "reason": "short"},
        {"check": "CKV_AWS_2", "reason": "a long enough reason to pass", "resource": ["x"]},
        {"check": "CKV_AWS_3", "reason": "a long enough reason to pass", "stacks": []},
        {"check": "CKV_AWS_4", "reason": "a long enough reason to pass", "stacks": ["prod", "stagin"]},
    ]}  # fmt: skip
    with pytest.raises(WaiverFileError) as err:
        parse_waivers(data, "w.yaml", ["dev", "staging", "prod"])
    assert err.value.problems == [
        "w.yaml: waivers[1].check: a Checkov check id such as CKV_AWS_144 (got 'AWS_1')",
        "w.yaml: waivers[1].reason: say why the check does not apply (a sentence, got 'short')",
        "w.yaml: waivers[2].resource: unknown key; allowed: check, reason, resources, stacks",
        "w.yaml: waivers[3].stacks: a non-empty list of strings (got [])",
        "w.yaml: waivers[4].stacks: no stack 'stagin'; stacks: dev, prod, staging",
    ]
    with pytest.raises(WaiverFileError):
        parse_waivers(["not", "a", "mapping"], "w.yaml")


def test_unwaived_failures_and_stale_waivers_fail_the_verdict() -> None:
    waivers = parse_waivers({"waivers": [
        {"check": "CKV_AWS_144", "resources": ["aws_s3_bucket.*"], "reason": "replication belongs to the DR layer"},
        {"check": "CKV_AWS_86", "stacks": ["prod"], "reason": "logging goes through log delivery v2"},
        {"check": "CKV_AWS_999", "reason": "this one matches nothing at all"},
    ]}, "w.yaml")  # fmt: skip
    failed = [
        _finding("CKV_AWS_144", "aws_s3_bucket.assets"),
        _finding("CKV_AWS_144", "aws_kms_key.k"),  # outside the waiver's resources
        _finding("CKV_AWS_86", "aws_cloudfront_distribution.cdn"),
    ]
    prod = judge("prod", failed, waivers)
    assert [f.resource for f, _ in prod.waived] == [
        "aws_s3_bucket.assets",
        "aws_cloudfront_distribution.cdn",
    ]
    assert prod.unwaived == [failed[1]]
    assert [w.check for w in prod.stale] == ["CKV_AWS_999"]
    dev = judge("dev", failed, waivers)  # the prod-only waiver does not cover dev
    assert [f.check_id for f in dev.unwaived] == ["CKV_AWS_144", "CKV_AWS_86"]
    assert [w.check for w in dev.stale] == ["CKV_AWS_999"]


def _clean_results() -> dict[str, FrameworkResult]:
    return {f: FrameworkResult(f, 3, []) for f in ("terraform_plan", "kubernetes")}


def test_a_new_failing_check_is_reported_with_the_waiver_to_write_or_extend() -> None:
    waivers = parse_waivers({"waivers": [
        {"check": "CKV_AWS_338", "stacks": ["dev"], "reason": "dev keeps its logs for two weeks only"},
    ]}, "w.yaml")  # fmt: skip
    results = _clean_results()
    results["terraform_plan"].failed = [
        _finding("CKV_AWS_338", "aws_cloudwatch_log_group.b"),
        _finding("CKV_AWS_338", "aws_cloudwatch_log_group.a"),
        _finding("CKV_AWS_158", "aws_cloudwatch_log_group.a"),
    ]
    lines, ok = _report("staging", results, waivers)
    assert not ok
    text = "\n".join(lines)
    assert "fix each FAILED resource in its component" in text
    # A stub per check, scoped to this stack and exactly the failing resources ...
    assert ('    - check: CKV_AWS_338\n      stacks: [staging]\n      resources: '
            '["aws_cloudwatch_log_group.a", "aws_cloudwatch_log_group.b"]') in text  # fmt: skip
    assert "    - check: CKV_AWS_158\n      stacks: [staging]" in text
    # ... and the existing entry of the same check, which could take this stack instead.
    assert "(or add staging to the stacks of waivers[0] (CKV_AWS_338)" in text
    assert text.count("(or add staging") == 1


def test_a_type_missing_from_the_mapping_table_fails_the_scan_with_the_entry_to_add() -> None:
    """Left out of tfplan.json, the type would never be scanned: the verdict fails even with no
    failing check, and says what to add where."""
    lines, ok = _report("prod", _clean_results(), [], ("aws:ec2/instance:Instance",))
    assert not ok
    text = "\n".join(lines)
    assert "FAILS: 0 unwaived failure(s), 0 waived, 0 stale waiver(s), 1 unmapped type(s)" in text
    assert '    "aws:ec2/instance:Instance": {"type": "aws_ec2_instance"},' in text
    assert "planner/export/tf_types.json" in text and '"unmappable"' in text
    assert _report("prod", _clean_results(), [])[1]


def test_a_stale_waiver_says_to_remove_it_or_narrow_its_stacks() -> None:
    waivers = parse_waivers({"waivers": [
        {"check": "CKV_AWS_86", "reason": "logging goes through log delivery v2"},
    ]}, "w.yaml")  # fmt: skip
    lines, ok = _report("dev", _clean_results(), waivers)
    assert not ok
    text = "\n".join(lines)
    assert "STALE waivers[0] (CKV_AWS_86)" in text
    assert "delete the entry from policies/checkov-waivers.yaml" in text
    assert "drop dev from its `stacks`" in text


def test_report_parsing_handles_one_or_several_frameworks() -> None:
    one = '{"check_type": "kubernetes", "results": {"passed_checks": [], "failed_checks": [' \
          '{"check_id": "CKV_K8S_1", "check_name": "n", "resource": "Deployment.apps.web"}], ' \
          '"parsing_errors": []}, "summary": {"resource_count": 3}}'  # fmt: skip
    assert parse_report(one)["kubernetes"].failed[0].resource == "Deployment.apps.web"
    several = parse_report(f"[{one}, {one.replace('kubernetes', 'terraform_plan')}]")
    assert set(several) == {"kubernetes", "terraform_plan"}
    assert several["terraform_plan"].resource_count == 3


# -- Checkov itself --------------------------------------------------------------------------


@cache
def _checkov() -> Path:
    subprocess.run([str(PROJECT_DIR / "tasks"), "scan-setup"], check=True, cwd=PROJECT_DIR)
    path = PROJECT_DIR / ".venv-checkov" / "bin" / "checkov"
    assert path.exists()
    return path


K8S_CHECK = "CKV_K8S_40"  # containers run as a high UID: makes Checkov read the manifests too


def _scan(resources: list[RecordedResource], directory: Path) -> dict[str, FrameworkResult]:
    write_export(resources, directory)
    return parse_report(run_checkov(_checkov(), directory, [*sorted(GRAPH_CHECKS), K8S_CHECK]))


def _by_check(result: FrameworkResult, failed: bool) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in result.failed if failed else result.passed:
        out.setdefault(f.check_id, set()).add(f.resource)
    return out


@pytest.mark.slow
def test_prod_export_loads_cleanly_and_linked_graph_checks_pass(tmp_path: Path) -> None:
    recorded = built("prod").recorded
    results = _scan(recorded, tmp_path)
    plan = results["terraform_plan"]
    manifests = results["kubernetes"]
    assert plan.parsing_errors == [] and manifests.parsing_errors == []
    assert plan.resource_count > 150 and manifests.resource_count > 10
    assert _by_check(manifests, failed=False) == {K8S_CHECK: {"Deployment.apps.web"}}
    assert manifests.failed == []
    passed, failed = _by_check(plan, failed=False), _by_check(plan, failed=True)
    # Only what policies/checkov-waivers.yaml waives for prod, with its reasons: the DR secondary
    # is backed up through the primary's plan (a global cluster), and the API distribution uses
    # an AWS-managed response headers policy by id, which the export cannot link.
    assert failed == {
        "CKV2_AWS_8": {"aws_rds_cluster.acme_prod_postgres_secondary"},
        "CKV2_AWS_32": {"aws_cloudfront_distribution.acme_prod_api_distribution"},
    }
    doc = json.loads((tmp_path / "tfplan.json").read_text())
    for check, tf_type in GRAPH_CHECKS.items():
        expected = {
            r["address"]
            for r in doc["planned_values"]["root_module"]["resources"]
            if r["type"] == tf_type
        } - failed.get(check, set())
        assert expected and passed.get(check) == expected, check


@pytest.mark.slow
def test_removing_a_link_makes_the_graph_check_fail(tmp_path: Path) -> None:
    recorded = copy.deepcopy(built("prod").recorded)
    # Cut two links: the assets bucket's public access block no longer names the bucket it came
    # from, and the database's ARN selection no longer names the cluster.
    pab = next(r for r in recorded if r.name == "acme-prod-assets-public-access-block")
    pab.property_dependencies["bucket"] = []
    selection = next(r for r in recorded if r.name == "acme-prod-backup-postgres")
    selection.property_dependencies["resources"] = []
    failed = _by_check(_scan(recorded, tmp_path)["terraform_plan"], failed=True)
    assert failed == {  # beside the two waived DR findings (see the test above)
        "CKV2_AWS_6": {"aws_s3_bucket.acme_prod_assets_bucket"},
        "CKV2_AWS_8": {
            "aws_rds_cluster.acme_prod_postgres_cluster",
            "aws_rds_cluster.acme_prod_postgres_secondary",
        },
        "CKV2_AWS_32": {"aws_cloudfront_distribution.acme_prod_api_distribution"},
    }
