"""The OSS replication role's args and check (alicloud_replication.py), apart: checked SDK-free."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from components._base import require

if TYPE_CHECKING:
    import pulumi


ROLE_NAME = re.compile(r"^[A-Za-z0-9.-]{1,64}$")


@dataclass(frozen=True, kw_only=True)
class ReplicationRoleArgs:
    role_name: str
    """The RAM role's name (RAM names are account-wide: include the stack's prefix)."""
    buckets: Sequence[str]
    """Names of every source and replica bucket the role may replicate between."""
    kms_key_arns: pulumi.Input[Sequence[str]]
    """ARNs of the keys of those buckets (may be resolved later: the buckets create them)."""
    tags: Mapping[str, str] = field(default_factory=dict)


def validate(args: ReplicationRoleArgs) -> None:
    require(
        ROLE_NAME.match(args.role_name) is not None and len(args.role_name) <= 64 - len("-policy"),
        "role_name",
        f"'{args.role_name}' is not a RAM role name (letters, digits, '.', '-'; at most 57)",
    )
    require(bool(args.buckets), "buckets", "at least one bucket to replicate")
