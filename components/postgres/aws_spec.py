"""Aurora / RDS PostgreSQL args, versions, classes, limits, check; SDK-free: config runs them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

from components._base import require
from components.aws.data_tier_spec import validate_clients
from components.aws.versions import postgres_version_problem
from components.aws.windows import daily_window, staggered_windows, weekly_window, windows_overlap
from components.postgres import database_name_problem

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring

PostgresEngine = Literal["aurora-postgresql", "postgres"]
Credential = Literal["managed", "generated"]
MAX_READERS = 15
MonitoringInterval = Literal[0, 1, 5, 10, 15, 30, 60]
MAX_BACKUP_RETENTION_DAYS = 35
RESERVED_USERNAMES = ("postgres", "rdsadmin", "admin")
INSTANCE_CLASS = re.compile(r"^db\.[a-z0-9-]+\.[a-z0-9]+$")
PG_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_IDENTIFIER = re.compile(r"^[a-z](?!.*--)[a-z0-9-]{0,48}[a-z0-9]$")


def performance_insights_days_ok(days: int) -> bool:
    """Performance Insights keeps 7 days (free) or a multiple of 31 up to 731."""
    return days == 7 or (days % 31 == 0 and 31 <= days <= 731)


@dataclass(frozen=True, kw_only=True)
class ReaderAutoscalingArgs:
    max_readers: int = 5
    """Most readers Application Auto Scaling may run (the configured `readers` is the minimum)."""
    target_cpu_percent: float = 70.0
    """Average reader CPU the policy keeps the cluster at."""
    scale_in_cooldown_seconds: int = 300
    scale_out_cooldown_seconds: int = 300


@dataclass(frozen=True, kw_only=True)
class ServerlessArgs:
    """Aurora Serverless v2 capacity of every instance, in ACUs (1 ACU ~ 2 GiB of memory)."""

    min_acu: float = 0.5
    """Floor the instances never scale below (0: pause when idle, where the version allows)."""
    max_acu: float = 8.0
    """Ceiling of each instance."""
    seconds_until_auto_pause: int | None = None
    """With `min_acu` 0: idle seconds before pausing (300..86400; AWS default 300)."""


SCALE_TO_ZERO_SINCE = {13: (13, 15), 14: (14, 12), 15: (15, 7), 16: (16, 3)}
"""First Aurora PostgreSQL minor per major that can pause at 0 ACU (every later major can)."""


def serverless_problems(engine: str, engine_version: str, s: ServerlessArgs) -> list[str]:
    """What is wrong with a Serverless v2 capacity range (empty: nothing); config checks use it
    too, so a stack file is rejected before the component would be."""
    problems = []
    if engine != "aurora-postgresql":
        problems.append("Serverless v2 needs the aurora-postgresql engine")
    if not (0 <= s.min_acu <= 256 and 1 <= s.max_acu <= 256 and s.min_acu <= s.max_acu):
        problems.append(
            f"ACU range {s.min_acu:g}..{s.max_acu:g}: need 0 <= min <= max, 1 <= max <= 256"
        )
    if (s.min_acu * 2) % 1 or (s.max_acu * 2) % 1:
        problems.append("ACUs come in steps of 0.5")
    parts = tuple(int(x) for x in engine_version.split(".")[:2] if x.isdigit())
    since = SCALE_TO_ZERO_SINCE.get(parts[0]) if parts else None
    if s.min_acu == 0 and parts and (parts[0] < 13 or (since is not None and parts < since)):
        problems.append(
            f"min_acu 0 (pause when idle) needs Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 "
            f"or later in its major; got {engine_version}"
        )
    pause = s.seconds_until_auto_pause
    if pause is not None and (s.min_acu != 0 or not 300 <= pause <= 86400):
        problems.append("seconds_until_auto_pause needs min_acu 0 and a value of 300..86400")
    return problems


@dataclass(frozen=True, kw_only=True)
class PostgresHaArgs:
    vpc_id: pulumi.Input[str]
    """VPC of the data subnets (for the security group)."""
    subnet_group_name: pulumi.Input[str]
    """DB subnet group over the isolated data subnets (`Vpc.db_subnet_group_name`)."""
    zones: Sequence[str]
    """Zones to spread the instances over: writer in the first in sorted order, readers
    round-robin (`spread_over_zones`; the order given does not matter)."""
    client_security_groups: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Security groups allowed to connect (e.g. the Kubernetes nodes)."""
    client_cidrs: Mapping[str, str] = field(default_factory=dict)
    """Private CIDRs allowed to connect. 0.0.0.0/0 and public ranges are rejected."""
    engine: PostgresEngine = "aurora-postgresql"
    """`aurora-postgresql` (cluster with readers) or `postgres` (RDS Multi-AZ DB instance)."""
    engine_version: str = "16.6"
    """Engine version; its major part selects the parameter-group family."""
    instance_class: str = "db.r7g.large"
    """Instance class of the writer and the readers (ignored with `serverless`)."""
    serverless: ServerlessArgs | None = None
    """Aurora Serverless v2: every instance is `db.serverless` within this ACU range (the writer
    and readers still sit in distinct zones and fail over as provisioned ones do)."""
    readers: int = 2
    """Reader instances (Aurora replicas, or read replicas for `postgres`), 0..15."""
    multi_az: bool = True
    """`postgres` engine only: synchronous standby in another zone. (Aurora is multi-AZ through
    its readers and its storage, which is always replicated across three zones.)"""
    allocated_storage_gib: int = 100
    """`postgres` engine only: initial gp3 storage."""
    max_allocated_storage_gib: int = 1000
    """`postgres` engine only: storage autoscaling ceiling."""
    identifier: str | None = None
    """Cluster / instance identifier; defaults to the component name. Fixed (not auto-named)
    because the log group name derives from it."""
    database_name: str = "app"
    """Database created with the cluster."""
    master_username: str = "app_admin"
    """Master user; its password is generated and kept in Secrets Manager."""
    port: int = 5432
    kms_key_arn: pulumi.Input[str] | None = None
    """Customer-managed key to use; None creates one (with rotation) for this database. A given
    key's policy must also let CloudWatch Logs use it (the log group is encrypted with it)."""
    parameters: Mapping[str, str] = field(default_factory=dict)
    """Extra (cluster) parameters, applied at the next reboot. `rds.force_ssl` is always 1."""
    iam_auth: bool = True
    """IAM database authentication (short-lived tokens instead of passwords for apps)."""
    backup_retention_days: int = 14
    """Automated backups / point-in-time-recovery window, 1..35 days."""
    backup_window: str = "02:00-03:00"
    """Daily backup window, hh24:mi-hh24:mi UTC; must not overlap the maintenance window."""
    maintenance_window: str = "sun:04:00-sun:05:00"
    """Weekly maintenance window, ddd:hh24:mi-ddd:hh24:mi UTC."""
    performance_insights_retention_days: int = 7
    """7 (free tier) or a multiple of 31 up to 731."""
    monitoring_interval_seconds: MonitoringInterval = 60
    """Enhanced monitoring interval (0 disables it)."""
    log_retention_days: int = 365
    """Retention of the exported PostgreSQL log group."""
    ca_cert_identifier: str = "rds-ca-rsa2048-g1"
    """Server certificate authority the instances present to TLS clients."""
    autoscaling: ReaderAutoscalingArgs | None = None
    """Aurora reader autoscaling; None keeps exactly `readers` readers."""
    backup_tags: Mapping[str, str] = field(default_factory=dict)
    """Tags that put the database into an AWS Backup selection (see aws_backup.py)."""
    credential: Credential = "managed"
    """`managed`: RDS generates and rotates the master password in Secrets Manager. `generated`:
    this component generates it (pulumi_random) into a Secrets Manager secret of its own, which
    can be replicated to other regions; needed by Aurora Global Database and cross-region
    replicas, which cannot use a managed password. The password reaches the database and the
    secret through write-only inputs, so neither keeps it in state (only the generator does,
    encrypted as a Pulumi secret)."""
    secret_replica_kms_keys: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """With `generated`: region -> KMS key ARN of each replica of the secret (the DR region)."""
    global_member: bool = False
    """Aurora only: the cluster is (or becomes) the primary of a global database, which sets its
    `global_cluster_identifier` from outside (ignored here, so joining never replaces it)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    """Pulumi `protect`, deletion protection and a final snapshot on delete; also keeps
    automated backups after deletion."""
    alarms: AlarmWiring | None = None
    """Alert topics and policy: emit the alarms of aws_alarms.py on them. None: no alarms."""


def validate(args: PostgresHaArgs) -> None:
    require(
        args.engine in get_args(PostgresEngine),
        "engine",
        f"'{args.engine}' is not one of aurora-postgresql, postgres",
    )
    version_problem = postgres_version_problem(args.engine, args.engine_version)
    require(version_problem is None, "engine_version", version_problem or "")
    require(
        INSTANCE_CLASS.match(args.instance_class) is not None,
        "instance_class",
        f"'{args.instance_class}' is not an RDS instance class such as db.r7g.large",
    )
    require(0 <= args.readers <= MAX_READERS, "readers", f"must be 0..{MAX_READERS}")
    require(len(args.zones) > 0, "zones", "at least one zone is required")
    require(
        args.identifier is None or _IDENTIFIER.match(args.identifier) is not None,
        "identifier",
        "2-50 lowercase letters, digits or single hyphens, starting with a letter",
    )
    problem = database_name_problem(args.database_name, PG_NAME)
    require(problem is None, "database_name", problem or "")
    require(
        PG_NAME.match(args.master_username) is not None
        and args.master_username not in RESERVED_USERNAMES,
        "master_username",
        f"'{args.master_username}' is invalid or reserved",
    )
    require(
        1 <= args.backup_retention_days <= MAX_BACKUP_RETENTION_DAYS,
        "backup_retention_days",
        f"must be 1..{MAX_BACKUP_RETENTION_DAYS}",
    )
    try:
        daily_window(args.backup_window)
    except ValueError as exc:
        raise ValueError(f"backup_window: {exc}") from None
    try:
        weekly_window(args.maintenance_window)
    except ValueError as exc:
        raise ValueError(f"maintenance_window: {exc}") from None
    for window in staggered_windows(args.maintenance_window, 1 + args.readers):
        require(
            not windows_overlap(args.backup_window, window),
            "backup_window",
            f"'{args.backup_window}' overlaps the maintenance window '{window}'"
            + ("" if window == args.maintenance_window else " (staggered for an instance)"),
        )
    require(
        performance_insights_days_ok(args.performance_insights_retention_days),
        "performance_insights_retention_days",
        "must be 7 or a multiple of 31 up to 731",
    )
    require(
        args.monitoring_interval_seconds in get_args(MonitoringInterval),
        "monitoring_interval_seconds",
        f"must be one of {get_args(MonitoringInterval)}",
    )
    require(args.log_retention_days > 0, "log_retention_days", "must be positive")
    require(
        args.parameters.get("rds.force_ssl", "1") == "1",
        "parameters",
        "rds.force_ssl cannot be turned off",
    )
    if args.serverless is not None:
        problems = serverless_problems(args.engine, args.engine_version, args.serverless)
        require(not problems, "serverless", "; ".join(problems))
    if args.autoscaling is not None:
        require(
            args.engine == "aurora-postgresql",
            "autoscaling",
            "reader autoscaling needs the aurora-postgresql engine",
        )
        require(
            args.readers < args.autoscaling.max_readers <= MAX_READERS,
            "autoscaling.max_readers",
            f"must be above readers ({args.readers}) and at most {MAX_READERS}",
        )
    require(
        args.credential in get_args(Credential),
        "credential",
        f"'{args.credential}' is not one of managed, generated",
    )
    require(
        not args.secret_replica_kms_keys or args.credential == "generated",
        "secret_replica_kms_keys",
        "only a generated credential has a secret of its own to replicate",
    )
    require(
        not args.global_member
        or (args.engine == "aurora-postgresql" and args.credential == "generated"),
        "global_member",
        "an Aurora Global Database needs the aurora-postgresql engine and a generated "
        "credential (managed master passwords do not work with global clusters)",
    )
    require(
        args.engine == "aurora-postgresql" or args.readers == 0 or args.credential == "generated",
        "credential",
        "RDS read replicas need a generated credential: AWS refuses a read replica of an "
        "instance whose master password RDS manages",
    )
    validate_clients(args.client_security_groups, args.client_cidrs)
