"""`groundwork:postgres`: the PostgreSQL HA database.

`Postgres` is the intent every cloud implements (HA readers, retention, names); `AwsPostgres` adds
what only Aurora / RDS have (components/postgres/aws.py), `AlicloudPostgres` what only ApsaraDB RDS
has. Defaults come from the component; patterns and enums are the component's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

from pydantic import Field, field_validator
from pydantic.alias_generators import to_snake

from components._base import ENGINE_VERSION
from components.alicloud.data_tier_spec import WINDOW
from components.aws.windows import staggered_windows, windows_overlap
from components.postgres.alicloud_polardb_spec import ENGINE_VERSIONS as POLARDB_VERSIONS
from components.postgres.alicloud_polardb_spec import NODE_CLASS as POLARDB_CLASS
from components.postgres.alicloud_polardb_spec import PolarDbArgs
from components.postgres.alicloud_spec import ENGINE_VERSIONS as ALI_ENGINE_VERSIONS
from components.postgres.alicloud_spec import INSTANCE_CLASS as ALI_CLASS
from components.postgres.alicloud_spec import MAX_BACKUP_RETENTION_DAYS as ALI_MAX_BACKUP_DAYS
from components.postgres.alicloud_spec import MAX_READERS as ALI_MAX_READERS
from components.postgres.alicloud_spec import MIN_BACKUP_RETENTION_DAYS as ALI_MIN_BACKUP_DAYS
from components.postgres.alicloud_spec import READER_CLASS as ALI_READER_CLASS
from components.postgres.alicloud_spec import PostgresHaArgs as AliPostgresHaArgs
from components.postgres.alicloud_spec import SqlLogDays
from components.postgres.aws_spec import (
    INSTANCE_CLASS,
    MAX_BACKUP_RETENTION_DAYS,
    MAX_READERS,
    PG_NAME,
    RESERVED_USERNAMES,
    MonitoringInterval,
    PostgresEngine,
    PostgresHaArgs,
    ReaderAutoscalingArgs,
    ServerlessArgs,
    performance_insights_days_ok,
    serverless_problems,
)
from infra.presets import ALTERNATIVES
from infra.sections._windows import check_daily, check_weekly
from infra.sections.base import LogRetentionDays, Problem, Section, component_default


def _pg(name: str) -> Any:
    return component_default(PostgresHaArgs, name)


def _ali(name: str) -> Any:
    return component_default(AliPostgresHaArgs, name)


ALI_SQL_LOG_DAYS: tuple[int, ...] = get_args(SqlLogDays)


class Serverless(Section):
    min_acu: float = Field(component_default(ServerlessArgs, "min_acu"), ge=0, le=256)
    """Floor of every instance in ACUs (1 ACU ~ 2 GiB); the estimate prices the stack at this
    floor. 0 pauses the database when idle (Aurora PostgreSQL 16.3+ / 15.7+ / 14.12+ / 13.15+)."""
    max_acu: float = Field(component_default(ServerlessArgs, "max_acu"), ge=1, le=256)
    """Ceiling of every instance in ACUs."""
    seconds_until_auto_pause: int | None = Field(None, ge=300, le=86400)
    """With `minAcu: 0`: idle seconds before pausing (AWS default 300)."""


class ReaderAutoscaling(Section):
    enabled: bool = False
    """Let Application Auto Scaling add Aurora readers above `readers` on CPU load."""
    max_readers: int = Field(
        component_default(ReaderAutoscalingArgs, "max_readers"), ge=1, le=MAX_READERS
    )
    """Most readers autoscaling may run."""
    target_cpu_percent: float = Field(
        component_default(ReaderAutoscalingArgs, "target_cpu_percent"), gt=0, le=100
    )
    """Average reader CPU to hold."""


class Postgres(Section):
    enabled: bool = True
    """Create the database."""
    engine_version: str = Field(_pg("engine_version"), pattern=ENGINE_VERSION.pattern)
    """Engine version; the major part selects the parameter-group family."""
    readers: int = Field(_pg("readers"), ge=0, le=MAX_READERS)
    """Reader instances besides the writer (prod needs at least 1)."""
    multi_az: bool = _pg("multi_az")
    """Single-instance engines only: a synchronous standby in another zone."""
    database_name: str = Field(_pg("database_name"), pattern=PG_NAME.pattern)
    """Database created with the cluster."""
    master_username: str = Field(_pg("master_username"), pattern=PG_NAME.pattern)
    """Master user. Its password is generated and kept by the cloud's secret store: there is no
    password key, and none may be put in a stack file."""
    backup_retention_days: int = Field(
        _pg("backup_retention_days"), ge=1, le=MAX_BACKUP_RETENTION_DAYS
    )
    """Automated backups and point-in-time-recovery window (prod: at least 7)."""
    log_retention_days: LogRetentionDays = _pg("log_retention_days")
    """Retention of the exported PostgreSQL log group."""

    @field_validator("master_username")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_USERNAMES:
            raise ValueError(f"'{value}' is reserved ({', '.join(RESERVED_USERNAMES)})")
        return value


class AwsPostgres(Postgres):
    engine: PostgresEngine = _pg("engine")
    """`aurora-postgresql` (writer + readers, shared storage across 3 zones) or `postgres`
    (RDS Multi-AZ DB instance with a standby, plus read replicas)."""
    instance_class: str = Field(_pg("instance_class"), pattern=INSTANCE_CLASS.pattern)
    """Instance class of every instance (`db.*`); not used with `serverless`."""
    serverless: Serverless | None = None
    """Aurora Serverless v2 instead of provisioned instances: the writer and readers keep their
    zones and failover, and scale within this ACU range."""
    allocated_storage_gib: int = Field(_pg("allocated_storage_gib"), ge=20, le=65536)
    """`postgres` engine only: initial gp3 storage."""
    max_allocated_storage_gib: int = Field(_pg("max_allocated_storage_gib"), ge=20, le=65536)
    """`postgres` engine only: storage autoscaling ceiling."""
    backup_window: str = _pg("backup_window")
    """Daily backup window, hh24:mi-hh24:mi UTC (at least 30 minutes)."""
    maintenance_window: str = _pg("maintenance_window")
    """Weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi UTC; must not overlap the backup
    window."""
    parameters: dict[str, str] = Field(default_factory=dict)
    """Extra cluster parameters (applied at the next reboot). `rds.force_ssl` is always 1."""
    iam_auth: bool = _pg("iam_auth")
    """IAM database authentication."""
    performance_insights_retention_days: int = _pg("performance_insights_retention_days")
    """Performance Insights retention: 7 (free) or a multiple of 31 up to 731."""
    monitoring_interval_seconds: MonitoringInterval = _pg("monitoring_interval_seconds")
    """Enhanced monitoring interval; 0 turns it off."""
    reader_autoscaling: ReaderAutoscaling = Field(default_factory=ReaderAutoscaling)
    """Aurora reader autoscaling."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        # Each instance gets its own back-to-back copy of the maintenance window (the component).
        for window in staggered_windows(self.maintenance_window, 1 + self.readers):
            if windows_overlap(self.backup_window, window):
                yield Problem(
                    "backupWindow",
                    f"'{self.backup_window}' overlaps the maintenance window '{window}'"
                    + ("" if window == self.maintenance_window else " (staggered for an instance)"),
                )
        scaling = self.reader_autoscaling
        if scaling.enabled and self.engine != "aurora-postgresql":
            yield Problem("readerAutoscaling", "needs the aurora-postgresql engine")
        if scaling.enabled and scaling.max_readers <= self.readers:
            yield Problem("readerAutoscaling.maxReaders", f"must be above readers ({self.readers})")
        if self.max_allocated_storage_gib < self.allocated_storage_gib:
            yield Problem("maxAllocatedStorageGib", "must be at least allocatedStorageGib")
        if self.serverless is not None:
            if "instance_class" in self.model_fields_set:
                yield Problem(
                    "instanceClass",
                    "not used with serverless (every instance is db.serverless); "
                    "set serverless: null for provisioned instances",
                )
            args = ServerlessArgs(**self.serverless.model_dump())
            for problem in serverless_problems(self.engine, self.engine_version, args):
                yield Problem("serverless", f"{problem} (serverless: null for provisioned)")

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
        if not performance_insights_days_ok(value):
            raise ValueError("must be 7 or a multiple of 31 up to 731")
        return value

    @field_validator("parameters")
    @classmethod
    def _tls_stays_on(cls, value: dict[str, str]) -> dict[str, str]:
        if value.get("rds.force_ssl", "1") != "1":
            raise ValueError("rds.force_ssl cannot be turned off")
        return value


class PolarDb(Section):
    node_class: str = Field(
        component_default(PolarDbArgs, "node_class"), pattern=POLARDB_CLASS.pattern
    )
    """Class of every compute node (`polar.pg.*`); the cluster has 1 + `readers` nodes."""


class AlicloudPostgres(Postgres):
    """ApsaraDB RDS for PostgreSQL (components/postgres/alicloud.py): `multiAz` chooses the
    High-availability category (a standby in another zone) over Basic (one node)."""

    engine_version: str = Field(_ali("engine_version"), pattern=ENGINE_VERSION.pattern)
    """Major version, one of the RDS versions such as 16.0."""
    instance_class: str = _ali("instance_class")
    """Primary (and standby) class, `pg.*`: `.2c` classes for High-availability, `.1` for Basic."""
    reader_class: str = Field(_ali("reader_class"), pattern=ALI_READER_CLASS.pattern)
    """Class of the read-only instances (`pgro.*`)."""
    readers: int = Field(_ali("readers"), ge=0, le=ALI_MAX_READERS)
    """Read-only instances (prod needs at least 1)."""
    storage_gib: int = Field(_ali("storage_gib"), ge=20, le=32000, multiple_of=5)
    """Initial ESSD storage of every instance."""
    max_storage_gib: int = Field(_ali("max_storage_gib"), ge=20, le=32000)
    """Storage autoscaling ceiling."""
    backup_retention_days: int = Field(
        _ali("backup_retention_days"), ge=ALI_MIN_BACKUP_DAYS, le=ALI_MAX_BACKUP_DAYS
    )
    """Full and log backups (point-in-time recovery) are kept this long (RDS keeps 7..730)."""
    backup_window: str = Field(_ali("backup_window"), pattern=WINDOW.pattern)
    """Daily full backup, whole hours UTC such as 18:00Z-19:00Z."""
    maintenance_window: str = Field(_ali("maintenance_window"), pattern=WINDOW.pattern)
    """Daily maintenance window, whole hours UTC; not the backup window."""
    polardb: PolarDb | None = None
    """PolarDB for PostgreSQL instead of ApsaraDB RDS: 1 + `readers` compute nodes, storage with a
    hot standby in the second zone, TDE; `engineVersion`'s major picks its version. The RDS sizing
    keys (instanceClass, readerClass, storageGib, maxStorageGib, multiAz) do not apply."""

    @field_validator("instance_class")
    @classmethod
    def _alicloud_class(cls, value: str) -> str:
        if not ALI_CLASS.match(value):
            raise ValueError(
                f"'{value}' is not an ApsaraDB RDS PostgreSQL class such as pg.n2.medium.2c"
                + (" (db.* classes are AWS RDS)" if value.startswith("db.") else "")
            )
        return value

    @property
    def polardb_version(self) -> str:
        """`engineVersion` as PolarDB names it (its major: `16.0` -> `16`)."""
        return self.engine_version.split(".")[0]

    def _polardb_problems(self) -> Iterator[Problem]:
        for key in ALTERNATIVES["postgres.polardb"]:  # RDS sizing: no meaning for PolarDB
            if to_snake(key) in self.model_fields_set:
                yield Problem(key, "not used with polardb (set polardb: null for ApsaraDB RDS)")
        if self.polardb_version not in POLARDB_VERSIONS:
            yield Problem(
                "engineVersion",
                f"PolarDB for PostgreSQL offers {', '.join(POLARDB_VERSIONS)} (got major "
                f"'{self.polardb_version}')",
            )
        if self.readers < 1:
            yield Problem(
                "readers",
                "PolarDB needs at least one read-only node: the primary's failover target",
            )

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.maintenance_window == self.backup_window:
            yield Problem("maintenanceWindow", "must differ from the backup window")
        if self.polardb is not None:
            yield from self._polardb_problems()
        elif self.max_storage_gib < self.storage_gib:
            yield Problem("maxStorageGib", "must be at least storageGib")
        if self.polardb is None and self.engine_version not in ALI_ENGINE_VERSIONS:
            yield Problem(
                "engineVersion",
                f"'{self.engine_version}' is not one of {', '.join(ALI_ENGINE_VERSIONS)}",
            )
        if self.log_retention_days > max(ALI_SQL_LOG_DAYS):
            yield Problem(
                "logRetentionDays",
                f"at most {max(ALI_SQL_LOG_DAYS)} on Alibaba Cloud (the SQL audit log's longest)",
            )

    @property
    def sql_log_retention_days(self) -> int:
        """`logRetentionDays` as the SQL audit log keeps it: the shortest of its retentions that
        is at least as long."""
        return min(d for d in ALI_SQL_LOG_DAYS if d >= min(self.log_retention_days, 1825))
