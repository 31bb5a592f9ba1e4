"""`groundwork:postgres`: the PostgreSQL HA database (components/postgres/aws.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from infra.sections._windows import check_daily, check_weekly
from infra.sections.base import LogRetentionDays, Section


class ReaderAutoscaling(Section):
    enabled: bool = False
    """Let Application Auto Scaling add Aurora readers above `readers` on CPU load."""
    max_readers: int = Field(5, ge=1, le=15)
    """Most readers autoscaling may run."""
    target_cpu_percent: float = Field(70.0, gt=0, le=100)
    """Average reader CPU to hold."""


class Postgres(Section):
    enabled: bool = True
    """Create the database."""
    engine: Literal["aurora-postgresql", "postgres"] = "aurora-postgresql"
    """`aurora-postgresql` (writer + readers, shared storage across 3 zones) or `postgres`
    (RDS Multi-AZ DB instance with a standby, plus read replicas)."""
    engine_version: str = Field("16.6", pattern=r"^\d+(\.\d+){0,2}$")
    """Engine version; the major part selects the parameter-group family."""
    instance_class: str = Field("db.r7g.large", pattern=r"^db\.[a-z0-9-]+\.[a-z0-9]+$")
    """Instance class of every instance (`db.*`)."""
    readers: int = Field(2, ge=0, le=15)
    """Reader instances besides the writer (prod needs at least 1)."""
    multi_az: bool = True
    """`postgres` engine only: synchronous standby in another zone."""
    allocated_storage_gib: int = Field(100, ge=20, le=65536)
    """`postgres` engine only: initial gp3 storage."""
    max_allocated_storage_gib: int = Field(1000, ge=20, le=65536)
    """`postgres` engine only: storage autoscaling ceiling."""
    database_name: str = Field("app", pattern=r"^[a-z][a-z0-9_]{0,62}$")
    """Database created with the cluster."""
    master_username: str = Field("app_admin", pattern=r"^[a-z][a-z0-9_]{0,62}$")
    """Master user. Its password is generated and kept by Secrets Manager: there is no password
    key, and none may be put in a stack file."""
    backup_retention_days: int = Field(14, ge=1, le=35)
    """Automated backups and point-in-time-recovery window (prod: at least 7)."""
    backup_window: str = "02:00-03:00"
    """Daily backup window, hh24:mi-hh24:mi UTC (at least 30 minutes)."""
    maintenance_window: str = "sun:04:00-sun:05:00"
    """Weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi UTC; must not overlap the backup
    window."""
    parameters: dict[str, str] = Field(default_factory=dict)
    """Extra cluster parameters (applied at the next reboot). `rds.force_ssl` is always 1."""
    iam_auth: bool = True
    """IAM database authentication."""
    performance_insights_retention_days: int = 7
    """Performance Insights retention: 7 (free) or a multiple of 31 up to 731."""
    monitoring_interval_seconds: Literal[0, 1, 5, 10, 15, 30, 60] = 60
    """Enhanced monitoring interval; 0 turns it off."""
    log_retention_days: LogRetentionDays = 365
    """Retention of the exported PostgreSQL log group."""
    reader_autoscaling: ReaderAutoscaling = ReaderAutoscaling()
    """Aurora reader autoscaling."""

    @field_validator("backup_window")
    @classmethod
    def _daily(cls, value: str) -> str:
        return check_daily(value)

    @field_validator("maintenance_window")
    @classmethod
    def _weekly(cls, value: str) -> str:
        return check_weekly(value)

    @field_validator("performance_insights_retention_days")
    @classmethod
    def _pi_days(cls, value: int) -> int:
        if value != 7 and not (value % 31 == 0 and 31 <= value <= 731):
            raise ValueError("must be 7 or a multiple of 31 up to 731")
        return value

    @field_validator("parameters")
    @classmethod
    def _tls_stays_on(cls, value: dict[str, str]) -> dict[str, str]:
        if value.get("rds.force_ssl", "1") != "1":
            raise ValueError("rds.force_ssl cannot be turned off")
        return value
