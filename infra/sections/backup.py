"""`groundwork:backup`: AWS Backup vault and plan for the data tier (components/backup/aws.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from infra.sections.base import Section


class VaultLock(Section):
    enabled: bool = False
    """Lock the vault so recovery points cannot be deleted early (WORM)."""
    min_retention_days: int = Field(7, ge=1)
    """Recovery points cannot be deleted before this age."""
    max_retention_days: int = Field(365, ge=1)
    """Recovery points cannot be kept longer than this."""
    changeable_for_days: int | None = Field(None, ge=3)
    """Unset: governance mode (removable by privileged users). A number: compliance mode, which
    nobody can remove once that many days have passed. Irreversible: think twice."""


class Backup(Section):
    enabled: bool = True
    """Create the AWS Backup vault, plan and tag selection."""
    retention_days: int = Field(35, ge=1, le=35)
    """Days each recovery point is kept (continuous backup allows at most 35)."""
    schedule: str = Field("cron(0 3 * * ? *)", pattern=r"^(cron|rate)\(.+\)$")
    """Daily backup start, AWS cron expression in UTC."""
    continuous_backup: bool = True
    """Continuous backup for point-in-time restore (Aurora, RDS, S3)."""
    vault_lock: VaultLock = VaultLock()
    """Vault Lock."""
    copy_to_vault_arns: list[
        Annotated[str, Field(pattern=r"^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:.+$")]
    ] = Field(default_factory=list)
    """Backup vaults (e.g. in the DR region) that every recovery point is copied to."""
