"""The Redis/Valkey HA component under mocks: topology, failover, encryption, the AUTH token kept
secret end to end, snapshots, slow logs, exposure, protection and validation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.redis.aws import AUTH_TOKEN_SPECIALS, RedisHa
from components.redis.aws_spec import RedisHaArgs
from planner.recorder import RecordingMonitor
from planner.report import MASK, masked
from tests.conftest import of_type, one, run_mocked

ZONES = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
TAGS = {"environment": "test", "owner": "o", "cost-center": "c", "service": "s", "managed-by": "pulumi"}  # fmt: skip
GROUP = "aws:elasticache/replicationGroup:ReplicationGroup"
PASSWORD = "random:index/randomPassword:RandomPassword"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
FUNCTION = "aws:lambda/function:Function"


def build_cache(**overrides: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_aws as aws

    fields: dict[str, Any] = {
        "vpc_id": "vpc-123",
        "subnet_group_name": "cache-subnets",
        "zones": ZONES,
        "client_security_groups": {"nodes": "sg-nodes"},
        "client_cidrs": {"private-a": "10.0.0.0/20"},
        "tags": TAGS,
    }
    args = RedisHaArgs(**{**fields, **overrides})

    def program() -> None:
        import pulumi_random

        provider = aws.Provider("aws-test", region="eu-west-1")
        randomness = pulumi_random.Provider("random-test")
        cache = RedisHa("cache", args, pulumi.ResourceOptions(providers=[provider, randomness]))
        pulumi.export("primary", cache.primary_endpoint)
        pulumi.export("reader", cache.reader_endpoint)
        pulumi.export("secret", cache.auth_secret_arn)

    return run_mocked(program)


@pytest.fixture(scope="module")
def cache() -> RecordingMonitor:
    return build_cache()


def test_primary_and_replicas_across_zones_with_failover(cache: RecordingMonitor) -> None:
    group = one(cache, GROUP).inputs
    assert group["numCacheClusters"] == 3
    assert group["preferredCacheClusterAzs"] == ZONES
    assert group["automaticFailoverEnabled"] is True
    assert group["multiAzEnabled"] is True
    assert group["clusterMode"] == "disabled"
    assert group["engine"] == "valkey" and group["engineVersion"] == "8.0"
    assert group["subnetGroupName"] == "cache-subnets"


def test_encryption_at_rest_with_cmk_and_tls_required(cache: RecordingMonitor) -> None:
    group = one(cache, GROUP).inputs
    key = one(cache, "aws:kms/key:Key")
    assert group["atRestEncryptionEnabled"] is True
    assert group["kmsKeyId"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True
    assert group["transitEncryptionEnabled"] is True
    assert group["transitEncryptionMode"] == "required"


def test_auth_token_is_generated_with_allowed_characters(cache: RecordingMonitor) -> None:
    password = one(cache, PASSWORD)
    assert password.inputs["overrideSpecial"] == AUTH_TOKEN_SPECIALS
    assert not set('@"/ ') & set(AUTH_TOKEN_SPECIALS)
    assert password.inputs["length"] == 64
    group = one(cache, GROUP)
    assert group.inputs["authToken"] == password.outputs["result"]
    assert group.inputs["authTokenUpdateStrategy"] == "ROTATE"


def test_auth_token_stays_secret_everywhere(cache: RecordingMonitor) -> None:
    token = one(cache, PASSWORD).outputs["result"]
    group = one(cache, GROUP)
    assert "authToken" in group.secret_paths
    assert "authToken" in group.additional_secret_outputs
    version = one(cache, SECRET_VERSION)
    assert version.secret_paths == ["secretString"]
    stored = json.loads(version.inputs["secretString"])
    assert stored["authToken"] == token and stored["tls"] is True
    # What reports and outputs show: masked, never the token.
    shown = json.dumps([masked(r.inputs, r.secret_paths) for r in cache.recorded])
    assert token not in shown and MASK in shown
    assert token not in json.dumps(cache.stack_outputs)


def test_token_secret_is_encrypted_with_the_cmk(cache: RecordingMonitor) -> None:
    secret = one(cache, "aws:secretsmanager/secret:Secret")
    assert secret.inputs["kmsKeyId"] == one(cache, "aws:kms/key:Key").outputs["arn"]
    assert secret.inputs["recoveryWindowInDays"] == 30
    assert one(cache, SECRET_VERSION).inputs["secretId"] == secret.id
    assert cache.stack_outputs["secret"] == secret.outputs["arn"]


def test_update_strategy_is_configurable() -> None:
    group = one(build_cache(auth_token_update_strategy="SET"), GROUP)
    assert group.inputs["authTokenUpdateStrategy"] == "SET"


def test_token_secret_rotates_through_a_least_privilege_lambda(cache: RecordingMonitor) -> None:
    secret = one(cache, "aws:secretsmanager/secret:Secret")
    rotation = one(cache, ROTATION).inputs
    function = one(cache, FUNCTION)
    assert rotation["secretId"] == secret.id
    assert rotation["rotationRules"] == {"automaticallyAfterDays": 30}
    assert rotation["rotationLambdaArn"] == function.outputs["arn"]
    code = function.inputs["code"]["assets"]["rotation_handler.py"]["text"]
    assert (
        "def lambda_handler" in code
        and function.inputs["handler"] == "rotation_handler.lambda_handler"
    )
    assert function.inputs["runtime"] == "python3.13"
    assert function.inputs["environment"]["variables"] == {
        "REPLICATION_GROUP_ID": one(cache, GROUP).id
    }
    assert function.inputs["reservedConcurrentExecutions"] == 1
    invoke = one(cache, "aws:lambda/permission:Permission").inputs
    assert invoke["principal"] == "secretsmanager.amazonaws.com"
    assert invoke["sourceArn"] == secret.outputs["arn"]
    statements = json.loads(one(cache, "aws:iam/rolePolicy:RolePolicy").inputs["policy"])[
        "Statement"
    ]
    by_sid = {s["Sid"]: s for s in statements}
    assert by_sid["RotateThisSecret"]["Resource"] == secret.outputs["arn"]
    assert by_sid["SetTokenOnThisGroup"]["Resource"] == one(cache, GROUP).outputs["arn"]
    assert [s["Action"] for s in statements if s["Resource"] == "*"] == [
        "secretsmanager:GetRandomPassword"
    ]
    (tracing,) = [
        r for r in cache.recorded if r.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
    ]
    assert tracing.inputs["policyArn"] == "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"


def test_with_rotation_pulumi_leaves_the_rotated_token_alone(cache: RecordingMonitor) -> None:
    """Otherwise the next `pulumi up` would set the first token back, behind the secret's back."""
    assert one(cache, GROUP).ignore_changes == ["authToken"]
    assert one(cache, SECRET_VERSION).ignore_changes == ["secretString", "versionStages"]


def test_rotation_can_be_turned_off() -> None:
    monitor = build_cache(auth_token_rotation_days=None)
    assert of_type(monitor, ROTATION) == [] and of_type(monitor, FUNCTION) == []
    assert one(monitor, GROUP).ignore_changes == []
    assert one(monitor, SECRET_VERSION).ignore_changes == []


def test_snapshots_windows_and_final_snapshot(cache: RecordingMonitor) -> None:
    group = one(cache, GROUP)
    assert group.inputs["snapshotRetentionLimit"] == 7
    assert group.inputs["snapshotWindow"] == "03:00-04:00"
    assert group.inputs["maintenanceWindow"] == "sun:05:00-sun:06:00"
    assert group.inputs["finalSnapshotIdentifier"] == "cache-final"
    assert group.protect is True


def test_slow_log_delivery_to_a_retained_log_group(cache: RecordingMonitor) -> None:
    log_group = one(cache, "aws:cloudwatch/logGroup:LogGroup", "cache-slow-log")
    assert log_group.inputs["retentionInDays"] == 365
    assert log_group.inputs["kmsKeyId"] == one(cache, "aws:kms/key:Key").outputs["arn"]
    (delivery,) = one(cache, GROUP).inputs["logDeliveryConfigurations"]
    assert delivery == {
        "destination": log_group.outputs["name"],
        "destinationType": "cloudwatch-logs",
        "logFormat": "json",
        "logType": "slow-log",
    }


def test_parameter_group_family_and_parameters() -> None:
    monitor = build_cache(engine="redis", engine_version="7.1", parameters={"maxmemory-policy": "allkeys-lru"})  # fmt: skip
    params = one(monitor, "aws:elasticache/parameterGroup:ParameterGroup")
    assert params.inputs["family"] == "redis7"
    assert params.inputs["parameters"] == [{"name": "maxmemory-policy", "value": "allkeys-lru"}]
    assert one(monitor, GROUP).inputs["parameterGroupName"] == params.outputs["name"]


def test_security_group_admits_only_declared_clients(cache: RecordingMonitor) -> None:
    rules = of_type(cache, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert {(r.inputs["fromPort"], r.inputs["toPort"]) for r in rules} == {(6379, 6379)}
    assert sorted(str(r.inputs.get("cidrIpv4") or r.inputs.get("referencedSecurityGroupId")) for r in rules) == ["10.0.0.0/20", "sg-nodes"]  # fmt: skip
    sg = one(cache, "aws:ec2/securityGroup:SecurityGroup")
    assert one(cache, GROUP).inputs["securityGroupIds"] == [sg.id]


def test_endpoints_split_reads_from_writes(cache: RecordingMonitor) -> None:
    outputs = one(cache, GROUP).outputs
    assert cache.stack_outputs["primary"] == outputs["primaryEndpointAddress"]
    assert cache.stack_outputs["reader"] == outputs["readerEndpointAddress"]


def test_single_node_dev_footprint() -> None:
    monitor = build_cache(replicas=0, multi_az=False, node_type="cache.t4g.small", protect_stateful=False)  # fmt: skip
    group = one(monitor, GROUP)
    assert group.inputs["numCacheClusters"] == 1
    assert group.inputs["automaticFailoverEnabled"] is False
    assert group.inputs["multiAzEnabled"] is False
    assert group.inputs["preferredCacheClusterAzs"] == ["eu-west-1a"]
    assert "finalSnapshotIdentifier" not in group.inputs
    assert not any(r.protect for r in monitor.recorded)
    # Still encrypted and token-protected when small.
    assert group.inputs["transitEncryptionMode"] == "required"
    assert "authToken" in group.secret_paths


def test_cluster_mode_shards() -> None:
    monitor = build_cache(cluster_mode=True, shards=3, replicas=1)
    group = one(monitor, GROUP)
    assert group.inputs["clusterMode"] == "enabled"
    assert (group.inputs["numNodeGroups"], group.inputs["replicasPerNodeGroup"]) == (3, 1)
    assert "numCacheClusters" not in group.inputs
    params = one(monitor, "aws:elasticache/parameterGroup:ParameterGroup").inputs["parameters"]
    assert {"name": "cluster-enabled", "value": "yes"} in params
    assert monitor.stack_outputs["primary"].startswith("clustercfg.")


def test_protected_types(cache: RecordingMonitor) -> None:
    protected = {r.type for r in cache.recorded if r.protect}
    assert protected == {
        GROUP,
        PASSWORD,
        "aws:kms/key:Key",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:secretsmanager/secret:Secret",
    }


def test_every_taggable_child_carries_the_tags(cache: RecordingMonitor) -> None:
    untaggable = {PASSWORD, SECRET_VERSION, ROTATION, "aws:lambda/permission:Permission",
                  "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment"}  # fmt: skip
    for r in cache.recorded:
        if r.custom and not r.type.startswith("pulumi:") and r.type not in untaggable:
            assert TAGS.items() <= r.inputs["tags"].items(), r.name
        if r.custom and not r.type.startswith("pulumi:"):
            assert r.name.startswith("cache-"), r.name


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"client_cidrs": {"c": "0.0.0.0/0"}}, "client_cidrs"),
        ({"client_cidrs": {"c": "0.0.0.0/1"}}, "client_cidrs"),
        ({"node_type": "db.r7g.large"}, "node_type"),
        ({"engine": "memcached"}, "engine"),
        ({"replicas": 6}, "replicas"),
        ({"replicas": 0}, "multi_az"),
        ({"shards": 2}, "shards"),
        ({"snapshot_retention_days": 0}, "snapshot_retention_days"),
        ({"snapshot_window": "03:00-03:30"}, "snapshot_window"),
        ({"snapshot_window": "05:30-06:30"}, "snapshot_window"),  # overlaps sun 05:00-06:00
        ({"maintenance_window": "sun:05:00"}, "maintenance_window"),
        ({"auth_token_update_strategy": "DELETE"}, "auth_token_update_strategy"),
        ({"auth_token_length": 8}, "auth_token_length"),
        ({"auth_token_rotation_days": 0}, "auth_token_rotation_days"),
        ({"identifier": "a" * 41}, "identifier"),
    ],
)
def test_invalid_args_fail_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_cache(**overrides)
