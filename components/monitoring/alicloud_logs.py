"""`groundwork:alicloud/monitoring:LogProject`: an SLS project with one encrypted logstore per
retention class, so every log has a stated lifetime (SLS treats 3650 days as forever: never used)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi_alicloud import log

from components._base import child_opts, merged_tags, require, type_token

RETENTION_CLASSES: dict[str, int] = {"debug": 7, "standard": 30, "audit": 365}
"""Logstores by how long their logs must be kept (days)."""
PROJECT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class LogProjectArgs:
    project_name: str
    """Globally unique SLS project name (lowercase letters, digits, '-')."""
    stores: Mapping[str, str]
    """Logstore name -> retention class (`RETENTION_CLASSES`)."""
    kms_key_id: pulumi.Input[str] | None = None
    """Customer key encrypting the logstores; None: SLS's own key (still encrypted)."""
    encryption_role_arn: pulumi.Input[str] | None = None
    """RAM role SLS assumes to use the customer key (needed with `kms_key_id`)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    protect_stateful: bool = True


class LogProject(pulumi.ComponentResource):
    """An SLS project with encrypted logstores, each keeping its logs for its class's days."""

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
            description=f"Logs of {name}",
            tags=merged_tags(args.tags, f"{name}-project"),
            opts=child_opts(self, protect=args.protect_stateful),
        )
        self.project_name = project.project_name
        encrypt: dict[str, Any] = {"enable": True, "encrypt_type": "default"}
        if args.kms_key_id is not None:
            encrypt["user_cmk_info"] = {"cmk_key_id": args.kms_key_id,
                                        "arn": args.encryption_role_arn}  # fmt: skip
        self.stores = {}
        for store, klass in sorted(args.stores.items()):  # keyed by name, never by position
            days = RETENTION_CLASSES[klass]
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
    require(len(args.stores) > 0, "stores", "at least one logstore")
    for store, klass in args.stores.items():
        require(
            re.match(r"^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", store) is not None,
            "stores",
            f"'{store}' is not a logstore name",
        )
        require(
            klass in RETENTION_CLASSES,
            f"stores.{store}",
            f"'{klass}' is not one of {', '.join(RETENTION_CLASSES)}",
        )
    require(
        (args.kms_key_id is None) == (args.encryption_role_arn is None),
        "encryption_role_arn",
        "a customer key needs the role SLS uses it with (and the role a key)",
    )
