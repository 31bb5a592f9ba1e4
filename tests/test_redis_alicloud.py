"""The Alibaba Cloud Redis HA component under mocks: replica in a second zone, SSL, required auth
with a generated secret password, VPC-only whitelist, TDE with a CMK, daily backups, release
protection, validation. Each secure default has a test that fails by name when it is dropped."""

from __future__ import annotations

from typing import Any

import pytest

from components.redis.alicloud import RedisHa
from components.redis.alicloud_spec import RedisHaArgs
from planner.recorder import RecordingMonitor
from tests.conftest import of_type, one, run_mocked

ZONES = ["cn-shanghai-n", "cn-shanghai-l", "cn-shanghai-m"]
VSWITCHES = {z: f"vsw-{z[-1]}" for z in ZONES}
KV = "alicloud:kvstore/instance:Instance"
KEY = "alicloud:kms/key:Key"
PASSWORD = "random:index/randomPassword:RandomPassword"


def build_cache(**overrides: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_alicloud as alicloud
    import pulumi_random

    fields: dict[str, Any] = {
        "vswitch_ids": VSWITCHES,
        "zones": ZONES,
        "client_cidrs": {"nodes-l": "10.0.16.0/20"},
        "tags": {"environment": "test"},
    }
    args = RedisHaArgs(**{**fields, **overrides})

    def program() -> None:
        provider = alicloud.Provider("ali", region="cn-shanghai")
        randomness = pulumi_random.Provider("random-test")
        cache = RedisHa("cache", args, pulumi.ResourceOptions(providers=[provider, randomness]))
        pulumi.export("endpoint", cache.endpoint)
        pulumi.export("password", cache.password)

    return run_mocked(program)


@pytest.fixture(scope="module")
def cache() -> RecordingMonitor:
    return build_cache()


def test_master_and_replica_in_two_zones(cache: RecordingMonitor) -> None:
    kv = one(cache, KV).inputs
    assert (kv["zoneId"], kv["secondaryZoneId"]) == ("cn-shanghai-l", "cn-shanghai-m")
    assert kv["vswitchId"] == "vsw-l"
    assert kv["instanceClass"].startswith("redis.master.")  # a master-replica class
    single = one(build_cache(multi_az=False, zones=["cn-shanghai-l"]), KV).inputs
    assert "secondaryZoneId" not in single


def test_ssl_is_on(cache: RecordingMonitor) -> None:
    assert one(cache, KV).inputs["sslEnable"] == "Enable"


def test_password_auth_is_required(cache: RecordingMonitor) -> None:
    assert one(cache, KV).inputs["vpcAuthMode"] == "Open"


def test_password_is_generated_and_secret(cache: RecordingMonitor) -> None:
    kv = one(cache, KV)
    password = one(cache, PASSWORD)
    assert kv.inputs["password"] == password.outputs["result"]
    assert "password" in kv.secret_paths
    assert password.urn in kv.property_dependencies["password"]
    assert set(password.inputs["overrideSpecial"]) <= set("!@#$%^&*()_+-=")
    assert "password" in cache.stack_output_secrets


def test_whitelist_is_the_vpc_clients_only(cache: RecordingMonitor) -> None:
    kv = one(cache, KV).inputs
    assert kv["securityIps"] == ["10.0.16.0/20"]
    assert "enablePublic" not in kv or kv["enablePublic"] is False
    assert not of_type(cache, "alicloud:kvstore/connection:Connection")


def test_tde_with_a_rotating_customer_key(cache: RecordingMonitor) -> None:
    kv = one(cache, KV).inputs
    key = one(cache, KEY)
    assert kv["tdeStatus"] == "Enabled"
    assert kv["encryptionKey"] == key.id
    assert key.inputs["automaticRotation"] == "Enabled"


def test_daily_backups(cache: RecordingMonitor) -> None:
    kv = one(cache, KV).inputs
    assert len(kv["backupPeriods"]) == 7
    assert kv["backupTime"] == "19:00Z-20:00Z"
    assert (kv["maintainStartTime"], kv["maintainEndTime"]) == ("20:00Z", "21:00Z")


def test_release_protection_follows_protect(cache: RecordingMonitor) -> None:
    kv = one(cache, KV)
    assert kv.inputs["instanceReleaseProtection"] is True
    assert kv.protect is True
    assert {r.type for r in cache.recorded if r.protect} == {KV, KEY, PASSWORD}
    relaxed = build_cache(protect_stateful=False)
    assert one(relaxed, KV).inputs["instanceReleaseProtection"] is False
    assert not any(r.protect for r in relaxed.recorded)


def test_endpoint_is_the_private_connection_domain(cache: RecordingMonitor) -> None:
    kv = one(cache, KV)
    assert cache.stack_outputs["endpoint"] == kv.outputs["connectionDomain"]
    assert kv.outputs["connectionDomain"].endswith(".redis.rds.aliyuncs.com")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"client_cidrs": {"anyone": "0.0.0.0/0"}}, r"^client_cidrs: '0\.0\.0\.0/0' opens"),
        ({"zones": ["cn-shanghai-l"]}, r"^zones: multi_az .* at least two zones"),
        ({"vswitch_ids": {"cn-shanghai-l": "v"}}, r"^vswitch_ids: no data vSwitch .*cn-shanghai-m"),
        ({"instance_class": "cache.t4g.micro"}, r"^instance_class: 'cache\.t4g\.micro'"),
        ({"engine_version": "4.0"}, r"^engine_version: '4\.0'"),
        ({"backup_window": "19:30Z-20:30Z"}, r"^backup_window: "),
        ({"maintenance_start": "19:00Z"}, r"^maintenance_start: must not start with the backup"),
        ({"maintenance_start": "7pm"}, r"^maintenance_start: '7pm'"),
    ],
)  # fmt: skip
def test_bad_args_are_refused_naming_the_field(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_cache(**overrides)
