"""The data tier in the real stacks: prod is HA and protected, dev is small and single-AZ, and no
credential appears in plaintext in stack files, outputs or the plan report."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
import yaml

from planner.recorder import RecordingMonitor
from planner.report import MASK, PlanContext, build_report
from planner.runner import run_program
from tests.conftest import (
    PROJECT_DIR,
    built,
    of_type,
    one,
    primary_region,
    stack_config,
    stack_file,
)

CLUSTER = "aws:rds/cluster:Cluster"
INSTANCE = "aws:rds/clusterInstance:ClusterInstance"
GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
PASSWORD = "random:index/randomPassword:RandomPassword"
CREDENTIAL_KEY = re.compile(r"password|passwd|token|secret", re.IGNORECASE)


@cache
def _program(stack: str) -> RecordingMonitor:
    """The program as the language host runs it (so the stack outputs are really exported)."""
    return run_program(PROJECT_DIR, stack_file(stack))


def _kms_arns(monitor: RecordingMonitor) -> set[str]:
    return {k.outputs["arn"] for k in of_type(monitor, "aws:kms/key:Key")}


# -- prod --------------------------------------------------------------------------------------


def test_prod_aurora_is_ha_encrypted_tls_only_and_managed() -> None:
    monitor = primary_region(built("prod"))
    cluster = one(monitor, CLUSTER)
    instances = of_type(monitor, INSTANCE)
    assert len(instances) >= 2
    zones = {i.inputs["availabilityZone"] for i in instances}
    assert len(zones) == len(instances) == 2  # writer + reader, each in its own zone
    assert {i.inputs["instanceClass"] for i in instances} == {"db.serverless"}
    inputs = cluster.inputs
    assert inputs["engine"] == "aurora-postgresql" and inputs["engineVersion"] == "16.6"
    assert inputs["storageEncrypted"] is True and inputs["kmsKeyId"] in _kms_arns(monitor)
    assert inputs["deletionProtection"] is True and inputs["skipFinalSnapshot"] is False
    assert inputs["backupRetentionPeriod"] >= 7
    # A global database cannot use a managed password: a generated one, write-only, in a secret
    # replicated to the DR region (tests/test_dr.py).
    assert "manageMasterUserPassword" not in inputs and "masterPasswordWo" in cluster.secret_paths
    params = one(monitor, "aws:rds/clusterParameterGroup:ClusterParameterGroup")
    assert inputs["dbClusterParameterGroupName"] == params.outputs["name"]
    assert any(p["name"] == "rds.force_ssl" and p["value"] == "1" for p in params.inputs["parameters"])  # fmt: skip


def test_prod_cache_fails_over_across_zones_encrypted_with_auth() -> None:
    monitor = built("prod")
    group = one(monitor, GROUP)
    inputs = group.inputs
    assert inputs["automaticFailoverEnabled"] is True and inputs["multiAzEnabled"] is True
    assert inputs["numCacheClusters"] == 2 and inputs["nodeType"] == "cache.t4g.medium"
    assert len(set(inputs["preferredCacheClusterAzs"])) == 2
    assert inputs["atRestEncryptionEnabled"] is True and inputs["kmsKeyId"] in _kms_arns(monitor)
    assert inputs["transitEncryptionEnabled"] is True
    assert inputs["transitEncryptionMode"] == "required"
    assert inputs["authToken"] and "authToken" in group.secret_paths
    assert inputs["snapshotRetentionLimit"] >= 7


def test_prod_backup_plan_locked_and_selecting_the_database() -> None:
    monitor = primary_region(built("prod"))
    (rule,) = one(monitor, "aws:backup/plan:Plan").inputs["rules"]
    assert rule["enableContinuousBackup"] is True and rule["lifecycle"]["deleteAfter"] == 35
    lock = one(monitor, "aws:backup/vaultLockConfiguration:VaultLockConfiguration")
    assert lock.inputs["minRetentionDays"] <= 35 <= lock.inputs["maxRetentionDays"]
    (tag,) = one(monitor, "aws:backup/selection:Selection", "acme-prod-backup-selection").inputs[
        "selectionTags"
    ]
    assert one(monitor, CLUSTER).inputs["tags"][tag["key"]] == tag["value"]
    # ... and by ARN, so editing the tag away cannot drop the database from backups.
    by_arn = one(monitor, "aws:backup/selection:Selection", "acme-prod-backup-postgres").inputs
    assert by_arn["resources"] == [one(monitor, CLUSTER).outputs["arn"]]
    assert by_arn["planId"] == one(monitor, "aws:backup/plan:Plan").id
    assert one(monitor, "aws:backup/vault:Vault").inputs["forceDestroy"] is False


def test_prod_data_resources_are_protected() -> None:
    monitor = built("prod")
    for typ in (CLUSTER, INSTANCE, GROUP, PASSWORD, "aws:backup/vault:Vault",
                "aws:secretsmanager/secret:Secret"):  # fmt: skip
        assert all(r.protect for r in of_type(monitor, typ)), typ


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_clients_are_the_cluster_nodes_only(stack: str) -> None:
    monitor = primary_region(built(stack))
    node_sg = one(monitor, "aws:ec2/securityGroup:SecurityGroup", "acme-" + stack + "-eks-node-sg")
    rules = of_type(monitor, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    for port in (5432, 6379):
        on_port = [r.inputs for r in rules if r.inputs.get("fromPort") == port]
        assert [r.get("referencedSecurityGroupId") for r in on_port] == [node_sg.id]
        assert not any("cidrIpv4" in r for r in on_port)  # no address range, only the nodes' SG
    assert not any(r.inputs.get("cidrIpv4") == "0.0.0.0/0" for r in rules)


def test_without_a_cluster_the_application_subnets_are_the_clients() -> None:
    from infra.build import build
    from tests.conftest import run_mocked

    cfg = stack_config("dev", cluster={"enabled": False}, apps={})
    monitor = run_mocked(lambda: build(cfg), stack="dev")
    private = sorted(s.cidr for s in cfg.subnet_plan().tier("private"))
    rules = of_type(monitor, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    for port in (5432, 6379):
        assert (
            sorted(r.inputs["cidrIpv4"] for r in rules if r.inputs["fromPort"] == port) == private
        )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_data_lives_in_the_vpc_subnet_groups(stack: str) -> None:
    monitor = primary_region(built(stack))
    db_group = one(monitor, "aws:rds/subnetGroup:SubnetGroup").outputs["name"]
    cache_group = one(monitor, "aws:elasticache/subnetGroup:SubnetGroup").outputs["name"]
    assert one(monitor, CLUSTER).inputs["dbSubnetGroupName"] == db_group
    assert one(monitor, GROUP).inputs["subnetGroupName"] == cache_group


# -- dev ---------------------------------------------------------------------------------------


def test_dev_is_the_same_components_small_and_single_az() -> None:
    monitor = built("dev")
    components = {r.type for r in monitor.recorded if not r.custom}
    assert {"groundwork:aws/postgres:PostgresHa", "groundwork:aws/redis:RedisHa", "groundwork:aws/backup:BackupPlan"} <= components  # fmt: skip
    instance = one(monitor, INSTANCE)
    assert instance.inputs["instanceClass"] == "db.serverless"
    assert instance.inputs["availabilityZone"] == "eu-west-1a"
    cluster = one(monitor, CLUSTER).inputs
    assert cluster["backupRetentionPeriod"] == 1
    assert cluster["deletionProtection"] is False and cluster["skipFinalSnapshot"] is True
    assert cluster["storageEncrypted"] is True and cluster["manageMasterUserPassword"] is True
    group = one(monitor, GROUP).inputs
    assert group["numCacheClusters"] == 1 and group["nodeType"] == "cache.t4g.micro"
    assert group["automaticFailoverEnabled"] is False and group["multiAzEnabled"] is False
    assert group["transitEncryptionMode"] == "required" and group["atRestEncryptionEnabled"]
    (rule,) = one(monitor, "aws:backup/plan:Plan").inputs["rules"]
    assert rule["lifecycle"]["deleteAfter"] == 7
    assert of_type(monitor, "aws:backup/vaultLockConfiguration:VaultLockConfiguration") == []
    assert one(monitor, "aws:backup/vault:Vault").inputs["forceDestroy"] is True


def test_prod_is_bigger_than_dev() -> None:
    dev, prod = built("dev"), built("prod")
    assert len(of_type(prod, INSTANCE)) == 2 > len(of_type(dev, INSTANCE)) == 1
    assert one(prod, GROUP).inputs["numCacheClusters"] > one(dev, GROUP).inputs["numCacheClusters"]


# -- secrets -----------------------------------------------------------------------------------


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [*value, *(k for v in value.values() for k in _keys(v))]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


@pytest.mark.parametrize("path", sorted(PROJECT_DIR.glob("Pulumi*.yaml")), ids=lambda p: p.name)
def test_stack_files_hold_no_credentials(path: Any) -> None:
    text = path.read_text()
    assert "secure:" not in text  # nothing secret has to be configured
    keys = _keys(yaml.safe_load(text))
    assert [k for k in keys if CREDENTIAL_KEY.search(k)] == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_outputs_export_endpoints_and_secret_arns_never_credentials(stack: str) -> None:
    monitor = _program(stack)
    outputs = monitor.stack_outputs
    token = one(monitor, PASSWORD, f"acme-{stack}-cache-auth-token").outputs["result"]
    assert token not in json.dumps(outputs)
    for password in of_type(monitor, PASSWORD):  # the generated database password too (prod)
        assert password.outputs["result"] not in json.dumps(outputs)
    assert [k for k in outputs if re.search(r"password|token", k, re.IGNORECASE)] == []
    assert monitor.stack_output_secrets == []  # nothing secret is exported at all
    assert outputs["postgresWriterEndpoint"].endswith(".rds.amazonaws.com")
    assert ".cluster-ro-" in outputs["postgresReaderEndpoint"]
    assert outputs["postgresMasterSecretArn"].startswith("arn:aws:secretsmanager:eu-west-1:")
    assert outputs["cacheAuthSecretArn"].startswith("arn:aws:secretsmanager:eu-west-1:")
    assert outputs["cachePrimaryEndpoint"].startswith("master.")
    assert outputs["cacheReaderEndpoint"].startswith("replica.")
    assert outputs["backupVaultArn"].startswith("arn:aws:backup:eu-west-1:")


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_plan_report_masks_the_auth_token(stack: str) -> None:
    monitor = built(stack)
    token = one(monitor, PASSWORD, f"acme-{stack}-cache-auth-token").outputs["result"]
    assert len(token) == 64
    report = build_report(PlanContext("groundwork", stack, PROJECT_DIR, monitor, None), [])
    text = json.dumps(report)
    assert token not in text
    by_name = {r["name"]: r for r in report["resources"]}
    group = by_name[one(monitor, GROUP).name]
    assert group["inputs"]["authToken"] == MASK and "authToken" in group["secretInputs"]
    versions = of_type(monitor, "aws:secretsmanager/secretVersion:SecretVersion")
    cache = next(v for v in versions if "cache" in v.name)
    assert by_name[cache.name]["inputs"]["secretString"] == MASK
    for password in of_type(monitor, PASSWORD):
        assert password.outputs["result"] not in text


def test_offline_plan_report_files_carry_no_token(tmp_path: Any) -> None:
    from planner.cli import EXIT_OK, main

    tokens = [p.outputs["result"] for p in of_type(built("prod"), PASSWORD)]  # deterministic
    json_path, md_path = tmp_path / "p.json", tmp_path / "p.md"
    argv = ["prod", "--project-dir", str(PROJECT_DIR), "--quiet", "--json", str(json_path),
            "--markdown", str(md_path)]  # fmt: skip
    assert main(argv) == EXIT_OK
    for path in (json_path, md_path):
        assert not [t for t in tokens if t in path.read_text()], path.name
    report = json.loads(json_path.read_text())
    assert "cacheAuthSecretArn" in report["outputs"]
    assert any(u.endswith("acme-prod-cache-auth-token") for u in report["protected"])
