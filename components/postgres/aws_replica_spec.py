"""RDS cross-region read replica args and its check; SDK-free: config's preflight validates them
without pulumi."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require
from components.aws.data_tier_spec import validate_clients
from components.aws.versions import postgres_version_problem
from components.postgres.aws_spec import INSTANCE_CLASS, MonitoringInterval

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring


@dataclass(frozen=True, kw_only=True)
class CrossRegionReplicaArgs:
    source_db_arn: pulumi.Input[str]
    """ARN of the primary RDS instance (`PostgresHa.arn`)."""
    engine_version: str
    """The primary's version (selects the parameter-group family)."""
    instance_class: str
    """Instance class of the replica (the primary's: it becomes the writer)."""
    vpc_id: pulumi.Input[str]
    """DR-region VPC."""
    subnet_group_name: pulumi.Input[str]
    """DB subnet group over the DR region's data subnets."""
    zones: list[str]
    """DR-region zones (the replica goes in the first, sorted)."""
    kms_key_arn: pulumi.Input[str]
    """The DR region's key: storage, Performance Insights, the log group."""
    client_cidrs: Mapping[str, str] = field(default_factory=dict)
    """DR-region CIDRs allowed to connect (readers now, writers once promoted)."""
    port: int = 5432
    parameters: Mapping[str, str] = field(default_factory=dict)
    """The primary's extra parameters (`rds.force_ssl` is always 1)."""
    iam_auth: bool = True
    backup_retention_days: int = 14
    """Automated backups of the replica (kept when it is promoted)."""
    max_allocated_storage_gib: int = 1000
    performance_insights_retention_days: int = 7
    monitoring_interval_seconds: MonitoringInterval = 60
    monitoring_role_arn: pulumi.Input[str] | None = None
    """The enhanced-monitoring role (IAM is global: the primary's serves)."""
    log_retention_days: int = 365
    ca_cert_identifier: str = "rds-ca-rsa2048-g1"
    maintenance_window: str = "sun:04:00-sun:05:00"
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect`, deletion protection and a final snapshot on delete."""
    alarms: AlarmWiring | None = None
    """Alert topics of the DR region: the replica's lag. None: no alarms."""


MIN_VERSION_WITH_BACKUPS = (14, 1)
"""RDS for PostgreSQL keeps automated backups of a read replica from 14.1 only."""


def validate(args: CrossRegionReplicaArgs) -> None:
    problem = postgres_version_problem("postgres", args.engine_version)
    require(problem is None, "engine_version", problem or "")
    version = tuple(int(p) for p in args.engine_version.split("."))
    require(
        version >= MIN_VERSION_WITH_BACKUPS,
        "engine_version",
        f"{args.engine_version}: RDS for PostgreSQL keeps no automated backups of a read replica "
        "before 14.1, and a promoted DR replica must have them: use 14.1 or later "
        "(dr.postgres: warm)",
    )
    require(
        INSTANCE_CLASS.match(args.instance_class) is not None,
        "instance_class",
        f"'{args.instance_class}' is not an RDS instance class such as db.m7g.large",
    )
    require(len(args.zones) > 0, "zones", "at least one zone is required")
    require(
        args.parameters.get("rds.force_ssl", "1") == "1",
        "parameters",
        "rds.force_ssl cannot be turned off",
    )
    require(1 <= args.backup_retention_days <= 35, "backup_retention_days", "must be 1..35")
    require(
        args.monitoring_interval_seconds == 0 or args.monitoring_role_arn is not None,
        "monitoring_role_arn",
        "enhanced monitoring needs the monitoring role",
    )
    validate_clients({}, args.client_cidrs)
