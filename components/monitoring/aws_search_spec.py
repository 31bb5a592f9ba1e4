"""What a stack may ask of log search (aws_search.py), apart: config checks it without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import LOG_RETENTION_DAYS, parse_cidr, require

if TYPE_CHECKING:
    import pulumi


@dataclass(frozen=True, kw_only=True)
class LogSearchArgs:
    domain_name: str
    """3-28 lowercase letters, digits, '-' (starts with a letter)."""
    vpc_id: pulumi.Input[str]
    subnet_ids: Mapping[str, pulumi.Input[str]]
    """Data subnets by zone; the domain takes the first `zones` of them in sorted zone order."""
    client_cidrs: Mapping[str, str]
    """Who may reach HTTPS, by name (the private subnets: nodes and pods)."""
    master_role_arn: pulumi.Input[str]
    """IAM role that administers the domain (fine-grained access control's master user)."""
    engine_version: str = "OpenSearch_2.19"
    instance_type: str = "m7g.large.search"
    instance_count: int = 3
    zones: int = 3
    """Zone awareness: 2 or 3 zones (1 turns it off)."""
    volume_gib: int = 50
    """gp3 storage per data node."""
    dedicated_masters: int = 0
    """Dedicated cluster-manager nodes: 0 (the data nodes elect one) or 3 (what AWS advises for
    large domains, and Checkov's CKV_AWS_318 asks for; each costs a node)."""
    dedicated_master_type: str = "m7g.large.search"
    log_retention_days: int = 365
    """Days the domain's own audit and error logs are kept (the `audit` class)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True


def validate(args: LogSearchArgs) -> None:
    require(
        re.fullmatch(r"[a-z][a-z0-9-]{2,27}", args.domain_name) is not None,
        "domain_name",
        f"'{args.domain_name}' is not a domain name (3-28 lowercase letters, digits, '-')",
    )
    require(args.zones in (1, 2, 3), "zones", "1, 2 or 3")
    require(
        len(args.subnet_ids) >= args.zones, "subnet_ids", f"needs a subnet in {args.zones} zones"
    )
    require(
        args.instance_count >= args.zones and args.instance_count % args.zones == 0,
        "instance_count",
        f"a multiple of zones ({args.zones}): zone awareness spreads nodes evenly",
    )
    require(
        args.instance_type.endswith(".search"), "instance_type", "an OpenSearch type (*.search)"
    )
    require(args.dedicated_masters in (0, 3), "dedicated_masters", "0 or 3")
    require(10 <= args.volume_gib <= 16384, "volume_gib", "10..16384")
    require(args.log_retention_days in LOG_RETENTION_DAYS, "log_retention_days",
            "a CloudWatch Logs retention period")  # fmt: skip
    require(bool(args.client_cidrs), "client_cidrs", "at least one")
    for client, cidr in args.client_cidrs.items():
        parse_cidr(f"client_cidrs.{client}", cidr)
