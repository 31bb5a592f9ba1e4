"""SLS log projects' args and check (alicloud_logs.py), apart: config runs them without the SDKs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import LOG_CLASSES, SLS_FOREVER_DAYS, LogClass, require

if TYPE_CHECKING:
    import pulumi


PROJECT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
STORE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$")


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


def validate_logs(args: LogProjectArgs) -> None:
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
