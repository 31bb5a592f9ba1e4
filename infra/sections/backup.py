"""`groundwork:backup`: backups of the data tier.

`Backup` is the intent (on or off, how long recovery points live); `AwsBackup` adds the AWS Backup
specifics (components/backup/aws.py): schedule expression, continuous backup, Vault Lock, copies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import Field

from components.backup.aws_spec import (
    MAX_CONTINUOUS_DAYS,
    MAX_RETENTION_DAYS,
    MIN_COMPLIANCE_DAYS,
    SCHEDULE,
    VAULT_ARN,
    BackupPlanArgs,
    RestoreTestingArgs,
    VaultLockArgs,
)
from infra.sections.base import Problem, Section, component_default


def _lock(name: str) -> Any:
    return component_default(VaultLockArgs, name)


class VaultLock(Section):
    enabled: bool = False
    """Lock the vault so recovery points cannot be deleted early (WORM)."""
    min_retention_days: int = Field(_lock("min_retention_days"), ge=1)
    """Recovery points cannot be deleted before this age."""
    max_retention_days: int = Field(_lock("max_retention_days"), ge=1)
    """Recovery points cannot be kept longer than this."""
    changeable_for_days: int | None = Field(_lock("changeable_for_days"), ge=MIN_COMPLIANCE_DAYS)
    """Unset: governance mode (removable by privileged users). A number: compliance mode, which
    nobody can remove once that many days have passed. Irreversible: think twice."""


class Backup(Section):
    enabled: bool = True
    """Create the backup vault, plan and selection."""
    retention_days: int = Field(
        component_default(BackupPlanArgs, "retention_days"), ge=1, le=MAX_RETENTION_DAYS
    )
    """Days each recovery point is kept (at most 35 with continuous backup)."""


class RestoreTesting(Section):
    enabled: bool = True
    """Restore the latest database recovery point on a schedule (AWS Backup restore testing)."""
    schedule: str = Field(
        component_default(RestoreTestingArgs, "schedule"), pattern=SCHEDULE.pattern
    )
    """When a restore test starts (AWS cron, UTC)."""
    selection_window_days: int = Field(
        component_default(RestoreTestingArgs, "selection_window_days"), ge=1, le=365
    )
    """Use the latest recovery point no older than this."""
    validation_window_hours: int = Field(
        component_default(RestoreTestingArgs, "validation_window_hours"), ge=1, le=168
    )
    """Hours the restored copy is kept for validation, then deleted."""


class AwsBackup(Backup):
    schedule: str = Field(component_default(BackupPlanArgs, "schedule"), pattern=SCHEDULE.pattern)
    """Daily backup start, AWS cron expression in UTC."""
    continuous_backup: bool = component_default(BackupPlanArgs, "continuous_backup")
    """Continuous backup for point-in-time restore (Aurora, RDS, S3)."""
    vault_lock: VaultLock = Field(default_factory=VaultLock)
    """Vault Lock."""
    copy_to_vault_arns: list[Annotated[str, Field(pattern=VAULT_ARN.pattern)]] = Field(
        default_factory=list
    )
    """Further backup vaults that every recovery point is copied to (the DR region's vault is
    added by `dr.backupCopies`)."""
    restore_testing: RestoreTesting = Field(default_factory=RestoreTesting)
    """Restore drills: AWS Backup restores the latest recovery point on a schedule."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        lock, days = self.vault_lock, self.retention_days
        if lock.enabled and not lock.min_retention_days <= days <= lock.max_retention_days:
            yield Problem(
                "vaultLock",
                f"retentionDays ({days}) must lie within the lock's "
                f"{lock.min_retention_days}..{lock.max_retention_days} days",
            )
        if self.continuous_backup and days > MAX_CONTINUOUS_DAYS:
            yield Problem(
                "retentionDays", f"at most {MAX_CONTINUOUS_DAYS} with continuousBackup, got {days}"
            )
