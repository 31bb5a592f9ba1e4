"""The scanner export (planner/export): a Terraform JSON plan whose configuration links the
resources, and Kubernetes manifests plus Helm values. Asserted on the recorded programs of the
real stacks; Checkov's reading of the same files is tested in tests/test_checkov.py."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from planner.cli import EXIT_OK, main
from planner.export import write_export
from planner.export.mapping import load_table
from planner.export.terraform import plan_document
from planner.recorder import RecordedResource
from planner.runner import run_program
from tests.conftest import PROJECT_DIR, built, stack_file

TABLE = load_table()


def _plan(stack: str = "prod", resources: list[RecordedResource] | None = None) -> dict[str, Any]:
    return plan_document(resources if resources is not None else built(stack).recorded, TABLE)


def _config(plan: dict[str, Any], address: str) -> dict[str, Any]:
    found = [
        r for r in plan["configuration"]["root_module"]["resources"] if r["address"] == address
    ]
    assert len(found) == 1, address
    return found[0]


def _planned(plan: dict[str, Any], address: str) -> dict[str, Any]:
    found = [
        r for r in plan["planned_values"]["root_module"]["resources"] if r["address"] == address
    ]
    assert len(found) == 1, address
    return found[0]


def _of_type(plan: dict[str, Any], tf_type: str) -> list[dict[str, Any]]:
    return [r for r in plan["configuration"]["root_module"]["resources"] if r["type"] == tf_type]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_plan_has_the_terraform_layout_with_one_create_per_mapped_resource(stack: str) -> None:
    plan = _plan(stack)
    mapped = [r for r in built(stack).recorded if r.custom and TABLE.lookup(r.type)]
    assert plan["format_version"].startswith("1.")
    assert plan["terraform_version"]
    planned = plan["planned_values"]["root_module"]["resources"]
    changes = plan["resource_changes"]
    configured = plan["configuration"]["root_module"]["resources"]
    assert len(planned) == len(changes) == len(configured) == len(mapped)
    addresses = [r["address"] for r in planned]
    assert len(set(addresses)) == len(addresses)
    assert addresses == [r["address"] for r in changes] == [r["address"] for r in configured]
    assert {tuple(c["change"]["actions"]) for c in changes} == {("create",)}
    assert all(c["change"]["before"] is None for c in changes)
    types = {r["type"] for r in planned}
    assert {"aws_vpc", "aws_eks_cluster", "aws_rds_cluster", "aws_s3_bucket"} <= types
    assert not any(t.startswith(("kubernetes", "pulumi")) for t in types)


def test_a_bucket_s_public_access_block_references_the_bucket_id() -> None:
    plan = _plan()
    pab = _config(plan, "aws_s3_bucket_public_access_block.acme_prod_assets_public_access_block")
    assert pab["expressions"]["bucket"] == {
        "references": [
            "aws_s3_bucket.acme_prod_assets_bucket.id",
            "aws_s3_bucket.acme_prod_assets_bucket",
        ]
    }
    assert pab["expressions"]["block_public_acls"] == {"constant_value": True}
    planned = _planned(plan, pab["address"])
    # Unknown until apply, as Terraform shows an attribute taken from a resource not yet created.
    assert planned["values"]["bucket"] is None
    change = next(c for c in plan["resource_changes"] if c["address"] == pab["address"])
    assert change["change"]["after_unknown"]["bucket"] is True
    assert change["change"]["after_unknown"]["id"] is True


def test_distribution_links_its_waf_origin_access_and_response_headers_policy() -> None:
    plan = _plan()
    (dist,) = [d for d in _of_type(plan, "aws_cloudfront_distribution") if "_cdn_" in d["address"]]
    expr = dist["expressions"]
    (acl,) = [a for a in _of_type(plan, "aws_wafv2_web_acl") if "_cdn_" in a["address"]]
    (oac,) = _of_type(plan, "aws_cloudfront_origin_access_control")
    (headers,) = _of_type(plan, "aws_cloudfront_response_headers_policy")
    assert expr["web_acl_id"]["references"] == [f"{acl['address']}.arn", acl["address"]]
    # Pulumi's `origins` list is Terraform's repeated `origin` block; nested references survive.
    # Prod's assets have an origin group: the bucket and its replica in the DR region.
    origin, replica = expr["origin"]
    assert origin["origin_access_control_id"]["references"][1] == oac["address"]
    assert replica["origin_access_control_id"]["references"][1] == oac["address"]
    assert origin["domain_name"]["references"][0].endswith(".bucket_regional_domain_name")
    (behaviour,) = expr["default_cache_behavior"]
    assert behaviour["response_headers_policy_id"]["references"] == [
        f"{headers['address']}.id",
        headers["address"],
    ]
    assert behaviour["viewer_protocol_policy"] == {"constant_value": "redirect-to-https"}


def test_database_links_its_key_and_security_group() -> None:
    plan = _plan()
    (cluster,) = [c for c in _of_type(plan, "aws_rds_cluster") if "secondary" not in c["address"]]
    keys = {k["address"] for k in _of_type(plan, "aws_kms_key")}
    groups = {g["address"] for g in _of_type(plan, "aws_security_group")}
    assert cluster["expressions"]["kms_key_id"]["references"][1] in keys
    assert cluster["expressions"]["kms_key_id"]["references"][0].endswith(".arn")
    sg_refs = cluster["expressions"]["vpc_security_group_ids"]["references"]
    assert sg_refs[1] in groups and sg_refs[0].endswith(".id")
    values = _planned(plan, cluster["address"])["values"]
    assert values["vpc_security_group_ids"] == [None]
    assert values["storage_encrypted"] is True and values["deletion_protection"] is True


def test_names_are_snake_case_nested_objects_are_blocks_and_maps_stay_maps() -> None:
    plan = _plan()
    (dist,) = [d for d in _of_type(plan, "aws_cloudfront_distribution") if "_cdn_" in d["address"]]
    values = _planned(plan, dist["address"])["values"]
    assert isinstance(values["viewer_certificate"], list) and len(values["viewer_certificate"]) == 1
    assert values["viewer_certificate"][0]["minimum_protocol_version"] == "TLSv1.2_2021"
    assert values["restrictions"][0]["geo_restriction"][0]["restriction_type"] == "none"
    assert values["tags"]["environment"] == "prod"  # a map: keys untouched, not a block
    assert "isIpv6Enabled" not in values and values["is_ipv6_enabled"] is True
    lifecycle = _planned(
        plan, _of_type(plan, "aws_s3_bucket_lifecycle_configuration")[0]["address"]
    )
    assert (
        "rules" not in lifecycle["values"] and lifecycle["values"]["rule"][0]["status"] == "Enabled"
    )
    (acl,) = [a for a in _of_type(plan, "aws_wafv2_web_acl") if "_cdn_" in a["address"]]
    acl_values = _planned(plan, acl["address"])["values"]
    assert acl_values["default_action"] == [{"allow": [{}]}]
    assert {r["name"] for r in acl_values["rule"]} >= {"AWSManagedRulesCommonRuleSet"}


def test_policy_documents_keep_their_text_and_name_what_they_reference() -> None:
    plan = _plan()
    policy = _config(plan, "aws_s3_bucket_policy.acme_prod_assets_policy")
    assert (
        "aws_s3_bucket.acme_prod_assets_bucket.arn" in policy["expressions"]["policy"]["references"]
    )
    text = _planned(plan, policy["address"])["values"]["policy"]
    assert "aws:SecureTransport" in json.loads(text)["Statement"][0]["Condition"]["Bool"]


def test_secrets_are_masked_and_marked_sensitive() -> None:
    recorded = built("prod").recorded
    group = next(
        r for r in recorded if r.type == "aws:elasticache/replicationGroup:ReplicationGroup"
    )
    assert "authToken" in group.secret_paths
    plan = _plan()
    (rg,) = [r for r in plan["planned_values"]["root_module"]["resources"]
             if r["type"] == "aws_elasticache_replication_group"]  # fmt: skip
    assert rg["values"]["auth_token"] == "[secret]"
    assert rg["sensitive_values"]["auth_token"] is True
    assert group.inputs["authToken"] not in json.dumps(plan)


def test_without_the_dependency_there_is_no_reference() -> None:
    """The references come from the program's own dependency graph, not from name guessing."""
    recorded = copy.deepcopy(built("prod").recorded)
    pab = next(r for r in recorded if r.name == "acme-prod-assets-public-access-block")
    pab.property_dependencies["bucket"] = []
    expr = _config(
        _plan(resources=recorded),
        "aws_s3_bucket_public_access_block.acme_prod_assets_public_access_block",
    )
    assert expr["expressions"]["bucket"] == {"constant_value": pab.inputs["bucket"]}


def test_preview_values_are_unknown_not_invented() -> None:
    monitor = run_program(PROJECT_DIR, stack_file("dev"), preview=True)
    plan = _plan(resources=monitor.recorded)
    pab = next(
        r for r in plan["resource_changes"] if r["type"] == "aws_s3_bucket_public_access_block"
    )
    assert pab["change"]["after"]["bucket"] is None
    assert pab["change"]["after_unknown"]["bucket"] is True
    assert "04da6b54-80e4-46f7-96ec-b56ff0331ba9" not in json.dumps(plan)


def test_every_aws_provider_is_a_provider_configuration_with_its_region() -> None:
    plan = _plan()
    providers = plan["configuration"]["provider_config"]
    regions = {
        p["expressions"]["region"]["constant_value"]
        for p in providers.values()
        if p["name"] == "aws"
    }
    assert regions == {"eu-west-1", "us-east-1", "eu-central-1"}
    keys = {r["provider_config_key"] for r in plan["configuration"]["root_module"]["resources"]}
    assert keys <= set(providers)


def test_manifests_hold_every_kubernetes_object_and_helm_values(tmp_path: Path) -> None:
    recorded = built("prod").recorded
    summary = write_export(recorded, tmp_path)
    objects = [r for r in recorded if r.custom and r.type.startswith("kubernetes:")
               and r.type != "kubernetes:helm.sh/v3:Release"]  # fmt: skip
    releases = [r for r in recorded if r.type == "kubernetes:helm.sh/v3:Release"]
    files = sorted((tmp_path / "k8s").glob("*.yaml"))
    assert summary.kubernetes_objects == len(files) == len(objects) > 10
    docs = [yaml.safe_load(f.read_text()) for f in files]
    assert sorted((d["kind"], d["metadata"]["name"]) for d in docs) == sorted(
        (r.inputs["kind"], r.inputs.get("metadata", {}).get("name", r.name)) for r in objects
    )
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert (
        container["securityContext"]["runAsNonRoot"] is True
    )  # camelCase kept: the API's own names
    values = sorted((tmp_path / "helm").glob("*.values.yaml"))
    assert summary.helm_releases == len(values) == len(releases)
    cert_manager = (tmp_path / "helm" / "cert-manager-cert-manager.values.yaml").read_text()
    assert "# chart: cert-manager" in cert_manager
    release = next(r for r in releases if r.inputs["name"] == "cert-manager")
    assert yaml.safe_load(cert_manager) == release.inputs["values"]
    assert summary.terraform_resources == len(
        json.loads((tmp_path / "tfplan.json").read_text())["resource_changes"]
    )


def test_plan_command_writes_the_export_and_drops_stale_manifests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "export" / "k8s" / "deployment-gone.yaml"
    stale.parent.mkdir(parents=True)
    stale.write_text("kind: Deployment\n")
    code = main(["dev", "--project-dir", str(PROJECT_DIR), "--quiet", "--json", str(tmp_path / "p.json"),
                 "--markdown", str(tmp_path / "p.md"), "--export-dir", str(tmp_path / "export")])  # fmt: skip
    assert code == EXIT_OK
    assert "Export: " in capsys.readouterr().out
    assert json.loads((tmp_path / "export" / "tfplan.json").read_text())["resource_changes"]
    assert not stale.exists()


def test_names_that_collide_get_distinct_addresses() -> None:
    recorded = built("dev").recorded
    bucket = next(r for r in recorded if r.type == "aws:s3/bucket:Bucket")
    twin = dataclasses.replace(bucket, urn=bucket.urn + "-twin", name=bucket.name.replace("-", "_"))
    plan = _plan(resources=[bucket, twin])
    addresses = [r["address"] for r in plan["resource_changes"]]
    assert len(addresses) == 2 and len(set(addresses)) == 2
