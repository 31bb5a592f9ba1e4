"""AWS Backup plan, vault and lock args and limits; SDK-free: config validates against them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws import AlarmWiring

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
