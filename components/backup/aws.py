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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_aws import backup, iam, kms

from components._base import child_opts, merged_tags, require, type_token
from components.aws.identity import aws_context
from components.aws.policy_docs import assume_role_policy, kms_key_policy
from components.aws.schedules import cron_problem
from components.backup.aws_alarms import backup_alarms
from components.monitoring.aws import AlarmWiring, emit_alarms

MAX_CONTINUOUS_DAYS = 35
MAX_RETENTION_DAYS = 36500
MIN_COMPLIANCE_DAYS = 3
"""A compliance-mode lock can be changed for at least this many days."""
VAULT_ARN = re.compile(r"^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]+$")
SCHEDULE = re.compile(r"^cron\(.+\)$")
"""The shape of a schedule (AWS Backup rules take cron expressions only); cron_problem checks it."""
_SERVICE_POLICIES = (
    "AWSBackupServiceRolePolicyForBackup",
    "AWSBackupServiceRolePolicyForRestores",
)


@dataclass(frozen=True, kw_only=True)
class VaultLockArgs:
    min_retention_days: int = 7
    """Recovery points cannot be deleted before this age."""
    max_retention_days: int = 365
    """Recovery points cannot be kept longer than this."""
    changeable_for_days: int | None = None
    """None: governance mode (privileged users can remove the lock). A number (>= 3): compliance
    mode, which nobody, AWS included, can remove once that many days have passed."""


@dataclass(frozen=True, kw_only=True)
class BackupPlanArgs:
    retention_days: int = 35
    """Days each recovery point is kept (1..35 with continuous backup)."""
    schedule: str = "cron(0 3 * * ? *)"
    """When the daily backup starts (AWS cron, UTC)."""
    start_window_minutes: int = 60
    completion_window_minutes: int = 360
    continuous_backup: bool = True
    """Continuous backup (PITR) for the types that support it (Aurora, RDS, S3)."""
    selection_tag_key: str = "backup"
    selection_tag_value: str | None = None
    """Value of the selection tag; defaults to the component name."""
    vault_lock: VaultLockArgs | None = None
    """Lock the vault (WORM); None leaves it unlocked."""
    copy_to_vault_arns: Sequence[pulumi.Input[str]] = ()
    """Destination vaults (e.g. in the DR region) each recovery point is copied to."""
    copy_retention_days: int | None = None
    """Retention of the copies; defaults to `retention_days`."""
    kms_key_arn: pulumi.Input[str] | None = None
    """Customer-managed key for the vault; None creates one (with rotation)."""
    force_destroy: bool = False
    """Let Pulumi delete the vault with its recovery points (dev only)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` on the vault, its key and lock."""
    alarms: AlarmWiring | None = None
    """Alert topics and policy: emit this component's alarms (aws_alarms.py) on them."""


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
        _validate(args)
        self._name, self._args = name, args
        protect = args.protect_stateful
        ctx = aws_context(self)
        self.selection_tags = {args.selection_tag_key: args.selection_tag_value or name}

        if args.kms_key_arn is None:
            key_arn: pulumi.Input[str] = kms.Key(
                f"{name}-vault-key",
                description=f"Encrypts the backup vault {name}",
                enable_key_rotation=True,
                deletion_window_in_days=30,
                policy=kms_key_policy(ctx, []),
                tags=self._tags(f"{name}-vault-key"),
                opts=child_opts(self, protect=protect),
            ).arn
        else:
            key_arn = args.kms_key_arn
        vault = backup.Vault(
            f"{name}-vault",
            kms_key_arn=key_arn,
            force_destroy=args.force_destroy,
            tags=self._tags(f"{name}-vault"),
            opts=child_opts(self, protect=protect),
        )
        self.vault_name, self.vault_arn = vault.name, vault.arn
        if args.vault_lock is not None:
            lock = args.vault_lock
            backup.VaultLockConfiguration(
                f"{name}-vault-lock",
                backup_vault_name=vault.name,
                min_retention_days=lock.min_retention_days,
                max_retention_days=lock.max_retention_days,
                changeable_for_days=lock.changeable_for_days,
                opts=child_opts(self, protect=protect),
            )

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
        for policy in _SERVICE_POLICIES:
            iam.RolePolicyAttachment(
                f"{name}-{policy.removeprefix('AWSBackupServiceRolePolicyFor').lower()}",
                role=role.name,
                policy_arn=pulumi.Output.format(
                    "arn:{0}:iam::aws:policy/service-role/{1}", ctx.partition, policy
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


def _validate(args: BackupPlanArgs) -> None:
    limit = MAX_CONTINUOUS_DAYS if args.continuous_backup else MAX_RETENTION_DAYS
    require(
        1 <= args.retention_days <= limit,
        "retention_days",
        f"must be 1..{limit}" + (" with continuous backup" if args.continuous_backup else ""),
    )
    problem = cron_problem(args.schedule)
    require(problem is None, "schedule", problem or "")
    require(args.start_window_minutes >= 60, "start_window_minutes", "must be at least 60")
    require(
        args.completion_window_minutes >= args.start_window_minutes + 60,
        "completion_window_minutes",
        "must be at least 60 minutes longer than the start window",
    )
    require(
        re.fullmatch(r"[A-Za-z0-9_.:/=+\-@]{1,128}", args.selection_tag_key) is not None,
        "selection_tag_key",
        "invalid tag key",
    )
    if args.vault_lock is not None:
        lock = args.vault_lock
        require(
            1 <= lock.min_retention_days <= args.retention_days <= lock.max_retention_days,
            "vault_lock",
            f"retention_days ({args.retention_days}) must lie within the lock's "
            f"{lock.min_retention_days}..{lock.max_retention_days} days",
        )
        require(
            lock.changeable_for_days is None or lock.changeable_for_days >= MIN_COMPLIANCE_DAYS,
            "vault_lock.changeable_for_days",
            f"must be at least {MIN_COMPLIANCE_DAYS} (or None for governance mode)",
        )
    require(
        not isinstance(args.copy_to_vault_arns, str),
        "copy_to_vault_arns",
        "must be a list of vault ARNs, not a string",
    )
    for arn in args.copy_to_vault_arns:
        if isinstance(arn, str):
            require(
                VAULT_ARN.match(arn) is not None,
                "copy_to_vault_arns",
                f"'{arn}' is not a backup vault ARN",
            )
    require(
        args.copy_retention_days is None or args.copy_retention_days >= 1,
        "copy_retention_days",
        "must be positive",
    )
