"""The AWS Backup component under mocks: encrypted vault, lock, daily plan with continuous backup,
tag selection with its service role, and the cross-region copy hook the DR layer uses."""

from __future__ import annotations

from typing import Any

import pytest

from components.backup.aws import BackupPlan
from components.backup.aws_spec import BackupPlanArgs, VaultLockArgs
from planner.recorder import RecordingMonitor
from tests.conftest import one, run_mocked

TAGS = {"environment": "test", "owner": "o", "cost-center": "c", "service": "s", "managed-by": "pulumi"}  # fmt: skip
DR_VAULT = "arn:aws:backup:eu-central-1:123456789012:backup-vault:dr-vault"
PLAN = "aws:backup/plan:Plan"


def build_backup(**overrides: Any) -> RecordingMonitor:
    import pulumi
    import pulumi_aws as aws

    args = BackupPlanArgs(**{"tags": TAGS, **overrides})

    def program() -> None:
        provider = aws.Provider("aws-test", region="eu-west-1")
        plan = BackupPlan("bk", args, pulumi.ResourceOptions(provider=provider))
        pulumi.export("selectionTags", plan.selection_tags)

    return run_mocked(program)


@pytest.fixture(scope="module")
def default_backup() -> RecordingMonitor:
    return build_backup()


def test_vault_encrypted_with_a_rotating_cmk(default_backup: RecordingMonitor) -> None:
    vault = one(default_backup, "aws:backup/vault:Vault")
    key = one(default_backup, "aws:kms/key:Key")
    assert vault.inputs["kmsKeyArn"] == key.outputs["arn"]
    assert key.inputs["enableKeyRotation"] is True
    assert vault.inputs["forceDestroy"] is False
    assert vault.protect and key.protect


def test_daily_rule_with_retention_and_continuous_backup(default_backup: RecordingMonitor) -> None:
    (rule,) = one(default_backup, PLAN).inputs["rules"]
    assert rule["schedule"] == "cron(0 3 * * ? *)"
    assert rule["enableContinuousBackup"] is True
    assert rule["lifecycle"] == {"deleteAfter": 35}
    assert rule["targetVaultName"] == one(default_backup, "aws:backup/vault:Vault").outputs["name"]
    assert rule.get("copyActions", []) == []


def test_selection_by_tag_with_the_backup_role(default_backup: RecordingMonitor) -> None:
    selection = one(default_backup, "aws:backup/selection:Selection").inputs
    role = one(default_backup, "aws:iam/role:Role")
    assert selection["selectionTags"] == [{"type": "STRINGEQUALS", "key": "backup", "value": "bk"}]
    assert selection["iamRoleArn"] == role.outputs["arn"]
    assert selection["planId"] == one(default_backup, PLAN).id
    assert "backup.amazonaws.com" in role.inputs["assumeRolePolicy"]
    assert default_backup.stack_outputs["selectionTags"] == {"backup": "bk"}
    attached = {
        r.inputs["policyArn"].rsplit("/", 1)[-1]
        for r in default_backup.by_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    }
    assert attached == {
        "AWSBackupServiceRolePolicyForBackup",
        "AWSBackupServiceRolePolicyForRestores",
    }


def test_resources_selected_by_arn_after_they_exist() -> None:
    import pulumi
    import pulumi_aws as aws

    def program() -> None:
        provider = aws.Provider("aws-test", region="eu-west-1")
        plan = BackupPlan(
            "bk", BackupPlanArgs(tags=TAGS), pulumi.ResourceOptions(provider=provider)
        )
        plan.select("db", ["arn:aws:rds:eu-west-1:123456789012:cluster:db"])

    monitor = run_mocked(program)
    selection = one(monitor, "aws:backup/selection:Selection", "bk-db").inputs
    assert selection["resources"] == ["arn:aws:rds:eu-west-1:123456789012:cluster:db"]
    assert selection["planId"] == one(monitor, PLAN).id
    assert selection["iamRoleArn"] == one(monitor, "aws:iam/role:Role").outputs["arn"]


def test_vault_lock_when_asked() -> None:
    assert build_backup().by_type("aws:backup/vaultLockConfiguration:VaultLockConfiguration") == []
    monitor = build_backup(vault_lock=VaultLockArgs(min_retention_days=7, max_retention_days=90))
    lock = one(monitor, "aws:backup/vaultLockConfiguration:VaultLockConfiguration")
    assert (lock.inputs["minRetentionDays"], lock.inputs["maxRetentionDays"]) == (7, 90)
    assert "changeableForDays" not in lock.inputs  # governance mode
    assert lock.inputs["backupVaultName"] == one(monitor, "aws:backup/vault:Vault").outputs["name"]
    assert lock.protect is True


def test_cross_region_copy_hook() -> None:
    monitor = build_backup(copy_to_vault_arns=[DR_VAULT], copy_retention_days=14)
    (rule,) = one(monitor, PLAN).inputs["rules"]
    assert rule["copyActions"] == [
        {"destinationVaultArn": DR_VAULT, "lifecycle": {"deleteAfter": 14}}
    ]


def test_copies_default_to_the_rule_retention() -> None:
    monitor = build_backup(copy_to_vault_arns=[DR_VAULT, DR_VAULT.replace("dr-vault", "b")])
    (rule,) = one(monitor, PLAN).inputs["rules"]
    assert [c["lifecycle"]["deleteAfter"] for c in rule["copyActions"]] == [35, 35]


def test_dev_settings() -> None:
    monitor = build_backup(retention_days=7, force_destroy=True, protect_stateful=False)
    assert one(monitor, "aws:backup/vault:Vault").inputs["forceDestroy"] is True
    assert one(monitor, PLAN).inputs["rules"][0]["lifecycle"] == {"deleteAfter": 7}
    assert not any(r.protect for r in monitor.recorded)


def test_given_key_and_tag_value() -> None:
    arn = "arn:aws:kms:eu-west-1:123456789012:key/abc"
    monitor = build_backup(kms_key_arn=arn, selection_tag_value="gold")
    assert monitor.by_type("aws:kms/key:Key") == []
    assert one(monitor, "aws:backup/vault:Vault").inputs["kmsKeyArn"] == arn
    assert monitor.stack_outputs["selectionTags"] == {"backup": "gold"}


def test_taggable_children_carry_the_tags(default_backup: RecordingMonitor) -> None:
    for typ in ("aws:backup/vault:Vault", PLAN, "aws:iam/role:Role", "aws:kms/key:Key"):
        assert TAGS.items() <= one(default_backup, typ).inputs["tags"].items(), typ


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"retention_days": 36}, "retention_days"),
        ({"retention_days": 0}, "retention_days"),
        ({"schedule": "daily"}, "schedule"),
        ({"start_window_minutes": 30}, "start_window_minutes"),
        ({"completion_window_minutes": 90}, "completion_window_minutes"),
        ({"vault_lock": VaultLockArgs(min_retention_days=40)}, "vault_lock"),
        ({"vault_lock": VaultLockArgs(changeable_for_days=1)}, "vault_lock.changeable_for_days"),
        ({"copy_to_vault_arns": ["arn:aws:s3:::bucket"]}, "copy_to_vault_arns"),
        ({"copy_to_vault_arns": DR_VAULT}, "copy_to_vault_arns"),
        ({"copy_retention_days": 0}, "copy_retention_days"),
    ],
)
def test_invalid_args_fail_naming_the_field(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        build_backup(**overrides)


def test_long_retention_without_continuous_backup() -> None:
    monitor = build_backup(retention_days=365, continuous_backup=False)
    (rule,) = one(monitor, PLAN).inputs["rules"]
    assert rule["enableContinuousBackup"] is False
    assert rule["lifecycle"] == {"deleteAfter": 365}
