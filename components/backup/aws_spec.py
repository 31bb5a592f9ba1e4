"""AWS Backup plan, vault and lock args, limits, checks; SDK-free: config validates against them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require
from components.aws.schedules import cron_problem

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring

MAX_CONTINUOUS_DAYS = 35
MAX_RETENTION_DAYS = 36500
MIN_COMPLIANCE_DAYS = 3
"""A compliance-mode lock can be changed for at least this many days."""
VAULT_ARN = re.compile(r"^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]+$")
SCHEDULE = re.compile(r"^cron\(.+\)$")
"""The shape of a schedule (AWS Backup rules take cron expressions only); cron_problem checks it."""


@dataclass(frozen=True, kw_only=True)
class RestoreTestingArgs:
    """An AWS Backup restore-testing plan: restores the latest recovery point of the selected
    databases on a schedule, keeps the restored copy for validation, then deletes it."""

    schedule: str = "cron(0 5 ? * SUN *)"
    """When a restore test starts (AWS cron, UTC): weekly by default."""
    selection_window_days: int = 7
    """Pick the latest recovery point no older than this."""
    validation_window_hours: int = 4
    """How long the restored copy is kept for validation before AWS Backup deletes it."""


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
    back_up_buckets: bool = False
    """The selection may pick S3 buckets too: the role gets AWS Backup's S3 policies."""
    restore_testing: RestoreTestingArgs | None = None
    """Restore the latest Aurora recovery point on a schedule (verification drill)."""
    force_destroy: bool = False
    """Let Pulumi delete the vault with its recovery points (dev only)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect` on the vault, its key and lock."""
    alarms: AlarmWiring | None = None
    """Alert topics and policy: emit this component's alarms (aws_alarms.py) on them."""


@dataclass(frozen=True, kw_only=True)
class BackupVaultArgs:
    """A vault of its own (e.g. the destination of copies in the DR region)."""

    vault_lock: VaultLockArgs | None = None
    force_destroy: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True


def validate_lock(lock: VaultLockArgs, retention_days: int | None = None) -> None:
    low, high = lock.min_retention_days, lock.max_retention_days
    inside = retention_days is None or low <= retention_days <= high
    require(
        1 <= low <= high and inside,
        "vault_lock",
        f"retention_days ({retention_days}) must lie within the lock's {low}..{high} days"
        if retention_days is not None
        else f"min_retention_days ({low}) must be 1..max_retention_days ({high})",
    )
    require(
        lock.changeable_for_days is None or lock.changeable_for_days >= MIN_COMPLIANCE_DAYS,
        "vault_lock.changeable_for_days",
        f"must be at least {MIN_COMPLIANCE_DAYS} (or None for governance mode)",
    )


def _bounded_by_year(schedule: str) -> str | None:
    """A backup or restore drill recurs for as long as the stack lives: a schedule that names a
    year stops firing after it, and the plan keeps looking protected."""
    year = schedule.strip().removesuffix(")").split()[-1]
    if year != "*":
        return f"'{schedule}' runs only in year(s) {year}, then never again; use * as the year"
    return None


def validate(args: BackupPlanArgs) -> None:
    limit = MAX_CONTINUOUS_DAYS if args.continuous_backup else MAX_RETENTION_DAYS
    require(
        1 <= args.retention_days <= limit,
        "retention_days",
        f"must be 1..{limit}" + (" with continuous backup" if args.continuous_backup else ""),
    )
    problem = cron_problem(args.schedule) or _bounded_by_year(args.schedule)
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
        validate_lock(args.vault_lock, args.retention_days)
    if args.restore_testing is not None:
        rt = args.restore_testing
        problem = cron_problem(rt.schedule) or _bounded_by_year(rt.schedule)
        require(problem is None, "restore_testing.schedule", problem or "")
        require(
            1 <= rt.selection_window_days <= 365,
            "restore_testing.selection_window_days",
            "must be 1..365",
        )
        require(
            1 <= rt.validation_window_hours <= 168,
            "restore_testing.validation_window_hours",
            "must be 1..168",
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
