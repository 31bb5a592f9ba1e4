"""The CloudWatch alarms a backup vault emits, overridable as `backup.<key>`."""

from __future__ import annotations

from typing import Any

from components.monitoring import AlarmSpec

KEYS = ("failed-jobs", "expired-jobs", "failed-copies")


def backup_alarms(vault_name: Any) -> list[AlarmSpec]:
    def jobs(key: str, metric: str, what: str, severity: Any) -> AlarmSpec:
        return AlarmSpec(key=key, namespace="AWS/Backup", metric=metric,
                         description=f"AWS Backup {what} in the last hour",
                         dimensions={"BackupVaultName": vault_name}, statistic="Sum",
                         comparison=">", threshold=0, severity=severity, period_seconds=3600,
                         evaluation_periods=1, missing_data="notBreaching")  # fmt: skip

    return [
        jobs("failed-jobs", "NumberOfBackupJobsFailed", "backup jobs failed", "P1"),
        jobs("expired-jobs", "NumberOfBackupJobsExpired", "backup jobs expired", "P2"),
        jobs("failed-copies", "NumberOfCopyJobsFailed", "copy jobs failed", "P2"),
    ]
