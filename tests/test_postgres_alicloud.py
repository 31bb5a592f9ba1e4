"""The Alibaba Cloud PostgreSQL HA component under mocks: standby zone, CMK disk encryption, SSL,
VPC-only whitelist, backup policy, read-only instances, generated secret password, protection,
validation. Each secure default has a test that fails by name when it is dropped."""

from __future__ import annotations

from typing import Any

import pytest

from components.postgres.alicloud import PostgresHa
from components.postgres.alicloud_spec import CrossRegionBackupArgs, PostgresHaArgs
from planner.recorder import RecordingMonitor
from tests.conftest import of_type, one, run_mocked

ZONES = ["cn-shanghai-l", "cn-shanghai-m", "cn-shanghai-n"]
VSWITCHES = {z: f"vsw-{z[-1]}" for z in ZONES}
TAGS = {"environment": "test", "owner": "o"}
INSTANCE = "alicloud:rds/instance:Instance"
READER = "alicloud:rds/readOnlyInstance:ReadOnlyInstance"
BACKUP = "alicloud:rds/backupPolicy:BackupPolicy"
KEY = "alicloud:kms/key:Key"


def build_pg(**overrides: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_alicloud as alicloud

    fields: dict[str, Any] = {
        "vpc_id": "vpc-1",
        "vswitch_ids": VSWITCHES,
        "zones": list(reversed(ZONES)),  # order given does not matter
        "client_cidrs": {"nodes-l": "10.0.16.0/20", "nodes-m": "10.0.32.0/20"},
        "readers": 1,
        "tags": TAGS,
    }
    args = PostgresHaArgs(**{**fields, **overrides})

    def program() -> None:
        import pulumi_random

        provider = alicloud.Provider("ali", region="cn-shanghai")
        randomness = pulumi_random.Provider("random-test")
        db = PostgresHa("db", args, pulumi.ResourceOptions(providers=[provider, randomness]))
        pulumi.export("writer", db.writer_endpoint)
        pulumi.export("readers", db.reader_endpoints)
        pulumi.export("password", db.master_password)

    return run_mocked(program)


@pytest.fixture(scope="module")
def ha() -> RecordingMonitor:
    return build_pg()


def test_high_availability_with_a_standby_in_another_zone(ha: RecordingMonitor) -> None:
    db = one(ha, INSTANCE).inputs
    assert db["category"] == "HighAvailability"
    assert db["engine"] == "PostgreSQL"
    assert (db["zoneId"], db["zoneIdSlaveA"]) == ("cn-shanghai-l", "cn-shanghai-m")
    assert db["vswitchId"] == "vsw-l,vsw-m"  # one vSwitch per zone of the pair


def test_disks_encrypted_with_a_rotating_customer_key(ha: RecordingMonitor) -> None:
    key = one(ha, KEY)
    assert one(ha, INSTANCE).inputs["encryptionKey"] == key.id
    assert key.inputs["automaticRotation"] == "Enabled"
    assert key.inputs["deletionProtection"] == "Enabled"


def test_ssl_is_on(ha: RecordingMonitor) -> None:
    assert one(ha, INSTANCE).inputs["sslAction"] == "Open"
    assert one(ha, READER).inputs["sslEnabled"] == 1


def test_whitelist_is_the_vpc_clients_only(ha: RecordingMonitor) -> None:
    for r in (one(ha, INSTANCE), one(ha, READER)):
        assert r.inputs["securityIps"] == ["10.0.16.0/20", "10.0.32.0/20"]
    assert not of_type(ha, "alicloud:rds/connection:Connection")  # no internet address


def test_daily_full_and_log_backups_kept_for_the_retention(ha: RecordingMonitor) -> None:
    policy = one(ha, BACKUP).inputs
    assert len(policy["preferredBackupPeriods"]) == 7
    assert policy["backupRetentionPeriod"] == 14
    assert policy["enableBackupLog"] is True
    assert policy["logBackupRetentionPeriod"] == 14
    assert policy["instanceId"] == one(ha, INSTANCE).id
    custom = one(build_pg(backup_retention_days=30, readers=0), BACKUP).inputs
    assert (custom["backupRetentionPeriod"], custom["logBackupRetentionPeriod"]) == (30, 30)


def test_deletion_protection_follows_protect(ha: RecordingMonitor) -> None:
    for r in (one(ha, INSTANCE), one(ha, READER)):
        assert r.inputs["deletionProtection"] is True
        assert r.protect is True
    relaxed = build_pg(protect_stateful=False)
    assert one(relaxed, INSTANCE).inputs["deletionProtection"] is False
    assert not any(r.protect for r in relaxed.recorded)
    assert one(relaxed, KEY).inputs["deletionProtection"] == "Disabled"


def test_protected_types(ha: RecordingMonitor) -> None:
    protected = {r.type for r in ha.recorded if r.protect}
    assert protected == {INSTANCE, READER, KEY, "alicloud:rds/database:Database",
                         "random:index/randomPassword:RandomPassword"}  # fmt: skip


def test_password_is_generated_and_secret(ha: RecordingMonitor) -> None:
    account = one(ha, "alicloud:rds/rdsAccount:RdsAccount")
    password = one(ha, "random:index/randomPassword:RandomPassword")
    assert account.inputs["accountType"] == "Super"
    assert account.inputs["accountPassword"] == password.outputs["result"]
    assert "accountPassword" in account.secret_paths
    assert password.urn in account.property_dependencies["accountPassword"]
    assert "password" in ha.stack_output_secrets


def test_reader_in_a_third_zone_with_its_endpoint(ha: RecordingMonitor) -> None:
    reader = one(ha, READER)
    assert reader.inputs["zoneId"] == "cn-shanghai-n"
    assert reader.inputs["vswitchId"] == "vsw-n"
    assert reader.inputs["masterDbInstanceId"] == one(ha, INSTANCE).id
    assert ha.stack_outputs["readers"] == {"db-reader-1": reader.outputs["connectionString"]}
    assert ha.stack_outputs["writer"] == one(ha, INSTANCE).outputs["connectionString"]


def test_cross_region_backups_are_optional() -> None:
    assert not of_type(
        build_pg(readers=0),
        "alicloud:rds/rdsInstanceCrossBackupPolicy:RdsInstanceCrossBackupPolicy",
    )
    dr = build_pg(
        readers=0, cross_region_backup=CrossRegionBackupArgs(region="cn-beijing", retention_days=30)
    )
    cross = one(dr, "alicloud:rds/rdsInstanceCrossBackupPolicy:RdsInstanceCrossBackupPolicy").inputs
    assert (cross["crossBackupRegion"], cross["retention"], cross["logBackupEnabled"]) == ("cn-beijing", 30, "Enable")  # fmt: skip


def test_basic_category_is_a_single_zone_footprint() -> None:
    monitor = build_pg(category="Basic", zones=["cn-shanghai-l"], readers=0)
    db = one(monitor, INSTANCE).inputs
    assert db["category"] == "Basic"
    assert "zoneIdSlaveA" not in db
    assert one(monitor, BACKUP).inputs["enableBackupLog"] is False  # Basic has no log backups


def test_a_given_key_is_used_instead_of_a_new_one() -> None:
    monitor = build_pg(kms_key_id="key-shared", readers=0)
    assert of_type(monitor, KEY) == []
    assert one(monitor, INSTANCE).inputs["encryptionKey"] == "key-shared"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"client_cidrs": {"anyone": "0.0.0.0/0"}}, r"^client_cidrs: '0\.0\.0\.0/0' opens"),
        ({"client_cidrs": {"office": "8.8.8.0/24"}}, r"^client_cidrs: .* not a private range"),
        ({"client_cidrs": {}}, r"^client_cidrs: at least one"),
        ({"zones": ["cn-shanghai-l"]}, r"^zones: HighAvailability .* at least two zones"),
        ({"vswitch_ids": {"cn-shanghai-l": "v"}}, r"^vswitch_ids: no data vSwitch"),
        ({"backup_retention_days": 3}, r"^backup_retention_days: must be 7\.\.730"),
        ({"instance_class": "db.r7g.large"}, r"^instance_class: 'db\.r7g\.large'"),
        ({"engine_version": "9.6"}, r"^engine_version: '9\.6'"),
        ({"backup_window": "02:30Z-03:30Z"}, r"^backup_window: "),
        ({"maintenance_window": "18:00Z-19:00Z"}, r"^maintenance_window: must differ"),
        ({"master_username": "postgres"}, r"^master_username: 'postgres'"),
        ({"database_name": "template0"}, r"^database_name: 'template0' exists in every PostgreSQL"),
        ({"readers": 6}, r"^readers: must be 0\.\.5"),
        ({"cross_region_backup": CrossRegionBackupArgs(region="cn-beijing", retention_days=3)},
         r"^cross_region_backup.retention_days"),
        ({"cross_region_backup": CrossRegionBackupArgs(region="Beijing")},
         r"^cross_region_backup.region: 'Beijing'"),
    ],
)  # fmt: skip
def test_bad_args_are_refused_naming_the_field(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_pg(**overrides)


def test_connections_are_logged_and_minor_versions_upgraded(ha: RecordingMonitor) -> None:
    db = one(ha, INSTANCE).inputs
    params = {p["name"]: p["value"] for p in db["parameters"]}
    assert params == {"log_connections": "on", "log_disconnections": "on", "log_duration": "on"}
    assert db["autoUpgradeMinorVersion"] == "Auto"
