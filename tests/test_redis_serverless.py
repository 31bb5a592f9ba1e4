"""The ElastiCache Serverless cache keeps the node-based cache's secure defaults: each default has
a test that fails by name when it is dropped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.redis.aws import AUTH_TOKEN_SPECIALS
from components.redis.aws_serverless import APP_ACCESS, RedisServerless
from components.redis.aws_serverless_spec import PORT, READER_PORT, RedisServerlessArgs
from planner.recorder import RecordingMonitor
from planner.report import MASK, masked
from tests.conftest import of_type, one, run_mocked

TAGS = {"environment": "test", "owner": "o", "cost-center": "c", "service": "s", "managed-by": "pulumi"}  # fmt: skip
CACHE = "aws:elasticache/serverlessCache:ServerlessCache"
USER = "aws:elasticache/user:User"
GROUP = "aws:elasticache/userGroup:UserGroup"
PASSWORD = "random:index/randomPassword:RandomPassword"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"


def build_cache(**overrides: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_aws as aws

    fields: dict[str, Any] = {
        "vpc_id": "vpc-123",
        "subnet_ids": ["subnet-a", "subnet-b", "subnet-c"],
        "client_security_groups": {"nodes": "sg-nodes"},
        "tags": TAGS,
    }
    args = RedisServerlessArgs(**{**fields, **overrides})

    def program() -> None:
        import pulumi_random

        provider = aws.Provider("aws-test", region="eu-west-1")
        randomness = pulumi_random.Provider("random-test")
        cache = RedisServerless(
            "cache", args, pulumi.ResourceOptions(providers=[provider, randomness])
        )
        pulumi.export("primary", cache.primary_endpoint)
        pulumi.export("secret", cache.auth_secret_arn)

    return run_mocked(program)


@pytest.fixture(scope="module")
def cache() -> RecordingMonitor:
    return build_cache()


def test_cache_in_the_data_subnets_with_usage_limits(cache: RecordingMonitor) -> None:
    inputs = one(cache, CACHE).inputs
    assert inputs["engine"] == "valkey" and inputs["majorEngineVersion"] == "8"
    assert inputs["subnetIds"] == ["subnet-a", "subnet-b", "subnet-c"]
    limits = inputs["cacheUsageLimits"]
    assert limits["dataStorage"] == {"maximum": 10, "unit": "GB"}
    assert limits["ecpuPerSeconds"] == [{"maximum": 5000}]


def test_encrypted_with_a_rotated_cmk(cache: RecordingMonitor) -> None:
    key = one(cache, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    assert one(cache, CACHE).inputs["kmsKeyId"] == key.outputs["arn"]


def test_only_the_application_user_can_connect(cache: RecordingMonitor) -> None:
    users = {u.inputs["userName"]: u.inputs for u in of_type(cache, USER)}
    assert set(users) == {"default", "app"}
    assert users["default"]["accessString"].startswith("off ")
    assert users["app"]["accessString"] == APP_ACCESS and "-@dangerous" in APP_ACCESS
    for user in users.values():
        assert user["authenticationMode"]["type"] == "password"
        assert user["engine"] == "valkey"
    group = one(cache, GROUP)
    assert sorted(group.inputs["userIds"]) == ["cache-app", "cache-default"]
    assert one(cache, CACHE).inputs["userGroupId"] == group.outputs["userGroupId"]


def test_passwords_are_generated_and_stay_secret(cache: RecordingMonitor) -> None:
    passwords = of_type(cache, PASSWORD)
    assert len(passwords) == 2
    for password in passwords:
        assert password.inputs["overrideSpecial"] == AUTH_TOKEN_SPECIALS
        assert password.inputs["length"] == 64
    app = next(p for p in passwords if "app" in p.name).outputs["result"]
    version = one(cache, SECRET_VERSION)
    assert version.secret_paths == ["secretString"]
    stored = json.loads(version.inputs["secretString"])
    assert stored["username"] == "app" and stored["password"] == app and stored["tls"] is True
    assert (stored["port"], stored["readerPort"]) == (PORT, READER_PORT)
    shown = json.dumps([masked(r.inputs, r.secret_paths) for r in cache.recorded])
    for password in passwords:
        assert password.outputs["result"] not in shown
    assert MASK in shown
    assert app not in json.dumps(cache.stack_outputs)


def test_security_group_admits_only_clients_on_both_endpoints(cache: RecordingMonitor) -> None:
    sg = one(cache, "aws:ec2/securityGroup:SecurityGroup")
    assert one(cache, CACHE).inputs["securityGroupIds"] == [sg.id]
    rule = one(cache, RULE).inputs
    assert rule["referencedSecurityGroupId"] == "sg-nodes"
    assert (rule["fromPort"], rule["toPort"]) == (PORT, READER_PORT)


def test_daily_snapshots_with_retention(cache: RecordingMonitor) -> None:
    inputs = one(cache, CACHE).inputs
    assert inputs["snapshotRetentionLimit"] == 7
    assert inputs["dailySnapshotTime"] == "03:00"


def test_protected_types(cache: RecordingMonitor) -> None:
    protected = {r.type for r in cache.recorded if r.protect}
    assert protected == {CACHE, USER, PASSWORD, "aws:kms/key:Key",
                         "aws:secretsmanager/secret:Secret"}  # fmt: skip
    assert one(cache, "aws:secretsmanager/secret:Secret").inputs["recoveryWindowInDays"] == 30


def test_unprotected_in_dev() -> None:
    recorded = build_cache(protect_stateful=False)
    assert not [r.type for r in recorded.recorded if r.protect]


def test_minimums_are_passed_when_set() -> None:
    limits = one(build_cache(min_data_storage_gb=2, min_ecpu_per_second=2000), CACHE).inputs[
        "cacheUsageLimits"
    ]
    assert limits["dataStorage"]["minimum"] == 2
    assert limits["ecpuPerSeconds"] == [{"maximum": 5000, "minimum": 2000}]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"client_cidrs": {"c": "0.0.0.0/0"}}, "client_cidrs"),
        ({"engine": "memcached"}, "engine"),
        ({"major_engine_version": "6"}, "major_engine_version"),
        ({"engine": "redis", "major_engine_version": "8"}, "major_engine_version"),
        ({"max_data_storage_gb": 0}, "max_data_storage_gb"),
        ({"min_data_storage_gb": 11}, "min_data_storage_gb"),
        ({"max_ecpu_per_second": 999}, "max_ecpu_per_second"),
        ({"min_ecpu_per_second": 6000}, "min_ecpu_per_second"),
        ({"snapshot_retention_days": 36}, "snapshot_retention_days"),
        ({"daily_snapshot_time": "3am"}, "daily_snapshot_time"),
        ({"subnet_ids": ["subnet-a"]}, "subnet_ids"),
        ({"name": "A-cache"}, "name"),
        ({"password_length": 8}, "password_length"),
    ],
)
def test_invalid_args_fail_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_cache(**overrides)


# -- chosen by a stack's config -----------------------------------------------------------------


@pytest.fixture(scope="module")
def prod_serverless() -> Any:
    from tests.conftest import raw_stack_config
    from tests.test_policy_plan import _plan_of

    apps = raw_stack_config("prod")["apps"]
    apps = {**apps, "web": {**apps["web"], "uses": ["redis"]}}
    return _plan_of("prod", redis={"serverless": {"maxDataStorageGb": 5}}, apps=apps)


def test_prod_with_a_serverless_cache_plans_clean(prod_serverless: Any) -> None:
    from planner.policy_report import policy_section

    monitor = prod_serverless.monitor
    assert not of_type(monitor, "aws:elasticache/replicationGroup:ReplicationGroup")
    cache = one(monitor, CACHE)
    # The prod preset's node type and replica count size nodes that are no longer built: they
    # are dropped, not refused (the stack file did not set them).
    assert cache.inputs["subnetIds"] and len(cache.inputs["subnetIds"]) == 3
    assert cache.protect
    assert policy_section(prod_serverless).blocking == []


def test_serverless_cache_alarms_fire_before_its_limits(prod_serverless: Any) -> None:
    alarms = {
        a.inputs["metricName"]: a.inputs
        for a in of_type(prod_serverless.monitor, "aws:cloudwatch/metricAlarm:MetricAlarm")
        if a.inputs.get("namespace") == "AWS/ElastiCache"
    }
    assert set(alarms) >= {"BytesUsedForCache", "ElastiCacheProcessingUnits", "ThrottledCmds"}
    assert alarms["BytesUsedForCache"]["threshold"] == 0.8 * 5 * 10**9
    assert alarms["ElastiCacheProcessingUnits"]["threshold"] == 0.8 * 5000 * 60
    for alarm in alarms.values():
        assert alarm["alarmActions"] and alarm["okActions"]


def test_workloads_may_reach_both_serverless_endpoints(prod_serverless: Any) -> None:
    policies = [
        p.inputs
        for p in of_type(prod_serverless.monitor, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
    ]
    data_ports = [
        port
        for policy in policies
        for rule in policy["spec"].get("egress", [])
        if any("ipBlock" in peer for peer in rule.get("to", []))
        for port in rule.get("ports", [])
        if port["port"] == PORT
    ]
    assert data_ports and all(port["endPort"] == READER_PORT for port in data_ports)


def test_serverless_cache_is_priced_at_its_storage_floor(prod_serverless: Any) -> None:
    from planner.cost_report import cost_section

    data = cost_section(prod_serverless).data
    [line] = [line for line in data["lines"] if line["type"] == CACHE]
    assert line["status"] == "priced" and line["monthly"] > 0
    assert "data-storage minimum" in line["detail"]
    assert data["unpriced"] == []
