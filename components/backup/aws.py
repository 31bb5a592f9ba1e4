"""`groundwork:aws/backup:BackupPlan`: AWS Backup for the data tier.

Creates a backup vault encrypted with a customer-managed KMS key (optionally locked with Vault
Lock), a plan with one daily rule (retention in days; continuous backup for point-in-time restore
where the resource type supports it), a selection by tag (`<selection_tag_key>=<value>`, which the
data components put on their databases), selections by ARN that callers add with `select()` once
the resources exist, and the IAM role AWS Backup assumes.

Continuous backup (PITR) is supported by AWS Backup for Aurora, RDS, S3 and SAP HANA on EC2, with
at most 35 days of retention; other selected types get the daily snapshot only. ElastiCache is not
an AWS Backup resource type: the cache keeps its own snapshots (aws_redis.py).

Cross-region copies: `copy_to_vault_arns` adds a copy action per destination vault to the rule
(the DR layer passes its vault there); copies keep `copy_retention_days`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
from pulumi_aws import backup, iam, kms

from components._base import child_opts, merged_tags, type_token
from components.aws.identity import aws_context
from components.aws.policy_docs import assume_role_policy, kms_key_policy
from components.backup.aws_alarms import backup_alarms
from components.backup.aws_spec import (
    BackupPlanArgs,
    BackupVaultArgs,
    RestoreTestingArgs,
    VaultLockArgs,
    validate,
    validate_lock,
)
from components.monitoring.aws import emit_alarms

_SERVICE_POLICIES = (
    "AWSBackupServiceRolePolicyForBackup",
    "AWSBackupServiceRolePolicyForRestores",
)
_S3_POLICIES = ("AWSBackupServiceRolePolicyForS3Backup", "AWSBackupServiceRolePolicyForS3Restore")
"""S3 backups need these too (at the policy root, not under service-role/)."""


class BackupVault(pulumi.ComponentResource):
    """`groundwork:aws/backup:BackupVault`: a KMS-encrypted, optionally locked vault."""

    vault_name: pulumi.Output[str]
    vault_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: BackupVaultArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("backup", "BackupVault", cloud="aws"), name, None, opts)
        if args.vault_lock is not None:
            validate_lock(args.vault_lock)
        vault = _vault(self, name, None, args.vault_lock, force_destroy=args.force_destroy,
                       tags=args.tags, protect=args.protect_stateful)  # fmt: skip
        self.vault_name, self.vault_arn = vault.name, vault.arn
        self.register_outputs({"vaultName": self.vault_name, "vaultArn": self.vault_arn})


def _vault(
    parent: pulumi.ComponentResource,
    name: str,
    kms_key_arn: pulumi.Input[str] | None,
    lock: VaultLockArgs | None,
    *,
    force_destroy: bool,
    tags: Mapping[str, str],
    protect: bool,
) -> backup.Vault:
    """Key (unless given), vault and lock, named after `name` (the same children for the plan's
    own vault and a standalone one)."""
    if kms_key_arn is None:
        kms_key_arn = kms.Key(
            f"{name}-vault-key",
            description=f"Encrypts the backup vault {name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=kms_key_policy(aws_context(parent), []),
            tags=merged_tags(tags, f"{name}-vault-key"),
            opts=child_opts(parent, protect=protect),
        ).arn
    vault = backup.Vault(
        f"{name}-vault",
        kms_key_arn=kms_key_arn,
        force_destroy=force_destroy,
        tags=merged_tags(tags, f"{name}-vault"),
        opts=child_opts(parent, protect=protect),
    )
    if lock is not None:
        backup.VaultLockConfiguration(
            f"{name}-vault-lock",
            backup_vault_name=vault.name,
            min_retention_days=lock.min_retention_days,
            max_retention_days=lock.max_retention_days,
            changeable_for_days=lock.changeable_for_days,
            opts=child_opts(parent, protect=protect),
        )
    return vault


class BackupPlan(pulumi.ComponentResource):
    """A KMS-encrypted (optionally locked) vault, a daily plan and a tag-based selection."""

    vault_name: pulumi.Output[str]
    vault_arn: pulumi.Output[str]
    plan_id: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    selection_tags: dict[str, str]
    """Tags a resource carries to be backed up by this plan."""

    def __init__(
        self, name: str, args: BackupPlanArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("backup", "BackupPlan", cloud="aws"), name, None, opts)
        validate(args)
        self._name, self._args = name, args
        protect = args.protect_stateful
        ctx = aws_context(self)
        self.selection_tags = {args.selection_tag_key: args.selection_tag_value or name}
        vault = _vault(self, name, args.kms_key_arn, args.vault_lock,
                       force_destroy=args.force_destroy, tags=args.tags, protect=protect)  # fmt: skip
        self.vault_name, self.vault_arn = vault.name, vault.arn

        copy_days = args.copy_retention_days or args.retention_days
        plan = backup.Plan(
            f"{name}-plan",
            rules=[
                backup.PlanRuleArgs(
                    rule_name="daily",
                    target_vault_name=vault.name,
                    schedule=args.schedule,
                    start_window=args.start_window_minutes,
                    completion_window=args.completion_window_minutes,
                    enable_continuous_backup=args.continuous_backup,
                    lifecycle=backup.PlanRuleLifecycleArgs(delete_after=args.retention_days),
                    copy_actions=[
                        backup.PlanRuleCopyActionArgs(
                            destination_vault_arn=arn,
                            lifecycle=backup.PlanRuleCopyActionLifecycleArgs(
                                delete_after=copy_days
                            ),
                        )
                        for arn in args.copy_to_vault_arns
                    ],
                    recovery_point_tags=self._tags(f"{name}-recovery-point"),
                )
            ],
            tags=self._tags(f"{name}-plan"),
            opts=child_opts(self),
        )
        self.alarms = emit_alarms(
            self, name, "backup", backup_alarms(vault.name), args.alarms, args.tags
        )
        self.plan_id = plan.id

        role = iam.Role(
            f"{name}-role",
            assume_role_policy=assume_role_policy("backup.amazonaws.com"),
            description=f"AWS Backup service role of {name}",
            tags=self._tags(f"{name}-role"),
            opts=child_opts(self),
        )
        s3_policies = _S3_POLICIES if args.back_up_buckets else ()
        for policy in (*_SERVICE_POLICIES, *s3_policies):
            path = "" if policy in _S3_POLICIES else "service-role/"
            iam.RolePolicyAttachment(
                f"{name}-{policy.removeprefix('AWSBackupServiceRolePolicyFor').lower()}",
                role=role.name,
                policy_arn=pulumi.Output.format(
                    "arn:{0}:iam::aws:policy/{1}{2}", ctx.partition, path, policy
                ),
                opts=child_opts(self),
            )
        self.role_arn = role.arn
        self._plan = plan
        (tag_key, tag_value), = self.selection_tags.items()  # fmt: skip
        backup.Selection(
            f"{name}-selection",
            name=f"{name}-by-tag"[:50],
            plan_id=plan.id,
            iam_role_arn=role.arn,
            selection_tags=[
                backup.SelectionSelectionTagArgs(type="STRINGEQUALS", key=tag_key, value=tag_value)
            ],
            opts=child_opts(self),
        )

        self.restore_testing_plan_name: pulumi.Output[str] | None = None
        if args.restore_testing is not None:
            self._restore_testing(args.restore_testing, role.arn)

        self.register_outputs(
            {
                "vaultName": self.vault_name,
                "vaultArn": self.vault_arn,
                "planId": self.plan_id,
                "roleArn": self.role_arn,
                "selectionTags": self.selection_tags,
            }
        )

    def select(self, key: str, resource_arns: Sequence[pulumi.Input[str]]) -> backup.Selection:
        """Also select these resources by ARN (after they exist): a tag can be edited away by
        anyone allowed to tag, an ARN selection cannot, so a database stays backed up."""
        return backup.Selection(
            f"{self._name}-{key}",
            name=f"{self._name}-{key}"[:50],
            plan_id=self._plan.id,
            iam_role_arn=self.role_arn,
            resources=list(resource_arns),
            opts=child_opts(self),
        )

    def _tags(self, name: str, **extra: str) -> dict[str, str]:
        return merged_tags(self._args.tags, name, **extra)

    def _restore_testing(self, rt: RestoreTestingArgs, role_arn: pulumi.Output[str]) -> None:
        name = self._name
        plan_name = restore_test_name(name)
        plan = backup.RestoreTestingPlan(
            f"{name}-restore-test",
            name=plan_name,
            schedule_expression=rt.schedule,
            start_window_hours=1,
            recovery_point_selection=backup.RestoreTestingPlanRecoveryPointSelectionArgs(
                algorithm="LATEST_WITHIN_WINDOW",
                include_vaults=[self.vault_arn],
                recovery_point_types=["SNAPSHOT", "CONTINUOUS"],
                selection_window_days=rt.selection_window_days,
            ),
            tags=self._tags(f"{name}-restore-test"),
            opts=child_opts(self),
        )
        (tag_key, tag_value), = self.selection_tags.items()  # fmt: skip
        backup.RestoreTestingSelection(
            f"{name}-restore-test-aurora",
            name=f"{plan_name}_aurora"[:50],
            restore_testing_plan_name=plan.name,
            protected_resource_type="Aurora",
            iam_role_arn=role_arn,
            protected_resource_conditions=backup.RestoreTestingSelectionProtectedResourceConditionsArgs(
                string_equals=[{"key": f"aws:ResourceTag/{tag_key}", "value": tag_value}]
            ),
            validation_window_hours=rt.validation_window_hours,
            opts=child_opts(self),
        )
        self.restore_testing_plan_name = plan.name


def restore_test_name(component_name: str) -> str:
    """Restore-testing plan names take letters, digits and underscores only."""
    return component_name.replace("-", "_")[:50]
