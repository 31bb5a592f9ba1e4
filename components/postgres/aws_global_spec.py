"""Aurora Global Database secondary args and check; SDK-free: config validates against them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, get_args

from components._base import require
from components.aws.data_tier_spec import validate_clients
from components.dr import PostgresDrMode
from components.postgres.aws_spec import INSTANCE_CLASS, ServerlessArgs, serverless_problems

if TYPE_CHECKING:
    import pulumi

    from components.monitoring.aws_spec import AlarmWiring


@dataclass(frozen=True, kw_only=True)
class GlobalSecondaryArgs:
    source_cluster_arn: pulumi.Input[str]
    """ARN of the primary Aurora cluster (`PostgresHa.cluster_arn`)."""
    engine_version: str
    """The primary's engine version (a global database runs one version)."""
    vpc_id: pulumi.Input[str]
    """DR-region VPC."""
    subnet_group_name: pulumi.Input[str]
    """DB subnet group over the DR region's data subnets."""
    zones: Sequence[str]
    """DR-region zones (the warm reader goes in the first, sorted)."""
    mode: PostgresDrMode = "headless"
    """`headless` (no instances) or `warm` (one reader)."""
    serverless: ServerlessArgs | None = None
    """Capacity of the warm reader; None uses `instance_class`."""
    instance_class: str = "db.r7g.large"
    client_cidrs: Mapping[str, str] = field(default_factory=dict)
    """DR-region CIDRs allowed to connect once promoted."""
    port: int = 5432
    parameters: Mapping[str, str] = field(default_factory=dict)
    """The primary's extra cluster parameters (the secondary becomes the writer on failover)."""
    iam_auth: bool = True
    """IAM database authentication, as on the primary."""
    backup_retention_days: int = 14
    """Automated backups of the secondary once promoted (the primary's retention)."""
    kms_key_arn: pulumi.Input[str] | None = None
    """Key of the DR region for the secondary's storage; None creates one."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True
    alarms: AlarmWiring | None = None
    """Alert topics of the DR region (an alarm notifies topics of its own region): replication
    lag and RPO lag of the secondary. None: no alarms."""


def validate(args: GlobalSecondaryArgs) -> None:
    require(
        args.mode in get_args(PostgresDrMode) and args.mode != "none",
        "mode",
        f"'{args.mode}' is not one of headless, warm",
    )
    require(len(args.zones) > 0, "zones", "at least one zone is required")
    require(
        INSTANCE_CLASS.match(args.instance_class) is not None,
        "instance_class",
        f"'{args.instance_class}' is not an RDS instance class such as db.r7g.large",
    )
    if args.serverless is not None:
        problems = serverless_problems("aurora-postgresql", args.engine_version, args.serverless)
        require(not problems, "serverless", "; ".join(problems))
    validate_clients({}, args.client_cidrs)
