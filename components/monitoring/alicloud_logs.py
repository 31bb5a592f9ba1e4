"""`groundwork:alicloud/monitoring:LogProject`: an SLS project of one retention class, with its
encrypted logstores kept that class's days.

SLS logstores carry no tags, so the class is the project's: the project's `log-class` tag (the same
tag as on AWS log groups, components/_base.py) names it, and the `cost-log-retention` policy holds
every logstore of the project to that class's floor. SLS keeps logs forever from 3650 days: refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_alicloud import log

from components._base import (
    LOG_CLASSES,
    SLS_FOREVER_DAYS,
    LogClass,
    child_opts,
    log_class_tag,
    merged_tags,
    require,
    type_token,
)

PROJECT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
STORE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$")
SERVICE_KEY: dict[str, Any] = {"enable": True, "encrypt_type": "default"}
"""Encryption at rest with SLS's own key (AES-256): what every logstore gets at least."""


@dataclass(frozen=True, kw_only=True)
class LogProjectArgs:
    project_name: str
    """Globally unique SLS project name (lowercase letters, digits, '-')."""
    log_class: LogClass
    """Why these logs are kept: `application`, `audit` or `flow` (the project's tag)."""
    retention_days: int
    """Days every logstore of the project keeps its logs (the class's days), 1..3649."""
    stores: Sequence[str]
    """Logstore names; keyed by name, never by position."""
    kms_key_id: pulumi.Input[str] | None = None
    """Customer key encrypting the logstores; None: SLS's own key (still encrypted)."""
    encryption_role_arn: pulumi.Input[str] | None = None
    """RAM role SLS assumes to use the customer key (needed with `kms_key_id`)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True


class LogProject(pulumi.ComponentResource):
    """An SLS project of one retention class, its logstores encrypted and kept the class's days."""

    project_name: pulumi.Output[str]
    stores: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: LogProjectArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("monitoring", "LogProject", cloud="alicloud"), name, None, opts)
        _validate_logs(args)
        project = log.Project(
            f"{name}-project",
            project_name=args.project_name,
            description=f"{args.log_class.capitalize()} logs of {name}",
            tags=merged_tags(args.tags, f"{name}-project", **log_class_tag(args.log_class)),
            opts=child_opts(self, protect=args.protect_stateful),
        )
        self.project_name = project.project_name
        encrypt: dict[str, Any] = dict(SERVICE_KEY)
        if args.kms_key_id is not None:
            encrypt["user_cmk_info"] = {"cmk_key_id": args.kms_key_id,
                                        "arn": args.encryption_role_arn}  # fmt: skip
        days = args.retention_days
        self.stores = {}
        for store in sorted(args.stores):
            resource = log.Store(
                f"{name}-{store}",
                project_name=project.project_name,
                logstore_name=store,
                retention_period=days,
                hot_ttl=days if days >= 30 else None,
                shard_count=2,
                auto_split=True,
                max_split_shard_count=64,
                encrypt_conf=encrypt,
                opts=child_opts(self, protect=args.protect_stateful),
            )
            self.stores[store] = resource.logstore_name
        self.register_outputs({"projectName": self.project_name, "stores": self.stores})


def _validate_logs(args: LogProjectArgs) -> None:
    require(
        PROJECT_NAME.match(args.project_name) is not None,
        "project_name",
        f"'{args.project_name}' is not an SLS project name (3-63 lowercase letters, digits, '-')",
    )
    require(
        args.log_class in LOG_CLASSES,
        "log_class",
        f"'{args.log_class}' is not one of {', '.join(LOG_CLASSES)}",
    )
    require(
        1 <= args.retention_days < SLS_FOREVER_DAYS,
        "retention_days",
        f"SLS keeps logs 1 to {SLS_FOREVER_DAYS - 1} days ({SLS_FOREVER_DAYS}: forever)",
    )
    require(len(args.stores) > 0, "stores", "at least one logstore")
    require(len(set(args.stores)) == len(args.stores), "stores", "a logstore is listed twice")
    for store in args.stores:
        require(STORE_NAME.match(store) is not None, "stores", f"'{store}' is not a logstore name")
    require(
        (args.kms_key_id is None) == (args.encryption_role_arn is None),
        "encryption_role_arn",
        "a customer key needs the role SLS uses it with (and the role a key)",
    )
