"""Vault Lock settings of a config section as the backup components take them."""

from __future__ import annotations

from components.backup.aws_spec import VaultLockArgs
from infra.sections.backup import VaultLock


def lock_args(lock: VaultLock) -> VaultLockArgs | None:
    if not lock.enabled:
        return None
    return VaultLockArgs(
        min_retention_days=lock.min_retention_days,
        max_retention_days=lock.max_retention_days,
        changeable_for_days=lock.changeable_for_days,
    )
