"""`groundwork:alicloud/monitoring:LogProject`: an SLS project of one retention class, with its
encrypted logstores kept that class's days.

SLS logstores carry no tags, so the class is the project's: the project's `log-class` tag (the same
tag as on AWS log groups, components/_base.py) names it, and the `cost-log-retention` policy holds
every logstore of the project to that class's floor. SLS keeps logs forever from 3650 days: refused.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi_alicloud import log

from components._base import (
    child_opts,
    log_class_tag,
    merged_tags,
    type_token,
)
from components.monitoring.alicloud_logs_spec import LogProjectArgs, validate_logs

SERVICE_KEY: dict[str, Any] = {"enable": True, "encrypt_type": "default"}
"""Encryption at rest with SLS's own key (AES-256): what every logstore gets at least."""


class LogProject(pulumi.ComponentResource):
    """An SLS project of one retention class, its logstores encrypted and kept the class's days."""

    project_name: pulumi.Output[str]
    stores: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: LogProjectArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(type_token("monitoring", "LogProject", cloud="alicloud"), name, None, opts)
        validate_logs(args)
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
